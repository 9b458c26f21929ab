package org.strainline.daemon.pipeline;

import com.lmax.disruptor.EventHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicLongArray;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.EngineException;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.kernels.AsdRatio;
import org.strainline.kernels.OverlapAggregator;
import org.strainline.kernels.StreamResampler;
import org.strainline.kernels.SnapshotState;
import org.strainline.kernels.Sos;
import org.strainline.kernels.StandardScaler;
import org.strainline.kernels.Welch;
import org.strainline.kernels.ZeroPhaseBandpass;
import org.strainline.shm.ChannelSlot;
import org.strainline.shm.FrameEvent;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.SecondKind;

/**
 * DeepClean for one IFO, as a consumer of the IFO's ring: each second's witnesses are resampled to
 * the model's rate and scaled into the snapshot, whose batch of overlapping windows (one every
 * {@code fs / inferenceRate} samples) goes straight into the engine's input; the predictions are
 * averaged over the aggregation latency, un-scaled, band-passed (zero-phase, over history, a
 * look-ahead, and past it the aggregation's provisional samples, so that the span's tapered end
 * and its transients stay clear of the second) and subtracted from the equally resampled strain. The output lags the input by the
 * aggregation latency plus the band-pass look-ahead, which together must be whole seconds: the
 * second handed in at GPS {@code g} completes the cleaned second {@code g - lag}.
 *
 * <p><b>Safety gate.</b> Each second, the band's ASD of the cleaned strain is compared with the
 * raw strain's over the last {@code gateSpan} seconds; where cleaning makes it worse (ratio above
 * 1) raw strain is emitted, with half-Hann cross-fades at the switches (flag {@link CleanedSecond#GATED}).
 *
 * <p><b>Every second accounted for.</b> Each input second yields exactly one output second: on a
 * discontinuity (a GPS jump, an input flagged invalid, gap, corrupt or reset) or an engine failure
 * the seconds in flight are handed on as raw strain flagged {@link CleanedSecond#UNCLEANED}, the
 * state restarts, and cleaning resumes once the snapshot and the filters are warm again.
 *
 * <p>Owned by the ring's consumer thread.
 */
public final class DeepCleanStage implements EventHandler<FrameEvent> {
    private static final System.Logger LOG = System.getLogger(DeepCleanStage.class.getName());

    /**
     * @param inferenceRateHz     windows per second (the CPU default 64: stride fs/64)
     * @param aggregationLatencyS the averaging latency (0.5 s in production)
     * @param bandLowHz           band-pass low edge
     * @param bandHighHz          band-pass high edge
     * @param historyS            band-pass history
     * @param lookaheadS          band-pass look-ahead (aggregationLatencyS + lookaheadS: whole seconds)
     * @param taperS              band-pass Hann taper at each end of its span
     * @param gateSpanS           seconds of history the safety gate compares
     * @param crossfadeS          the gate's half-Hann switch-over
     * @param joinS               band-pass block join: each second's start blended from the previous span's estimate
     *                            ({@link ZeroPhaseBandpass}), at most lookaheadS
     */
    public record Settings(int inferenceRateHz, double aggregationLatencyS, double bandLowHz, double bandHighHz,
                           double historyS, double lookaheadS, double taperS, double gateSpanS, double crossfadeS,
                           double joinS) {
        public static Settings defaults() {
            return new Settings(64, 0.5, 58, 62, 4, 0.5, 0.5, 8, 0.5, 0.5);
        }

        /** These settings at another inference rate. */
        public Settings withInferenceRate(int rateHz) {
            return new Settings(rateHz, aggregationLatencyS, bandLowHz, bandHighHz, historyS, lookaheadS, taperS, gateSpanS,
                    crossfadeS, joinS);
        }
    }

    /** The inference rate on a GPU engine where the configuration gives none (production's: stride 8 at 4096 Hz). */
    public static final int GPU_INFERENCE_RATE_HZ = 512;

    /** Receives each output second (on the stage's thread; copy what you keep). */
    @FunctionalInterface
    public interface Sink {
        void accept(CleanedSecond s);
    }

    /** The stage's counters. */
    public enum Counter { SECONDS_IN, SECONDS_CLEANED, SECONDS_UNCLEANED, SECONDS_GATED, RESETS, ENGINE_ERRORS }

