package org.strainline.daemon.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A model version's {@code model.yaml}: what the daemon must feed the network and what it returns.
 * Loaded and validated once; a bad card fails with the file and the field
 * ({@code models/repository/bbhnet/3/model.yaml: inputs[0].shape: expected [batch, 2, 3072]}).
 * Immutable.
 */
public final class ModelCard {
    /** A tensor the network takes or returns; shape {@code -1} in the batch position. */
    public record Tensor(String name, long[] shape, String dtype) {
        /** Elements per batch item. */
        public long perItem() {
            long n = 1;
            for (int i = 1; i < shape.length; i++) {
                n *= shape[i];
            }
            return n;
        }
    }

    private final Path file;
    private final String name;
    private final int version;
    private final String kind;
    private final List<Tensor> inputs;
    private final List<Tensor> outputs;
    private final int sampleRateHz;
    private final int kernelSamples;
    private final List<String> channels;
    private final Map<String, Object> raw;

    private ModelCard(Path file, Map<String, Object> m) throws IOException {
        this.file = file;
        this.raw = m;
        this.name = string(m, "name");
        this.version = integer(m, "version");
        this.kind = string(m, "kind");
        if (!kind.equals("deepclean") && !kind.equals("bbhnet")) {
            throw problem("kind", "'" + kind + "' is neither deepclean nor bbhnet");
        }
        this.inputs = tensors(m, "inputs");
        this.outputs = tensors(m, "outputs");
        this.sampleRateHz = integer(m, "sample_rate_hz");
        this.kernelSamples = integer(m, "kernel_samples");
        this.channels = strings(m, "channels");
        if (inputs.size() != 1 || outputs.size() != 1) {
            throw problem("inputs", "one input and one output expected, got " + inputs.size() + " and " + outputs.size());
        }
        long[] in = inputs.get(0).shape();
        if (in.length != 3 || in[0] != -1 || in[1] != channels.size() || in[2] != kernelSamples) {
            throw problem("inputs[0].shape", "expected [-1, " + channels.size() + " (channels), " + kernelSamples
                    + " (kernel_samples)], got " + java.util.Arrays.toString(in));
        }
        long[] out = outputs.get(0).shape();
        long[] want = kind.equals("deepclean") ? new long[] {-1, kernelSamples} : new long[] {-1, 1};
        if (!java.util.Arrays.equals(out, want)) {
            throw problem("outputs[0].shape", "expected " + java.util.Arrays.toString(want) + " for a " + kind
                    + " model, got " + java.util.Arrays.toString(out));
        }
        for (Tensor t : List.of(inputs.get(0), outputs.get(0))) {
            if (!t.dtype().equals("float32")) {
                throw problem("dtype", "tensor '" + t.name() + "' is " + t.dtype() + "; float32 is what the daemon feeds");
            }
        }
        if (kind.equals("deepclean")) {
            Map<String, Object> sc = map(m, "scaling");
            if (doubles(sc, "witness_mean", "scaling.witness_mean").length != channels.size()
                    || doubles(sc, "witness_std", "scaling.witness_std").length != channels.size()) {
                throw problem("scaling", "witness_mean and witness_std need one value per channel (" + channels.size() + ")");
            }
            number(sc, "strain_std", "scaling.strain_std");
            number(sc, "strain_mean", "scaling.strain_mean");
        }
    }

