package org.strainline.daemon.pipeline;

import com.lmax.disruptor.EventHandler;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.EngineException;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.kernels.StreamResampler;
import org.strainline.kernels.GridPsd;
import org.strainline.kernels.Welch;
import org.strainline.kernels.Whitener;

/**
 * BBHnet over H1 and L1: joins the two IFOs' seconds of (cleaned) strain by GPS time, resamples
 * them to the model's rate (2048 Hz), keeps a median-Welch PSD of the last 64 s of each up to date
 * (2.5-s segments on the stream's fixed 1.25-s grid, each computed once, the median kept sorted:
 * {@link GridPsd}), and, once a full PSD span of contiguous usable data exists, runs the model on
 * {@code inferenceRate} windows per second, each whitened like the training windows (its own span
 * plus half the filter length either side; {@link Whitener}), and integrates the outputs with a
 * boxcar over {@code integrationS}. Each window gives one value of the detection statistic, timed
 * at the window's end less the resampling delays, handed to a {@link Sink}.
 *
 * <p><b>The join.</b> Seconds are processed in GPS order, each once. A second waits for its
 * partner until the partner arrives (the pair goes on together), or until it is clear the partner
 * will not come in time: the partner's stream has passed that second (a gap there); or the
 * second has waited {@code joinBudgetNs} and the partner's pipeline has not yet taken that second
 * in (its frames are late or its stream is down: {@link #partnerReach}); or this IFO runs more than
 * {@code joinSeconds} ahead. Then the second goes on alone. A partner second that arrives after its
 * GPS was processed is counted late and dropped. While the partner's data are being written but
 * not yet here (a backlog, the other IFO's DeepClean behind), nothing goes on alone.
 *
 * <p><b>Running with what it has.</b> Each IFO has its own contiguity: a GPS jump restarts both, a
 * second of one IFO that is absent, invalid, not ready or reset restarts only that IFO (its PSD
 * span must fill again). While both have a full PSD span the search is the network's ({@code ifos}
 * = both bits); while only one has, and {@code singleIfo} is set, that IFO is searched alone, the
 * other's input windows zero, and its values are handed on with {@code ifos} naming only it
 * (their significance must come from a background made the same way). A change of the searched
 * IFOs restarts the integration and is logged once.
 *
 * <p><b>Work ahead of the join.</b> An IFO's part of a second (resampling, the PSD, whitening its
 * windows) depends only on that IFO's stream, so the second that is next to be searched is
 * prepared for each IFO as it arrives: while it waits for its partner, only the engine and the
 * partner's own part are left, and the alert path carries one IFO's preparation instead of both.
 * Seconds that wait behind an earlier one are prepared when they are searched; either way each IFO
 * moves on once per second, in GPS order, and the values are the same whatever the arrival order.
 *
 * <p>Owned by the strain ring's consumer thread.
 */
public final class BbhnetStage implements EventHandler<StrainEvent> {
    private static final System.Logger LOG = System.getLogger(BbhnetStage.class.getName());
    /** {@link Sink#beginSecond} IFO bits: H1, L1, both. */
    public static final int H1 = 1;
    public static final int L1 = 2;
    public static final int BOTH = H1 | L1;

    /**
     * @param inferenceRateHz windows per second (CPU default 4)
     * @param integrationS    boxcar length of the integration
     * @param joinSeconds     how many seconds one IFO may run ahead of the other before its oldest waiting second goes on alone
     * @param inputDelayS     delay of the input strain before resampling (DeepClean's resampler: 58 / 4096 s)
     * @param joinBudgetS     how long a second waits for a partner whose pipeline has not taken that second in
     * @param singleIfo       search one IFO alone while the other has no full PSD span
     */
    public record Settings(int inferenceRateHz, double integrationS, int joinSeconds, double inputDelayS, double joinBudgetS,
                           boolean singleIfo) {
        public static Settings defaults() {
            return new Settings(4, 1.5, 64, 58.0 / 4096, 1.0, true);
        }

        /** These settings with single-IFO searching on or off. */
        public Settings singleIfo(boolean on) {
            return new Settings(inferenceRateHz, integrationS, joinSeconds, inputDelayS, joinBudgetS, on);
        }
    }

