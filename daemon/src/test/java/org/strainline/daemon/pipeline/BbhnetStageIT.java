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
import org.strainline.kernels.Resampler;

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

    record Stat(double gps, double integrated, boolean ready) {
    }

    @Test
    void theStatisticStandsOutAtTheInjections() throws Exception {
        Path root = Files.createTempDirectory("strainline-bbh");
        try {
            Path f = root.resolve("inj.json");
            Files.writeString(f, "[{\"gps\": " + TIMES[0] + ", \"mass1\": 36, \"mass2\": 30, \"network_snr\": 20},"
                    + " {\"gps\": " + TIMES[1] + ", \"mass1\": 45, \"mass2\": 25, \"network_snr\": 16}]");
            List<Injection> inj = Simulator.injections(f, List.of("H1", "L1"), 3);
            Simulator.run(new Simulator.Config(root.resolve("d"), List.of("H1", "L1"), G, N, 41, inj, Set.of(), Set.of(), 0));
            ModelCard card = new ModelRepository(REPO).resolve("bbhnet", null);
            BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
            List<Stat> stats = new ArrayList<>();
            int warm;
            try (OnnxRuntimeEngine engine = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 2, 1)) {
                BbhnetStage stage = new BbhnetStage(card, engine, 4096, s,
                        (ns, logit, integrated, ready) -> stats.add(new Stat(ns / 1e9, integrated, ready)));
                warm = stage.warmSeconds();
                StrainRing ring = new StrainRing(4096, 64, 2);
                ring.handleEventsWith(stage);
                ring.start();
                Resampler[] rs = {new Resampler(16384, 4096, 16384), new Resampler(16384, 4096, 16384)};
                CleanedSecond[] sec = {new CleanedSecond("H1", 4096), new CleanedSecond("L1", 4096)};
                double[] y = new double[4096];
                for (int g = 0; g < N; g++) {
                    for (int i = 1; i >= 0; i--) {   // L1 first: the join does not care about the order
                        String ifo = i == 0 ? "H1" : "L1";
                        double[] x = GwfReader.read(root.resolve("d/kafka/" + ifo + "/" + ifo.charAt(0) + "-" + ifo + "_llhoft-" + (G + g) + "-1.gwf"))
                                .frames().get(0).channel(ifo + ":GDS-CALIB_STRAIN").data().toDoubles();
                        rs[i].process(x, 0, 16384, y, 0);
                        for (int k = 0; k < 4096; k++) {
                            sec[i].samples().put(k, (float) y[k]);
                        }
                        sec[i].set(G + g, 0, "deepclean");
                        while (!ring.offer(sec[i], i)) {
                            Thread.sleep(1);
                        }
                    }
                }
                ring.stop(60_000);
                assertEquals(N, stage.counter(BbhnetStage.Counter.SECONDS_JOINED));
                assertEquals(0, stage.counter(BbhnetStage.Counter.SECONDS_DROPPED_UNPAIRED));
                assertEquals((N - warm + 1) * 4L, stage.counter(BbhnetStage.Counter.WINDOWS), "4 windows per searched second");
            }
            // a value's time is the merger it points to: its newest window ends up to 1.5 s later
            assertTrue(stats.get(0).gps() > G + warm - 2 - 1.5, "the search starts after the PSD span: " + stats.get(0).gps());
            double background = Double.NEGATIVE_INFINITY;
            double[] peak = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
            for (Stat st : stats) {
                if (!st.ready()) {
                    continue;
                }
                boolean near = false;
                for (int j = 0; j < TIMES.length; j++) {
                    double dt = st.gps() - TIMES[j];
                    if (Math.abs(dt) < 1) {   // the statistic peaks at the merger time
                        peak[j] = Math.max(peak[j], st.integrated());
                    }
                    near |= Math.abs(dt) < 4;
                }
                if (!near) {
                    background = Math.max(background, st.integrated());
                }
            }
            for (int j = 0; j < TIMES.length; j++) {
                assertTrue(peak[j] > background + 2, "injection at " + TIMES[j] + ": peak " + peak[j] + ", background max " + background);
            }
            System.out.println("bbhnet: injection peaks " + peak[0] + ", " + peak[1] + "; background max " + background);
        } finally {
            try (Stream<Path> st = Files.walk(root)) {
                st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
