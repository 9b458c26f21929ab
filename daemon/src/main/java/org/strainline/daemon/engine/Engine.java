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

    /** The input tensor's elements, {@code batch × model().input().perItem()} floats, in the model's layout. */
    FloatBuffer input();

    /** The output tensor's elements, {@code batch × model().output().perItem()} floats. */
    FloatBuffer output();

    /** Runs the model on the current input; the output is valid until the next run. */
    void run() throws EngineException;

    @Override
    void close();
}
