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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.OnnxRuntimeEngine;
import org.strainline.daemon.sim.Simulator;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.Ingest;
import org.strainline.shm.IngestConfig;
import org.strainline.shm.StartPolicy;

/**
 * The switch with real stages behind a real ingest ring: a version offered mid-stream warms up on
 * the same seconds and takes over at a second boundary; every input second has exactly one output,
 * cleaned on both sides of the boundary; the production counters count each input second once,
 * warm-up included; the retired stage is handed back for closing; a second offer made before the
 * first was adopted retires the first.
 */
class DeepCleanSwitchIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");
    private static final long G = 1_400_000_000L;
    private static final int N = 40;

    record Out(long gps, int flags, String model) {
    }

    private static Path version(Path tmp, int v) throws Exception {
        Path d = Files.createDirectories(tmp.resolve("deepclean-h1/" + v));
        Path src = REPO.resolve("deepclean-h1/1");
        for (String f : List.of("model.onnx", "model.cpu.onnx")) {
            Files.copy(src.resolve(f), d.resolve(f));
        }
        Files.writeString(d.resolve("model.yaml"), Files.readString(src.resolve("model.yaml")).replaceFirst("(?m)^version: 1$",
                "version: " + v));
        return d;
    }

    @Test
    void anOfferedVersionTakesOverAtASecondBoundaryWithEverySecondOnceAndCleaned() throws Exception {
        Path shm = Paths.get("/dev/shm");
        Path root = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir")), "strainline-sw");
        Path tmp = Files.createTempDirectory("strainline-sw-repo");
        try {
            Simulator.run(new Simulator.Config(root, List.of("H1"), G, N, 779, List.of(), Set.of(), Set.of(),
                    Simulator.Config.DEFAULT_COUPLING));
            ModelCard v1 = ModelCard.load(REPO.resolve("deepclean-h1/1"));
            ModelCard v2 = ModelCard.load(version(tmp, 2));
            ModelCard v3 = ModelCard.load(version(tmp, 3));
            DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
            IfoSpec spec = DeepCleanStageIT.h1(root);
            List<Out> outs = new CopyOnWriteArrayList<>();
            List<String> retired = new CopyOnWriteArrayList<>();
            List<OnnxRuntimeEngine> engines = new ArrayList<>();
            try {
                for (ModelCard c : List.of(v1, v2, v3)) {
                    engines.add(new OnnxRuntimeEngine(c, s.inferenceRateHz(), 1, 1));
                }
                DeepCleanStage first = new DeepCleanStage(spec, v1, engines.get(0), s, null);
                DeepCleanSwitch sw = new DeepCleanSwitch("H1", first, c -> outs.add(new Out(c.gpsS(), c.flags(), c.model())),
                        null, null, st -> retired.add(st.card().name() + "/" + st.card().version()));
                Ingest ingest = new Ingest(IngestConfig.builder(List.of(spec)).start(StartPolicy.OLDEST).build());
                ingest.ring("H1").handleEventsWith(sw);
                ingest.start();
                long end = System.currentTimeMillis() + 120_000;
                while (outs.size() < 12 && System.currentTimeMillis() < end) {
                    Thread.sleep(5);
                }
                // v3 offered, then v2 before the switch adopted v3: v3 is retired unused, v2 warms up
                sw.offer(new DeepCleanStage(spec, v3, engines.get(2), s, null), DeepCleanSwitch.Role.PRODUCTION);
                sw.offer(new DeepCleanStage(spec, v2, engines.get(1), s, null), DeepCleanSwitch.Role.PRODUCTION);
                while (sw.counter(DeepCleanStage.Counter.SECONDS_IN) < N && System.currentTimeMillis() < end) {
                    Thread.sleep(20);
                }
                ingest.close();
                assertEquals(N, sw.counter(DeepCleanStage.Counter.SECONDS_IN), "each input second counted once over the swap");
                assertEquals(1, sw.swaps());
                assertEquals(v2.version(), sw.production().card().version());
            } finally {
                for (OnnxRuntimeEngine e : engines) {
                    e.close();
                }
            }
            assertEquals(List.of("deepclean-h1/3", "deepclean-h1/1"), retired, "the superseded offer, then the old production");
            assertEquals(N, outs.size(), "one output per input second");
            int first2 = -1;
            for (int i = 0; i < N; i++) {
                Out o = outs.get(i);
                assertEquals(G + i, o.gps(), "in GPS order, none missing, none twice");
                if (first2 < 0 && "deepclean-h1/2".equals(o.model())) {
                    first2 = i;
                }
            }
            assertTrue(first2 > 12, "the new version publishes only after it was offered and warmed: " + first2);
            for (int i = 0; i < N - 1; i++) {
                Out o = outs.get(i);
                if (i >= first2) {
                    assertEquals("deepclean-h1/2", o.model(), "after the switch, only the new version: GPS " + o.gps());
                    assertEquals(0, o.flags() & CleanedSecond.UNCLEANED, "the new version's first seconds are cleaned: GPS " + o.gps());
                } else if ((o.flags() & CleanedSecond.UNCLEANED) == 0) {
                    assertEquals("deepclean-h1/1", o.model(), "before the switch, the old version: GPS " + o.gps());
                }
            }
            assertEquals(0, outs.get(first2 - 1).flags() & CleanedSecond.UNCLEANED, "the old version cleaned up to the boundary");
        } finally {
            for (Path d : new Path[] {root, tmp}) {
                try (Stream<Path> st = Files.walk(d)) {
                    st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
