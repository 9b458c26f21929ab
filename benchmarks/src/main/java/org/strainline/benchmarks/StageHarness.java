package org.strainline.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.EngineException;
import org.strainline.daemon.engine.ForwardingEngine;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.ModelRepository;
import org.strainline.daemon.engine.OnnxRuntimeEngine;
import org.strainline.daemon.pipeline.DeepCleanStage;
import org.strainline.daemon.sim.Simulator;
import org.strainline.shm.ChannelSpec;
import org.strainline.shm.FrameEvent;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.Ingest;
import org.strainline.shm.IngestConfig;
import org.strainline.shm.StartPolicy;
import org.strainline.shm.StreamSpec;

/**
 * One IFO's DeepClean stage on its own: simulated H1 frames on tmpfs, the real ingest, the stage
 * on its consumer thread, and per second the time the stage took besides its engine run (its
 * "own work": resampling, scaling, laying out the windows, aggregation, band-pass, gate), next to
 * the engine run itself. {@code onnxruntime} feeds the engine the stream's span as the daemon does
 * (its span graph cuts the windows), {@code onnxruntime-windows} the windows (half of them written
 * ahead of each second). With {@code --engine none} the run is a no-op over buffers of the right
 * size (the stage's work alone, without the engine's cache footprint). A harness run, not JMH.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.strainline.benchmarks.StageHarness \
 *     [--repo models/repository] [--seconds 120] [--rate 64] [--engine onnxruntime|onnxruntime-windows|none]
 * </pre>
 */
public final class StageHarness {
    private static final long G = 1_400_000_000L;

    private StageHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of("models/repository");
        int seconds = 120;
        int rate = 64;
        String engineName = "onnxruntime";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--engine" -> engineName = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path shm = Path.of("/dev/shm");
        Path root = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                "strainline-stage");
        try {
            Simulator.run(new Simulator.Config(root, List.of("H1"), G, seconds, 5, List.of(), Set.of(), Set.of(),
                    Simulator.Config.DEFAULT_COUPLING));
            ModelCard card = new ModelRepository(repo).resolve("deepclean-h1", null);
            DeepCleanStage.Settings base = DeepCleanStage.Settings.defaults();
            DeepCleanStage.Settings s = new DeepCleanStage.Settings(rate, base.aggregationLatencyS(), base.bandLowHz(),
                    base.bandHighHz(), base.historyS(), base.lookaheadS(), base.taperS(), base.gateSpanS(),
                    base.crossfadeS(), base.joinS());
            Engine inner = switch (engineName) {
                case "none" -> new org.strainline.daemon.engine.NullEngine(card, rate);
                case "onnxruntime-windows" -> new OnnxRuntimeEngine(card, rate, 1, 2);
                case "onnxruntime" -> new OnnxRuntimeEngine(card, rate, 1, 2, true, card.sampleRateHz() / rate);
                default -> throw new IllegalArgumentException("--engine " + engineName + ": onnxruntime, onnxruntime-windows or none");
            };
            Clocked engine = new Clocked(inner);
            long[] cleaned = {0};
            DeepCleanStage stage = new DeepCleanStage(h1(root), card, engine, s, c -> cleaned[0]++);
            int skip = stage.warmSeconds() + 10;
            List<Double> own = new ArrayList<>();
            List<Double> run = new ArrayList<>();
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] alloc = {0};
            com.lmax.disruptor.EventHandler<FrameEvent> probe = (e, seq, eob) -> {
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long e0 = engine.ns;
                long t0 = System.nanoTime();
                stage.onEvent(e, seq, eob);
                long dt = System.nanoTime() - t0;
                long de = engine.ns - e0;
                if (stage.counter(DeepCleanStage.Counter.SECONDS_IN) > skip) {
                    own.add((dt - de) / 1e6);
                    run.add(de / 1e6);
                    alloc[0] += mx.getCurrentThreadAllocatedBytes() - a0;
                }
            };
            Ingest ingest = new Ingest(IngestConfig.builder(List.of(h1(root))).start(StartPolicy.OLDEST).build());
            ingest.ring("H1").handleEventsWith(probe);
            ingest.start();
            long end = System.currentTimeMillis() + 600_000;
            while (stage.counter(DeepCleanStage.Counter.SECONDS_IN) < seconds && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            ingest.close();
            inner.close();
            double[] o = own.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] r = run.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "{\"engine\":\"%s\",\"rate\":%d,\"seconds\":%d,\"own_ms_p50\":%.3f,\"own_ms_p90\":%.3f,"
                            + "\"own_ms_mean\":%.3f,\"run_ms_p50\":%.3f,\"own_over_run\":%.4f,\"cleaned\":%d,\"alloc_bytes\":%d}%n",
                    engineName, rate, o.length, q(o, 0.5), q(o, 0.9), Arrays.stream(o).average().orElse(0), q(r, 0.5),
                    r.length == 0 || q(r, 0.5) == 0 ? 0 : q(o, 0.5) / q(r, 0.5), cleaned[0], alloc[0]);
        } finally {
            try (Stream<Path> st = Files.walk(root)) {
                st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double q(double[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
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

    /** Times each run of the engine it wraps. */
    private static final class Clocked extends ForwardingEngine {
        long ns;

        Clocked(Engine e) {
            super(e);
        }

        @Override
        public void run() throws EngineException {
            long t0 = System.nanoTime();
            inner.run();
            ns += System.nanoTime() - t0;
        }
    }
}
