package org.strainline.shm;

import java.nio.ByteBuffer;
import org.strainline.gwf.ChannelName;
import org.strainline.gwf.FrameDecoder;
import org.strainline.gwf.GwfException;
import org.strainline.gwf.GwfReader;

/**
 * Joins the streams of one IFO second by second and hands each second on, in GPS order, exactly
 * once: with data (possibly flagged), padded, or dropped with a counted reason.
 *
 * <p>Files arrive through {@link #onFile} as the watchers see them, in any order. A file is decoded
 * at once into the second's preallocated channel slots (only the configured channels, checked for
 * missing channels, sample rate, length and NaN/Inf, each problem flagged, counted and logged once
 * per distinct cause). A second is handed on when all its streams are in, or when the lateness
 * budget since its first file has passed (the absent streams flagged); a second of which nothing
 * arrived becomes a gap once a later second has waited out the lateness budget. A file still being
 * written (truncated) is read again every retry interval until its deadline, then counted corrupt.
 * A file for a second already handed on is LATE, a second file for the same second and stream is
 * a DUPLICATE; both are counted and dropped. Seconds without readable data follow the
 * {@link GapPolicy}. A second is science-ready when {@code (state & mask) == mask} for every
 * sample of the state-vector channel.
 *
 * <p>Time comes from the caller ({@code nowNs} arguments, and the clock for decode timestamps),
 * so tests drive it by hand. Allocation free in steady state: only the first log line of each
 * distinct problem and the exceptions of bad files allocate. Owned by the ingest thread.
 */
public final class FrameAssembler {
    private static final System.Logger LOG = System.getLogger(FrameAssembler.class.getName());

    /** Where resolved seconds go (the ring). */
    @FunctionalInterface
    public interface SecondSink {
        /** Takes a second; false when it cannot (ring full): the second is then counted as dropped. */
        boolean offer(Second second);

        /**
         * Whether {@link #offer} would take a second now. While it says no, the assembler keeps
         * the seconds that are due (it drops one only when a newer file forces it out of the window).
         */
        default boolean hasRoom() {
            return true;
        }
    }

    /** A clock of nanoseconds ({@link System#nanoTime()} in production, by hand in tests). */
    @FunctionalInterface
    public interface NanoClock {
        long nanoTime();
    }

    static final byte ABSENT = 0;
    static final byte DECODED = 1;
    static final byte RETRYING = 2;
    static final byte FAILED = 3;

    /** One second being assembled: per-stream state and the channels' slots. */
    public static final class Second {
        long gps = -1;
        final ChannelSlot[] slots;
        final byte[] state;
        final boolean[] unreadable;
        final long[] detectedNs;
        final long[] decodedNs;
        final long[] mtimeUnixNs;
        final long[] deadlineNs;
        final long[] retryAtNs;
        final int[] durationS;
        long firstSeenNs;
        int present;
        SecondKind kind = SecondKind.NEXT;
        int flags;
        long publishedNs;

        Second(IfoSpec spec) {
            slots = new ChannelSlot[spec.channelCount()];
            for (int i = 0; i < slots.length; i++) {
                ChannelSpec c = spec.channel(i);
                slots[i] = new ChannelSlot(c.name(), c.rateHz());
            }
            int n = spec.streams().size();
            state = new byte[n];
            unreadable = new boolean[n];
            detectedNs = new long[n];
            decodedNs = new long[n];
            mtimeUnixNs = new long[n];
            deadlineNs = new long[n];
            retryAtNs = new long[n];
            durationS = new int[n];
        }

        void reset(long newGps) {
            gps = newGps;
            present = 0;
            flags = 0;
            firstSeenNs = Long.MAX_VALUE;
            for (int k = 0; k < state.length; k++) {
                state[k] = ABSENT;
                unreadable[k] = false;
                detectedNs[k] = 0;
                decodedNs[k] = 0;
                mtimeUnixNs[k] = 0;
            }
        }

        public long gps() {
            return gps;
        }

        public SecondKind kind() {
            return kind;
        }

        public int flags() {
            return flags;
        }

        public ChannelSlot slot(int i) {
            return slots[i];
        }
    }

