package org.strainline.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.ModelRepository;
import org.strainline.daemon.engine.OnnxRuntimeEngine;
import org.strainline.daemon.sim.Simulator;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfReader;
import org.strainline.kernels.StreamResampler;
import org.strainline.kernels.Welch;
import org.strainline.shm.ChannelSpec;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.Ingest;
import org.strainline.shm.IngestConfig;
import org.strainline.shm.StartPolicy;
import org.strainline.shm.StreamSpec;

/**
 * DeepClean online, with real components: simulated frames (a seed the model never saw) on
 * tmpfs, the real ingest and ring, the committed deepclean-h1 model in ONNX Runtime. Every second
 * comes out once, in order; once warm the 60 Hz line is removed and the rest of the band untouched.
 */
class DeepCleanStageIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");
    private static final long G = 1_400_000_000L;
    private static final int N = 48;

    record Out(long gps, int flags, float[] x, long fileMtimeUnixNs, long takenFileMtimeUnixNs) {
        Out(long gps, int flags, float[] x) {
            this(gps, flags, x, 0, 0);
        }
    }

    /** The stage's window stride: samples between windows at its inference rate. */
    static int stride(ModelCard card, DeepCleanStage.Settings s) {
        return card.sampleRateHz() / s.inferenceRateHz();
    }

    static IfoSpec h1(Path root) {
        List<ChannelSpec> w = new ArrayList<>();
        for (String n : Simulator.witnesses("H1")) {
            w.add(new ChannelSpec(n, n.contains("MAINSMON") ? 1024 : 512));
        }
        return new IfoSpec("H1", List.of(
                new StreamSpec("llhoft", root.resolve("kafka/H1"), "H-H1_llhoft",
                        List.of(new ChannelSpec("H1:GDS-CALIB_STRAIN", 16384), new ChannelSpec("H1:GDS-CALIB_STATE_VECTOR", 16))),
                new StreamSpec("lldetchar", root.resolve("lldetchar/H1"), "H-H1_lldetchar", w)), "H1:GDS-CALIB_STATE_VECTOR", 3);
    }

    private static double asdAt(Welch w, double[] psd, double f) {
        return Math.sqrt(psd[(int) Math.round(f / w.df())]);
    }

    /** {@code n} seconds of simulated H1 frames (the given seed, not-ready seconds) in a fresh tmpfs directory. */
    static Path simulatedH1(String name, int n, long seed, Set<Long> notReady) throws Exception {
        Path shm = Paths.get("/dev/shm");
        Path root = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir")), name);
        Simulator.run(new Simulator.Config(root, List.of("H1"), G, n, seed, List.of(), Set.of(), notReady,
                Simulator.Config.DEFAULT_COUPLING));
        return root;
    }

    /** {@code n} seconds of simulated H1 frames (the given seed) with second {@code missing} missing, in a fresh tmpfs directory. */
    static Path simulatedH1WithGap(String name, int n, long seed, long missing) throws Exception {
        Path shm = Paths.get("/dev/shm");
        Path root = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir")), name);
        Simulator.run(new Simulator.Config(root, List.of("H1"), G, n, seed, List.of(), Set.of(missing), Set.of(),
                Simulator.Config.DEFAULT_COUPLING));
        return root;
    }

    /** A sink keeping a copy of every second the stage hands on. */
    static DeepCleanStage.Sink keep(List<Out> outs) {
        return c -> {
            float[] x = new float[c.rateHz()];
            c.samples().get(0, x);
            outs.add(new Out(c.gpsS(), c.flags(), x));
        };
    }

    /** The real ingest into both stages, the same events in turn on one consumer thread, until the second has taken {@code n}; then both shut down. */
    static void feedBoth(IfoSpec spec, DeepCleanStage[] stages, int n) throws Exception {
        com.lmax.disruptor.EventHandler<org.strainline.shm.FrameEvent> both = (e, seq, end) -> {
            stages[0].onEvent(e, seq, end);
            stages[1].onEvent(e, seq, end);
        };
        feed(spec, both, stages[1], n);
        stages[0].onShutdown();
        stages[1].onShutdown();
    }

    /** The real ingest over {@code spec}'s files into {@code handler}, until {@code stage} has taken {@code n} seconds (at most 2 min); then stopped. */
    static void feed(IfoSpec spec, com.lmax.disruptor.EventHandler<org.strainline.shm.FrameEvent> handler, DeepCleanStage stage, int n)
            throws Exception {
        Ingest ingest = new Ingest(IngestConfig.builder(List.of(spec)).start(StartPolicy.OLDEST).build());
        ingest.ring("H1").handleEventsWith(handler);
        ingest.start();
        long end = System.currentTimeMillis() + 120_000;
        while (stage.counter(DeepCleanStage.Counter.SECONDS_IN) < n && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        ingest.close();   // stops the consumers: the seconds in flight come out raw
    }

    static void delete(Path root) throws java.io.IOException {
        try (Stream<Path> st = Files.walk(root)) {
            st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theLineIsRemovedOnlineAndEverySecondComesOutOnce() throws Exception {
        Path root = simulatedH1("strainline-dc", N, 777, Set.of(G + 30));
        try {
            ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
            DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
            List<Out> outs = new ArrayList<>();
            IfoSpec spec = h1(root);
            int warm;
            try (OnnxRuntimeEngine engine = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1, true, stride(card, s))) {
                assertEquals(stride(card, s), engine.spanStride(), "the daemon's engine: fed the span");
                DeepCleanStage stage = new DeepCleanStage(spec, card, engine, s, c -> {
                    float[] x = new float[c.rateHz()];
                    c.samples().get(0, x);
                    outs.add(new Out(c.gpsS(), c.flags(), x, c.fileMtimeUnixNs(), c.takenFileMtimeUnixNs()));
                });
                warm = stage.warmSeconds() - stage.lagSeconds();
                assertEquals(1, stage.lagSeconds());
                feed(spec, stage, stage, N);
                assertEquals(N, stage.counter(DeepCleanStage.Counter.SECONDS_IN));
            }
            assertEquals(N, outs.size(), "one output per input second");
            for (int i = 0; i < N; i++) {
                assertEquals(G + i, outs.get(i).gps(), "in GPS order, none missing");
            }
            for (int i = 0; i < warm; i++) {
                assertTrue((outs.get(i).flags() & CleanedSecond.UNCLEANED) != 0, "warming up at second " + i);
            }
            assertTrue((outs.get(30).flags() & CleanedSecond.NOT_READY) != 0, "the input's not-ready flag is carried");
            // each second is handed on by the next one's files (its look-ahead): the processing
            // latency is timed from those; the last goes out at the stop, timed from no file
            for (int g = 10; g < 28; g++) {
                assertTrue(outs.get(g).fileMtimeUnixNs() > 0 && outs.get(g).fileMtimeUnixNs() != outs.get(g + 1).fileMtimeUnixNs(),
                        "second " + g + "'s files have a time of their own");
                assertEquals(outs.get(g + 1).fileMtimeUnixNs(), outs.get(g).takenFileMtimeUnixNs(),
                        "second " + g + " went out on second " + (g + 1) + "'s files");
            }
            assertEquals(0, outs.get(N - 1).takenFileMtimeUnixNs(), "the last second went out at the stop");
            // the raw strain through the same resampler, from the frames
            StreamResampler r = StreamResampler.of(16384, 4096, 16384);
            double[] raw = new double[N * 4096];
            double[] cleaned = new double[N * 4096];
            for (int g = 0; g < N; g++) {
                Frame f = GwfReader.read(root.resolve("kafka/H1/H-H1_llhoft-" + (G + g) + "-1.gwf")).frames().get(0);
                r.process(f.channel("H1:GDS-CALIB_STRAIN").data().toDoubles(), 0, 16384, raw, g * 4096);
                for (int i = 0; i < 4096; i++) {
                    cleaned[g * 4096 + i] = outs.get(g).x()[i];
                }
            }
            assertTrue(warm <= 10, "warm after " + warm + " s");
            int from = 10 * 4096;
            int len = (N - 2) * 4096 - from;   // the last second went out raw at shutdown
            for (int g = 10; g < N - 1; g++) {
                assertEquals(0, outs.get(g).flags() & (CleanedSecond.UNCLEANED | CleanedSecond.GATED), "cleaned at second " + g);
            }
            Welch w = new Welch(4 * 4096, 4096, Welch.Average.MEDIAN, 64);
            double[] pr = new double[w.bins()];
            double[] pc = new double[w.bins()];
            w.psd(raw, from, len, pr);
            w.psd(cleaned, from, len, pc);
            double reduction = asdAt(w, pr, 60) / asdAt(w, pc, 60);
            assertTrue(reduction > 10, "ASD at 60 Hz reduced " + reduction + " x");
            double ra = 0;
            double ca = 0;
            for (int k = (int) (20 / w.df()); k < (int) (1000 / w.df()); k++) {
                double f = k * w.df();
                if (f > 50 && f < 70) {
                    continue;
                }
                ra += Math.sqrt(pr[k]);
                ca += Math.sqrt(pc[k]);
            }
            assertEquals(1.0, ca / ra, 0.01, "the band away from 50-70 Hz is unchanged");
            // and next to it: per-second steps in the band-passed prediction would put a comb here
            for (double[] side : new double[][] {{20, 50}, {70, 100}}) {
                double rs = 0;
                double cs = 0;
                for (int k = (int) (side[0] / w.df()); k < (int) (side[1] / w.df()); k++) {
                    rs += Math.sqrt(pr[k]);
                    cs += Math.sqrt(pc[k]);
                }
                System.out.println("deepclean online: ASD " + side[0] + "-" + side[1] + " Hz cleaned/raw " + cs / rs);
                assertEquals(1.0, cs / rs, 0.03, side[0] + "-" + side[1] + " Hz: nothing added next to the band");
            }
            System.out.println("deepclean online: ASD at 60 Hz reduced " + reduction + " x");
        } finally {
            delete(root);
        }
    }
    /** A real engine, but chosen runs throw (counted from 1), as a GPU error or a bad batch would. */
    static final class FailingEngine extends org.strainline.daemon.engine.ForwardingEngine {
        private final int failFrom;
        private final int failTo;
        private final java.util.function.LongSupplier now;
        private int runs;
        /** {@code now} at the first failure (-1: none yet). */
        volatile long failedAt = -1;

        /** Run {@code failAt} throws. */
        FailingEngine(org.strainline.daemon.engine.Engine inner, int failAt, java.util.function.LongSupplier now) {
            this(inner, failAt, failAt, now);
        }

        /** Runs {@code failFrom} to {@code failTo} throw. */
        FailingEngine(org.strainline.daemon.engine.Engine inner, int failFrom, int failTo, java.util.function.LongSupplier now) {
            super(inner);
            this.failFrom = failFrom;
            this.failTo = failTo;
            this.now = now;
        }

        @Override
        public void run() throws org.strainline.daemon.engine.EngineException {
            runs++;
            if (runs >= failFrom && runs <= failTo) {
                if (failedAt < 0) {
                    failedAt = now.getAsLong();
                }
                throw new org.strainline.daemon.engine.EngineException("injected failure of run " + runs);
            }
            inner.run();
        }
    }

    @Test
    void aRunOfEngineFailuresAndAGapAreLoggedOnceWhenTheyStartAndOnceWhenTheyEnd() throws Exception {
        int n = 34;
        Path root = simulatedH1WithGap("strainline-dcl", n, 783, G + 26);
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                DeepCleanStage.class.getName());
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try {
            ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
            DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
            IfoSpec spec = h1(root);
            List<Out> outs = new ArrayList<>();
            DeepCleanStage stage;
            try (OnnxRuntimeEngine real = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1, true, stride(card, s))) {
                stage = new DeepCleanStage(spec, card, new FailingEngine(real, 8, 10, () -> 0), s, keep(outs));
                feed(spec, stage, stage, n);
            }
            assertEquals(3, stage.counter(DeepCleanStage.Counter.ENGINE_ERRORS), "three runs in a row failed");
            assertEquals(n, outs.size());
            List<String> msgs = new ArrayList<>();
            for (ch.qos.logback.classic.spi.ILoggingEvent e : lines.list) {
                msgs.add(e.getFormattedMessage());
            }
            assertEquals(1, msgs.stream().filter(m -> m.startsWith("H1 deepclean: injected failure of run")).count(),
                    "the first failure of the run is logged, not each: " + msgs);
            assertTrue(msgs.stream().anyMatch(m -> m.startsWith("H1 deepclean: injected failure of run 8 (second ")), msgs.toString());
            assertEquals(1, msgs.stream().filter(m -> m.matches("H1 deepclean: the engine runs again at GPS 14000000\\d\\d, after 3"
                    + " failed second\\(s\\) \\(counted in engine_errors\\)")).count(), msgs.toString());
            assertEquals(1, msgs.stream().filter(m -> m.startsWith("H1 deepclean: GPS 1400000026 unusable (invalid, not_ready, gap):"
                    + " raw strain out, the stage restarts")).count(), "the gap, once: " + msgs);
            assertEquals(1, msgs.stream().filter(m -> m.startsWith("H1 deepclean: usable input again from GPS 1400000027;"
                    + " cleaning once warm")).count(), "and its end, once: " + msgs);
            assertEquals(0, msgs.stream().filter(m -> m.contains("unusable")).count() - 1, "no line per second: " + msgs);
        } finally {
            log.detachAppender(lines);
            delete(root);
        }
    }

    @Test
    void anEngineFailureOnOneBatchIsCountedItsSecondsGoOutRawAndCleaningResumes() throws Exception {
        int n = 40;
        Path root = simulatedH1("strainline-dcf", n, 778, Set.of());
        try {
            ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
            DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
            List<Out> outs = new ArrayList<>();
            IfoSpec spec = h1(root);
            DeepCleanStage[] stage = new DeepCleanStage[1];
            try (OnnxRuntimeEngine real = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1)) {
                FailingEngine engine = new FailingEngine(real, 14, () -> stage[0].counter(DeepCleanStage.Counter.SECONDS_IN));
                stage[0] = new DeepCleanStage(spec, card, engine, s, c -> outs.add(new Out(c.gpsS(), c.flags(), null)));
                feed(spec, stage[0], stage[0], n);
                assertEquals(n, stage[0].counter(DeepCleanStage.Counter.SECONDS_IN), "the stage went on after the failure");
                assertEquals(1, stage[0].counter(DeepCleanStage.Counter.ENGINE_ERRORS), "the failure is counted");
                assertTrue(engine.failedAt > 0, "the injected failure happened");
                long failedGps = G + engine.failedAt - 1;
                assertEquals(n, outs.size(), "one output per input second, the failed one too");
                for (int i = 0; i < n; i++) {
                    assertEquals(G + i, outs.get(i).gps(), "in GPS order, none missing");
                }
                Out failed = outs.get((int) (failedGps - G));
                assertTrue((failed.flags() & CleanedSecond.UNCLEANED) != 0, "the second whose batch failed goes out raw, flagged");
                assertTrue((outs.get((int) (failedGps - G) - 1).flags() & CleanedSecond.UNCLEANED) != 0,
                        "the second in flight at the failure (waiting for its look-ahead) goes out raw too");
                assertEquals(0, outs.get((int) (failedGps - G) - 2).flags() & CleanedSecond.UNCLEANED,
                        "the seconds before it were cleaned");
                assertEquals(0, outs.get(n - 3).flags() & CleanedSecond.UNCLEANED, "cleaning resumes once warm again");
            }
        } finally {
            delete(root);
        }
    }
    /** A real engine that keeps a checksum of every input tensor it runs on. */
    static final class InputRecorder extends org.strainline.daemon.engine.ForwardingEngine {
        final List<Long> inputs = new ArrayList<>();
        private final java.util.zip.CRC32 crc = new java.util.zip.CRC32();

        InputRecorder(org.strainline.daemon.engine.Engine inner) {
            super(inner);
        }

        @Override
        public void run() throws org.strainline.daemon.engine.EngineException {
            java.nio.FloatBuffer in = inner.input();
            crc.reset();
            for (int i = 0, n = in.capacity(); i < n; i++) {
                int v = Float.floatToRawIntBits(in.get(i));
                crc.update(v);
                crc.update(v >>> 8);
                crc.update(v >>> 16);
                crc.update(v >>> 24);
            }
            inputs.add(crc.getValue());
            inner.run();
        }
    }

    /**
     * The stage writes half of each second's engine input ahead of it: through resets (a
     * missing second) and an engine failure, every run's input and every output are bit for bit
     * those of a stage that writes each input whole when its second comes.
     */
    @Test
    void windowsWrittenAheadOfTheirSecondAreTheWindowsOfThatSecond() throws Exception {
        int n = 44;
        Path root = simulatedH1WithGap("strainline-dcp", n, 779, G + 22);   // a missing second: the stage resets
        try {
            ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
            DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
            IfoSpec spec = h1(root);
            List<List<Out>> outs = List.of(new ArrayList<>(), new ArrayList<>());
            DeepCleanStage[] stages = new DeepCleanStage[2];
            InputRecorder[] rec = new InputRecorder[2];
            try (OnnxRuntimeEngine a = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1);
                 OnnxRuntimeEngine b = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1)) {
                OnnxRuntimeEngine[] real = {a, b};
                for (int k = 0; k < 2; k++) {
                    DeepCleanStage[] self = stages;
                    int kk = k;
                    rec[k] = new InputRecorder(new FailingEngine(real[k], 9, () -> self[kk].counter(DeepCleanStage.Counter.SECONDS_IN)));
                    stages[k] = new DeepCleanStage(spec, card, rec[k], s, keep(outs.get(k)));
                }
                stages[1].prefill(false);
                feedBoth(spec, stages, n);
            }
            assertEquals(n, outs.get(0).size());
            assertEquals(1, stages[0].counter(DeepCleanStage.Counter.ENGINE_ERRORS), "the engine failure happened");
            assertTrue(stages[0].counter(DeepCleanStage.Counter.RESETS) >= 2, "the failure and the gap reset the stage");
            assertTrue(stages[0].prefilledRuns() > 10, "runs on inputs written ahead: " + stages[0].prefilledRuns());
            assertEquals(0, stages[1].prefilledRuns());
            assertEquals(rec[1].inputs, rec[0].inputs, "every engine input, run by run");
            for (int i = 0; i < n; i++) {
                Out x = outs.get(0).get(i);
                Out y = outs.get(1).get(i);
                assertEquals(y.gps(), x.gps());
                assertEquals(y.flags(), x.flags(), "flags of GPS " + x.gps());
                org.junit.jupiter.api.Assertions.assertArrayEquals(y.x(), x.x(), "samples of GPS " + x.gps());
            }
        } finally {
            delete(root);
        }
    }

    /**
     * A stage whose engine is fed the stream's span (the daemon's) cleans every second as one whose
     * engine is fed the windows, through warm-up, a gap's reset and the gate, to float rounding.
     */
    /** The model's prediction negated and doubled: subtracting it adds twice the line instead of removing it. */
    private static final class Inverted extends org.strainline.daemon.engine.ForwardingEngine {
        Inverted(org.strainline.daemon.engine.Engine inner) {
            super(inner);
        }

        @Override
        public void run() throws org.strainline.daemon.engine.EngineException {
            inner.run();
            java.nio.FloatBuffer y = inner.output();
            for (int i = 0; i < y.capacity(); i++) {
                y.put(i, -2 * y.get(i));
            }
        }
    }

    @Test
    void whenCleaningMakesTheBandWorseTheGateEmitsRawStrainAfterAHalfHannSwitchAndFlagsIt() throws Exception {
        int n = 24;
        Path root = simulatedH1("strainline-dcg", n, 779, Set.of());
        try {
            ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
            DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
            IfoSpec spec = h1(root);
            List<List<Out>> outs = List.of(new ArrayList<>(), new ArrayList<>());
            DeepCleanStage[] stages = new DeepCleanStage[2];
            try (OnnxRuntimeEngine good = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1, true, stride(card, s));
                 OnnxRuntimeEngine bad = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1, true, stride(card, s))) {
                stages[0] = new DeepCleanStage(spec, card, good, s, keep(outs.get(0)));
                stages[1] = new DeepCleanStage(spec, card, new Inverted(bad), s, keep(outs.get(1)));
                feedBoth(spec, stages, n);
            }
            // the raw strain at 4096 Hz through the stage's resampler, from the frames
            StreamResampler r = StreamResampler.of(16384, 4096, 16384);
            double[] raw = new double[n * 4096];
            for (int g = 0; g < n; g++) {
                Frame f = GwfReader.read(root.resolve("kafka/H1/H-H1_llhoft-" + (G + g) + "-1.gwf")).frames().get(0);
                r.process(f.channel("H1:GDS-CALIB_STRAIN").data().toDoubles(), 0, 16384, raw, g * 4096);
            }
            double scale = 0;
            for (double v : raw) {
                scale = Math.max(scale, Math.abs(v));
            }
            List<Out> worse = outs.get(1);
            assertEquals(n, worse.size());
            int firstGated = -1;
            for (int g = 0; g < n - 1; g++) {
                if ((worse.get(g).flags() & CleanedSecond.GATED) != 0) {
                    firstGated = g;
                    break;
                }
            }
            assertTrue(firstGated > 0, "the gate engages: " + stages[1].counter(DeepCleanStage.Counter.SECONDS_GATED));
            assertEquals(0, stages[0].counter(DeepCleanStage.Counter.SECONDS_GATED), "the real model's cleaning is never gated");
            assertEquals(0, worse.get(firstGated - 1).flags() & (CleanedSecond.GATED | CleanedSecond.UNCLEANED),
                    "the second before it was cleaned (the gate needs two seconds of history)");
            int fade = (int) Math.round(s.crossfadeS() * 4096);
            for (int g = 0; g < n - 1; g++) {
                double worst = 0;
                for (int i = 0; i < 4096; i++) {
                    if (g != firstGated || i >= fade) {
                        worst = Math.max(worst, Math.abs(worse.get(g).x()[i] - raw[g * 4096 + i]));
                    }
                }
                boolean rawOut = g < firstGated - 1 ? (worse.get(g).flags() & CleanedSecond.UNCLEANED) != 0 : g >= firstGated;
                if (rawOut) {
                    assertTrue(worst <= 1e-6 * scale, "second " + g + " is the raw strain: max |diff| " + worst / scale);
                }
                if (g >= firstGated) {
                    assertTrue((worse.get(g).flags() & CleanedSecond.GATED) != 0, "flagged GATED from then on: second " + g);
                }
            }
            // the switch: from the (worse) cleaned strain to the raw one over the cross-fade, half-Hann
            Out first = worse.get(firstGated);
            double start = Math.abs(first.x()[0] - raw[firstGated * 4096]);
            double mid = 0;
            double end = 0;
            for (int i = 0; i < fade / 4; i++) {
                mid = Math.max(mid, Math.abs(first.x()[fade / 2 + i] - raw[firstGated * 4096 + fade / 2 + i]));
            }
            assertTrue(start > 100 * 1e-6 * scale, "the switch starts from the cleaned strain: " + start / scale);
            assertTrue(mid > 100 * 1e-6 * scale, "and is still under way half-way: " + mid / scale);
            for (int i = fade; i < 4096; i++) {
                end = Math.max(end, Math.abs(first.x()[i] - raw[firstGated * 4096 + i]));
            }
            assertTrue(end <= 1e-6 * scale, "and done after " + s.crossfadeS() + " s: " + end / scale);
        } finally {
            delete(root);
        }
    }

    @Test
    void aStageOnTheSpanGraphCleansAsOneOnTheWindowsGraph() throws Exception {
        int n = 40;
        Path root = simulatedH1WithGap("strainline-dcs", n, 781, G + 25);
        try {
            ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
            DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
            IfoSpec spec = h1(root);
            List<List<Out>> outs = List.of(new ArrayList<>(), new ArrayList<>());
            DeepCleanStage[] stages = new DeepCleanStage[2];
            try (OnnxRuntimeEngine a = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1, true, stride(card, s));
                 OnnxRuntimeEngine b = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1)) {
                assertEquals(stride(card, s), a.spanStride());
                assertEquals(0, b.spanStride());
                OnnxRuntimeEngine[] engines = {a, b};
                for (int k = 0; k < 2; k++) {
                    stages[k] = new DeepCleanStage(spec, card, engines[k], s, keep(outs.get(k)));
                }
                feedBoth(spec, stages, n);
            }
            assertEquals(n, outs.get(0).size());
            assertEquals(n, outs.get(1).size());
            assertEquals(0, stages[0].prefilledRuns(), "nothing is written ahead for an engine fed the span");
            int cleaned = 0;
            for (int i = 0; i < n; i++) {
                Out x = outs.get(0).get(i);
                Out y = outs.get(1).get(i);
                assertEquals(y.gps(), x.gps());
                assertEquals(y.flags(), x.flags(), "flags of GPS " + x.gps());
                double worst = 0;
                double scale = 0;
                for (int j = 0; j < y.x().length; j++) {
                    worst = Math.max(worst, Math.abs(x.x()[j] - y.x()[j]));
                    scale = Math.max(scale, Math.abs(y.x()[j]));
                }
                assertTrue(worst <= 1e-5 * scale, "GPS " + x.gps() + ": max |diff| " + worst + " of max |x| " + scale);
                cleaned += (y.flags() & (CleanedSecond.UNCLEANED | CleanedSecond.GATED)) == 0 ? 1 : 0;
            }
            assertTrue(cleaned >= 10, "seconds cleaned by both: " + cleaned);
        } finally {
            delete(root);
        }
    }

    /**
     * A real engine whose runs' own allocation is counted apart: where ONNX Runtime is called through
     * its Java API (the C shim not built) a run makes ~0.5 kB of objects that are not the stage's.
     */
    static final class CountedEngine extends org.strainline.daemon.engine.ForwardingEngine {
        private final com.sun.management.ThreadMXBean mx;
        long bytes;

        CountedEngine(org.strainline.daemon.engine.Engine inner, com.sun.management.ThreadMXBean mx) {
            super(inner);
            this.mx = mx;
        }

        @Override
        public void run() throws org.strainline.daemon.engine.EngineException {
            long a0 = mx.getCurrentThreadAllocatedBytes();
            inner.run();
            bytes += mx.getCurrentThreadAllocatedBytes() - a0;
        }
    }

    /**
     * The stage's work per second, its engine's run included (ONNX Runtime through its C API),
     * allocates nothing on its thread; where the engine runs through the Java API its objects are
     * counted apart and the stage's own work still allocates nothing.
     */
    @Test
    void theStageAndItsEngineAllocateNothingPerSecondOnItsThread() throws Exception {
        int n = 70;
        Path root = simulatedH1("strainline-dca", n, 780, Set.of());
        try {
            ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
            DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
            // the engine fed the span (the daemon's), then one fed the windows (half written ahead)
            for (int spanStride : new int[] {stride(card, s), 0}) {
                allocationPerSecond(root, n, card, s, spanStride);
            }
        } finally {
            delete(root);
        }
    }

    private static void allocationPerSecond(Path root, int n, ModelCard card, DeepCleanStage.Settings s, int spanStride) throws Exception {
        IfoSpec spec = h1(root);
        long[] outs = {0};
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        OnnxRuntimeEngine real = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1, true, spanStride);
        assertEquals(spanStride, real.spanStride());
        String what = spanStride > 0 ? "fed the span" : "fed the windows";
        CountedEngine engine = new CountedEngine(real, mx);
        boolean withEngine = real.callsCApi();
        DeepCleanStage stage = new DeepCleanStage(spec, card, engine, s, c -> outs[0]++);
        long[] measured = {0, 0, 0};   // bytes, seconds, seconds that allocated
        int skip = stage.warmSeconds() + 10;   // past warm-up, the gate's history full, every code path hot
        com.lmax.disruptor.EventHandler<org.strainline.shm.FrameEvent> probe = (e, seq, eob) -> {
            long a0 = mx.getCurrentThreadAllocatedBytes();
            long e0 = engine.bytes;
            stage.onEvent(e, seq, eob);
            long d = mx.getCurrentThreadAllocatedBytes() - a0 - (withEngine ? 0 : engine.bytes - e0);
            if (stage.counter(DeepCleanStage.Counter.SECONDS_IN) > skip) {
                measured[0] += d;
                measured[1]++;
                measured[2] += d != 0 ? 1 : 0;
            }
        };
        feed(spec, probe, stage, n);
        real.close();
        assertEquals(spanStride > 0, stage.prefilledRuns() == 0, what + ": written ahead only for windows");
        assertEquals(0, stage.counter(DeepCleanStage.Counter.SECONDS_GATED), what + ": cleaning, not gated: no state change to log");
        assertTrue(measured[1] >= n - skip - 1, what + ": measured " + measured[1] + " seconds");
        assertTrue(stage.counter(DeepCleanStage.Counter.SECONDS_CLEANED) > 0, what + ": the measured seconds went the cleaning path");
        // per second nothing: a second that allocates is a one-off of the JIT recompiling a method
        // (deoptimised code runs interpreted, where nothing is scalar-replaced), a few hundred bytes
        // in at most a few seconds; an allocation per second would show in every one of them
        assertTrue(measured[2] <= 3 && measured[0] < 4096, what + ": the stage" + (withEngine ? " and its engine" : " (its engine apart: "
                + real.callPath() + ")") + " allocated " + measured[0] + " bytes over " + measured[1]
                + " seconds, in " + measured[2] + " of them");
    }
}
