package org.strainline.shm;

import java.nio.file.Path;
import java.util.List;

/**
 * One stream directory of an IFO and the channels read from it, e.g. the strain stream
 * {@code /dev/shm/kafka/H1} with prefix {@code H-H1_llhoft}, or the witness stream
 * {@code /dev/shm/lldetchar/H1} with prefix {@code H-H1_lldetchar}.
 */
public record StreamSpec(String name, Path directory, String prefix, List<ChannelSpec> channels) {
    public StreamSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("stream name is empty");
        }
        if (directory == null) {
            throw new IllegalArgumentException("stream '" + name + "': directory is missing");
        }
        if (prefix == null || !prefix.matches("[a-zA-Z0-9_:]+-[a-zA-Z0-9_:-]+|[a-zA-Z0-9_:]+")) {
            throw new IllegalArgumentException("stream '" + name + "': prefix '" + prefix
                    + "' is not of the form OBS-TAG (e.g. H-H1_llhoft)");
        }
        if (channels == null || channels.isEmpty()) {
            throw new IllegalArgumentException("stream '" + name + "': no channels");
        }
        channels = List.copyOf(channels);
    }
}