    // distinct causes, each logged once per stream or channel
    private static final int CAUSE_CORRUPT = 0;
    private static final int CAUSE_TRUNCATED = 1;
    private static final int CAUSE_UNREADABLE = 2;
    private static final int CAUSE_LATE = 3;
    private static final int CAUSE_DUPLICATE = 4;
    private static final int CAUSE_DURATION = 5;
    private static final int CAUSE_GPS = 6;
    private static final int STREAM_CAUSES = 7;
    private static final int CH_MISSING = 0;
    private static final int CH_WRONG_LENGTH = 1;
    private static final int CH_WRONG_RATE = 2;
    private static final int CH_NONFINITE = 3;
    private static final int CHANNEL_CAUSES = 4;

    private final IfoSpec spec;
    private final String ifo;
    private final FrameFiles files;
    private final IngestCounters counters;
    private final NanoClock clock;
    private final SecondSink sink;
    private final GapPolicy gapPolicy;
    private final long latenessNs;
    private final long retryIntervalNs;
    private final int maxPad;
    private final int streams;
    private final int[] firstChannel;
    private final int[] channelCount;
    private final ChannelName[] names;
    private final int[] rates;
    private final String[] streamLabels;
    private final int stateIndex;
    private final long readyMask;
    private final FrameDecoder decoder;
    private static final java.util.concurrent.atomic.AtomicBoolean SAID_ZLIB = new java.util.concurrent.atomic.AtomicBoolean();
    private final Second[] window;
    private final Second padding;
    private final long[] historyGps;
    private final int[] historyMask;
    private final boolean[] loggedStream;
    private final boolean[] loggedChannel;
    private volatile long next = -1;   // read by other threads (nextGps): the join of BBHnet asks how far ingest is
    private boolean startFixed;
    private boolean resetPending;
    private int gapRun;
    /** The first GPS second of the run without data now going on (-1: data), for one log line per change. */
    private long gapFrom = -1;
    /** Per stream: its file has been missing from the seconds handed on since this GPS (-1: it comes). */
    private final long[] streamMissingFrom;
    private long lastResolved = -1;
    /** A second is due but the sink had no room for it: {@link #doWork} must be called again soon. */
    private boolean waitingForRoom;

    public FrameAssembler(IfoSpec spec, IngestConfig cfg, FrameFiles files, IngestCounters counters,
                          NanoClock clock, SecondSink sink) {
        this.spec = spec;
        this.ifo = spec.ifo();
        this.files = files;
        this.counters = counters;
        this.clock = clock;
        this.sink = sink;
        this.gapPolicy = cfg.gapPolicy();
        this.latenessNs = cfg.latenessNs();
        this.retryIntervalNs = cfg.retryIntervalNs();
        this.maxPad = cfg.maxPadSeconds();
        this.streams = spec.streams().size();
        if (streams > 31) {
            throw new IllegalArgumentException(ifo + ": at most 31 streams per IFO, got " + streams);
        }
        this.firstChannel = new int[streams];
        this.channelCount = new int[streams];
        this.streamLabels = new String[streams];
        this.streamMissingFrom = new long[streams];
        java.util.Arrays.fill(streamMissingFrom, -1);
        for (int s = 0; s < streams; s++) {
            firstChannel[s] = spec.firstChannel(s);
            channelCount[s] = spec.streams().get(s).channels().size();
            streamLabels[s] = ifo + " stream " + spec.streams().get(s).name();
        }
        int n = spec.channelCount();
        this.names = new ChannelName[n];
        this.rates = new int[n];
        for (int i = 0; i < n; i++) {
            names[i] = ChannelName.of(spec.channel(i).name());
            rates[i] = spec.channel(i).rateHz();
        }
        this.stateIndex = spec.stateChannel() == null ? -1 : spec.channelIndex(spec.stateChannel());
        this.readyMask = spec.readyMask() & 0xFFFFFFFFL;
        this.decoder = new FrameDecoder(true, Math.max(GwfReader.DEFAULT_MAX_VECTOR_BYTES, cfg.maxFileBytes() * 4L));
        Libdeflate fast = Libdeflate.open();
        decoder.inflateWith(fast);
        if (!SAID_ZLIB.getAndSet(true)) {
            LOG.log(System.Logger.Level.INFO, "ingest: gzip vectors expanded by " + (fast != null ? fast.describe()
                    : "the JDK's Inflater (" + Libdeflate.unavailable() + ")"));
        }
        int w = cfg.windowSeconds();
        this.window = new Second[w];
        for (int i = 0; i < w; i++) {
            window[i] = new Second(spec);
        }
        this.padding = new Second(spec);
        this.historyGps = new long[w];
        java.util.Arrays.fill(historyGps, -1);
        this.historyMask = new int[w];
        this.loggedStream = new boolean[streams * STREAM_CAUSES];
        this.loggedChannel = new boolean[n * CHANNEL_CAUSES];
    }

