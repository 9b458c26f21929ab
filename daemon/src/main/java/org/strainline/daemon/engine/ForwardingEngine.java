package org.strainline.daemon.engine;

import java.nio.FloatBuffer;

/**
 * An engine that hands everything to another: the base of wrappers that add to a run (timing,
 * counting) without changing what runs. Subclasses override {@link #run}.
 */
public abstract class ForwardingEngine implements Engine {
    protected final Engine inner;

    protected ForwardingEngine(Engine inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public ModelCard model() {
        return inner.model();
    }

    @Override
    public int batch() {
        return inner.batch();
    }

    @Override
    public FloatBuffer input() {
        return inner.input();
    }

    @Override
    public int spanStride() {
        return inner.spanStride();
    }

    @Override
    public FloatBuffer output() {
        return inner.output();
    }

    @Override
    public void run() throws EngineException {
        inner.run();
    }

    @Override
    public void close() {
        inner.close();
    }
}