    /** Loads {@code dir/model.yaml}. */
    public static ModelCard load(Path dir) throws IOException {
        Path f = dir.resolve("model.yaml");
        if (!Files.isRegularFile(f)) {
            throw new IOException(f + ": missing");
        }
        Object doc;
        try (InputStream in = Files.newInputStream(f)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (RuntimeException e) {
            throw new IOException(f + ": not valid YAML: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map)) {
            throw new IOException(f + ": expected a mapping at the top");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) doc;
        return new ModelCard(f, m);
    }

    private IOException problem(String field, String why) {
        return new IOException(file + ": " + field + ": " + why);
    }

    private String string(Map<String, Object> m, String k) throws IOException {
        Object v = m.get(k);
        if (!(v instanceof String) || ((String) v).isBlank()) {
            throw problem(k, "missing or not a string");
        }
        return (String) v;
    }

    private int integer(Map<String, Object> m, String k) throws IOException {
        Object v = m.get(k);
        if (!(v instanceof Integer) || (Integer) v <= 0) {
            throw problem(k, "missing or not a positive integer");
        }
        return (Integer) v;
    }

    private double number(Map<String, Object> m, String k, String path) throws IOException {
        Object v = m.get(k);
        if (!(v instanceof Number)) {
            throw problem(path, "missing or not a number");
        }
        return ((Number) v).doubleValue();
    }

    private double[] doubles(Map<String, Object> m, String k, String path) throws IOException {
        Object v = m.get(k);
        if (!(v instanceof List)) {
            throw problem(path, "missing or not a list of numbers");
        }
        List<?> l = (List<?>) v;
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) {
            if (!(l.get(i) instanceof Number)) {
                throw problem(path + "[" + i + "]", "not a number");
            }
            d[i] = ((Number) l.get(i)).doubleValue();
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Map<String, Object> m, String k) throws IOException {
        Object v = m.get(k);
        if (!(v instanceof Map)) {
            throw problem(k, "missing or not a mapping");
        }
        return (Map<String, Object>) v;
    }

    private List<String> strings(Map<String, Object> m, String k) throws IOException {
        Object v = m.get(k);
        if (!(v instanceof List) || ((List<?>) v).isEmpty()) {
            throw problem(k, "missing or not a list of names");
        }
        List<String> l = new ArrayList<>();
        for (Object o : (List<?>) v) {
            if (!(o instanceof String)) {
                throw problem(k, "'" + o + "' is not a name");
            }
            l.add((String) o);
        }
        return List.copyOf(l);
    }

    private List<Tensor> tensors(Map<String, Object> m, String k) throws IOException {
        Object v = m.get(k);
        if (!(v instanceof List)) {
            throw problem(k, "missing or not a list");
        }
        List<Tensor> l = new ArrayList<>();
        int i = 0;
        for (Object o : (List<?>) v) {
            if (!(o instanceof Map)) {
                throw problem(k + "[" + i + "]", "not a mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) o;
            Object shape = t.get("shape");
            if (!(shape instanceof List)) {
                throw problem(k + "[" + i + "].shape", "missing or not a list");
            }
            List<?> sl = (List<?>) shape;
            long[] s = new long[sl.size()];
            for (int j = 0; j < s.length; j++) {
                if (!(sl.get(j) instanceof Integer)) {
                    throw problem(k + "[" + i + "].shape[" + j + "]", "not an integer");
                }
                s[j] = (Integer) sl.get(j);
            }
            l.add(new Tensor(string(t, "name"), s, string(t, "dtype")));
            i++;
        }
        return List.copyOf(l);
    }

    public Path file() {
        return file;
    }

    public Path directory() {
        return file.getParent();
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    public String kind() {
        return kind;
    }

    public Tensor input() {
        return inputs.get(0);
    }

    public Tensor output() {
        return outputs.get(0);
    }

    public int sampleRateHz() {
        return sampleRateHz;
    }

    public int kernelSamples() {
        return kernelSamples;
    }

    /** The input channels, in the order the network takes them. */
    public List<String> channels() {
        return channels;
    }

    /** A number under a dotted path, e.g. {@code scaling.strain_std}. */
    public double number(String path) throws IOException {
        Object v = lookup(path);
        if (!(v instanceof Number)) {
            throw problem(path, "missing or not a number");
        }
        return ((Number) v).doubleValue();
    }

    /** A string under a dotted path, e.g. {@code strain_channel}. */
    public String text(String path) throws IOException {
        Object v = lookup(path);
        if (!(v instanceof String)) {
            throw problem(path, "missing or not a string");
        }
        return (String) v;
    }

    /** A list of numbers under a dotted path, e.g. {@code scaling.witness_mean}. */
    public double[] numbers(String path) throws IOException {
        Object v = lookup(path);
        if (!(v instanceof List)) {
            throw problem(path, "missing or not a list of numbers");
        }
        List<?> l = (List<?>) v;
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((Number) l.get(i)).doubleValue();
        }
        return d;
    }

    /** Whether the card has a value under a dotted path. */
    public boolean has(String path) {
        return lookup(path) != null;
    }

    private Object lookup(String path) {
        Object v = raw;
        for (String part : path.split("\\.")) {
            if (!(v instanceof Map)) {
                return null;
            }
            v = ((Map<?, ?>) v).get(part);
        }
        return v;
    }

    /** The ONNX file of this version. */
    public Path onnx() {
        return directory().resolve("model.onnx");
    }

    /** The graph a CPU engine runs and why that one. */
    public record Graph(Path file, boolean rewritten, String why) {
    }

    /**
     * The graph ONNX Runtime should run: the card's {@code cpu_graph} (the same function with its
     * transposed convolutions in polyphase form, written by {@code strainline_models.cpu_graph})
     * while the recorded hashes hold, i.e. it was made from this very {@code model.onnx} and has not
     * changed since; otherwise {@code model.onnx} itself, with the reason.
     */
    public Graph cpuGraph() throws IOException {
        String stale = derivedGraphProblem("cpu_graph", "CPU graph");
        if (stale != null) {
            return new Graph(onnx(), false, "model.onnx" + stale);
        }
        Object what = lookup("cpu_graph.rewritten");
        int n = what instanceof List ? ((List<?>) what).size() : 0;
        return new Graph(directory().resolve(text("cpu_graph.file")).normalize(), true, text("cpu_graph.file")
                + " (made from this model.onnx; " + n + " rewrite" + (n == 1 ? "" : "s") + ": transposed convolutions in polyphase form)");
    }

    /** A DeepClean span graph: the file, and the smallest window stride (samples) it takes. */
    public record SpanGraph(Path file, int minStride) {
    }

    /**
     * The card's {@code span_graph} (written by {@code strainline_models.span_graph}: the CPU graph
     * fed the stream's span {@code (1, C, K + (B − 1)·S)} and a constant {@code rows} index
     * {@code (B, C, K / S)} instead of the {@code (B, C, K)} windows, its first layer computed once
     * over the span) while its recorded hashes hold; otherwise why not, as the exception's message.
     */
    public SpanGraph spanGraph() throws IOException {
        String stale = derivedGraphProblem("span_graph", "span graph");
        if (stale != null) {
            throw new IOException(stale.substring(2));
        }
        long min = Math.round(number(map(raw, "span_graph"), "min_stride", "span_graph.min_stride"));
        return new SpanGraph(directory().resolve(text("span_graph.file")).normalize(), (int) min);
    }

    /** Null where the derived graph under {@code key} was made from this model.onnx and is unchanged; else ": why not". */
    private String derivedGraphProblem(String key, String what) throws IOException {
        if (!(lookup(key) instanceof Map)) {
            return " (the card lists no " + what + ")";
        }
        String name = text(key + ".file");
        Path f = directory().resolve(name).normalize();
        if (!f.getParent().equals(directory().normalize()) || !Files.isRegularFile(f)) {
            return ": the " + what + " " + f + " named by " + file + " is missing";
        }
        String source = sha256(onnx());
        if (!source.equals(text(key + ".source_sha256"))) {
            return ": the " + what + " " + f + " was made from another model.onnx (" + key + ".source_sha256 "
                    + text(key + ".source_sha256") + ", model.onnx is " + source + "); regenerate it with strainline_models.cpu_graph";
        }
        String own = sha256(f);
        if (!own.equals(text(key + ".sha256"))) {
            return ": the " + what + " " + f + " has changed since it was made (" + key + ".sha256 "
                    + text(key + ".sha256") + ", the file is " + own + ")";
        }
        return null;
    }

    /** The SHA-256 of a file, in hex (the cards' hashes; the TensorRT plans' key). */
    static String sha256(Path f) throws IOException {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(d.digest(Files.readAllBytes(f)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return name + "/" + version + " (" + kind + ", " + channels.size() + " channels x " + kernelSamples + " at " + sampleRateHz + " Hz)";
    }
}