    public String ifo() {
        return ifo;
    }

    public IngestCounters counters() {
        return counters;
    }

    /** Sets the first second to hand on (before any file); without it the first file arriving sets it. */
    public void startAt(long gps) {
        if (next >= 0) {
            throw new IllegalStateException(ifo + ": already started at " + next);
        }
        next = gps;
        startFixed = true;
    }

    /** The next second to be handed on, or -1 before the start is known. */
    public long nextGps() {
        return next;
    }

    /** The last second handed on or dropped, or -1. */
    public long lastResolvedGps() {
        return lastResolved;
    }

    /** Whether the second {@code gps} is open: some of its files arrived and it has not been handed on. */
    public boolean holds(long gps) {
        if (next < 0 || gps < next) {
            return false;
        }
        Second s = slotOf(gps);
        return s.gps == gps && s.present > 0;
    }

    /** Whether a second that is due waits because the sink had no room (call {@link #doWork} again soon). */
    public boolean waitingForRoom() {
        return waitingForRoom;
    }

    private Second slotOf(long gps) {
        return window[(int) Math.floorMod(gps, (long) window.length)];
    }

    private int historyIndex(long gps) {
        return (int) Math.floorMod(gps, (long) historyGps.length);
    }

    /**
     * A file of stream {@code stream} for second {@code gps} lasting {@code durationS} was seen at
     * {@code detectedNs}; decodes it (or classifies it as late or duplicate) and hands on what is
     * complete. Returns the number of seconds handed on or dropped.
     */
    public int onFile(int stream, long gps, int durationS, long detectedNs) {
        if (durationS != 1) {
            counters.increment(IngestCounter.FILES_SEEN);
            counters.increment(IngestCounter.FILES_CORRUPT);
            logStream(stream, CAUSE_DURATION, gps, durationS, "lasts " + durationS
                    + " s; online streams carry 1-s files (split longer files with strainline replay)");
            return 0;
        }
        if (next < 0) {
            next = gps;
        } else if (!startFixed && lastResolved < 0 && gps < next && newestPending() - gps < window.length) {
            next = gps;    // the start was set by the first file to arrive: an earlier one arrived just after it
        }
        int resolved = 0;
        if (gps < next) {
            counters.increment(IngestCounter.FILES_SEEN);
            int h = historyIndex(gps);
            if (historyGps[h] == gps && (historyMask[h] & (1 << stream)) != 0) {
                counters.increment(IngestCounter.FILES_DUPLICATE);
                logStream(stream, CAUSE_DUPLICATE, gps, 1, "is a second file for a second already read (dropped)");
            } else {
                counters.increment(IngestCounter.FILES_LATE);
                logStream(stream, CAUSE_LATE, gps, 1, "arrived after its second was handed on (dropped)");
            }
            return 0;
        }
        if (gps >= next + window.length) {
            resolved += advanceTo(gps - window.length + 1, detectedNs);
            startFixed = true;
        }
        Second s = slotOf(gps);
        if (s.gps != gps) {
            s.reset(gps);
        }
        byte st = s.state[stream];
        if (st == DECODED || st == FAILED) {
            counters.increment(IngestCounter.FILES_SEEN);
            counters.increment(IngestCounter.FILES_DUPLICATE);
            logStream(stream, CAUSE_DUPLICATE, gps, 1, "is a second file for a second already read (dropped)");
            return resolved;
        }
        if (st == ABSENT) {
            counters.increment(IngestCounter.FILES_SEEN);
            s.present++;
            s.detectedNs[stream] = detectedNs;
            s.deadlineNs[stream] = detectedNs + latenessNs;
            s.firstSeenNs = Math.min(s.firstSeenNs, detectedNs);
        } else {
            counters.increment(IngestCounter.FILE_RETRIES);   // RETRYING: the writer closed it again
        }
        s.durationS[stream] = durationS;
        decode(s, stream, detectedNs);
        return resolved + emit(detectedNs);
    }

