package org.strainline.shm;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the ingest needs, validated once at construction: a bad value fails with the key and
 * the reason. Times are nanoseconds.
 *
 * @param ifos            the interferometers and their streams
 * @param start           where each stream starts
 * @param startGps        the GPS second to start at for {@link StartPolicy#GPS}
 * @param gapPolicy       what a second without readable data becomes
 * @param latenessNs      how long a second waits for a partner stream's file (and a missing second
 *                        for its files, counted from the arrival of a later second) before it is
 *                        handed on without them; also the deadline of a file still being written
 * @param retryIntervalNs how often a truncated (still being written) file is read again
 * @param maxPadSeconds   under {@link GapPolicy#PAD}, the longest run of padded seconds; a longer
 *                        gap is dropped (counted) and the next second carries RESET
 * @param watchMode       inotify, polling, or inotify with a polling fallback
 * @param pollIntervalMs  the polling interval of the fallback
 * @param readMode        memory map or copy
 * @param ringSize        slots of each IFO's ring (a power of two)
 * @param windowSeconds   seconds the assembler holds open at once (out-of-order arrivals within it are joined)
 * @param maxFileBytes    the largest frame file read (the size of the map window)
 * @param threadPerIfo    one ingest thread per IFO (the IFOs' files of a second decoded side by
 *                        side), or one thread for all
 */
public record IngestConfig(List<IfoSpec> ifos, StartPolicy start, long startGps, GapPolicy gapPolicy,
                           long latenessNs, long retryIntervalNs, int maxPadSeconds,
                           StreamWatcher.Mode watchMode, long pollIntervalMs, ReadMode readMode,
                           int ringSize, int windowSeconds, int maxFileBytes, boolean threadPerIfo) {

    public static final long DEFAULT_LATENESS_NS = 1_000_000_000L;
    public static final long DEFAULT_RETRY_INTERVAL_NS = 20_000_000L;
    public static final int DEFAULT_MAX_PAD_SECONDS = 16;
    public static final long DEFAULT_POLL_INTERVAL_MS = 20;
    public static final int DEFAULT_RING_SIZE = 64;
    public static final int DEFAULT_WINDOW_SECONDS = 32;
    public static final int DEFAULT_MAX_FILE_BYTES = 64 << 20;

    public IngestConfig {
        if (ifos == null || ifos.isEmpty()) {
            throw new IllegalArgumentException("ingest.ifos: at least one IFO is needed");
        }
        ifos = List.copyOf(ifos);
        Set<String> seen = new HashSet<>();
        Set<String> dirs = new HashSet<>();
        for (IfoSpec i : ifos) {
            if (!seen.add(i.ifo())) {
                throw new IllegalArgumentException("ingest.ifos: " + i.ifo() + " configured twice");
            }
            for (StreamSpec s : i.streams()) {
                if (!dirs.add(s.directory().toAbsolutePath().normalize() + "|" + s.prefix())) {
                    throw new IllegalArgumentException("ingest.ifos." + i.ifo() + ".streams." + s.name()
                            + ": directory " + s.directory() + " with prefix " + s.prefix() + " is already another stream");
                }
            }
        }
        if (start == null) {
            throw new IllegalArgumentException("ingest.start: missing");
        }
        if (start == StartPolicy.GPS && (startGps < 0 || startGps > 9_999_999_999L)) {
            throw new IllegalArgumentException("ingest.startGps: " + startGps + " is not a 10-digit GPS second");
        }
        if (gapPolicy == null) {
            throw new IllegalArgumentException("ingest.gapPolicy: missing");
        }
        positive("ingest.latenessMs", latenessNs);
        positive("ingest.retryIntervalMs", retryIntervalNs);
        if (maxPadSeconds < 0) {
            throw new IllegalArgumentException("ingest.maxPadSeconds: must be >= 0, got " + maxPadSeconds);
        }
        if (watchMode == null) {
            throw new IllegalArgumentException("ingest.watch: missing");
        }
        positive("ingest.pollIntervalMs", pollIntervalMs);
        if (readMode == null) {
            throw new IllegalArgumentException("ingest.read: missing");
        }
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("ingest.ringSize: must be a power of two >= 2, got " + ringSize);
        }
        if (windowSeconds < 2 || windowSeconds > 4096) {
            throw new IllegalArgumentException("ingest.windowSeconds: must be in 2..4096, got " + windowSeconds);
        }
        if (maxFileBytes < 4096) {
            throw new IllegalArgumentException("ingest.maxFileBytes: must be >= 4096, got " + maxFileBytes);
        }
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + ": must be positive, got " + v);
        }
    }

    /** The IFOs' names, in configuration order. */
    public List<String> ifoNames() {
        List<String> names = new java.util.ArrayList<>();
        for (IfoSpec i : ifos) {
            names.add(i.ifo());
        }
        return names;
    }

    /** A configuration with every default: newest start, pad gaps, 1 s lateness, inotify with fallback, mmap. */
    public static IngestConfig of(List<IfoSpec> ifos) {
        return builder(ifos).build();
    }

    public static Builder builder(List<IfoSpec> ifos) {
        return new Builder(ifos);
    }

    /** Defaults, then the values to change. */
    public static final class Builder {
        private final List<IfoSpec> ifos;
        private StartPolicy start = StartPolicy.NEWEST;
        private long startGps = -1;
        private GapPolicy gapPolicy = GapPolicy.PAD;
        private long latenessNs = DEFAULT_LATENESS_NS;
        private long retryIntervalNs = DEFAULT_RETRY_INTERVAL_NS;
        private int maxPadSeconds = DEFAULT_MAX_PAD_SECONDS;
        private StreamWatcher.Mode watchMode = StreamWatcher.Mode.AUTO;
        private long pollIntervalMs = DEFAULT_POLL_INTERVAL_MS;
        private ReadMode readMode = ReadMode.MMAP;
        private int ringSize = DEFAULT_RING_SIZE;
        private int windowSeconds = DEFAULT_WINDOW_SECONDS;
        private int maxFileBytes = DEFAULT_MAX_FILE_BYTES;
        private boolean threadPerIfo = true;

        private Builder(List<IfoSpec> ifos) {
            this.ifos = ifos;
        }

        public Builder start(StartPolicy policy) {
            this.start = policy;
            return this;
        }

        public Builder startGps(long gps) {
            this.start = StartPolicy.GPS;
            this.startGps = gps;
            return this;
        }

        public Builder gapPolicy(GapPolicy p) {
            this.gapPolicy = p;
            return this;
        }

        public Builder latenessNs(long ns) {
            this.latenessNs = ns;
            return this;
        }

        public Builder retryIntervalNs(long ns) {
            this.retryIntervalNs = ns;
            return this;
        }

        public Builder maxPadSeconds(int s) {
            this.maxPadSeconds = s;
            return this;
        }

        public Builder watchMode(StreamWatcher.Mode m) {
            this.watchMode = m;
            return this;
        }

        public Builder pollIntervalMs(long ms) {
            this.pollIntervalMs = ms;
            return this;
        }

        public Builder readMode(ReadMode m) {
            this.readMode = m;
            return this;
        }

        public Builder ringSize(int n) {
            this.ringSize = n;
            return this;
        }

        public Builder windowSeconds(int n) {
            this.windowSeconds = n;
            return this;
        }

        public Builder maxFileBytes(int n) {
            this.maxFileBytes = n;
            return this;
        }

        /** One ingest thread per IFO (the default), or one thread for all. */
        public Builder threadPerIfo(boolean perIfo) {
            this.threadPerIfo = perIfo;
            return this;
        }

        public IngestConfig build() {
            return new IngestConfig(ifos, start, startGps, gapPolicy, latenessNs, retryIntervalNs, maxPadSeconds,
                    watchMode, pollIntervalMs, readMode, ringSize, windowSeconds, maxFileBytes, threadPerIfo);
        }
    }
}
