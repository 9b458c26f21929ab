package org.strainline.daemon.pipeline;

import com.lmax.disruptor.EventHandler;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicLongArray;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.EngineException;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.kernels.Resampler;
import org.strainline.kernels.Welch;
import org.strainline.kernels.Whitener;

/**
 * BBHnet over H1 and L1: joins the two IFOs' seconds of (cleaned) strain by GPS time, resamples
 * them to the model's rate (2048 Hz), keeps a median-Welch PSD of the last 64 s of each up to date
 * (2.5-s segments), and, once a full PSD span of contiguous usable data exists, runs the model on
 * {@code inferenceRate} windows per second, each whitened like the training windows (its own span
 * plus half the filter length either side; {@link Whitener}), and integrates the outputs with a
 * boxcar over {@code integrationS}. Each window gives one value of the detection statistic, timed
 * at the window's end less the resampling delays, handed to a {@link Sink}.
 *
 * <p>A GPS jump, an input flagged invalid or not ready, or a reset restarts the search (the PSD
 * span must fill again). The join holds a lone second until its partner arrives; it drops it
 * (counted) as soon as the other IFO has passed that second (a gap there), or when its own IFO runs
 * more than {@code joinSeconds} ahead (64 s by default: the DeepClean stages of the two IFOs run on
 * their own threads and drift apart while catching up on a backlog).
 *
 * <p>Owned by the strain ring's consumer thread.
 */
public final class BbhnetStage implements EventHandler<StrainEvent> {
    private static final System.Logger LOG = System.getLogger(BbhnetStage.class.getName());

    /**
     * @param inferenceRateHz windows per second (CPU default 4)
     * @param integrationS    boxcar length of the integration
     * @param joinSeconds     how many seconds one IFO may run ahead of the other before a lone second is dropped
     * @param inputDelayS     delay of the input strain before resampling (DeepClean's resampler: 58 / 4096 s)
     */
    public record Settings(int inferenceRateHz, double integrationS, int joinSeconds, double inputDelayS) {
        public static Settings defaults() {
            return new Settings(4, 1.5, 64, 58.0 / 4096);
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

        /** Before the values of searched second {@code gps}. */
        default void beginSecond(long gps) {
        }

        /**
         * After each searched second's values: the GPS second, when its newer input was published to
         * the ingest ring (nanoTime), and the latest modification time of its frame files (Unix ns).
         */
        default void endOfSecond(long gps, long inputPublishedNs, long fileMtimeUnixNs) {
        }
    }

    /** The stage's counters. */
    public enum Counter { SECONDS_JOINED, SECONDS_DROPPED_UNPAIRED, SECONDS_SEARCHED, RESETS, WINDOWS, ENGINE_ERRORS }