    /** Receives each value of the detection statistic (on the stage's thread). */
    @FunctionalInterface
    public interface Sink {
        /**
         * {@code gpsNs}: the H1 merger time the integrated value points to (the newest window's end
         * less where training placed mergers in a window and half the boxcar); {@code ready}: the
         * integration is full (earlier values are partial).
         */
        void accept(long gpsNs, double logit, double integrated, boolean ready);

        /**
         * Before the values of searched second {@code gps}, searched over the IFOs {@code ifos}
         * ({@link #H1}, {@link #L1} bits); {@code ifos} 0: the search stopped at second {@code gps}
         * (a gap, not-ready data, warming up again) and no values follow until the next call.
         */
        default void beginSecond(long gps, int ifos) {
        }

        /**
         * After each searched second's values: the GPS second, when its newer input was published to
         * the ingest ring (nanoTime), and the latest modification time of its frame files (Unix ns).
         */
        default void endOfSecond(long gps, long inputPublishedNs, long fileMtimeUnixNs) {
        }

        /**
         * After {@link #endOfSecond}: the newest frame file the searched second waited for, over its
         * IFOs (DeepClean's look-ahead second's; Unix ns, 0: none), for the processing latency; and
         * the engine time on the second's critical path (ns): the DeepClean run of the IFO whose
         * cleaned second came in last, plus this stage's own run. The processing time less it is
         * the time the alert path spent beyond its engines.
         */
        default void searched(long gps, long newestFileUnixNs, long engineNs) {
        }

        /**
         * Before {@link #searched}: where the searched second's time went on this stage's side (ns):
         * the handoff (the cleaned second that came in last put in the ring -> taken off it by this
         * stage), the preparation (taken -> the engine run starts: the join, resampling, the PSD,
         * whitening, the windows) and the finish (the run done -> the values handed on, alerts
         * included).
         */
        default void steps(long handoffNs, long prepareNs, long finishNs) {
        }
    }

    /** The stage's counters. */
    public enum Counter {
        /** seconds processed with both IFOs present */
        SECONDS_JOINED,
        /** seconds processed with one IFO (the other's stream passed it, was late past the budget, or ran behind) */
        SECONDS_ALONE,
        /** seconds that arrived after their GPS was processed without them */
        SECONDS_LATE,
        SECONDS_SEARCHED,
        /** of those, searched with one IFO */
        SECONDS_SEARCHED_SINGLE,
        RESETS, WINDOWS, ENGINE_ERRORS,
        /** IFO seconds resampled, added to the PSD and whitened on arrival, before their partner came (off the alert path) */
        PREPARED_AHEAD
    }

    private static final int BAD = CleanedSecond.INVALID | CleanedSecond.NOT_READY | CleanedSecond.RESET;

