package org.strainline.daemon.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The CPU engine: ONNX Runtime (Java API) with a session made once, intra-op threads as
 * configured (spinning off, so an idle engine does not burn a core), and the input and output
 * tensors created over the engine's own direct buffers: ONNX Runtime reads the input where the
 * caller wrote it and writes the output where the caller reads it (pinned outputs), so a run
 * copies nothing, and, through ONNX Runtime's C API ({@link OrtDirectRun}), allocates nothing on
 * the Java heap (the Java API, used where the C shim is not built, makes ~0.5 kB of objects per
 * run). The model's input and output names, shapes and types are checked against its
 * card when the session opens. A few warm-up runs at start-up take the first-run costs (memory
 * planning, kernel selection) off the first real second.
 *
 * <p>The graph: the model's CPU graph ({@link ModelCard#cpuGraph()}: the same function with each
 * transposed convolution as a polyphase convolution, which ONNX Runtime runs about 4x faster than its
 * ConvTranspose, whose BatchNormalization it cannot fold) where the card lists one made from this
 * {@code model.onnx}; otherwise {@code model.onnx}. Which one, and why, is logged.
 *
 * <p>Telemetry: ONNX Runtime 1.28 (the version this build uses) has none; newer Linux builds need
 * {@code ORT_DISABLE_TELEMETRY=1} in the environment, which the launcher sets.
 */
public final class OnnxRuntimeEngine implements Engine {
    private static final System.Logger LOG = System.getLogger(OnnxRuntimeEngine.class.getName());
    private final ModelCard card;
    private final ModelCard.Graph graph;
    private final int batch;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final FloatBuffer in;
    private final FloatBuffer out;
    private final OnnxTensor inTensor;
    private final OnnxTensor outTensor;
    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> pinned;
    /** Runs through ONNX Runtime's C API, allocation free; null: through its Java API. */
    private final OrtDirectRun direct;
    /** How a run calls ONNX Runtime, and why (logged at start-up). */
    private final String callPath;
    private volatile boolean closed;

    /**
     * @param card      the model
     * @param batch     the batch size of every run
     * @param threads   intra-op threads
     * @param warmups   runs made at start-up
     */
    public OnnxRuntimeEngine(ModelCard card, int batch, int threads, int warmups) throws EngineException {
        this(card, batch, threads, warmups, true);
    }

    /**
     * @param cpuGraph  run the card's CPU graph where it is valid ({@code false}: always
     *                  {@code model.onnx}, for comparisons)
     */
    public OnnxRuntimeEngine(ModelCard card, int batch, int threads, int warmups, boolean cpuGraph) throws EngineException {
        this.card = card;
        this.batch = batch;
        if (batch <= 0 || threads <= 0) {
            throw new EngineException(card.name() + ": batch and threads must be positive, got " + batch + " and " + threads);
        }
        try {
            this.graph = cpuGraph ? card.cpuGraph() : new ModelCard.Graph(card.onnx(), false, "model.onnx (CPU graph not wanted)");
        } catch (java.io.IOException e) {
            throw new EngineException(card.name() + "/" + card.version() + ": " + e.getMessage(), e);
        }
        LOG.log(cpuGraph && !graph.rewritten() && card.has("cpu_graph") ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                card.name() + "/" + card.version() + " on ONNX Runtime runs " + graph.why());
        OrtSession s = null;
        try {
            this.env = OrtNative.environment();
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            s = env.createSession(graph.file().toString(), o);
            check(s.getInputInfo(), card.input(), "input");
            check(s.getOutputInfo(), card.output(), "output");
            this.session = s;
            long[] inShape = card.input().shape().clone();
            inShape[0] = batch;
            long[] outShape = card.output().shape().clone();
            outShape[0] = batch;
            this.in = direct((int) (batch * card.input().perItem()));
            this.out = direct((int) (batch * card.output().perItem()));
            this.inTensor = OnnxTensor.createTensor(env, in, inShape);
            this.outTensor = OnnxTensor.createTensor(env, out, outShape);
            this.inputs = Map.of(card.input().name(), inTensor);
            this.pinned = Map.of(card.output().name(), outTensor);
            OrtDirectRun d = null;
            String why = OrtDirectRun.unavailable();
            if (why == null) {
                try {
                    d = new OrtDirectRun(s, card.input().name(), inTensor, card.output().name(), outTensor);
                } catch (IllegalStateException e) {
                    why = e.getMessage();
                }
            }
            this.direct = d;
            this.callPath = d != null ? "the C API (no Java objects per run)"
                    : "the Java API (about 0.5 kB of Java objects per run): " + why;
            LOG.log(System.Logger.Level.INFO,
                    card.name() + "/" + card.version() + " calls ONNX Runtime through " + callPath);
            for (int i = 0; i < warmups; i++) {
                run();
            }
        } catch (OrtException | EngineException e) {
            if (s != null) {
                try {
                    s.close();
                } catch (OrtException ignored) {
                    // closing after a failed start
                }
            }
            if (e instanceof EngineException) {
                throw (EngineException) e;
            }
            throw new EngineException(card.name() + "/" + card.version() + ": ONNX Runtime cannot run " + graph.file() + ": "
                    + e.getMessage(), e);
        }
    }