    /**
     * Retries truncated files that are due and hands on seconds whose waiting time is over.
     * Returns the number of seconds handed on or dropped plus retries made.
     */
    public int doWork(long nowNs) {
        int work = 0;
        if (next < 0) {
            return 0;
        }
        for (Second s : window) {
            if (s.gps < next || s.present == 0) {
                continue;
            }
            for (int k = 0; k < streams; k++) {
                if (s.state[k] == RETRYING && nowNs >= s.retryAtNs[k]) {
                    counters.increment(IngestCounter.FILE_RETRIES);
                    decode(s, k, nowNs);
                    work++;
                }
            }
        }
        return work + emit(nowNs);
    }

    /**
     * The earliest time {@link #doWork} has something to do (a retry or a waiting second's
     * deadline), or {@code Long.MAX_VALUE}.
     */
    public long nextDeadlineNs() {
        long d = Long.MAX_VALUE;
        if (next < 0) {
            return d;
        }
        for (Second s : window) {
            if (s.gps < next || s.present == 0) {
                continue;
            }
            d = Math.min(d, s.firstSeenNs + latenessNs);
            for (int k = 0; k < streams; k++) {
                if (s.state[k] == RETRYING) {
                    d = Math.min(d, Math.min(s.retryAtNs[k], s.deadlineNs[k]));
                }
            }
        }
        return d;
    }

    /**
     * Stops: hands on every second up to the newest one seen, waiting for nothing (what is
     * missing is flagged, what is still truncated is corrupt). Returns the number resolved.
     */
    public int flush(long nowNs) {
        if (next < 0) {
            return 0;
        }
        long newest = newestPending();
        int n = 0;
        while (next <= newest) {
            if (!sink.hasRoom()) {
                waitingForRoom = true;
                LOG.log(System.Logger.Level.INFO, ifo + ": stopping with GPS " + next + "-" + newest + " not handed on"
                        + " (the ring is full); a run started again resumes after the last second published");
                break;
            }
            n += advanceTo(next + 1, nowNs);
        }
        return n;
    }

    // ------------------------------------------------------------------ decoding

    private void decode(Second s, int stream, long nowNs) {
        int first = firstChannel[stream];
        int count = channelCount[stream];
        int opened = files.open(stream, s.gps, s.durationS[stream]);
        if (opened != FrameFiles.OK) {
            files.close();
            if (opened == FrameFiles.ABSENT && s.state[stream] == RETRYING && nowNs < s.deadlineNs[stream]) {
                s.retryAtNs[stream] = nowNs + retryIntervalNs;   // renamed away mid-write: may come back
                return;
            }
            fail(s, stream, true);
            counters.increment(IngestCounter.FILES_UNREADABLE);
            logStream(stream, CAUSE_UNREADABLE, s.gps, 1, "cannot be read: " + files.problem());
            return;
        }
        try {
            ByteBuffer b = files.buffer();
            decoder.open(b, streamLabels[stream]);
            long startNs = decoder.gpsStartNs(0);
            if (startNs >= 0 && startNs != s.gps * 1_000_000_000L) {
                failCorrupt(s, stream, CAUSE_GPS, "holds a frame starting at GPS " + (startNs / 1_000_000_000L) + "."
                        + String.format("%09d", startNs % 1_000_000_000L) + ", not the second its name says");
                return;
            }
            if (decoder.toc() != null && decoder.toc().durationS(0) != 1.0) {
                failCorrupt(s, stream, CAUSE_DURATION, "holds a frame of " + decoder.toc().durationS(0)
                        + " s; online streams carry 1-s frames");
                return;
            }
            for (int i = first; i < first + count; i++) {
                readChannel(s, stream, i);
            }
            s.state[stream] = DECODED;
            s.decodedNs[stream] = clock.nanoTime();
            s.mtimeUnixNs[stream] = files.mtimeUnixNs();
            counters.increment(IngestCounter.FILES_DECODED);
        } catch (GwfException e) {
            if (e.kind() == GwfException.Kind.TRUNCATED && nowNs < s.deadlineNs[stream]) {
                s.state[stream] = RETRYING;
                s.retryAtNs[stream] = nowNs + retryIntervalNs;
            } else if (e.kind() == GwfException.Kind.TRUNCATED) {
                failCorrupt(s, stream, CAUSE_TRUNCATED, "is still truncated at its deadline (" + e.reason() + ")");
            } else {
                failCorrupt(s, stream, CAUSE_CORRUPT, "is corrupt: " + e.reason());
            }
        } catch (RuntimeException | InternalError e) {
            // an InternalError is how the JVM reports a fault on a mapped file truncated under it
            failCorrupt(s, stream, CAUSE_CORRUPT, "could not be decoded: " + e);
        } finally {
            files.close();
        }
    }