    private final Engine engine;
    /** Engine runs failed in a row so far (one log line per run of failures, not per second). */
    private long engineFailures;
    private final Sink sink;
    private final int inRate;
    private final int fs;
    private final int k;
    private final int pad;
    private final int span;
    private final int stride;
    private final int batch;
    private final int psdSamples;
    private final int histLen;
    /**
     * Per IFO, where in {@link #hist} its oldest sample is: each history is held twice over, end to
     * end, so that its histLen samples are always contiguous from there and a new second only
     * overwrites the oldest (instead of moving the other 66 s along).
     */
    private final int[] histHead = new int[2];
    private final StreamResampler[] resamplers = new StreamResampler[2];
    private final double[][] hist = new double[2][];
    private final double[] block;
    private final double[] inputScratch;
    private final GridPsd[] welch = new GridPsd[2];   // per IFO: each keeps its stream's segment periodograms, sorted per bin
    private final double[][] psd = new double[2][];
    private final Whitener whitener;
    private final double psdDf;
    private final double[] white;
    private final double[] white2;
    private final double[] integ;
    private final int nInt;
    private final long delayNs;
    private final long eventOffsetNs;
    private final int joinSeconds;
    private final long joinBudgetNs;
    private final boolean singleIfo;
    // the join: up to joinSeconds + 1 seconds per IFO waiting for their partner
    private final float[][][] waiting;
    private final long[][] waitingGps;
    private final int[][] waitingFlags;
    private final long[][] waitingPublished;
    private final long[][] waitingMtime;
    private final long[][] waitingTaken;
    private final long[][] waitingEngine;
    private final long[][] waitingOffered;
    private final long[][] waitingSince;
    private final long[] newest = {Long.MIN_VALUE, Long.MIN_VALUE};
    private final float[][] present = new float[2][];
    private final int[] presentFlags = new int[2];
    private LongSupplier[] reach;
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private long lastGps = Long.MIN_VALUE;
    private final int[] contiguous = new int[2];
    private final long[] samplesIn = new long[2];   // per IFO: samples into its history since the last GPS jump (the PSD grid's origin)
    private final long[] preparedGps = {Long.MIN_VALUE, Long.MIN_VALUE};   // per IFO: the newest second advance() has taken
    private final boolean[] ready = new boolean[2];   // per IFO: whether that second's windows are in staged
    private final float[][] staged;   // per IFO: the whitened windows of preparedGps, batch x k
    private int intCount;
    private int intPos;
    private int searching;   // the IFO bits of the last searched second, 0 before any
    private boolean joined = true;   // the last second processed had both IFOs (or none was processed yet)

    public BbhnetStage(ModelCard card, Engine engine, int inputRateHz, Settings s, Sink sink) throws IOException {
        this.engine = engine;
        this.sink = sink;
        this.inRate = inputRateHz;
        this.fs = card.sampleRateHz();
        this.k = card.kernelSamples();
        double fdur = card.number("whitening.filter_duration_s");
        this.pad = (int) Math.round(fdur * fs / 2);
        this.span = k + 2 * pad;
        if (fs % s.inferenceRateHz() != 0) {
            throw new IOException("bbhnet: inference rate " + s.inferenceRateHz() + " Hz does not divide " + fs + " Hz");
        }
        this.stride = fs / s.inferenceRateHz();
        this.batch = s.inferenceRateHz();
        if (engine.batch() != batch) {
            throw new IOException("bbhnet: the engine runs batches of " + engine.batch() + ", the stage needs " + batch);
        }
        this.psdSamples = (int) Math.round(card.number("whitening.psd_length_s") * fs);
        int seg = (int) Math.round(card.number("whitening.psd_segment_s") * fs);
        this.histLen = psdSamples + span + fs;
        for (int i = 0; i < 2; i++) {
            resamplers[i] = StreamResampler.of(inputRateHz, fs, inputRateHz);
            hist[i] = new double[2 * histLen];
            psd[i] = new double[seg / 2 + 1];
        }
        this.block = new double[fs];
        this.inputScratch = new double[inputRateHz];
        int maxSegments = psdSamples / (seg / 2) + 1;
        for (int i = 0; i < 2; i++) {
            welch[i] = new GridPsd(new Welch(seg, fs, Welch.Average.MEDIAN, maxSegments));
        }
        this.psdDf = (double) fs / seg;
        this.whitener = new Whitener(fs, span, fdur, card.number("whitening.highpass_hz"));
        this.white = new double[whitener.outputLength()];
        this.white2 = new double[whitener.outputLength()];
        this.staged = new float[2][batch * k];
        this.nInt = Math.max(1, (int) Math.round(s.integrationS() * s.inferenceRateHz()));
        this.integ = new double[nInt];
        // the time a value points to: training put the H1 merger somewhere in merger_in_window_s of
        // the window, so a window fires on average that far before its end; the boxcar's values
        // come from windows ending up to (nInt - 1) strides before the newest
        double[] where = card.has("training.merger_in_window_s") ? card.numbers("training.merger_in_window_s")
                : new double[] {0, (double) k / fs};
        if (where.length != 2 || where[0] < 0 || where[1] > (double) k / fs || where[0] > where[1]) {
            throw new IOException(card.file() + ": training.merger_in_window_s: expected [from, to] within the "
                    + (double) k / fs + "-s window, got " + Arrays.toString(where));
        }
        this.eventOffsetNs = Math.round(((double) k / fs - (where[0] + where[1]) / 2 + (nInt - 1) * (double) stride / fs / 2) * 1e9);
        StreamResampler probe = StreamResampler.of(inputRateHz, fs, inputRateHz);
        this.delayNs = Math.round((s.inputDelayS() + probe.delaySeconds()) * 1e9);
        this.joinSeconds = s.joinSeconds();
        this.joinBudgetNs = Math.round(s.joinBudgetS() * 1e9);
        this.singleIfo = s.singleIfo();
        this.waiting = new float[2][joinSeconds + 1][inputRateHz];
        this.waitingSince = new long[2][joinSeconds + 1];
        this.waitingGps = new long[2][joinSeconds + 1];
        this.waitingFlags = new int[2][joinSeconds + 1];
        this.waitingPublished = new long[2][joinSeconds + 1];
        this.waitingMtime = new long[2][joinSeconds + 1];
        this.waitingTaken = new long[2][joinSeconds + 1];
        this.waitingEngine = new long[2][joinSeconds + 1];
        this.waitingOffered = new long[2][joinSeconds + 1];
        for (long[] w : waitingGps) {
            Arrays.fill(w, Long.MIN_VALUE);
        }
    }

