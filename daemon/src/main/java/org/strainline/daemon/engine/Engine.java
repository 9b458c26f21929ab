package org.strainline.daemon.engine;

import java.nio.FloatBuffer;

/**
 * {@code y = model(x)} on a fixed batch shape chosen at start-up, wherever it runs: the caller
 * writes the batch into {@link #input()} (for instance the snapshot lays its windows there), calls
 * {@link #run()}, and reads {@link #output()}. Both buffers are direct, allocated once and shared
 * with the runtime, so a run copies nothing. Owned by one thread.
 */
public interface Engine extends AutoCloseable {
    /** Which engine this is, e.g. {@code onnxruntime}. */
    String name();

    /** The model it runs. */
    ModelCard model();

    /** The batch size every run has. */
    int batch();

    /**
     * The input tensor's elements, {@code batch × model().input().perItem()} floats, in the model's
     * layout; where {@link #spanStride()} is {@code S > 0}, the span the batch's windows are cut from
     * instead: {@code C × (K + (batch − 1)·S)} floats, channel by channel, oldest sample first.
     */
    FloatBuffer input();

    /**
     * 0 where {@link #input()} takes the batch of windows {@code (batch, C, K)}; {@code S > 0} where
     * it takes the span of the stream they are cut from, window {@code b} starting {@code b·S}
     * samples into it (the engine cuts them: see {@link ModelCard#spanGraph()}).
     */
    default int spanStride() {
        return 0;
    }

    /** The output tensor's elements, {@code batch × model().output().perItem()} floats. */
    FloatBuffer output();

    /** Runs the model on the current input; the output is valid until the next run. */
    void run() throws EngineException;

    @Override
    void close();
}