    private void readChannel(Second s, int stream, int i) throws GwfException {
        ChannelSlot slot = s.slots[i];
        slot.flags = 0;
        slot.foundRateHz = 0;
        slot.foundSamples = 0;
        long n;
        try {
            n = decoder.find(0, names[i]);
        } catch (GwfException e) {
            if (e.kind() != GwfException.Kind.NOT_FOUND) {
                throw e;
            }
            slot.flags = ChannelSlot.MISSING;
            slot.zero();
            counters.increment(IngestCounter.CHANNEL_MISSING);
            logChannel(stream, i, CH_MISSING, s.gps, "not found");
            return;
        }
        int rate = rates[i];
        double found = decoder.lastSampleRate();
        slot.foundRateHz = found;
        slot.foundSamples = n;
        if (Math.abs(found - rate) > 1e-9 * rate) {
            slot.flags |= ChannelSlot.WRONG_RATE;
            counters.increment(IngestCounter.CHANNEL_WRONG_RATE);
            logChannel(stream, i, CH_WRONG_RATE, s.gps, "has sample rate " + found + " Hz, configured " + rate + " Hz");
        }
        if (n != rate || decoder.lastType().isComplex()) {
            slot.flags |= ChannelSlot.WRONG_LENGTH;
            slot.zero();
            counters.increment(IngestCounter.CHANNEL_WRONG_LENGTH);
            logChannel(stream, i, CH_WRONG_LENGTH, s.gps, "has " + n + " values of type " + decoder.lastType()
                    + ", expected " + rate + " real samples (rate x 1 s)");
            return;
        }
        ByteBuffer d = slot.data();
        d.clear();
        decoder.readFound(d, true);
        d.clear();
        int bad = 0;
        for (int k = 0, end = rate << 3; k < end; k += 8) {
            if (!Double.isFinite(d.getDouble(k))) {
                d.putDouble(k, 0.0);
                bad++;
            }
        }
        if (bad > 0) {
            slot.flags |= ChannelSlot.NONFINITE;
            counters.increment(IngestCounter.CHANNEL_NONFINITE);
            logChannel(stream, i, CH_NONFINITE, s.gps, "has NaN or infinite samples (" + bad + " this second; zeroed)");
        }
    }

    private void failCorrupt(Second s, int stream, int cause, String why) {
        fail(s, stream, true);
        counters.increment(IngestCounter.FILES_CORRUPT);
        logStream(stream, cause, s.gps, 1, why);
    }

    private void fail(Second s, int stream, boolean unreadable) {
        s.state[stream] = FAILED;
        s.unreadable[stream] = unreadable;
    }

    // ------------------------------------------------------------------ handing on

    /** Hands on, in order, every second whose wait is over. */
    private int emit(long nowNs) {
        int n = 0;
        waitingForRoom = false;
        while (next >= 0) {
            if (!sink.hasRoom()) {
                // nothing is lost by waiting: the second stays in the window until there is room
                waitingForRoom = newestPending() >= next;
                break;
            }
            Second s = slotOf(next);
            if (s.gps != next || s.present == 0) {
                long later = earliestLaterSeen();
                if (later == Long.MAX_VALUE || nowNs - later < latenessNs) {
                    break;
                }
                resolveEmpty(next, SecondKind.GAP);
            } else {
                boolean waiting = false;
                for (int k = 0; k < streams; k++) {
                    if (s.state[k] == RETRYING) {
                        if (nowNs >= s.deadlineNs[k]) {
                            failCorrupt(s, k, CAUSE_TRUNCATED, "is still truncated at its deadline");
                        } else {
                            waiting = true;
                        }
                    } else if (s.state[k] == ABSENT && nowNs - s.firstSeenNs < latenessNs) {
                        waiting = true;
                    }
                }
                if (waiting) {
                    break;
                }
                resolve(s, nowNs);
            }
            next++;
            n++;
        }
        return n;
    }

    private long newestPending() {
        long g = -1;
        for (Second s : window) {
            if (s.gps >= next && s.present > 0) {
                g = Math.max(g, s.gps);
            }
        }
        return g;
    }

