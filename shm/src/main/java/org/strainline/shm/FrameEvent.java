package org.strainline.shm;

/**
 * One GPS second of one IFO in the ring: the configured channels' samples (strain, witnesses,
 * state vector, in configuration order), what kind of second it is, its flags, and the times it
 * passed through ingest. Preallocated by the ring and overwritten for every second; consumers
 * read it between the ring's barriers and must not keep references to it.
 */
public final class FrameEvent {
    /** Do not use the data as they are: some channel or stream is missing or was repaired. */
    public static final int INVALID = 1;
    /** The state vector says the second is not science-ready (or the state vector is unusable). */
    public static final int NOT_READY = 2;
    /** No file arrived for this second (padded with zeros). */
    public static final int GAP = 4;
    /** The second's files were all corrupt or unreadable (padded with zeros). */
    public static final int CORRUPT = 8;
    /** One of the second's streams is missing or unreadable (its channels hold zeros). */
    public static final int PARTIAL = 16;
    /** Seconds before this one were dropped (gap policy or a full ring): restart any state kept across seconds. */
    public static final int RESET = 32;
    /** Some channel has a {@link ChannelSlot#flags()} problem. */
    public static final int CHANNEL_PROBLEM = 64;

    private final String ifo;
    private final ChannelSlot[] channels;
    private final long[] streamMtimeUnixNs;
    private final long[] streamDetectedNs;
    private final long[] streamDecodedNs;
    long gpsS;
    SecondKind kind = SecondKind.GAP;
    int flags;
    long fileMtimeUnixNs;
    long detectedNs;
    long decodedNs;
    long publishedNs;

    public FrameEvent(IfoSpec spec) {
        this.ifo = spec.ifo();
        this.channels = new ChannelSlot[spec.channelCount()];
        for (int i = 0; i < channels.length; i++) {
            ChannelSpec c = spec.channel(i);
            channels[i] = new ChannelSlot(c.name(), c.rateHz());
        }
        this.streamMtimeUnixNs = new long[spec.streams().size()];
        this.streamDetectedNs = new long[spec.streams().size()];
        this.streamDecodedNs = new long[spec.streams().size()];
    }

    public String ifo() {
        return ifo;
    }

    /**
     * Makes this event a clean, ready second {@code gps} that follows the one before (kind NEXT, no
     * flags, no file times), its channel slots holding what was written into them: for rehearsing
     * a consumer on made-up data before the first live second (the JIT's warm-up).
     */
    public void rehearse(long gps) {
        gpsS = gps;
        kind = SecondKind.NEXT;
        flags = 0;
        fileMtimeUnixNs = 0;
        detectedNs = 0;
        decodedNs = 0;
        publishedNs = 0;
        java.util.Arrays.fill(streamMtimeUnixNs, 0);
        java.util.Arrays.fill(streamDetectedNs, 0);
        java.util.Arrays.fill(streamDecodedNs, 0);
    }

    /** GPS start of the second. */
    public long gpsS() {
        return gpsS;
    }

    public SecondKind kind() {
        return kind;
    }

    /** {@link #INVALID}, {@link #NOT_READY}, ... bits. */
    public int flags() {
        return flags;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Science-ready and valid: usable as it is. */
    public boolean usable() {
        return (flags & (INVALID | NOT_READY)) == 0;
    }

    public int channelCount() {
        return channels.length;
    }

    /** Channel {@code i} in configuration order (streams in order, their channels in order). */
    public ChannelSlot channel(int i) {
        return channels[i];
    }

    /** Latest modification time (Unix epoch, ns) of the second's files; 0 for a padded second. */
    public long fileMtimeUnixNs() {
        return fileMtimeUnixNs;
    }

    /** Modification time of stream {@code s}'s file (Unix epoch ns), 0 if it had none. */
    public long streamMtimeUnixNs(int s) {
        return streamMtimeUnixNs[s];
    }

    /** When stream {@code s}'s file was seen ({@link System#nanoTime()}), 0 if it had none. */
    public long streamDetectedNs(int s) {
        return streamDetectedNs[s];
    }

    /** When stream {@code s}'s file was decoded ({@link System#nanoTime()}), 0 if it had none. */
    public long streamDecodedNs(int s) {
        return streamDecodedNs[s];
    }

    /** Number of streams the second joins. */
    public int streamCount() {
        return streamDetectedNs.length;
    }

    /** When the last of the second's files was seen ({@link System#nanoTime()}). */
    public long detectedNs() {
        return detectedNs;
    }

    /** When the last of the second's files was decoded ({@link System#nanoTime()}). */
    public long decodedNs() {
        return decodedNs;
    }

    /** When the second was handed to the ring ({@link System#nanoTime()}). */
    public long publishedNs() {
        return publishedNs;
    }

    void copyFrom(FrameAssembler.Second s) {
        gpsS = s.gps;
        kind = s.kind;
        flags = s.flags;
        fileMtimeUnixNs = 0;
        detectedNs = 0;
        decodedNs = 0;
        for (int k = 0; k < streamMtimeUnixNs.length; k++) {
            streamMtimeUnixNs[k] = s.mtimeUnixNs[k];
            streamDetectedNs[k] = s.detectedNs[k];
            streamDecodedNs[k] = s.decodedNs[k];
            fileMtimeUnixNs = Math.max(fileMtimeUnixNs, s.mtimeUnixNs[k]);
            detectedNs = Math.max(detectedNs, s.detectedNs[k]);
            decodedNs = Math.max(decodedNs, s.decodedNs[k]);
        }
        publishedNs = s.publishedNs;
        for (int i = 0; i < channels.length; i++) {
            channels[i].copyFrom(s.slots[i]);
        }
    }
}
