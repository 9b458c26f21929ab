package org.strainline.shm;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The streams of one interferometer that are joined second by second, and the state-vector
 * channel (one of theirs) whose bits decide whether a second is science-ready:
 * {@code (state & readyMask) == readyMask} for every sample.
 */
public record IfoSpec(String ifo, List<StreamSpec> streams, String stateChannel, int readyMask) {
    /** The default ready mask: bits 0 and 1 of the calibrated state vector. */
    public static final int DEFAULT_READY_MASK = 3;

    public IfoSpec {
        if (ifo == null || !ifo.matches("[A-Z][0-9A-Z]")) {
            throw new IllegalArgumentException("ifo '" + ifo + "' is not a detector prefix like H1");
        }
        if (streams == null || streams.isEmpty()) {
            throw new IllegalArgumentException(ifo + ": no streams");
        }
        streams = List.copyOf(streams);
        Set<String> names = new HashSet<>();
        Set<String> channels = new HashSet<>();
        for (StreamSpec s : streams) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException(ifo + ": stream name '" + s.name() + "' used twice");
            }
            for (ChannelSpec c : s.channels()) {
                if (!channels.add(c.name())) {
                    throw new IllegalArgumentException(ifo + ": channel '" + c.name() + "' configured twice");
                }
            }
        }
        if (stateChannel != null && !channels.contains(stateChannel)) {
            throw new IllegalArgumentException(ifo + ": state channel '" + stateChannel + "' is not among the configured channels");
        }
        if (stateChannel != null && readyMask == 0) {
            throw new IllegalArgumentException(ifo + ": readyMask is 0, which would call every second ready");
        }
    }

    /** Number of channels over all streams. */
    public int channelCount() {
        int n = 0;
        for (StreamSpec s : streams) {
            n += s.channels().size();
        }
        return n;
    }

    /** Index over all streams (stream order, then channel order) of a channel, or -1. */
    public int channelIndex(String name) {
        int i = 0;
        for (StreamSpec s : streams) {
            for (ChannelSpec c : s.channels()) {
                if (c.name().equals(name)) {
                    return i;
                }
                i++;
            }
        }
        return -1;
    }

    /** The channel at an index over all streams. */
    public ChannelSpec channel(int index) {
        int i = index;
        for (StreamSpec s : streams) {
            if (i < s.channels().size()) {
                return s.channels().get(i);
            }
            i -= s.channels().size();
        }
        throw new IndexOutOfBoundsException(index);
    }

    /** Index of the first channel of stream {@code s}. */
    public int firstChannel(int s) {
        int i = 0;
        for (int k = 0; k < s; k++) {
            i += streams.get(k).channels().size();
        }
        return i;
    }
}
