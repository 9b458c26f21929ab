package org.strainline.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.ModelCard;

/** The timed engine: each run's wall time in a latency series, its CPU time on the calling thread counted, nothing allocated. */
class TimedEngineTest {
    /** Burns about {@code ns} of CPU a run, or sleeps that long (CPU time near zero). */
    private static final class Busy implements Engine {
        private final ModelCard card;
        private final long ns;
        private final boolean sleep;
        private final FloatBuffer buf = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        double sink;

        Busy(ModelCard card, long ns, boolean sleep) {
            this.card = card;
            this.ns = ns;
            this.sleep = sleep;
        }

        @Override
        public String name() {
            return "busy";
        }

        @Override
        public ModelCard model() {
            return card;
        }

        @Override
        public int batch() {
            return 1;
        }

        @Override
        public FloatBuffer input() {
            return buf;
        }

        @Override
        public FloatBuffer output() {
            return buf;
        }

        @Override
        public void run() {
            long end = System.nanoTime() + ns;
            if (sleep) {
                java.util.concurrent.locks.LockSupport.parkNanos(ns);
                return;
            }
            double x = 1;
            while (System.nanoTime() < end) {
                x = x * 1.0000001 + 1e-9;
            }
            sink = x;
        }

        @Override
        public void close() {
        }
    }

    private static ModelCard card() throws Exception {
        return ModelCard.load(Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository/deepclean-h1/1"));
    }

    @Test
    void cpuTimeCountsWorkNotWaiting() throws Exception {
        Metrics m = new Metrics();
        TimedEngine busy = new TimedEngine(new Busy(card(), 5_000_000L, false), m);
        for (int i = 0; i < 20; i++) {
            busy.run();
        }
        String text = m.exposition();
        double cpu = value(text, "strainline_engine_cpu_seconds_total{model=\"deepclean-h1/1\",engine=\"busy\"} ");
        assertTrue(cpu > 0.05 && cpu < 0.2, "20 runs of 5 ms of work: " + cpu + " s\n" + text);
        assertTrue(text.contains("strainline_engine_run_seconds_count{model=\"deepclean-h1/1\",engine=\"busy\"} 20\n"), text);

        Metrics m2 = new Metrics();
        TimedEngine idle = new TimedEngine(new Busy(card(), 5_000_000L, true), m2);
        for (int i = 0; i < 20; i++) {
            idle.run();
        }
        double cpuIdle = value(m2.exposition(), "strainline_engine_cpu_seconds_total{model=\"deepclean-h1/1\",engine=\"busy\"} ");
        assertTrue(cpuIdle < 0.02, "20 runs waiting 5 ms: " + cpuIdle + " s of CPU");
    }

    @Test
    void aTimedRunAllocatesNothing() throws Exception {
        TimedEngine e = new TimedEngine(new Busy(card(), 0, false), new Metrics());
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 100_000; i++) {
            e.run();   // warm: compiled
        }
        long[] got = new long[5];
        for (int r = 0; r < got.length; r++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 10_000; i++) {
                e.run();
            }
            got[r] = mx.getThreadAllocatedBytes(tid) - before;
        }
        // one object a run would be >= 800,000 B over the 50,000; the compiler's transitions leave a few hundred bytes, now and then
        long total = java.util.Arrays.stream(got).sum();
        assertTrue(total < 4096, "bytes allocated by 50,000 timed runs: " + java.util.Arrays.toString(got));
    }

    private static double value(String text, String prefix) {
        int i = text.indexOf(prefix);
        assertTrue(i >= 0, prefix + " not in\n" + text);
        int end = text.indexOf('\n', i);
        return Double.parseDouble(text.substring(i + prefix.length(), end));
    }
}