    private final String ifo;
    private final ModelCard card;
    private final Engine engine;
    private Sink sink;
    private final String model;
    private final int fs;
    private final int channels;
    private final int stride;
    private final int batch;
    private final int lagS;
    private final int strainSlot;
    private final int[] witnessSlot;
    private final StreamResampler strainResampler;
    private final StreamResampler[] witnessResamplers;
    private final StandardScaler scaler;
    private final float strainMean;
    private final float strainStd;
    private final SnapshotState snapshot;
    private final OverlapAggregator aggregator;
    private final ZeroPhaseBandpass bandpass;
    private final FloatBuffer staging;
    private final FloatBuffer released;
    private final FloatBuffer provisional;   // the aggregation's not yet final samples after the released ones
    private final FloatBuffer noise;
    private final int warmSeconds;
    // seconds in flight: raw strain at fs and the input's metadata, oldest first
    private final FloatBuffer[] pendingRaw;
    private final long[] pendingGps;
    private final int[] pendingFlags;
    private final long[] pendingPublishedNs;
    private final long[] pendingMtime;
    private int pendingHead;
    private int pendingCount;
    // the gate
    private final AsdRatio gateRatio;
    private final double[] gateRaw;
    private final double[] gateClean;
    private final int gateSamples;
    private final int crossfade;
    private int gateFilled;
    private long gateIn;   // samples appended to the gate's history since the last restart (its stream position)
    private boolean gated;
    /** The last second taken was unusable (for one log line per change, not per second). */
    private boolean inputBad;
    /** Engine runs failed in a row so far. */
    private long engineFailures;
    private double weight = 1;
    private final CleanedSecond out;
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private long lastGps = Long.MIN_VALUE;
    /** The second whose windows the engine's input already holds the known part of ({@link SnapshotState#windowsBefore}). */
    private long prefilledFor = Long.MIN_VALUE;
    private boolean prefill = true;
    /** The engine takes the stream's span and cuts the windows itself ({@link Engine#spanStride()}). */
    private final boolean spanInput;
    private long prefilledRuns;
    /** Samples a batch of windows spans. */
    private final long span;
    /** This event's times (nanoTime): taken off the ring, the engine run's start and end (0: none). */
    private long takenNs;
    private long takenFileMtimeUnixNs;
    private long engineStartNs;
    private long engineEndNs;
    private int secondsSinceReset;
    private boolean resetNext = true;