    private long earliestLaterSeen() {
        long t = Long.MAX_VALUE;
        for (Second s : window) {
            if (s.gps > next && s.present > 0) {
                t = Math.min(t, s.firstSeenNs);
            }
        }
        return t;
    }

    /** Resolves every second before {@code newNext}, waiting for nothing. */
    private int advanceTo(long newNext, long nowNs) {
        int n = 0;
        long limit = Math.min(newNext, next + window.length);
        while (next < limit) {
            Second s = slotOf(next);
            if (s.gps == next && s.present > 0) {
                for (int k = 0; k < streams; k++) {
                    if (s.state[k] == RETRYING) {
                        failCorrupt(s, k, CAUSE_TRUNCATED, "is still truncated when its second had to be handed on");
                    }
                }
                resolve(s, nowNs);
            } else {
                resolveEmpty(next, SecondKind.GAP);
            }
            next++;
            n++;
        }
        if (next < newNext) {
            // beyond the window nothing can have arrived: the rest of the run is one gap
            long run = newNext - next;
            counters.add(IngestCounter.SECONDS_GAP, run);
            noData(next, "no file of it came, nor of the " + (run - 1) + " after it");
            long padded = 0;
            if (gapPolicy == GapPolicy.PAD) {
                while (padded < run && gapRun < maxPad) {
                    publishPadding(next + padded, SecondKind.GAP);
                    padded++;
                }
            }
            if (run > padded) {
                counters.add(IngestCounter.SECONDS_DROPPED_GAP_POLICY, run - padded);
                if (gapPolicy != GapPolicy.SKIP) {
                    resetPending = true;
                }
            }
            next = newNext;
            lastResolved = newNext - 1;
            n += (int) Math.min(run, Integer.MAX_VALUE - n);
        }
        return n;
    }

    private void resolve(Second s, long nowNs) {
        int decoded = 0;
        int mask = 0;
        for (int k = 0; k < streams; k++) {
            if (s.state[k] == DECODED) {
                decoded++;
            }
            if (s.state[k] != ABSENT) {
                mask |= 1 << k;
            }
        }
        int h = historyIndex(s.gps);
        historyGps[h] = s.gps;
        historyMask[h] = mask;
        if (decoded == 0) {
            resolveEmpty(s.gps, SecondKind.CORRUPT);
            s.gps = -1;
            return;
        }
        gapRun = 0;
        if (gapFrom >= 0) {
            LOG.log(System.Logger.Level.INFO, ifo + ": data again from GPS " + s.gps + ", after " + (s.gps - gapFrom)
                    + " second(s) without (GPS " + gapFrom + "-" + (s.gps - 1) + ")");
            gapFrom = -1;
        }
        int flags = 0;
        for (int k = 0; k < streams; k++) {
            if (s.state[k] == ABSENT && streamMissingFrom[k] < 0) {
                streamMissingFrom[k] = s.gps;
                LOG.log(System.Logger.Level.WARNING, streamLabels[k] + ": no file for GPS " + s.gps + " within the lateness"
                        + " budget; its seconds go on without this stream (PARTIAL) until its files come again");
            } else if (s.state[k] != ABSENT && streamMissingFrom[k] >= 0) {
                LOG.log(System.Logger.Level.INFO, streamLabels[k] + ": files again from GPS " + s.gps + ", after "
                        + (s.gps - streamMissingFrom[k]) + " second(s) without");
                streamMissingFrom[k] = -1;
            }
            if (s.state[k] != DECODED) {
                int f = s.state[k] == ABSENT ? ChannelSlot.ABSENT : ChannelSlot.UNREADABLE;
                for (int i = firstChannel[k]; i < firstChannel[k] + channelCount[k]; i++) {
                    ChannelSlot slot = s.slots[i];
                    slot.zero();
                    slot.flags = f;
                    slot.foundRateHz = 0;
                    slot.foundSamples = 0;
                }
                s.mtimeUnixNs[k] = 0;
                flags |= FrameEvent.PARTIAL | FrameEvent.INVALID;
            }
        }
        if ((flags & FrameEvent.PARTIAL) != 0) {
            counters.increment(IngestCounter.SECONDS_PARTIAL);
        }
        for (ChannelSlot slot : s.slots) {
            if ((slot.flags & ~(ChannelSlot.ABSENT | ChannelSlot.UNREADABLE)) != 0) {
                flags |= FrameEvent.CHANNEL_PROBLEM | FrameEvent.INVALID;
            }
        }
        if (!ready(s)) {
            flags |= FrameEvent.NOT_READY;
            counters.increment(IngestCounter.SECONDS_NOT_READY);
        }
        s.kind = SecondKind.NEXT;
        publish(s, flags);
        s.gps = -1;
    }

