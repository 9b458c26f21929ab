package org.strainline.daemon.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Engine selection: a model's engines are tried in the configured order of preference (e.g.
 * {@code [tensorrt, onnxruntime]}); an engine that cannot start (no GPU, no TensorRT libraries, an
 * operator it lacks) is skipped with its reason logged, and the next is tried; when none can run
 * the model, start-up fails with a message naming the model and every engine's reason.
 */
public final class Engines {
    private static final System.Logger LOG = System.getLogger(Engines.class.getName());

    /** Opens one kind of engine. */
    public interface Factory {
        String name();

        Engine open(ModelCard card, int batch) throws EngineException;

        /**
         * As {@link #open(ModelCard, int)}, fed the stream's span with windows {@code spanStride}
         * samples apart where this engine can cut them itself ({@link Engine#spanStride()} says
         * whether it does); by default it cannot, and opens the windows engine.
         */
        default Engine open(ModelCard card, int batch, int spanStride) throws EngineException {
            return open(card, batch);
        }
    }

    private final Map<String, Factory> factories = new LinkedHashMap<>();

    /** The engines this build has: TensorRT (where its libraries and a GPU are present; FP32) and ONNX Runtime. */
    public static Engines standard(int onnxThreads, int warmups) {
        return standard(onnxThreads, warmups, false);
    }

    /** As {@link #standard(int, int)}, TensorRT building FP16 plans where {@code fp16}. */
    public static Engines standard(int onnxThreads, int warmups, boolean fp16) {
        Engines e = new Engines();
        e.add(new TensorRtFactory(fp16, warmups));
        e.add(new Factory() {
            @Override
            public String name() {
                return "onnxruntime";
            }

            @Override
            public Engine open(ModelCard card, int batch) throws EngineException {
                return new OnnxRuntimeEngine(card, batch, onnxThreads, warmups);
            }

            @Override
            public Engine open(ModelCard card, int batch, int spanStride) throws EngineException {
                return new OnnxRuntimeEngine(card, batch, onnxThreads, warmups, true, spanStride);
            }
        });
        return e;
    }

    public Engines add(Factory f) {
        factories.put(f.name(), f);
        return this;
    }

    /** A record of why an engine was not used. */
    public record Skip(String engine, String reason) {
    }

    /** The engine chosen and the ones skipped before it. */
    public record Choice(Engine engine, List<Skip> skipped) {
    }

    /** Opens the first engine of {@code preference} that can run the model. */
    public Choice open(ModelCard card, int batch, List<String> preference) throws EngineException {
        return open(card, batch, 0, preference);
    }

    /**
     * As {@link #open(ModelCard, int, List)}, asking each engine to take the stream's span with
     * windows {@code spanStride} samples apart (0: the windows) where it can.
     */
    public Choice open(ModelCard card, int batch, int spanStride, List<String> preference) throws EngineException {
        return open(card, preference, name -> batch, name -> spanStride);
    }

    /**
     * As {@link #open(ModelCard, int, int, List)}, the batch and the span's stride depending on the
     * engine tried (a GPU engine may take many more windows a second than a CPU one).
     */
    public Choice open(ModelCard card, List<String> preference, java.util.function.ToIntFunction<String> batchOf,
                       java.util.function.ToIntFunction<String> spanStrideOf) throws EngineException {
        List<Skip> skipped = new ArrayList<>();
        for (String name : preference) {
            Factory f = factories.get(name);
            if (f == null) {
                skipped.add(new Skip(name, "no such engine (this build has " + factories.keySet() + ")"));
                continue;
            }
            try {
                Engine e = f.open(card, batchOf.applyAsInt(name), spanStrideOf.applyAsInt(name));
                if (!skipped.isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING, card.name() + "/" + card.version() + " runs on " + name + "; skipped "
                            + describe(skipped));
                } else {
                    LOG.log(System.Logger.Level.INFO, card.name() + "/" + card.version() + " runs on " + name);
                }
                return new Choice(e, List.copyOf(skipped));
            } catch (EngineException | RuntimeException | LinkageError e) {
                skipped.add(new Skip(name, e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
        throw new EngineException("no engine can run " + card.name() + "/" + card.version() + ": " + describe(skipped));
    }

    static String describe(List<Skip> skipped) {
        StringBuilder sb = new StringBuilder();
        for (Skip s : skipped) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(s.engine()).append(": ").append(s.reason());
        }
        return sb.toString();
    }
}
