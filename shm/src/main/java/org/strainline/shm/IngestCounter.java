package org.strainline.shm;

/**
 * The outcomes ingest counts, one counter per IFO each, with stable ids (for the metrics endpoint;
 * never renumber, only append) and labels.
 *
 * <p>Every second from the start on ends up in exactly one of {@link #SECONDS_PUBLISHED},
 * {@link #SECONDS_DROPPED_GAP_POLICY} and {@link #SECONDS_DROPPED_RING_FULL}; the other second
 * counters say what the published or dropped seconds were. Every file seen ends up in exactly one
 * of {@link #FILES_DECODED}, {@link #FILES_CORRUPT}, {@link #FILES_LATE}, {@link #FILES_DUPLICATE}
 * and {@link #FILES_UNREADABLE}.
 */
public enum IngestCounter {
    FILES_SEEN(0, "frame files seen"),
    FILES_DECODED(1, "frame files decoded"),
    FILES_CORRUPT(2, "frame files corrupt (bad checksum, malformed, wrong GPS or duration, still truncated at the deadline)"),
    FILES_LATE(3, "frame files that arrived after their second was handed on"),
    FILES_DUPLICATE(4, "frame files for a second and stream already read"),
    FILES_UNREADABLE(5, "frame files that could not be opened (vanished, refused, too large)"),
    FILE_RETRIES(6, "reads of a truncated file repeated while it is being written"),
    FILES_REFUSED(7, "directory entries refused (symbolic links leaving the directory, non-regular files)"),
    FILES_IGNORED(8, "directory entries whose names are not frame files of the stream"),
    SECONDS_PUBLISHED(9, "seconds published to the ring"),
    SECONDS_INVALID(10, "published seconds flagged INVALID"),
    SECONDS_NOT_READY(11, "seconds whose state vector is not science-ready (or unknown)"),
    SECONDS_GAP(12, "seconds without any file"),
    SECONDS_CORRUPT(13, "seconds whose files were all unreadable or corrupt"),
    SECONDS_PARTIAL(14, "seconds handed on without one of their streams"),
    SECONDS_DROPPED_GAP_POLICY(15, "seconds dropped by the gap policy (reset, skip, or a gap longer than maxPadSeconds)"),
    SECONDS_DROPPED_RING_FULL(16, "seconds dropped because the ring was full"),
    CHANNEL_MISSING(17, "channels missing from a frame"),
    CHANNEL_WRONG_LENGTH(18, "channels with a number of samples other than rate x duration"),
    CHANNEL_WRONG_RATE(19, "channels with another sample rate than configured"),
    CHANNEL_NONFINITE(20, "channels with NaN or infinite samples (zeroed)"),
    INOTIFY_OVERFLOWS(21, "inotify queue overflows (each followed by a directory listing)"),
    CONSUMER_EXCEPTIONS(22, "exceptions thrown by ring consumers (logged, the consumer goes on)"),
    INGEST_ERRORS(23, "unexpected errors in the ingest loop (logged, the loop goes on)"),
    FILES_HELD(24, "frame files that found the ring full and waited on disk for room (read in order later)");

    private final int id;
    private final String label;

    IngestCounter(int id, String label) {
        this.id = id;
        this.label = label;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** The metric name, e.g. {@code strainline_ingest_files_seen_total}. */
    public String metricName() {
        return "strainline_ingest_" + name().toLowerCase(java.util.Locale.ROOT) + "_total";
    }
}
