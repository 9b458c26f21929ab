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
import org.strainline.daemon.sim.Injection;
import org.strainline.daemon.sim.Simulator;
import org.strainline.gwf.GwfReader;
import org.strainline.kernels.StreamResampler;

/**
 * BBHnet over simulated H1 + L1 with two injections (real frames, the committed bbhnet model in
 * ONNX Runtime, the real strain ring): the search starts after a PSD span, and the integrated
 * statistic stands out at the injections and nowhere else.
 */
class BbhnetStageIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");
    private static final long G = 1_400_000_000L;
    private static final int N = 150;
    private static final double[] TIMES = {G + 100.3, G + 131.7};

    record Stat(double gps, double integrated, boolean ready, int ifos) {
    }

    /** Simulated H1 + L1 with the two injections: per IFO and second, the strain resampled to 4096 Hz (DeepClean's output rate). */
    private static float[][][] strain(Path root) throws Exception {
        Path f = root.resolve("inj.json");
        Files.writeString(f, "[{\"gps\": " + TIMES[0] + ", \"mass1\": 36, \"mass2\": 30, \"network_snr\": 20},"
                + " {\"gps\": " + TIMES[1] + ", \"mass1\": 45, \"mass2\": 25, \"network_snr\": 16}]");
        List<Injection> inj = Simulator.injections(f, List.of("H1", "L1"), 3);
        Simulator.run(new Simulator.Config(root.resolve("d"), List.of("H1", "L1"), G, N, 41, inj, Set.of(), Set.of(), 0));
        float[][][] out = new float[2][N][4096];
        double[] y = new double[4096];
        for (int i = 0; i < 2; i++) {
            String ifo = i == 0 ? "H1" : "L1";
            StreamResampler rs = StreamResampler.of(16384, 4096, 16384);
            for (int g = 0; g < N; g++) {
                double[] x = GwfReader.read(root.resolve("d/kafka/" + ifo + "/" + ifo.charAt(0) + "-" + ifo + "_llhoft-" + (G + g) + "-1.gwf"))
                        .frames().get(0).channel(ifo + ":GDS-CALIB_STRAIN").data().toDoubles();
                rs.process(x, 0, 16384, y, 0);
                for (int k = 0; k < 4096; k++) {
                    out[i][g][k] = (float) y[k];
                }
            }
        }
        return out;
    }

    /** Every second of both IFOs through the real strain ring (L1 first: the join does not care), L1 flagged by {@code l1Flags}. */
    private static void feed(com.lmax.disruptor.EventHandler<StrainEvent> stage, float[][][] x,
                             java.util.function.IntUnaryOperator l1Flags) throws Exception {
        List<int[]> order = new ArrayList<>();
        for (int g = 0; g < N; g++) {
            order.add(new int[] {1, g});
            order.add(new int[] {0, g});
        }
        feed(stage, x, l1Flags, order);
    }

    /** The seconds {@code {ifo, g}} of {@code order} through the real strain ring, L1 flagged by {@code l1Flags}. */
    private static void feed(com.lmax.disruptor.EventHandler<StrainEvent> stage, float[][][] x,
                             java.util.function.IntUnaryOperator l1Flags, List<int[]> order) throws Exception {
        StrainRing ring = new StrainRing(4096, 64, 2);
        ring.handleEventsWith(stage);
        ring.start();
        CleanedSecond[] sec = {new CleanedSecond("H1", 4096), new CleanedSecond("L1", 4096)};
        for (int[] o : order) {
            int i = o[0];
            int g = o[1];
            sec[i].samples().put(0, x[i][g]);
            sec[i].set(G + g, i == 1 ? l1Flags.applyAsInt(g) : 0, "deepclean");
            while (!ring.offer(sec[i], i)) {
                Thread.sleep(1);
            }
        }
        ring.stop(60_000);
    }

    /**
     * Each IFO's part of the next second is done as it arrives, before its partner: the values are
     * the same whether L1 or H1 comes first in each second or H1 runs 5 s ahead of L1 (its waiting
     * seconds prepared when searched), and the count of parts done ahead says which way each went.
     */
    @Test
    void theSearchIsTheSameWhicheverIfoComesFirstOrRunsAheadWithTheFirstIfosPartDoneBeforeItsPartnerComes() throws Exception {
        Path root = Files.createTempDirectory("strainline-bbho");
        try {
            float[][][] x = strain(root);
            ModelCard card = new ModelRepository(REPO).resolve("bbhnet", null);
            BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
            List<List<int[]>> orders = new ArrayList<>();
            for (int first : new int[] {1, 0}) {
                List<int[]> o = new ArrayList<>();
                for (int g = 0; g < N; g++) {
                    o.add(new int[] {first, g});
                    o.add(new int[] {1 - first, g});
                }
                orders.add(o);
            }
            List<int[]> ahead = new ArrayList<>();
            for (int g0 = 0; g0 < N; g0 += 5) {
                for (int i = 0; i < 2; i++) {
                    for (int g = g0; g < g0 + 5; g++) {
                        ahead.add(new int[] {i, g});
                    }
                }
            }
            orders.add(ahead);
            List<List<Stat>> results = new ArrayList<>();
            long[] prepared = new long[orders.size()];
            try (OnnxRuntimeEngine engine = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 1, 1)) {
                for (int r = 0; r < orders.size(); r++) {
                    List<Stat> stats = new ArrayList<>();
                    BbhnetStage stage = new BbhnetStage(card, engine, 4096, s, collect(stats));
                    feed(stage, x, g -> 0, orders.get(r));
                    assertEquals(N, stage.counter(BbhnetStage.Counter.SECONDS_JOINED));
                    prepared[r] = stage.counter(BbhnetStage.Counter.PREPARED_AHEAD);
                    results.add(stats);
                }
            }
            assertTrue(results.get(0).size() > 300, "values: " + results.get(0).size());
            assertEquals(results.get(0), results.get(1), "H1 first as L1 first");
            assertEquals(results.get(0), results.get(2), "H1 5 s ahead as L1 first");
            // every second but the first has its first IFO's part done ahead
            assertEquals(N - 1, prepared[0], "L1 first");
            assertEquals(N - 1, prepared[1], "H1 first");
            // H1 5 s ahead: of each 5 s only the first H1 second is the next to search before L1's comes (not in the very first 5 s)
            assertEquals(N / 5 - 1, prepared[2], "H1 ahead");
        } finally {
            delete(root);
        }
    }

    /** The statistic's values, each with the IFOs its second was searched over. */
    private static BbhnetStage.Sink collect(List<Stat> stats) {
        int[] ifos = {0};
        return new BbhnetStage.Sink() {
            @Override
            public void beginSecond(long gps, int searched) {
                ifos[0] = searched;
            }

            @Override
            public void accept(long ns, double logit, double integrated, boolean ready) {
                stats.add(new Stat(ns / 1e9, integrated, ready, ifos[0]));
            }
        };
    }

    /** Per injection, the peak of the full-integration values within 1 s of it; [2]: the largest value further than 4 s from both. */
    private static double[] peaks(List<Stat> stats, int ifos) {
        double[] r = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Stat st : stats) {
            if (!st.ready() || st.ifos() != ifos) {
                continue;
            }
            boolean near = false;
            for (int j = 0; j < TIMES.length; j++) {
                double dt = st.gps() - TIMES[j];
                if (Math.abs(dt) < 1) {
                    r[j] = Math.max(r[j], st.integrated());
                }
                near |= Math.abs(dt) < 4;
            }
            if (!near) {
                r[2] = Math.max(r[2], st.integrated());
            }
        }
        return r;
    }

    @Test
    void theStatisticStandsOutAtTheInjections() throws Exception {
        Path root = Files.createTempDirectory("strainline-bbh");
        try {
            float[][][] x = strain(root);
            ModelCard card = new ModelRepository(REPO).resolve("bbhnet", null);
            BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
            List<Stat> stats = new ArrayList<>();
            int warm;
            try (OnnxRuntimeEngine engine = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1)) {
                BbhnetStage stage = new BbhnetStage(card, engine, 4096, s, collect(stats));
                warm = stage.warmSeconds();
                feed(stage, x, g -> 0);
                assertEquals(N, stage.counter(BbhnetStage.Counter.SECONDS_JOINED));
                assertEquals(0, stage.counter(BbhnetStage.Counter.SECONDS_ALONE));
                assertEquals(0, stage.counter(BbhnetStage.Counter.SECONDS_SEARCHED_SINGLE));
                assertEquals((N - warm + 1) * 4L, stage.counter(BbhnetStage.Counter.WINDOWS), "4 windows per searched second");
            }
            // a value's time is the merger it points to: its newest window ends up to 1.5 s later
            assertTrue(stats.get(0).gps() > G + warm - 2 - 1.5, "the search starts after the PSD span: " + stats.get(0).gps());
            assertTrue(stats.stream().allMatch(st -> st.ifos() == BbhnetStage.BOTH), "every value from the network search");
            double[] p = peaks(stats, BbhnetStage.BOTH);
            for (int j = 0; j < TIMES.length; j++) {
                assertTrue(p[j] > p[2] + 2, "injection at " + TIMES[j] + ": peak " + p[j] + ", background max " + p[2]);
            }
            System.out.println("bbhnet: injection peaks " + p[0] + ", " + p[1] + "; background max " + p[2]);
        } finally {
            delete(root);
        }
    }

    /**
     * L1 not ready from second 80 on: from then H1 is searched alone (the values say so) while
     * L1's PSD span would have to fill again; L1's state restarts, H1's does not (no second of
     * H1 goes unsearched); every second is still processed once.
     */
    @Test
    void withL1NotReadyH1IsSearchedAloneWithoutARestart() throws Exception {
        Path root = Files.createTempDirectory("strainline-bbh1");
        try {
            float[][][] x = strain(root);
            ModelCard card = new ModelRepository(REPO).resolve("bbhnet", null);
            BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
            List<Stat> stats = new ArrayList<>();
            List<Stat> both = new ArrayList<>();
            int warm;
            try (OnnxRuntimeEngine engine = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1)) {
                BbhnetStage stage = new BbhnetStage(card, engine, 4096, s, collect(stats));
                warm = stage.warmSeconds();
                feed(stage, x, g -> g >= 80 ? CleanedSecond.NOT_READY : 0);
                assertEquals(N, stage.counter(BbhnetStage.Counter.SECONDS_JOINED), "both IFOs' seconds arrived: all joined");
                assertEquals(N - warm + 1, stage.counter(BbhnetStage.Counter.SECONDS_SEARCHED), "H1 searched on without a gap");
                assertEquals(N - 80, stage.counter(BbhnetStage.Counter.SECONDS_SEARCHED_SINGLE));
                assertEquals(1, stage.counter(BbhnetStage.Counter.RESETS), "one change of the IFOs searched");
            }
            for (Stat st : stats) {
                // values of second g point up to ~2.7 s before its end; the search over H1 alone begins with second 80
                assertEquals(st.gps() < G + 80 - 3 ? BbhnetStage.BOTH : st.gps() > G + 80 ? BbhnetStage.H1 : st.ifos(), st.ifos(),
                        "IFOs searched for the value at " + st.gps());
            }
            double[] p = peaks(stats, BbhnetStage.H1);
            List<Injection> inj = Simulator.injections(root.resolve("inj.json"), List.of("H1", "L1"), 3);
            System.out.println("bbhnet H1 alone: injection peaks " + p[0] + " (H1 SNR " + inj.get(0).snr(0) + "), " + p[1]
                    + " (H1 SNR " + inj.get(1).snr(0) + "); background max " + p[2]);
            // the model's single-IFO efficiency is stated at that IFO's SNR >= 12 (model.yaml: metrics_held_out.alone)
            int loud = 0;
            for (int j = 0; j < TIMES.length; j++) {
                if (inj.get(j).snr(0) >= 12) {
                    loud++;
                    assertTrue(p[j] > p[2], "injection at " + TIMES[j] + " in H1 alone: peak " + p[j] + ", background max " + p[2]);
                }
            }
            assertTrue(loud > 0, "no injection loud enough in H1 alone to test");
        } finally {
            delete(root);
        }
    }

    /**
     * The background of H1 searched alone ({@code strainline background} writes it beside the
     * network's) is the stage's own search of H1 with L1 absent: the same full-integration values,
     * and a live time of the seconds searched.
     */
    @Test
    void theBackgroundOfH1AloneIsTheStagesSearchOfH1WithL1Absent() throws Exception {
        Path root = Files.createTempDirectory("strainline-bbhb");
        try {
            float[][][] x = strain(root);
            ModelCard card = new ModelRepository(REPO).resolve("bbhnet", null);
            BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
            BackgroundRun.Strain h1 = new BackgroundRun.Strain();
            for (int g = 0; g < N; g++) {
                h1.put(G + g, 0, x[0][g]);
            }
            List<Double> online = new ArrayList<>();
            Background alone;
            int warm;
            try (OnnxRuntimeEngine engine = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 1, 1)) {
                alone = BackgroundRun.alone(card, engine, s, 4096, h1, 0);
                BbhnetStage stage = new BbhnetStage(card, engine, 4096, s, (ns, logit, integrated, ready) -> {
                    if (ready) {
                        online.add(integrated);
                    }
                });
                warm = stage.warmSeconds();
                StrainRing ring = new StrainRing(4096, 64, 2);
                ring.handleEventsWith(stage);
                ring.start();
                CleanedSecond sec = new CleanedSecond("H1", 4096);
                for (int g = 0; g < N; g++) {
                    sec.samples().put(0, x[0][g]);
                    sec.set(G + g, 0, "deepclean");
                    while (!ring.offer(sec, 0)) {
                        Thread.sleep(1);
                    }
                }
                ring.stop(60_000);   // what waits for L1 goes on alone at shutdown
                assertEquals(N, stage.counter(BbhnetStage.Counter.SECONDS_ALONE));
            }
            assertEquals(N - warm + 1, alone.liveTimeS(), 1e-9, "live time: the seconds searched");
            Background same = new Background(alone.liveTimeS(), online.stream().mapToDouble(Double::doubleValue).toArray());
            for (double far : new double[] {1e-2, 3e-2, 1e-1}) {
                assertEquals(same.threshold(far), alone.threshold(far), "threshold at FAR " + far);
            }
            assertEquals(same.far(Double.NEGATIVE_INFINITY), alone.far(Double.NEGATIVE_INFINITY), "as many values: " + online.size());
        } finally {
            delete(root);
        }
    }

    /**
     * The network background with time slides: shift 0 is the stage's own network search of the
     * two IFOs through the ring; shift k searches H1 second g with L1 second g + k, which is the
     * unshifted search of H1 beside an L1 relabelled k seconds earlier; the shifts' values and
     * live times add up, each shift's live time being the seconds it searched.
     */
    @Test
    void theSlidBackgroundIsTheStagesNetworkSearchWithL1Shifted() throws Exception {
        Path root = Files.createTempDirectory("strainline-bbhs");
        try {
            float[][][] x = strain(root);
            ModelCard card = new ModelRepository(REPO).resolve("bbhnet", null);
            BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
            int shift = 7;
            BackgroundRun.Strain h1 = new BackgroundRun.Strain();
            BackgroundRun.Strain l1 = new BackgroundRun.Strain();
            BackgroundRun.Strain l1Earlier = new BackgroundRun.Strain();
            for (int g = 0; g < N; g++) {
                h1.put(G + g, 0, x[0][g]);
                l1.put(G + g, 0, x[1][g]);
                l1Earlier.put(G + g - shift, 0, x[1][g]);
            }
            List<Double> online = new ArrayList<>();
            List<long[]> progress = new ArrayList<>();
            Background zero;
            Background slid;
            Background relabelled;
            Background both;
            int warm;
            try (OnnxRuntimeEngine engine = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 1, 1)) {
                zero = BackgroundRun.run(card, engine, s, 4096, h1, l1, new int[] {0}, (k, n) -> progress.add(new long[] {k, n}));
                slid = BackgroundRun.run(card, engine, s, 4096, h1, l1, new int[] {shift}, (k, n) -> progress.add(new long[] {k, n}));
                relabelled = BackgroundRun.run(card, engine, s, 4096, h1, l1Earlier, new int[] {0}, (k, n) -> { });
                both = BackgroundRun.run(card, engine, s, 4096, h1, l1, new int[] {0, shift}, (k, n) -> { });
                BbhnetStage stage = new BbhnetStage(card, engine, 4096, s, (ns, logit, integrated, ready) -> {
                    if (ready) {
                        online.add(integrated);
                    }
                });
                warm = stage.warmSeconds();
                feed(stage, x, g -> 0);
                assertEquals(0, stage.counter(BbhnetStage.Counter.SECONDS_ALONE), "the network search, both IFOs every second");
            }
            assertEquals(N - warm + 1, zero.liveTimeS(), 1e-9, "shift 0: every second from the PSD span on");
            assertEquals(N - shift - warm + 1, slid.liveTimeS(), 1e-9, "shift " + shift + ": the seconds H1 and slid L1 share");
            assertEquals(List.of(0L, (long) (N - warm + 1)), List.of(progress.get(0)[0], progress.get(0)[1]));
            assertEquals(List.of((long) shift, (long) (N - shift - warm + 1)), List.of(progress.get(1)[0], progress.get(1)[1]));
            Background network = new Background(zero.liveTimeS(), online.stream().mapToDouble(Double::doubleValue).toArray());
            for (double far : new double[] {1e-2, 3e-2, 1e-1}) {
                assertEquals(network.threshold(far), zero.threshold(far), "shift 0 against the stage: threshold at FAR " + far);
                assertEquals(relabelled.threshold(far), slid.threshold(far), "shift " + shift + " against L1 relabelled: FAR " + far);
            }
            assertEquals(network.far(Double.NEGATIVE_INFINITY), zero.far(Double.NEGATIVE_INFINITY), "as many values: " + online.size());
            assertEquals(zero.liveTimeS() + slid.liveTimeS(), both.liveTimeS(), 1e-9, "the shifts' live times add up");
            double inBoth = both.far(Double.NEGATIVE_INFINITY) * both.liveTimeS();
            double apart = zero.far(Double.NEGATIVE_INFINITY) * zero.liveTimeS() + slid.far(Double.NEGATIVE_INFINITY) * slid.liveTimeS();
            assertEquals(apart, inBoth, 1e-6, "the shifts' values add up");
        } finally {
            delete(root);
        }
    }

    /**
     * Past the warm-up, the stage's work per second (join, resampling, PSD, whitening, the engine's
     * runs through ONNX Runtime's C API, integration) allocates nothing on its thread; where the
     * engine runs through the Java API its objects are counted apart.
     */
    @Test
    void theStageAndItsEngineAllocateNothingPerSecondOnItsThread() throws Exception {
        Path root = Files.createTempDirectory("strainline-bbha");
        try {
            float[][][] x = strain(root);
            ModelCard card = new ModelRepository(REPO).resolve("bbhnet", null);
            BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long[] values = {0};
            try (OnnxRuntimeEngine real = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 1, 1)) {
                DeepCleanStageIT.CountedEngine engine = new DeepCleanStageIT.CountedEngine(real, mx);
                boolean withEngine = real.callsCApi();
                BbhnetStage stage = new BbhnetStage(card, engine, 4096, s, (ns, logit, integrated, ready) -> values[0]++);
                long skip = stage.warmSeconds() + 5;
                long[] measured = {0, 0};   // bytes, events
                com.lmax.disruptor.EventHandler<StrainEvent> probe = (e, seq, eob) -> {
                    long a0 = mx.getCurrentThreadAllocatedBytes();
                    long e0 = engine.bytes;
                    stage.onEvent(e, seq, eob);
                    long d = mx.getCurrentThreadAllocatedBytes() - a0 - (withEngine ? 0 : engine.bytes - e0);
                    if (stage.counter(BbhnetStage.Counter.SECONDS_SEARCHED) > skip - stage.warmSeconds()) {
                        measured[0] += d;
                        measured[1]++;
                    }
                };
                feed(probe, x, g -> 0);
                assertTrue(measured[1] >= 2 * (N - skip - 2), "measured " + measured[1] + " events");
                assertTrue(values[0] > 0, "the measured seconds were searched");
                assertTrue(measured[0] < 1000, "the stage" + (withEngine ? " and its engine" : " (its engine apart: " + real.callPath() + ")")
                        + " allocated " + measured[0] + " bytes over " + measured[1] / 2 + " seconds");
            }
        } finally {
            delete(root);
        }
    }

    static void delete(Path root) throws java.io.IOException {
        try (Stream<Path> st = Files.walk(root)) {
            st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
