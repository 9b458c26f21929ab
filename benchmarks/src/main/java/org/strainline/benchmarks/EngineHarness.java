package org.strainline.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.OnnxRuntimeEngine;

/**
 * The ONNX Runtime engine on its own, as the daemon opens it ({@link OnnxRuntimeEngine}: fixed
 * batch, tensors over the engine's direct buffers, spinning off), timed per run at each batch size.
 * A harness run, not JMH: one run of the full aframe network at batch 128 takes seconds. For every
 * model and batch: warm-up runs, then runs until {@code --min-seconds} have passed (at least
 * three), the median and the minimum, windows per second, and the bytes the calling thread
 * allocated per run ({@code ThreadMXBean}). One JSON object per line on {@code --out}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.strainline.benchmarks.EngineHarness --out FILE \
 *     [--threads 1] [--batches 1,2,4,...,512] [--min-seconds 1] [--java-api] \
 *     LABEL=VERSION_DIR[:onnx|:span][@MAX_BATCH] ...
 * </pre>
 *
 * With {@code --java-api} every model and batch is also timed through ONNX Runtime's Java API
 * (alternating run by run with the engine's own C API call), for the cost of the Java API's objects.
 *
 * {@code :onnx} runs {@code model.onnx} even where the card lists a CPU graph (the comparison the
 * CPU graph is for); {@code :span} feeds a DeepClean model's span graph the stream's span, the
 * batch's windows {@code sample rate / batch} apart, as the daemon does (where the span graph
 * cannot take that stride the engine takes the windows; {@code span_stride} 0 in the output says
 * so); {@code @MAX_BATCH} caps the batch sizes of one model.
 */
public final class EngineHarness {
    private EngineHarness() {
    }

    private record Model(String label, Path dir, boolean cpuGraph, boolean span, int maxBatch) {
        static Model parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("model spec '" + spec + "': expected LABEL=DIR[:onnx][@MAX_BATCH]");
            }
            String label = spec.substring(0, eq);
            String rest = spec.substring(eq + 1);
            int max = Integer.MAX_VALUE;
            int at = rest.lastIndexOf('@');
            if (at > 0) {
                max = Integer.parseInt(rest.substring(at + 1));
                rest = rest.substring(0, at);
            }
            boolean cpu = true;
            boolean span = false;
            if (rest.endsWith(":span")) {
                span = true;
                rest = rest.substring(0, rest.length() - 5);
            }
            if (rest.endsWith(":onnx")) {
                cpu = false;
                rest = rest.substring(0, rest.length() - 5);
            }
            return new Model(label, Path.of(rest), cpu, span, max);
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        int threads = 1;
        int[] batches = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
        double minSeconds = 1.0;
        boolean javaApi = false;
        List<Model> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--batches" -> batches = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--min-seconds" -> minSeconds = Double.parseDouble(args[++i]);
                case "--java-api" -> javaApi = true;
                default -> models.add(Model.parse(args[i]));
            }
        }
        if (out == null || models.isEmpty()) {
            System.err.println("usage: EngineHarness --out FILE [--threads N] [--batches LIST] [--min-seconds S] LABEL=DIR[:onnx|:span][@MAX] ...");
            System.exit(2);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        StringBuilder json = new StringBuilder();
        for (Model m : models) {
            ModelCard card = ModelCard.load(m.dir());
            for (int b : batches) {
                if (b > m.maxBatch()) {
                    continue;
                }
                int stride = m.span() && card.sampleRateHz() % b == 0 ? card.sampleRateHz() / b : 0;
                try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, b, threads, 2, m.cpuGraph(), stride)) {
                    fill(e.input(), b);
                    List<Double> ms = new ArrayList<>();
                    List<Double> jms = new ArrayList<>();
                    long t0 = System.nanoTime();
                    long allocated = 0;
                    long jallocated = 0;
                    int counted = 0;
                    while (ms.size() < 3 || (System.nanoTime() - t0) < minSeconds * 1e9) {
                        long a0 = mx.getCurrentThreadAllocatedBytes();
                        long s = System.nanoTime();
                        e.run();
                        long dt = System.nanoTime() - s;
                        long a1 = mx.getCurrentThreadAllocatedBytes();
                        ms.add(dt / 1e6);
                        long ja = 0;
                        if (javaApi) {
                            long j0 = mx.getCurrentThreadAllocatedBytes();
                            long js = System.nanoTime();
                            e.runThroughJavaApi();
                            jms.add((System.nanoTime() - js) / 1e6);
                            ja = mx.getCurrentThreadAllocatedBytes() - j0;
                        }
                        if (ms.size() > 1) {          // the first timed run still settles the JIT
                            allocated += a1 - a0;
                            jallocated += ja;
                            counted++;
                        }
                        if (ms.size() >= 500) {
                            break;
                        }
                    }
                    double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    double median = sorted[sorted.length / 2];
                    String line = String.format(Locale.ROOT,
                            "{\"engine\":\"onnxruntime\",\"model\":\"%s\",\"graph\":\"%s\",\"threads\":%d,\"batch\":%d,"
                                    + "\"runs\":%d,\"median_ms\":%.4f,\"min_ms\":%.4f,\"windows_per_s\":%.2f,\"alloc_bytes_per_run\":%.1f,"
                                    + "\"call\":\"%s\",\"span_stride\":%d",
                            m.label(), e.graph().file().getFileName(), threads, b, sorted.length, median, sorted[0],
                            b / (median / 1e3), counted == 0 ? 0.0 : (double) allocated / counted,
                            e.callsCApi() ? "c_api" : "java_api", e.spanStride());
                    if (javaApi) {
                        double[] js = jms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                        line += String.format(Locale.ROOT, ",\"java_api_median_ms\":%.4f,\"java_api_alloc_bytes_per_run\":%.1f",
                                js[js.length / 2], counted == 0 ? 0.0 : (double) jallocated / counted);
                    }
                    line += "}";
                    System.out.println(line);
                    json.append(line).append('\n');
                }
            }
        }
        Files.writeString(out, json.toString());
    }

    private static void fill(FloatBuffer in, int batch) {
        SplittableRandom r = new SplittableRandom(batch);
        for (int i = 0; i < in.capacity(); i++) {
            in.put(i, (float) (r.nextDouble() * 2 - 1));
        }
    }
}
