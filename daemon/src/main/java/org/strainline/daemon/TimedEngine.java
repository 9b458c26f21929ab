package org.strainline.daemon;

import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.EngineException;
import org.strainline.daemon.engine.ForwardingEngine;

/**
 * An engine whose every run is timed into a latency series (the bare engine, beside the stage
 * around it) and whose runs' CPU time on the calling thread is counted ({@code engine_cpu}: the
 * engine's cost were it alone on a core, whatever else shares the cores; ONNX Runtime with one
 * intra-op thread runs on the caller). Allocation free.
 */
final class TimedEngine extends ForwardingEngine {
    private final Metrics.Latency runs;
    private final Metrics.TimeCounter cpu;
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();

    TimedEngine(Engine engine, Metrics metrics) {
        super(engine);
        String labels = "model=\"" + engine.model().name() + "/" + engine.model().version() + "\",engine=\"" + engine.name() + "\"";
        this.runs = metrics.latency("engine_run", labels, "one engine run (a batch of windows)");
        this.cpu = metrics.timeCounter("engine_cpu", labels, "CPU time of the engine's runs on the calling thread");
    }

    @Override
    public void run() throws EngineException {
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        try {
            inner.run();
        } finally {
            runs.record(System.nanoTime() - t0);
            cpu.addNanos(threads.getCurrentThreadCpuTime() - c0);
        }
    }
}