    public long counter(Counter c) {
        return counters.get(c.ordinal());
    }

    /**
     * Per IFO, the newest GPS second its pipeline has taken in and will hand on without more
     * input (the ingest's progress less DeepClean's lag): a waiting second whose partner's reach is
     * below it goes on alone after the join budget. Without it (as in offline runs over recorded
     * strain) the partner is always taken to be coming: a second waits for it until the partner's
     * stream passes it or this IFO runs {@code joinSeconds} ahead. Set before the stage runs.
     */
    public void partnerReach(LongSupplier h1, LongSupplier l1) {
        this.reach = new LongSupplier[] {h1, l1};
    }

    /** The counters as {@code name=value} pairs, e.g. for the log at shutdown. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (Counter c : Counter.values()) {
            b.append(b.length() == 0 ? "" : " ").append(c.name().toLowerCase(Locale.ROOT)).append('=')
                    .append(counters.get(c.ordinal()));
        }
        return b.toString();
    }

    /** Seconds of contiguous usable data needed before the search starts. */
    public int warmSeconds() {
        return (int) Math.ceil((double) (psdSamples + span) / fs);
    }

    @Override
    public void onEvent(StrainEvent e, long sequence, boolean endOfBatch) {
        int ifo = e.ifo();
        long gps = e.gpsS();
        newest[ifo] = Math.max(newest[ifo], gps);
        if (gps <= lastGps) {
            counters.incrementAndGet(Counter.SECONDS_LATE.ordinal());
            return;
        }
        // wait in the join (the slot holds a second joinSeconds + 1 older only when this IFO runs that far ahead:
        // drain() sends that one on alone first)
        int slot = (int) Math.floorMod(gps, (long) (joinSeconds + 1));
        if (waitingGps[ifo][slot] != Long.MIN_VALUE) {
            drain(waitingGps[ifo][slot]);
        }
        waitingGps[ifo][slot] = gps;
        waitingFlags[ifo][slot] = e.flags();
        waitingPublished[ifo][slot] = e.inputPublishedNs();
        waitingMtime[ifo][slot] = e.fileMtimeUnixNs();
        waitingTaken[ifo][slot] = e.takenFileMtimeUnixNs();
        waitingEngine[ifo][slot] = e.engineNs();
        waitingSince[ifo][slot] = System.nanoTime();
        waitingOffered[ifo][slot] = e.offeredNs();
        e.samples().get(0, waiting[ifo][slot]);
        if (lastGps != Long.MIN_VALUE && gps == lastGps + 1) {
            advance(ifo, gps, waiting[ifo][slot], e.flags());   // the next second to search: this IFO's part now
            if (waitingGps[1 - ifo][slot] != gps) {
                counters.incrementAndGet(Counter.PREPARED_AHEAD.ordinal());   // and the partner is still to come
            }
        }
        drain(Long.MIN_VALUE);
    }

