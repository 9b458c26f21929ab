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
import java.nio.LongBuffer;
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
    /** The span graph's constant window index ({@code rows}); null when the engine takes windows. */
    private final OnnxTensor rowsTensor;
    private final int spanStride;
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
        this(card, batch, threads, warmups, cpuGraph, 0);
    }

    /**
     * @param spanStride where {@code > 0}, take the stream's span with windows this many samples
     *                   apart and cut them in the graph ({@link ModelCard#spanGraph()}), where the
     *                   card's span graph is valid for that stride; otherwise (and for 0) take the
     *                   windows. {@link #spanStride()} says which, and the reason is logged.
     */
    public OnnxRuntimeEngine(ModelCard card, int batch, int threads, int warmups, boolean cpuGraph, int spanStride)
            throws EngineException {
        this.card = card;
        this.batch = batch;
        if (batch <= 0 || threads <= 0 || spanStride < 0) {
            throw new EngineException(card.name() + ": batch and threads must be positive and the span stride not negative, got "
                    + batch + ", " + threads + " and " + spanStride);
        }
        ModelCard.SpanGraph span = null;
        String spanWhy = null;
        try {
            if (spanStride > 0) {
                spanWhy = spanProblem(card, spanStride, cpuGraph);
                if (spanWhy == null) {
                    try {
                        span = card.spanGraph();   // the hashes, read once
                    } catch (java.io.IOException e) {
                        spanWhy = e.getMessage();
                    }
                    if (span != null && spanStride < span.minStride()) {
                        spanWhy = "windows " + spanStride + " samples apart are closer than its span graph takes (span_graph.min_stride "
                                + span.minStride() + ")";
                        span = null;
                    }
                }
            }
            this.graph = span != null
                    ? new ModelCard.Graph(span.file(), true, card.text("span_graph.file") + " (made from this model.onnx): fed the stream's span,"
                            + " the windows " + spanStride + " samples apart cut in the graph after its first layer")
                    : cpuGraph ? card.cpuGraph() : new ModelCard.Graph(card.onnx(), false, "model.onnx (CPU graph not wanted)");
        } catch (java.io.IOException e) {
            throw new EngineException(card.name() + "/" + card.version() + ": " + e.getMessage(), e);
        }
        this.spanStride = span != null ? spanStride : 0;
        LOG.log(cpuGraph && !graph.rewritten() && card.has("cpu_graph") ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                card.name() + "/" + card.version() + " on ONNX Runtime runs " + graph.why()
                        + (spanWhy != null ? "; it takes the windows, not the stream's span: " + spanWhy : ""));
        OrtSession s = null;
        try {
            this.env = OrtNative.environment();
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            s = env.createSession(graph.file().toString(), o);
            long[] outShape = card.output().shape().clone();
            outShape[0] = batch;
            String[] names;
            if (this.spanStride > 0) {
                long[] k = card.input().shape();   // (-1, C, K)
                checkSpanInputs(s.getInputInfo(), k[1]);
                int m = (int) (k[2] / this.spanStride);
                long len = k[2] + (long) (batch - 1) * this.spanStride;
                this.in = direct((int) (k[1] * len));
                this.inTensor = OnnxTensor.createTensor(env, in, new long[] {1, k[1], len});
                this.rowsTensor = OnnxTensor.createTensor(env, rows(batch, (int) k[1], m), new long[] {batch, k[1], m});
                names = new String[] {"span", "rows"};
                this.inputs = Map.of("span", inTensor, "rows", rowsTensor);
            } else {
                check(s.getInputInfo(), card.input(), "input");
                long[] inShape = card.input().shape().clone();
                inShape[0] = batch;
                this.in = direct((int) (batch * card.input().perItem()));
                this.inTensor = OnnxTensor.createTensor(env, in, inShape);
                this.rowsTensor = null;
                names = new String[] {card.input().name()};
                this.inputs = Map.of(card.input().name(), inTensor);
            }
            check(s.getOutputInfo(), card.output(), "output");
            this.session = s;
            this.out = direct((int) (batch * card.output().perItem()));
            this.outTensor = OnnxTensor.createTensor(env, out, outShape);
            this.pinned = Map.of(card.output().name(), outTensor);
            OrtDirectRun d = null;
            String why = OrtDirectRun.unavailable();
            if (why == null) {
                try {
                    OnnxTensor[] values = rowsTensor == null ? new OnnxTensor[] {inTensor} : new OnnxTensor[] {inTensor, rowsTensor};
                    d = new OrtDirectRun(s, names, values, card.output().name(), outTensor);
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

    /** Null where the card's span graph can take windows {@code stride} apart (its hashes and min_stride aside), else why not. */
    private static String spanProblem(ModelCard card, int stride, boolean cpuGraph) {
        if (!cpuGraph) {
            return "the CPU graphs are not wanted";
        }
        if (!card.has("span_graph")) {
            return "the card lists no span graph";
        }
        long[] shape = card.input().shape();
        if (shape.length != 3) {
            return "its input is not (batch, channels, samples)";
        }
        long k = shape[2];
        if (k % stride != 0 || k / stride < 2) {
            return "windows " + stride + " samples apart do not tile its " + k + "-sample window in two or more blocks";
        }
        return null;
    }

    /**
     * The span graph's window index: {@code rows[b, c, m]} is the row of {@code S} samples the graph
     * gathers for block {@code m} of window {@code b}, channel {@code c}, out of its
     * {@code C × (nb + 2B)} rows: each channel's {@code nb = M + B − 1} blocks of the first layer's
     * output over the span, then each window's first and last blocks with that window's own edges.
     */
    static LongBuffer rows(int batch, int channels, int m) {
        int nb = m + batch - 1;
        LongBuffer r = ByteBuffer.allocateDirect(8 * batch * channels * m).order(ByteOrder.nativeOrder()).asLongBuffer();
        int i = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                long base = (long) c * (nb + 2L * batch);
                for (int j = 0; j < m; j++) {
                    r.put(i++, base + (j == 0 ? nb + b : j == m - 1 ? nb + batch + b : b + j));
                }
            }
        }
        return r;
    }

    private void checkSpanInputs(Map<String, NodeInfo> info, long channels) throws EngineException {
        NodeInfo span = info.get("span");
        NodeInfo rows = info.get("rows");
        if (info.size() != 2 || span == null || rows == null || !(span.getInfo() instanceof TensorInfo)
                || !(rows.getInfo() instanceof TensorInfo)) {
            throw new EngineException(card.file() + ": span_graph: " + graph.file().getFileName() + " has inputs " + info.keySet()
                    + ", a span graph takes [span, rows]");
        }
        TensorInfo s = (TensorInfo) span.getInfo();
        TensorInfo r = (TensorInfo) rows.getInfo();
        if (s.type != ai.onnxruntime.OnnxJavaType.FLOAT || r.type != ai.onnxruntime.OnnxJavaType.INT64
                || s.getShape().length != 3 || s.getShape()[1] != channels || r.getShape().length != 3 || r.getShape()[1] != channels) {
            throw new EngineException(card.file() + ": span_graph: " + graph.file().getFileName() + " takes span "
                    + java.util.Arrays.toString(s.getShape()) + " " + s.type + " and rows " + java.util.Arrays.toString(r.getShape()) + " "
                    + r.type + "; a span graph of this card takes (1, " + channels + ", L) FLOAT and (B, " + channels + ", M) INT64");
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
    public int spanStride() {
        return spanStride;
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
            if (rowsTensor != null) {
                rowsTensor.close();
            }
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(card.name() + ": closing the session failed", e);
        }
    }
}