    public DeepCleanStage(IfoSpec spec, ModelCard card, Engine engine, Settings s, Sink sink) throws IOException {
        this.ifo = spec.ifo();
        this.card = card;
        this.engine = engine;
        this.sink = sink;
        this.model = card.name() + "/" + card.version();
        this.fs = card.sampleRateHz();
        this.channels = card.channels().size();
        if (fs % s.inferenceRateHz() != 0) {
            throw new IOException(ifo + " deepclean: inference rate " + s.inferenceRateHz() + " Hz does not divide " + fs + " Hz");
        }
        this.stride = fs / s.inferenceRateHz();
        this.batch = s.inferenceRateHz();
        if (engine.batch() != batch) {
            throw new IOException(ifo + " deepclean: the engine runs batches of " + engine.batch() + ", the stage needs "
                    + batch + " (one window per " + stride + " samples)");
        }
        if (engine.spanStride() != 0 && engine.spanStride() != stride) {
            throw new IOException(ifo + " deepclean: the engine cuts windows " + engine.spanStride() + " samples apart, the stage's are "
                    + stride + " apart");
        }
        this.spanInput = engine.spanStride() != 0;
        int latency = (int) Math.round(s.aggregationLatencyS() * fs);
        int lookahead = (int) Math.round(s.lookaheadS() * fs);
        if ((latency + lookahead) % fs != 0) {
            throw new IOException(ifo + " deepclean: aggregation latency + band-pass look-ahead = "
                    + (s.aggregationLatencyS() + s.lookaheadS()) + " s; it must be whole seconds");
        }
        this.lagS = (latency + lookahead) / fs;
        String strainName = card.text("strain_channel");
        this.strainSlot = spec.channelIndex(strainName);
        if (strainSlot < 0) {
            throw new IOException(ifo + " deepclean: the strain channel '" + strainName + "' of " + card.file()
                    + " is not among the ingest channels");
        }
        int k = card.kernelSamples();
        this.witnessSlot = new int[channels];
        this.witnessResamplers = new StreamResampler[channels];
        for (int i = 0; i < channels; i++) {
            String name = card.channels().get(i);
            witnessSlot[i] = spec.channelIndex(name);
            if (witnessSlot[i] < 0) {
                throw new IOException(ifo + " deepclean: witness '" + name + "' of " + card.file()
                        + " is not among the ingest channels");
            }
            int rate = spec.channel(witnessSlot[i]).rateHz();
            witnessResamplers[i] = StreamResampler.of(rate, fs, rate);
        }
        int strainRate = spec.channel(strainSlot).rateHz();
        this.strainResampler = StreamResampler.of(strainRate, fs, strainRate);
        this.scaler = new StandardScaler(card.numbers("scaling.witness_mean"), card.numbers("scaling.witness_std"));
        this.strainMean = (float) card.number("scaling.strain_mean");
        this.strainStd = (float) card.number("scaling.strain_std");
        this.snapshot = new SnapshotState(channels, k, batch, stride, 0);
        this.span = k + (long) (batch - 1) * stride;
        this.aggregator = new OverlapAggregator(k, stride, latency);
        this.bandpass = new ZeroPhaseBandpass(Sos.butterBandpass(8, s.bandLowHz(), s.bandHighHz(), fs),
                (int) Math.round(s.historyS() * fs), lookahead, (int) Math.round(s.taperS() * fs), fs,
                (int) Math.round(s.joinS() * fs), latency);
        this.staging = direct(channels * fs);
        this.released = direct(fs);
        this.provisional = direct(Math.max(1, latency));
        this.noise = direct(fs);
        // cleaned once the snapshot is full, the aggregation has caught up and the band-pass history holds data
        this.warmSeconds = (int) Math.ceil((k + (batch - 1.0) * stride) / fs) + lagS + (int) Math.ceil(s.historyS());
        this.pendingRaw = new FloatBuffer[lagS + 1];
        for (int i = 0; i <= lagS; i++) {
            pendingRaw[i] = direct(fs);
        }
        this.pendingGps = new long[lagS + 1];
        this.pendingFlags = new int[lagS + 1];
        this.pendingPublishedNs = new long[lagS + 1];
        this.pendingMtime = new long[lagS + 1];
        this.gateSamples = (int) Math.round(s.gateSpanS() * fs);
        this.gateRaw = new double[gateSamples];
        this.gateClean = new double[gateSamples];
        // one estimator per stream, each keeping the periodograms of its 1-s segments (half-overlapping, on a 0.5-s grid)
        int gateSegments = (int) s.gateSpanS() * 2;
        int gateSlots = gateSamples / (fs / 2) + gateSegments + 1;
        this.gateRatio = new AsdRatio(new Welch(fs, fs, Welch.Average.MEAN, gateSegments).cacheSegments(fs / 2, gateSlots),
                new Welch(fs, fs, Welch.Average.MEAN, gateSegments).cacheSegments(fs / 2, gateSlots), s.bandLowHz(), s.bandHighHz());
        this.crossfade = (int) Math.round(s.crossfadeS() * fs);
        this.out = new CleanedSecond(ifo, fs);
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    public long counter(Counter c) {
        return counters.get(c.ordinal());
    }

    /** Input seconds after a start or reset before the output is cleaned (outputs before then are raw). */
    public int warmSeconds() {
        return warmSeconds;
    }

    /** Seconds between an input second and its output. */
    public int lagSeconds() {
        return lagS;
    }

    /** Whether a stream of the second never came (its channels absent), as against one that came unreadable. */
    private static boolean streamAbsent(FrameEvent e) {
        for (int i = 0; i < e.channelCount(); i++) {
            if ((e.channel(i).flags() & ChannelSlot.ABSENT) != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        takenNs = System.nanoTime();
        takenFileMtimeUnixNs = e.fileMtimeUnixNs();
        engineStartNs = 0;
        engineEndNs = 0;
        counters.incrementAndGet(Counter.SECONDS_IN.ordinal());
        int bad = FrameEvent.INVALID | FrameEvent.GAP | FrameEvent.CORRUPT | FrameEvent.RESET;
        boolean usable = e.kind() == SecondKind.NEXT && (e.flags() & bad) == 0;
        int inFlags = ((e.flags() & FrameEvent.INVALID) != 0 || e.kind() != SecondKind.NEXT ? CleanedSecond.INVALID : 0)
                | ((e.flags() & FrameEvent.NOT_READY) != 0 ? CleanedSecond.NOT_READY : 0)
                | ((e.flags() & FrameEvent.GAP) != 0 || e.kind() == SecondKind.GAP ? CleanedSecond.GAP : 0)
                | ((e.flags() & FrameEvent.PARTIAL) != 0 && streamAbsent(e) ? CleanedSecond.LATE : 0);
        if (lastGps != Long.MIN_VALUE && (e.gpsS() != lastGps + 1 || !usable)) {
            if (!inputBad) {   // one line per change of state: not one per unusable second
                LOG.log(System.Logger.Level.WARNING, ifo + " deepclean: " + (usable ? "GPS jumps from " + lastGps + " to "
                        + e.gpsS() : "GPS " + e.gpsS() + " unusable (" + CleanedSecond.describe(inFlags) + ")")
                        + ": raw strain out, the stage restarts and warms up again");
            }
            restart();
            inFlags |= CleanedSecond.RESET;
        }
        if (usable && inputBad) {
            LOG.log(System.Logger.Level.INFO, ifo + " deepclean: usable input again from GPS " + e.gpsS()
                    + "; cleaning once warm (" + warmSeconds + " s)");
        }
        inputBad = !usable;
        lastGps = e.gpsS();
        // the raw strain at the model's rate, in flight until its cleaned version is ready; a usable
        // second's is resampled after the second before it goes out (it is not needed before then)
        int slot = (pendingHead + pendingCount) % pendingRaw.length;
        ChannelSlot strain = e.channel(strainSlot);
        pendingGps[slot] = e.gpsS();
        pendingFlags[slot] = inFlags;
        pendingPublishedNs[slot] = e.publishedNs();
        pendingMtime[slot] = e.fileMtimeUnixNs();
        pendingCount++;
        if (!usable) {
            strainResampler.process(strain.data(), 0, strain.rateHz(), pendingRaw[slot], 0);
            flush();    // an unusable second goes out raw at once; the state stays reset
            resetNext = true;
            return;
        }
        if (resetNext) {
            resetNext = false;
            secondsSinceReset = 0;
        }
        secondsSinceReset++;
        boolean haveNoise;
        try {
            haveNoise = noiseFor(e);
        } catch (EngineException ex) {
            counters.incrementAndGet(Counter.ENGINE_ERRORS.ordinal());
            if (engineFailures++ == 0) {   // the first of a run of failures; the run's end says how many
                LOG.log(System.Logger.Level.WARNING, ifo + " deepclean: " + ex.getMessage() + " (second " + e.gpsS()
                        + " handed on raw; the stage restarts; one line when the engine runs again)");
            }
            strainResampler.process(strain.data(), 0, strain.rateHz(), pendingRaw[slot], 0);
            restart();
            return;
        }
        if (engineFailures > 0 && engineEndNs != 0) {   // a run that went through (a warming stage runs none)
            LOG.log(System.Logger.Level.INFO, ifo + " deepclean: the engine runs again at GPS " + e.gpsS() + ", after "
                    + engineFailures + " failed second(s) (counted in engine_errors)");
            engineFailures = 0;
        }
        if (pendingCount > lagS) {
            emit(haveNoise && secondsSinceReset > warmSeconds);
        }
        strainResampler.process(strain.data(), 0, strain.rateHz(), pendingRaw[slot], 0);
        // the next second's windows as far as they are known now (half the tensor), before it comes
        if (prefill && !spanInput && snapshot.written() + fs >= span) {
            snapshot.windowsBefore(batch, stride, fs, engine.input(), 0);
            prefilledFor = e.gpsS() + 1;
        }
    }

    /**
     * This second's witnesses into the snapshot and, once it is full, the engine's prediction
     * averaged, un-scaled and band-passed into {@link #noise}: whether the noise of the second due
     * out is there.
     */
    private boolean noiseFor(FrameEvent e) throws EngineException {
        for (int i = 0; i < channels; i++) {
            ChannelSlot w = e.channel(witnessSlot[i]);
            witnessResamplers[i].process(w.data(), 0, w.rateHz(), staging, i * fs);
            scaler.scale(staging, i * fs, fs, i);
        }
        snapshot.update(staging, 0, fs);
        if (!snapshot.ready(batch, stride)) {
            return false;
        }
        if (spanInput) {
            snapshot.span(batch, stride, engine.input(), 0);   // C x span floats: the engine cuts the windows
        } else if (prefilledFor == e.gpsS()) {
            snapshot.windowsAfter(batch, stride, fs, engine.input(), 0);   // the rest of what windowsBefore began
            prefilledRuns++;
        } else {
            snapshot.windows(batch, stride, engine.input(), 0);
        }
        prefilledFor = Long.MIN_VALUE;
        engineStartNs = System.nanoTime();
        engine.run();
        engineEndNs = System.nanoTime();
        int n = aggregator.add(engine.output(), 0, batch, snapshot.written(), released, 0);
        if (n != fs) {
            return false;
        }
        for (int i = 0; i < fs; i++) {
            released.put(i, released.get(i) * strainStd + strainMean);
        }
        // the band-pass span runs on over the provisional samples: its tapered end, further from this second
        int p = aggregator.provisional(provisional, 0);
        for (int i = 0; i < p; i++) {
            provisional.put(i, provisional.get(i) * strainStd + strainMean);
        }
        bandpass.process(released, 0, provisional, 0, noise, 0);
        return true;
    }

    /** Hands on the oldest second in flight, cleaned by {@link #noise} if {@code clean}. */
    private void emit(boolean clean) {
        int slot = pendingHead;
        FloatBuffer raw = pendingRaw[slot];
        FloatBuffer dst = out.samples;
        int flags = pendingFlags[slot];
        if (clean) {
            // the gate's history: raw and candidate cleaned, the newest second at the end
            System.arraycopy(gateRaw, fs, gateRaw, 0, gateSamples - fs);
            System.arraycopy(gateClean, fs, gateClean, 0, gateSamples - fs);
            for (int i = 0; i < fs; i++) {
                float r = raw.get(i);
                gateRaw[gateSamples - fs + i] = r;
                gateClean[gateSamples - fs + i] = r - noise.get(i);
            }
            gateFilled = Math.min(gateSamples, gateFilled + fs);
            gateIn += fs;
            if (gateFilled >= 2 * fs) {
                double ratio = gateRatio.ratioStream(gateClean, gateRaw, gateSamples - gateFilled, gateFilled, gateIn - gateFilled);
                boolean worse = ratio > 1.0;
                if (worse != gated) {
                    gated = worse;
                    LOG.log(System.Logger.Level.WARNING, ifo + " deepclean: band ASD ratio cleaned/raw " + ratio + " at GPS "
                            + pendingGps[slot] + ": " + (gated ? "emitting raw strain" : "cleaning again"));
                }
            }
            double target = gated ? 0 : 1;
            for (int i = 0; i < fs; i++) {
                if (weight != target) {
                    double step = 1.0 / crossfade;
                    weight = target > weight ? Math.min(target, weight + step) : Math.max(target, weight - step);
                }
                double w = 0.5 - 0.5 * Math.cos(Math.PI * weight);   // half-Hann between raw and cleaned
                float r = raw.get(i);
                dst.put(i, (float) (r - w * noise.get(i)));
            }
            if (gated) {
                flags |= CleanedSecond.GATED;
                counters.incrementAndGet(Counter.SECONDS_GATED.ordinal());
            } else {
                counters.incrementAndGet(Counter.SECONDS_CLEANED.ordinal());
            }
            out.model = model;
        } else {
            dst.put(0, raw, 0, fs);
            flags |= CleanedSecond.UNCLEANED;
            out.model = null;
            counters.incrementAndGet(Counter.SECONDS_UNCLEANED.ordinal());
        }
        out.gpsS = pendingGps[slot];
        out.flags = flags;
        out.inputPublishedNs = pendingPublishedNs[slot];
        out.fileMtimeUnixNs = pendingMtime[slot];
        out.doneNs = System.nanoTime();
        out.takenNs = takenNs;
        out.takenFileMtimeUnixNs = takenFileMtimeUnixNs;
        out.engineStartNs = engineStartNs;
        out.engineEndNs = engineEndNs;
        pendingHead = (pendingHead + 1) % pendingRaw.length;
        pendingCount--;
        sink.accept(out);
    }

    /** Whether the next second's windows are written ahead of it (on by default; off only to compare in tests). */
    void prefill(boolean on) {
        prefill = on;
        prefilledFor = Long.MIN_VALUE;
    }

    /** Engine runs whose input was half written ahead of their second. */
    long prefilledRuns() {
        return prefilledRuns;
    }

    /** Hands on every second in flight as raw strain. */
    private void flush() {
        while (pendingCount > 0) {
            emit(false);
        }
    }

    private void restart() {
        counters.incrementAndGet(Counter.RESETS.ordinal());
        prefilledFor = Long.MIN_VALUE;
        flush();
        snapshot.reset();
        aggregator.reset();
        bandpass.reset();
        strainResampler.reset();
        for (StreamResampler r : witnessResamplers) {
            r.reset();
        }
        java.util.Arrays.fill(gateRaw, 0);
        java.util.Arrays.fill(gateClean, 0);
        gateFilled = 0;
        gateIn = 0;
        gateRatio.resetStream();
        gated = false;
        weight = 1;
        resetNext = true;
    }

    /** At shutdown: the seconds in flight go out raw, so every input second has its output. */
    @Override
    public void onShutdown() {
        takenFileMtimeUnixNs = 0;   // these go out because of the stop, not of a file
        flush();
    }

    public ModelCard card() {
        return card;
    }

    /** Where the output seconds go from now on (the switch sets it on the consumer thread, between seconds). */
    void sink(Sink s) {
        this.sink = s;
    }

    /** The engine this stage runs. */
    public Engine engine() {
        return engine;
    }
}
