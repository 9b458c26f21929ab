package org.strainline.daemon.engine;

import org.strainline.kernels.cuda.Cuda;

/**
 * The TensorRT engine's factory. It says why it cannot start: first whether a GPU is there (the
 * one CUDA probe, through JCuda's driver API), then whether TensorRT's native libraries load (the
 * one javacpp probe; the build carries the JNI wrappers, the host must supply libnvinfer,
 * libnvonnxparser, CUDA 12 and cuDNN 9), so that where either is missing the model runs on the
 * next engine in the preference list with that reason logged.
 */
final class TensorRtFactory implements Engines.Factory {
    private final boolean fp16;
    private final int warmups;

    TensorRtFactory(boolean fp16, int warmups) {
        this.fp16 = fp16;
        this.warmups = warmups;
    }

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
        String why = TensorRtEngine.probe();
        if (why != null) {
            throw new EngineException(why + " (GPU " + p.device() + " found)");
        }
        return new TensorRtEngine(card, batch, p.device() + " sm" + p.computeCapability(), fp16, warmups);
    }
}