    private void check(Map<String, NodeInfo> info, ModelCard.Tensor want, String what) throws EngineException {
        NodeInfo n = info.get(want.name());
        if (n == null || info.size() != 1) {
            throw new EngineException(card.file() + ": " + what + "s: " + graph.file().getFileName() + " has " + info.keySet() + ", the card says ["
                    + want.name() + "]");
        }
        if (!(n.getInfo() instanceof TensorInfo)) {
            throw new EngineException(card.file() + ": " + what + " '" + want.name() + "' of " + graph.file().getFileName() + " is not a tensor");
        }
        TensorInfo t = (TensorInfo) n.getInfo();
        long[] shape = t.getShape();
        boolean same = shape.length == want.shape().length;
        for (int i = 0; same && i < shape.length; i++) {
            same = shape[i] == want.shape()[i] || (i == 0 && shape[i] < 0);
        }
        if (!same) {
            throw new EngineException(card.file() + ": " + what + " '" + want.name() + "': " + graph.file().getFileName() + " has shape "
                    + java.util.Arrays.toString(shape) + ", the card says " + java.util.Arrays.toString(want.shape()));
        }
        if (t.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new EngineException(card.file() + ": " + what + " '" + want.name() + "': " + graph.file().getFileName() + " has type " + t.type
                    + ", the card says " + want.dtype());
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public String name() {
        return "onnxruntime";
    }

    /** The graph this engine runs. */
    public ModelCard.Graph graph() {
        return graph;
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

    @Override
    public void run() throws EngineException {
        if (closed) {
            throw new EngineException(card.name() + "/" + card.version() + ": run after close");
        }
        if (direct != null) {
            String error = direct.run();
            if (error != null) {
                throw new EngineException(card.name() + "/" + card.version() + ": run failed: " + error);
            }
            return;
        }
        runThroughJavaApi();
    }

    /** How a run calls ONNX Runtime: "the C API …" or "the Java API …: why". */
    public String callPath() {
        return callPath;
    }

    /** Whether {@link #run()} calls ONNX Runtime's C API (allocation free) rather than its Java API. */
    public boolean callsCApi() {
        return direct != null;
    }

    /** Runs once through the Java API: {@link #run()}'s path without the C shim, and for comparisons. */
    public void runThroughJavaApi() throws EngineException {
        try {
            session.run(inputs, pinned).close();   // the pinned output is the engine's, not the Result's
        } catch (OrtException | RuntimeException e) {
            throw new EngineException(card.name() + "/" + card.version() + ": run failed: " + e.getMessage(), e);
        }
    }

    /** The tensor ONNX Runtime reads (for the zero-copy check: its buffer is {@link #input()}'s memory). */
    OnnxTensor inputTensor() {
        return inTensor;
    }

    OnnxTensor outputTensor() {
        return outTensor;
    }

    OrtSession session() {
        return session;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            inTensor.close();
            outTensor.close();
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(card.name() + ": closing the session failed", e);
        }
    }
}
