package org.strainline.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.OnnxRuntimeEngine;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.Ingest;
import org.strainline.shm.IngestConfig;
import org.strainline.shm.StartPolicy;

/**
 * The switch with real stages behind a real ingest ring: a version offered mid-stream warms up on
 * the same seconds and takes over at a second boundary; every input second has exactly one output,
 * cleaned on both sides of the boundary; the production counters count each input second once,
 * warm-up included; the retired stage is handed back for closing; a second offer made before the
 * first was adopted retires the first, and a canary offered at the same moment warms up beside it.
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
        Path root = DeepCleanStageIT.simulatedH1("strainline-sw", N, 779, Set.of());
        Path tmp = Files.createTempDirectory("strainline-sw-repo");
        try {
            ModelCard v1 = ModelCard.load(REPO.resolve("deepclean-h1/1"));
            ModelCard v2 = ModelCard.load(version(tmp, 2));
            ModelCard v3 = ModelCard.load(version(tmp, 3));
            ModelCard v4 = ModelCard.load(version(tmp, 4));
            DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
            IfoSpec spec = DeepCleanStageIT.h1(root);
            List<Out> outs = new CopyOnWriteArrayList<>();
            List<String> retired = new CopyOnWriteArrayList<>();
            List<Out> canaryOuts = new CopyOnWriteArrayList<>();
            List<OnnxRuntimeEngine> engines = new ArrayList<>();
            try {
                for (ModelCard c : List.of(v1, v2, v3, v4)) {
                    engines.add(new OnnxRuntimeEngine(c, s.inferenceRateHz(), 1, 1));
                }
                DeepCleanStage first = new DeepCleanStage(spec, v1, engines.get(0), s, null);
                DeepCleanSwitch sw = new DeepCleanSwitch("H1", first, c -> outs.add(new Out(c.gpsS(), c.flags(), c.model())),
                        null, c -> canaryOuts.add(new Out(c.gpsS(), c.flags(), c.model())),
                        st -> retired.add(st.card().name() + "/" + st.card().version()));
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
                // and a canary at the same moment: it waits beside the production offer, superseding nothing
                sw.offer(new DeepCleanStage(spec, v4, engines.get(3), s, null), DeepCleanSwitch.Role.CANARY);
                while (sw.counter(DeepCleanStage.Counter.SECONDS_IN) < N && System.currentTimeMillis() < end) {
                    Thread.sleep(20);
                }
                ingest.close();
                assertEquals(N, sw.counter(DeepCleanStage.Counter.SECONDS_IN), "each input second counted once over the swap");
                assertEquals(2, sw.swaps(), "production and canary each taken over once");
                assertEquals(v2.version(), sw.production().card().version());
                assertEquals(v4.version(), sw.canary().card().version());
            } finally {
                for (OnnxRuntimeEngine e : engines) {
                    e.close();
                }
            }
            assertEquals(List.of("deepclean-h1/3", "deepclean-h1/1"), retired, "the superseded offer, then the old production");
            assertTrue(!canaryOuts.isEmpty(), "the canary published once warm");
            for (int i = 0; i < canaryOuts.size(); i++) {
                Out c = canaryOuts.get(i);
                assertEquals(canaryOuts.get(0).gps() + i, c.gps(), "the canary's seconds in order, once each");
                if (i < canaryOuts.size() - 1) {
                    assertEquals("deepclean-h1/4", c.model(), "already cleaned when it starts: GPS " + c.gps());
                }
            }
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
            DeepCleanStageIT.delete(root);
            DeepCleanStageIT.delete(tmp);
        }
    }
}
