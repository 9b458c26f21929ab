package org.strainline.daemon.engine;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.bytedeco.tensorrt.nvonnxparser.IParser;

/**
 * The GPU engine: TensorRT 10 through the bytedeco javacpp presets. The plan (a serialized engine
 * for this model, this GPU and this TensorRT) is loaded from its cache, or built from
 * {@code model.onnx} (FP32, or FP16 where asked; one optimisation profile fixed at the engine's
 * batch) and cached: beside the model when its directory is writable, else under
 * {@code $STRAINLINE_PLAN_CACHE} or {@code ~/.cache/strainline/plans}; the file name is keyed by the
 * GPU's name and compute capability, the TensorRT version, the ONNX file's SHA-256, the precision
 * and the batch, so that a new GPU, TensorRT or model never loads a stale plan. A plan that fails
 * to deserialize (truncated, another build) is rebuilt.
 *
 * <p>A run copies the batch from pinned host memory (the {@link #input()} the caller writes) to
 * the device, enqueues the engine ({@code enqueueV3}) on the engine's own CUDA stream and copies the
 * output back into pinned host memory ({@link #output()}): two copies of ~5 MB (DeepClean at 64
 * windows), about 0.4 ms each over PCIe 4. The pipeline's snapshotter runs on the CPU, so its
 * windows are on the host; a device-side snapshotter would hand device pointers straight to
 * {@code setTensorAddress} instead.
 *
 * <p>Native loading is probed once ({@link #probe}): without the TensorRT and CUDA libraries the
 * first use fails, and every later use fails differently, so the first answer is kept.
 */
public final class TensorRtEngine implements Engine {
    private static final System.Logger LOG = System.getLogger(TensorRtEngine.class.getName());

    private static String probe;

    /** Null if TensorRT's native libraries load, else why not. Made once. */
    static synchronized String probe() {
        if (probe == null) {
            try {
                org.bytedeco.javacpp.Loader.load(nvinfer.class);
                org.bytedeco.javacpp.Loader.load(nvonnxparser.class);
                trtLog = new Log();
                probe = "";
            } catch (Throwable t) {
                Throwable c = t;
                while (c.getCause() != null && c.getCause() != c) {
                    c = c.getCause();
                }
                probe = "the TensorRT libraries do not load (" + t + (c != t ? "; " + c.getMessage() : "") + ")";
            }
        }
        return probe.isEmpty() ? null : probe;
    }

    /** TensorRT's log, into ours (warnings and errors; the builder's chatter stays out). */
    private static final class Log extends ILogger {
        @Override
        public void log(Severity severity, String msg) {
            if (severity == Severity.kERROR || severity == Severity.kINTERNAL_ERROR) {
                LOG.log(System.Logger.Level.ERROR, "tensorrt: " + msg);
            } else if (severity == Severity.kWARNING) {
                LOG.log(System.Logger.Level.WARNING, "tensorrt: " + msg);
            }
        }
    }

    /** Made once the libraries are known to load (an ILogger is a native object). */
    private static Log trtLog;

    private final ModelCard card;
    private final int batch;
    private final Path plan;
    private final IRuntime runtime;
    private final ICudaEngine cudaEngine;
    private final IExecutionContext context;
    private final CUstream_st stream;
    private final Pointer hostIn;
    private final Pointer hostOut;
    private final Pointer devIn;
    private final Pointer devOut;
    private final long inBytes;
    private final long outBytes;
    private final FloatBuffer in;
    private final FloatBuffer out;