    /** The ring's wait timed out (no second for a while): seconds whose join budget ran out go on. */
    @Override
    public void onTimeout(long sequence) {
        drain(Long.MIN_VALUE);
    }

    /** At shutdown: what still waits goes on alone (in GPS order). */
    @Override
    public void onShutdown() {
        drain(Long.MAX_VALUE);
    }

    /**
     * Processes waiting seconds oldest first while the oldest can go on: with its partner, or
     * alone once the partner will not come (see the class comment); seconds up to {@code force}
     * go on regardless.
     */
    private void drain(long force) {
        long now = System.nanoTime();
        while (true) {
            long g = Long.MAX_VALUE;
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j <= joinSeconds; j++) {
                    if (waitingGps[i][j] != Long.MIN_VALUE && waitingGps[i][j] < g) {
                        g = waitingGps[i][j];
                    }
                }
            }
            if (g == Long.MAX_VALUE) {
                return;
            }
            int slot = (int) Math.floorMod(g, (long) (joinSeconds + 1));
            boolean h1 = waitingGps[0][slot] == g;
            boolean l1 = waitingGps[1][slot] == g;
            if (!(h1 && l1)) {
                int here = h1 ? 0 : 1;
                int other = 1 - here;
                boolean passed = newest[other] != Long.MIN_VALUE && newest[other] >= g;
                boolean behind = newest[here] - g > joinSeconds;
                boolean expired = now - waitingSince[here][slot] >= joinBudgetNs
                        && reach != null && reach[other] != null && reach[other].getAsLong() < g;
                if (!(passed || behind || expired || g <= force)) {
                    return;
                }
                if (joined) {
                    joined = false;   // one line per change, never per second
                    LOG.log(System.Logger.Level.WARNING, "bbhnet: " + (here == 0 ? "L1" : "H1") + " GPS " + g + " "
                            + (passed ? "is missing (its stream has passed it)" : behind ? "is more than " + joinSeconds + " s behind"
                            : expired ? "did not come within the join budget (its pipeline has taken in up to GPS "
                            + reach[other].getAsLong() + ")" : "had not come at shutdown")
                            + ": " + (here == 0 ? "H1" : "L1") + " goes on alone");
                }
            } else if (!joined) {
                joined = true;
                LOG.log(System.Logger.Level.WARNING, "bbhnet: H1 and L1 joined again from GPS " + g);
            }
            long published = Long.MIN_VALUE;
            long mtime = Long.MIN_VALUE;
            long taken = 0;
            long lastIn = Long.MIN_VALUE;
            long pathEngine = 0;   // the DeepClean run of the IFO that came in last: the one the second waited for
            long lastOffered = 0;
            for (int i = 0; i < 2; i++) {
                boolean has = i == 0 ? h1 : l1;
                present[i] = has ? waiting[i][slot] : null;
                presentFlags[i] = has ? waitingFlags[i][slot] : 0;
                if (has) {
                    published = Math.max(published, waitingPublished[i][slot]);
                    mtime = Math.max(mtime, waitingMtime[i][slot]);
                    taken = Math.max(taken, waitingTaken[i][slot]);
                    if (waitingSince[i][slot] > lastIn) {
                        lastIn = waitingSince[i][slot];
                        pathEngine = waitingEngine[i][slot];
                        lastOffered = waitingOffered[i][slot];
                    }
                    waitingGps[i][slot] = Long.MIN_VALUE;
                }
            }
            counters.incrementAndGet((h1 && l1 ? Counter.SECONDS_JOINED : Counter.SECONDS_ALONE).ordinal());
            process(g, published, mtime, taken, pathEngine, lastIn, lastIn - lastOffered);
        }
    }

    /** Restarts IFO {@code i}'s stream: its resampler, its PSD's segment cache, its contiguity. */
    private void restart(int i) {
        resamplers[i].reset();
        welch[i].reset();
        contiguous[i] = 0;
    }

    /**
     * IFO {@code i}'s part of second {@code gps} ({@code x}: its samples, null when absent): its
     * history moves on by a second, and once it holds a full PSD span of contiguous usable data the
     * PSD is brought up to date and the second's windows are whitened into {@link #staged}. Runs once
     * per IFO and second, in GPS order: when the second is searched, or earlier, as soon as the
     * IFO's second arrives if it is the next to be searched (the partner may still be on its way:
     * the work of the IFO that comes first is then off the alert path).
     */
    private void advance(int i, long gps, float[] x, int flags) {
        double[] h = hist[i];
        boolean ok = x != null && (flags & BAD) == 0;
        if (ok) {
            if (contiguous[i] == 0) {
                restart(i);
            }
            for (int j = 0; j < inRate; j++) {
                inputScratch[j] = x[j];
            }
            resamplers[i].process(inputScratch, 0, inRate, block, 0);
        } else {
            Arrays.fill(block, 0);
        }
        // over the oldest second, in both copies (nothing moves: the history is the histLen samples from histHead)
        int at = histHead[i];
        int first = Math.min(fs, histLen - at);
        System.arraycopy(block, 0, h, at, first);
        System.arraycopy(block, 0, h, at + histLen, first);
        System.arraycopy(block, first, h, 0, fs - first);
        System.arraycopy(block, first, h, histLen, fs - first);
        histHead[i] = (at + fs) % histLen;
        if (ok) {
            contiguous[i]++;
        } else {
            contiguous[i] = 0;
        }
        samplesIn[i] += fs;
        preparedGps[i] = gps;
        ready[i] = ok && contiguous[i] >= warmSeconds();
        if (!ready[i]) {
            return;
        }
        int base = histHead[i];   // the oldest sample
        welch[i].update(h, base + histLen - psdSamples, psdSamples, samplesIn[i] - psdSamples, psd[i]);
        whitener.setPsd(psd[i], psd[i].length, psdDf);
        // two windows per pair of transforms (the second rides in the imaginary part)
        float[] out = staged[i];
        for (int b = 0; b < batch; b += 2) {
            int from = base + histLen - pad - (batch - 1 - b) * stride - k - pad;
            boolean pair = b + 1 < batch;
            whitener.whiten(h, from, white, 0, pair ? h : null, from + stride, white2, 0);
            for (int j = 0; j < k; j++) {
                out[b * k + j] = (float) white[j];
            }
            if (pair) {
                for (int j = 0; j < k; j++) {
                    out[(b + 1) * k + j] = (float) white2[j];
                }
            }
        }
    }

    /** Second {@code gps} with the IFOs in {@link #present} (null: absent). */
    private void process(long gps, long publishedNs, long mtimeUnixNs, long takenUnixNs, long pathEngineNs, long takenNs,
                         long handoffNs) {
        boolean jump = lastGps == Long.MIN_VALUE || gps != lastGps + 1;
        lastGps = gps;
        int usable = 0;
        for (int i = 0; i < 2; i++) {
            if (preparedGps[i] != gps) {
                if (jump) {
                    restart(i);
                    samplesIn[i] = 0;
                }
                advance(i, gps, present[i], presentFlags[i]);
            }
            if (present[i] != null && ready[i]) {
                usable |= 1 << i;
            }
        }
        int ifos = usable;
        if (ifos != BOTH && !singleIfo) {
            ifos = 0;
        }
        if (ifos != searching) {
            if (searching != 0) {
                counters.incrementAndGet(Counter.RESETS.ordinal());
            }
            if (ifos != BOTH || searching != 0) {
                LOG.log(System.Logger.Level.WARNING, "bbhnet: from GPS " + gps + " " + (ifos == 0 ? "not searching (warming up)"
                        : ifos == BOTH ? "searching H1 and L1" : "searching " + name(ifos) + " alone (" + name(BOTH & ~ifos)
                        + " absent, not ready or warming up)"));
            }
            intCount = 0;
            intPos = 0;
            if (ifos == 0) {
                sink.beginSecond(gps, 0);
            }
            searching = ifos;
        }
        if (ifos == 0) {
            return;
        }
        counters.incrementAndGet(Counter.SECONDS_SEARCHED.ordinal());
        if (ifos != BOTH) {
            counters.incrementAndGet(Counter.SECONDS_SEARCHED_SINGLE.ordinal());
        }
        FloatBuffer in = engine.input();
        for (int i = 0; i < 2; i++) {
            boolean on = (ifos & (1 << i)) != 0;
            for (int b = 0; b < batch; b++) {
                int base = (b * 2 + i) * k;
                if (on) {
                    in.put(base, staged[i], b * k, k);
                } else {
                    for (int j = 0; j < k; j++) {
                        in.put(base + j, 0f);
                    }
                }
            }
        }
        long runStart = System.nanoTime();
        try {
            engine.run();
        } catch (EngineException ex) {
            counters.incrementAndGet(Counter.ENGINE_ERRORS.ordinal());
            if (engineFailures++ == 0) {   // the first of a run of failures; the run's end says how many
                LOG.log(System.Logger.Level.WARNING, "bbhnet: " + ex.getMessage() + " (GPS " + gps + " not searched;"
                        + " one line when the engine runs again)");
            }
            return;
        }
        if (engineFailures > 0) {
            LOG.log(System.Logger.Level.INFO, "bbhnet: the engine runs again at GPS " + gps + ", after " + engineFailures
                    + " failed second(s) (counted in engine_errors)");
            engineFailures = 0;
        }
        long runEnd = System.nanoTime();
        long runNs = runEnd - runStart;
        FloatBuffer outs = engine.output();
        sink.beginSecond(gps, ifos);
        long newestNs = (gps + 1) * 1_000_000_000L;   // GPS of the newest sample's end
        for (int b = 0; b < batch; b++) {
            double logit = outs.get(b);
            integ[intPos] = logit;
            intPos = (intPos + 1) % nInt;
            intCount = Math.min(nInt, intCount + 1);
            double sum = 0;
            for (int j = 0; j < intCount; j++) {
                sum += integ[j];
            }
            long endNs = newestNs - (long) (pad + (batch - 1 - b) * stride) * 1_000_000_000L / fs - delayNs;
            counters.incrementAndGet(Counter.WINDOWS.ordinal());
            sink.accept(endNs - eventOffsetNs, logit, sum / intCount, intCount == nInt);
        }
        sink.endOfSecond(gps, publishedNs, mtimeUnixNs);
        sink.steps(handoffNs, runStart - takenNs, System.nanoTime() - runEnd);
        sink.searched(gps, takenUnixNs, pathEngineNs + runNs);
    }

    private static String name(int ifos) {
        return ifos == H1 ? "H1" : ifos == L1 ? "L1" : "H1 and L1";
    }
}
