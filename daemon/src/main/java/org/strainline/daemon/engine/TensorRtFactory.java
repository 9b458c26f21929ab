package org.strainline.daemon.engine;

import org.strainline.kernels.cuda.Cuda;

/**
 * The TensorRT engine's factory. It says why it cannot start: first whether a GPU is there (the
 * one CUDA probe), then whether the TensorRT Java bindings (bytedeco's javacpp presets) are on the
 * class path. This build does not bundle them (with their native libraries they are hundreds of
 * megabytes and must match the host's CUDA and TensorRT installation), so where both are missing
 * the model runs on the next engine in the preference list with that reason logged.
 */
final class TensorRtFactory implements Engines.Factory {
    static final String BINDINGS = "org.bytedeco.tensorrt.global.nvinfer";

    @Override
    public String name() {
        return "tensorrt";
    }

    @Override
    public Engine open(ModelCard card, int batch) throws EngineException {
        Cuda.Probe p = Cuda.probe();
        if (!p.available()) {
            throw new EngineException("no GPU (" + p.reason() + ")");
        }
        try {
            Class.forName(BINDINGS, false, TensorRtFactory.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new EngineException("the TensorRT bindings (" + BINDINGS + ", org.bytedeco:tensorrt) are not on the class path");
        }
        throw new EngineException("the TensorRT engine is not part of this build yet (GPU " + p.device() + " found)");
    }
}