    /**
     * @param gpu      the device's name and compute capability, for the plan's key (e.g. {@code NVIDIA H200 sm90})
     * @param fp16     build with FP16 kernels allowed (FP32 otherwise)
     * @param warmups  runs made at start-up
     */
    public TensorRtEngine(ModelCard card, int batch, String gpu, boolean fp16, int warmups) throws EngineException {
        this.card = card;
        this.batch = batch;
        String why = probe();
        if (why != null) {
            throw new EngineException(why);
        }
        String where = card.name() + "/" + card.version() + ": TensorRT: ";
        try {
            int version = nvinfer.getInferLibVersion();
            this.plan = planPath(card, gpu, version, fp16, batch);
            this.runtime = nvinfer.createInferRuntime(trtLog);
            if (runtime == null || runtime.isNull()) {
                throw new EngineException(where + "createInferRuntime failed");
            }
            ICudaEngine e = Files.isRegularFile(plan) ? deserialize(Files.readAllBytes(plan)) : null;
            if (e == null) {
                long t0 = System.nanoTime();
                byte[] built = build(card, batch, fp16, where);
                e = deserialize(built);
                if (e == null) {
                    throw new EngineException(where + "the plan just built does not deserialize");
                }
                write(plan, built);
                LOG.log(System.Logger.Level.WARNING, where + "built a plan in " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + plan);
            } else {
                LOG.log(System.Logger.Level.INFO, where + "plan " + plan);
            }
            this.cudaEngine = e;
            check(where);
            this.context = cudaEngine.createExecutionContext();
            if (context == null || context.isNull()) {
                throw new EngineException(where + "createExecutionContext failed");
            }
            if (!context.setInputShape(card.input().name(), dims(batch, card.input().shape()))) {
                throw new EngineException(where + "setInputShape(" + card.input().name() + ", batch " + batch + ") refused");
            }
            this.inBytes = 4L * batch * card.input().perItem();
            this.outBytes = 4L * batch * card.output().perItem();
            this.hostIn = alloc(true, inBytes, where);
            this.hostOut = alloc(true, outBytes, where);
            this.devIn = alloc(false, inBytes, where);
            this.devOut = alloc(false, outBytes, where);
            if (!context.setTensorAddress(card.input().name(), devIn) || !context.setTensorAddress(card.output().name(), devOut)) {
                throw new EngineException(where + "setTensorAddress refused");
            }
            this.stream = new CUstream_st();
            cuda(cudaStreamCreate(stream), where + "cudaStreamCreate");
            this.in = hostIn.capacity(inBytes).asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
            this.out = hostOut.capacity(outBytes).asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        } catch (IOException ex) {
            throw new EngineException(where + ex.getMessage(), ex);
        }
        for (int i = 0; i < warmups; i++) {
            run();
        }
    }

