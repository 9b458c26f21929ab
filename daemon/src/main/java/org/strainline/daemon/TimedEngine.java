package org.strainline.daemon;

import java.nio.FloatBuffer;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.EngineException;
import org.strainline.daemon.engine.ModelCard;

/** An engine whose every run is timed into a latency series (the bare engine, beside the stage around it). */
final class TimedEngine implements Engine {
    private final Engine engine;
    private final Metrics.Latency runs;

    TimedEngine(Engine engine, Metrics metrics) {
        this.engine = engine;
        this.runs = metrics.latency("engine_run", "model=\"" + engine.model().name() + "/" + engine.model().version()
                + "\",engine=\"" + engine.name() + "\"", "one engine run (a batch of windows)");
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public ModelCard model() {
        return engine.model();
    }

    @Override
    public int batch() {
        return engine.batch();
    }

    @Override
    public FloatBuffer input() {
        return engine.input();
    }

    @Override
    public FloatBuffer output() {
        return engine.output();
    }

    @Override
    public void run() throws EngineException {
        long t0 = System.nanoTime();
        try {
            engine.run();
        } finally {
            runs.record(System.nanoTime() - t0);
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
