package org.strainline.daemon.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * An engine that runs nothing, with the shapes of another (its model, batch, span stride, input and
 * output sizes) and buffers of its own: a stage built on it does all its own work, which is what
 * rehearsing a stage before the first live second needs (the JIT compiles the stage's code without
 * the engine's time). The output stays zero.
 */
public final class NullEngine implements Engine {
    private final ModelCard card;
    private final int batch;
    private final int spanStride;
    private final FloatBuffer in;
    private final FloatBuffer out;

    /** With {@code like}'s shapes; {@code like} itself is not touched. */
    public NullEngine(Engine like) {
        this(like.model(), like.batch(), like.spanStride(), like.input().capacity(), like.output().capacity());
    }

    /** With the model's shapes at batch {@code batch}, taking the windows. */
    public NullEngine(ModelCard card, int batch) {
        this(card, batch, 0, (int) (batch * card.input().perItem()), (int) (batch * card.output().perItem()));
    }

    private NullEngine(ModelCard card, int batch, int spanStride, int inFloats, int outFloats) {
        this.card = card;
        this.batch = batch;
        this.spanStride = spanStride;
        this.in = direct(inFloats);
        this.out = direct(outFloats);
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public ModelCard model() {
        return card;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public FloatBuffer input() {
        return in;
    }

    @Override
    public int spanStride() {
        return spanStride;
    }

    @Override
    public FloatBuffer output() {
        return out;
    }

    @Override
    public void run() {
        // nothing: the stage's own work is what is rehearsed
    }

    @Override
    public void close() {
        // buffers only
    }
}