    /** The plan's file: beside the model if that directory is writable, else in the user's plan cache. */
    static Path planPath(ModelCard card, String gpu, int trtVersion, boolean fp16, int batch) throws IOException {
        String sha = ModelCard.sha256(card.onnx());
        String key = gpu.replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(Locale.ROOT) + "-trt" + trtVersion + "-" + sha.substring(0, 16)
                + "-" + (fp16 ? "fp16" : "fp32") + "-b" + batch;
        Path beside = card.directory().resolve("model." + key + ".plan");
        if (Files.isWritable(card.directory())) {
            return beside;
        }
        String env = System.getenv("STRAINLINE_PLAN_CACHE");
        Path cache = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "strainline", "plans");
        return cache.resolve(card.name()).resolve(Integer.toString(card.version())).resolve("model." + key + ".plan");
    }

    private ICudaEngine deserialize(byte[] bytes) {
        try (BytePointer p = new BytePointer(bytes)) {
            ICudaEngine e = runtime.deserializeCudaEngine(p, bytes.length);
            return e == null || e.isNull() ? null : e;
        }
    }

    @SuppressWarnings("deprecation")   // BuilderFlag.kFP16: TensorRT 10 prefers strongly typed networks; weak typing is what an FP32 ONNX file needs
    private static byte[] build(ModelCard card, int batch, boolean fp16, String where) throws EngineException {
        IBuilder b = nvinfer.createInferBuilder(trtLog);
        if (b == null || b.isNull()) {
            throw new EngineException(where + "createInferBuilder failed");
        }
        INetworkDefinition net = b.createNetworkV2(0);
        IParser parser = nvonnxparser.createParser(net, trtLog);
        if (!parser.parseFromFile(card.onnx().toString(), ILogger.Severity.kWARNING.value)) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < parser.getNbErrors(); i++) {
                sb.append(i > 0 ? "; " : "").append(parser.getError(i).nodeOperator()).append(' ')
                        .append(parser.getError(i).nodeName()).append(": ").append(parser.getError(i).desc());
            }
            throw new EngineException(where + "the ONNX parser refuses " + card.onnx() + ": " + sb);
        }
        IBuilderConfig cfg = b.createBuilderConfig();
        cfg.setMemoryPoolLimit(nvinfer.MemoryPoolType.kWORKSPACE, 1L << 30);
        if (fp16) {
            cfg.setFlag(nvinfer.BuilderFlag.kFP16);
        }
        IOptimizationProfile profile = b.createOptimizationProfile();
        Dims64 d = dims(batch, card.input().shape());
        for (nvinfer.OptProfileSelector s : new nvinfer.OptProfileSelector[] {nvinfer.OptProfileSelector.kMIN,
            nvinfer.OptProfileSelector.kOPT, nvinfer.OptProfileSelector.kMAX}) {
            profile.setDimensions(card.input().name(), s, d);
        }
        cfg.addOptimizationProfile(profile);
        IHostMemory ser = b.buildSerializedNetwork(net, cfg);
        if (ser == null || ser.isNull() || ser.size() == 0) {
            throw new EngineException(where + "buildSerializedNetwork failed (see the tensorrt: lines above)");
        }
        byte[] bytes = new byte[(int) ser.size()];
        new BytePointer(ser.data()).capacity(ser.size()).get(bytes);
        ser.close();
        cfg.close();
        parser.close();
        net.close();
        b.close();
        return bytes;
    }

    private static void write(Path plan, byte[] bytes) {
        try {
            Files.createDirectories(plan.getParent());
            Path tmp = plan.resolveSibling("." + plan.getFileName() + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, plan, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "tensorrt: the plan cannot be cached at " + plan + " (" + e.getMessage()
                    + "); it will be built again at the next start");
        }
    }

    private static Dims64 dims(int batch, long[] shape) {
        Dims64 d = new Dims64();
        d.nbDims(shape.length);
        d.d(0, batch);
        for (int i = 1; i < shape.length; i++) {
            d.d(i, shape[i]);
        }
        return d;
    }

    /** The engine's tensors are the card's: names, directions, float32, shapes. */
    private void check(String where) throws EngineException {
        int n = cudaEngine.getNbIOTensors();
        if (n != 2) {
            throw new EngineException(where + "the engine has " + n + " I/O tensors, the card 2");
        }
        for (ModelCard.Tensor t : new ModelCard.Tensor[] {card.input(), card.output()}) {
            boolean input = t == card.input();
            nvinfer.TensorIOMode mode = cudaEngine.getTensorIOMode(t.name());
            if (mode != (input ? nvinfer.TensorIOMode.kINPUT : nvinfer.TensorIOMode.kOUTPUT)) {
                throw new EngineException(where + "tensor '" + t.name() + "' of the card is " + mode + " in the engine");
            }
            if (cudaEngine.getTensorDataType(t.name()) != nvinfer.DataType.kFLOAT) {
                throw new EngineException(where + "tensor '" + t.name() + "' is " + cudaEngine.getTensorDataType(t.name())
                        + ", the card says float32");
            }
            Dims64 d = cudaEngine.getTensorShape(t.name());
            boolean same = d.nbDims() == t.shape().length;
            for (int i = 1; same && i < t.shape().length; i++) {
                same = d.d(i) == t.shape()[i];
            }
            if (!same) {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < d.nbDims(); i++) {
                    sb.append(i > 0 ? ", " : "").append(d.d(i));
                }
                throw new EngineException(where + "tensor '" + t.name() + "' has shape " + sb + "], the card says "
                        + java.util.Arrays.toString(t.shape()));
            }
        }
    }

    private static Pointer alloc(boolean host, long bytes, String where) throws EngineException {
        PointerPointer<Pointer> pp = new PointerPointer<>(1);
        int rc = host ? cudaMallocHost(pp, bytes) : cudaMalloc(pp, bytes);
        cuda(rc, where + (host ? "cudaMallocHost " : "cudaMalloc ") + bytes + " B");
        return pp.get(0);
    }

    private static void cuda(int rc, String what) throws EngineException {
        if (rc != cudaSuccess) {
            throw new EngineException(what + " failed: " + cudaGetErrorString(rc).getString() + " (" + rc + ")");
        }
    }

    @Override
    public String name() {
        return "tensorrt";
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
    public FloatBuffer output() {
        return out;
    }

    /** The plan this engine runs. */
    public Path plan() {
        return plan;
    }

    @Override
    public void run() throws EngineException {
        String where = card.name() + "/" + card.version() + ": TensorRT run: ";
        cuda(cudaMemcpyAsync(devIn, hostIn, inBytes, cudaMemcpyHostToDevice, stream), where + "copy in");
        if (!context.enqueueV3(stream)) {
            throw new EngineException(where + "enqueueV3 failed");
        }
        cuda(cudaMemcpyAsync(hostOut, devOut, outBytes, cudaMemcpyDeviceToHost, stream), where + "copy out");
        cuda(cudaStreamSynchronize(stream), where + "synchronize");
    }

    @Override
    public void close() {
        cudaStreamSynchronize(stream);
        context.close();
        cudaEngine.close();
        runtime.close();
        cudaFree(devIn);
        cudaFree(devOut);
        cudaFreeHost(hostIn);
        cudaFreeHost(hostOut);
        cudaStreamDestroy(stream);
    }
}