    private boolean ready(Second s) {
        if (stateIndex < 0) {
            return true;
        }
        ChannelSlot st = s.slots[stateIndex];
        if (st.flags != 0) {
            return false;
        }
        ByteBuffer d = st.data();
        long mask = readyMask;
        for (int k = 0, end = st.rateHz() << 3; k < end; k += 8) {
            if ((((long) d.getDouble(k)) & mask) != mask) {
                return false;
            }
        }
        return true;
    }

    /** A second without usable data: padded or dropped by the gap policy. */
    private void resolveEmpty(long gps, SecondKind kind) {
        counters.increment(kind == SecondKind.CORRUPT ? IngestCounter.SECONDS_CORRUPT : IngestCounter.SECONDS_GAP);
        noData(gps, kind == SecondKind.CORRUPT ? "its files are corrupt or unreadable" : "no file of it came");
        if (gapPolicy == GapPolicy.PAD && gapRun < maxPad) {
            publishPadding(gps, kind);
        } else {
            counters.increment(IngestCounter.SECONDS_DROPPED_GAP_POLICY);
            if (gapPolicy != GapPolicy.SKIP) {
                resetPending = true;
            }
            lastResolved = gps;
        }
    }

    /** A second without data: one line when such a run starts (and one when data come again). */
    private void noData(long gps, String why) {
        if (gapFrom < 0) {
            gapFrom = gps;
            LOG.log(System.Logger.Level.WARNING, ifo + ": no data for GPS " + gps + " (" + why + "); gap policy "
                    + gapPolicy.name().toLowerCase(java.util.Locale.ROOT) + (gapPolicy == GapPolicy.PAD ? ", up to " + maxPad
                    + " padded second(s), then a reset" : "") + "; one line when data come again");
        }
    }

    private void publishPadding(long gps, SecondKind kind) {
        gapRun++;
        Second p = padding;
        p.reset(gps);
        for (ChannelSlot slot : p.slots) {
            slot.flags = kind == SecondKind.CORRUPT ? ChannelSlot.UNREADABLE : ChannelSlot.ABSENT;
        }
        p.kind = kind;
        publish(p, (kind == SecondKind.CORRUPT ? FrameEvent.CORRUPT : FrameEvent.GAP)
                | FrameEvent.INVALID | FrameEvent.NOT_READY);
    }

    private void publish(Second s, int flags) {
        int f = flags;
        if (resetPending) {
            f |= FrameEvent.RESET;
        }
        s.flags = f;
        s.publishedNs = clock.nanoTime();
        lastResolved = s.gps;
        if (sink.offer(s)) {
            counters.increment(IngestCounter.SECONDS_PUBLISHED);
            if ((f & FrameEvent.INVALID) != 0) {
                counters.increment(IngestCounter.SECONDS_INVALID);
            }
            resetPending = false;
        } else {
            counters.increment(IngestCounter.SECONDS_DROPPED_RING_FULL);
            resetPending = true;
        }
    }

    // ------------------------------------------------------------------ logging, once per cause

    private void logStream(int stream, int cause, long gps, int dur, String what) {
        int k = stream * STREAM_CAUSES + cause;
        if (loggedStream[k]) {
            return;
        }
        loggedStream[k] = true;
        LOG.log(System.Logger.Level.WARNING, streamLabels[stream] + ": " + files.fileName(stream, gps, dur) + " " + what
                + " [logged once for this cause; counted in " + ifo + "'s ingest counters]");
    }

    private void logChannel(int stream, int channel, int cause, long gps, String what) {
        int k = channel * CHANNEL_CAUSES + cause;
        if (loggedChannel[k]) {
            return;
        }
        loggedChannel[k] = true;
        LOG.log(System.Logger.Level.WARNING, streamLabels[stream] + ": channel '" + names[channel].name() + "' "
                + what + " in " + files.fileName(stream, gps, 1)
                + " [logged once for this channel and cause; counted in " + ifo + "'s ingest counters]");
    }
}