    private final Engine engine;
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
    private final Resampler[] resamplers = new Resampler[2];
    private final double[][] hist = new double[2][];
    private final double[] block;
    private final double[] inputScratch;
    private final Welch[] welch = new Welch[2];   // per IFO: each keeps its stream's segment periodograms
    private final double[][] psd = new double[2][];
    private final Whitener whitener;
    private final double[] white;
    private final double[] white2;
    private final double[] integ;
    private final int nInt;
    private final long delayNs;
    private final long eventOffsetNs;
    private final int joinSeconds;
    // the join: up to joinSeconds + 1 seconds per IFO waiting for their partner
    private final float[][][] waiting;
    private final long[][] waitingGps;
    private final int[][] waitingFlags;
    private final long[][] waitingPublished;
    private final long[][] waitingMtime;
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private long lastGps = Long.MIN_VALUE;
    private long firstGps;
    private int contiguous;
    private long samplesIn;
    private int intCount;
    private int intPos;
    private boolean aheadWarned;

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
            resamplers[i] = new Resampler(inputRateHz, fs, inputRateHz);
            hist[i] = new double[histLen];
            psd[i] = new double[seg / 2 + 1];
        }
        this.block = new double[fs];
        this.inputScratch = new double[inputRateHz];
        // the window moves fs samples a second and its segments step seg - seg/2: periodograms of segments
        // starting on the grid of their greatest common divisor are computed once and reused while in the window
        int maxSegments = psdSamples / (seg / 2) + 1;
        int grid = gcd(fs, seg - seg / 2);
        for (int i = 0; i < 2; i++) {
            welch[i] = new Welch(seg, fs, Welch.Average.MEDIAN, maxSegments).cacheSegments(grid, psdSamples / grid + maxSegments + 1);
        }
        this.whitener = new Whitener(fs, span, fdur, card.number("whitening.highpass_hz"));
        this.white = new double[whitener.outputLength()];
        this.white2 = new double[whitener.outputLength()];
        this.nInt = Math.max(1, (int) Math.round(s.integrationS() * s.inferenceRateHz()));
        this.integ = new double[nInt];
        // the time a value points to: training put the H1 merger somewhere in merger_in_window_s of
        // the window, so a window fires on average that far before its end; the boxcar's values
        // come from windows ending up to (nInt - 1) strides before the newest
        double[] where = card.has("training.merger_in_window_s") ? card.numbers("training.merger_in_window_s")
                : new double[] {0, (double) k / fs};
        if (where.length != 2 || where[0] < 0 || where[1] > (double) k / fs || where[0] > where[1]) {
            throw new IOException(card.file() + ": training.merger_in_window_s: expected [from, to] within the "
                    + (double) k / fs + "-s window, got " + java.util.Arrays.toString(where));
        }
        this.eventOffsetNs = Math.round(((double) k / fs - (where[0] + where[1]) / 2 + (nInt - 1) * (double) stride / fs / 2) * 1e9);
        Resampler probe = new Resampler(inputRateHz, fs, inputRateHz);
        this.delayNs = Math.round((s.inputDelayS() + probe.delaySeconds()) * 1e9);
        this.joinSeconds = s.joinSeconds();
        this.waiting = new float[2][joinSeconds + 1][inputRateHz];
        this.waitingGps = new long[2][joinSeconds + 1];
        this.waitingFlags = new int[2][joinSeconds + 1];
        this.waitingPublished = new long[2][joinSeconds + 1];
        this.waitingMtime = new long[2][joinSeconds + 1];
        for (long[] w : waitingGps) {
            java.util.Arrays.fill(w, Long.MIN_VALUE);
        }
    }

    public long counter(Counter c) {
        return counters.get(c.ordinal());
    }

    /** Seconds of contiguous usable data needed before the search starts. */
    /** The counters as {@code name=value} pairs, e.g. for the log at shutdown. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (Counter c : Counter.values()) {
            b.append(b.length() == 0 ? "" : " ").append(c.name().toLowerCase(java.util.Locale.ROOT)).append('=')
                    .append(counters.get(c.ordinal()));
        }
        return b.toString();
    }

    public int warmSeconds() {
        return (int) Math.ceil((double) (psdSamples + span) / fs);
    }

    @Override
    public void onEvent(StrainEvent e, long sequence, boolean endOfBatch) {
        int ifo = e.ifo();
        int other = 1 - ifo;
        long gps = e.gpsS();
        // each IFO arrives in GPS order: the other's waiting seconds before this one can never pair
        for (int i = 0; i <= joinSeconds; i++) {
            if (waitingGps[other][i] != Long.MIN_VALUE && waitingGps[other][i] < gps) {
                waitingGps[other][i] = Long.MIN_VALUE;
                counters.incrementAndGet(Counter.SECONDS_DROPPED_UNPAIRED.ordinal());
            }
        }
        int o = find(other, gps);
        if (o >= 0) {
            aheadWarned = false;
            process(gps, ifo == 0 ? e.samples() : null, ifo == 0 ? null : e.samples(), ifo, o,
                    e.flags() | waitingFlags[other][o], Math.max(e.inputPublishedNs(), waitingPublished[other][o]),
                    Math.max(e.fileMtimeUnixNs(), waitingMtime[other][o]));
            waitingGps[other][o] = Long.MIN_VALUE;
            return;
        }
        // wait for the partner; the slot holds a second joinSeconds + 1 older only when this IFO runs that far ahead
        int slot = (int) Math.floorMod(gps, (long) (joinSeconds + 1));
        if (waitingGps[ifo][slot] != Long.MIN_VALUE) {
            counters.incrementAndGet(Counter.SECONDS_DROPPED_UNPAIRED.ordinal());
            if (!aheadWarned) {
                aheadWarned = true;
                LOG.log(System.Logger.Level.WARNING, "bbhnet: " + (ifo == 0 ? "H1" : "L1") + " runs more than " + joinSeconds
                        + " s ahead of " + (ifo == 0 ? "L1" : "H1") + "; its seconds from GPS " + waitingGps[ifo][slot]
                        + " on are dropped unpaired until the other catches up");
            }
        }
        waitingGps[ifo][slot] = gps;
        waitingFlags[ifo][slot] = e.flags();
        waitingPublished[ifo][slot] = e.inputPublishedNs();
        waitingMtime[ifo][slot] = e.fileMtimeUnixNs();
        e.samples().get(0, waiting[ifo][slot]);
    }

    private int find(int ifo, long gps) {
        for (int i = 0; i <= joinSeconds; i++) {
            if (waitingGps[ifo][i] == gps) {
                return i;
            }
        }
        return -1;
    }

    /** Both IFOs of second {@code gps}: one from the event, the other from the join's waiting slot. */
    private void process(long gps, FloatBuffer h1Event, FloatBuffer l1Event, int eventIfo, int waitingSlot, int flags,
                         long publishedNs, long mtimeUnixNs) {
        counters.incrementAndGet(Counter.SECONDS_JOINED.ordinal());
        boolean usable = (flags & (CleanedSecond.INVALID | CleanedSecond.NOT_READY | CleanedSecond.RESET)) == 0;
        if (lastGps == Long.MIN_VALUE || gps != lastGps + 1 || !usable) {
            if (lastGps != Long.MIN_VALUE) {
                counters.incrementAndGet(Counter.RESETS.ordinal());
            }
            contiguous = 0;
            intCount = 0;
            intPos = 0;
            for (Resampler r : resamplers) {
                r.reset();
            }
            firstGps = gps;
            samplesIn = 0;
            for (Welch w : welch) {
                w.resetStream();
            }
        }
        lastGps = gps;
        for (int i = 0; i < 2; i++) {
            FloatBuffer src = i == eventIfo ? (i == 0 ? h1Event : l1Event) : null;
            double[] x = hist[i];
            System.arraycopy(x, fs, x, 0, histLen - fs);
            resample(i, src, waitingSlot, 1 - eventIfo == i);
            System.arraycopy(block, 0, x, histLen - fs, fs);
        }
        samplesIn += fs;
        if (!usable) {
            return;
        }
        contiguous++;
        if (contiguous < warmSeconds()) {
            return;
        }
        counters.incrementAndGet(Counter.SECONDS_SEARCHED.ordinal());
        for (int i = 0; i < 2; i++) {
            welch[i].psdStream(hist[i], histLen - psdSamples, psdSamples, samplesIn - psdSamples, psd[i]);
        }
        FloatBuffer in = engine.input();
        for (int i = 0; i < 2; i++) {
            whitener.setPsd(psd[i], psd[i].length, welch[i].df());
            // two windows per pair of transforms (the second rides in the imaginary part)
            for (int b = 0; b < batch; b += 2) {
                int from = histLen - pad - (batch - 1 - b) * stride - k - pad;
                boolean pair = b + 1 < batch;
                whitener.whiten(hist[i], from, white, 0, pair ? hist[i] : null, from + stride, white2, 0);
                put(in, (b * 2 + i) * k, white);
                if (pair) {
                    put(in, ((b + 1) * 2 + i) * k, white2);
                }
            }
        }
        try {
            engine.run();
        } catch (EngineException ex) {
            counters.incrementAndGet(Counter.ENGINE_ERRORS.ordinal());
            LOG.log(System.Logger.Level.WARNING, "bbhnet: " + ex.getMessage() + " (GPS " + gps + " not searched)");
            return;
        }
        FloatBuffer outs = engine.output();
        sink.beginSecond(gps);
        long newestNs = firstGps * 1_000_000_000L + samplesIn * 1_000_000_000L / fs;   // GPS of the newest sample's end
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
    }

    private void put(FloatBuffer in, int base, double[] w) {
        for (int j = 0; j < k; j++) {
            in.put(base + j, (float) w[j]);
        }
    }

    private void resample(int ifo, FloatBuffer fromEvent, int waitingSlot, boolean fromWaiting) {
        float[] src = null;
        if (fromWaiting) {
            src = waiting[ifo][waitingSlot];
        }
        for (int i = 0; i < inRate; i++) {
            inputScratch[i] = src != null ? src[i] : fromEvent.get(i);
        }
        resamplers[ifo].process(inputScratch, 0, inRate, block, 0);
    }


    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
