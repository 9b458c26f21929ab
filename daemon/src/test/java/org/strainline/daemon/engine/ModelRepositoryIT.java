package org.strainline.daemon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.strainline.kernels.OverlapAggregator;
import org.strainline.kernels.Sos;
import org.strainline.kernels.Whitener;

/**
 * Every committed model: its card validates, ONNX Runtime loads it and reproduces its PyTorch
 * reference outputs, the tensors are the engine's own buffers (zero copy), and the preprocessing
 * fixtures the training scripts wrote are reproduced by the Java kernels.
 */
class ModelRepositoryIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");

    /** Every committed model version (a directory with a model.yaml). */
    static List<Path> versions() throws IOException {
        List<Path> l = new ArrayList<>();
        try (Stream<Path> s = Files.walk(REPO, 2)) {
            s.filter(p -> Files.isRegularFile(p.resolve("model.yaml"))).sorted().forEach(l::add);
        }
        return l;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void theRepositoryHoldsTheDemoModels() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path v : versions()) {
            names.add(REPO.relativize(v).toString());
        }
        assertTrue(names.containsAll(List.of("bbhnet/3", "deepclean-h1/1", "deepclean-l1/1")), names.toString());
    }

    @Test
    void everyModelReproducesItsPytorchReferenceOutputsInOnnxRuntimeInBothGraphs() throws Exception {
        int rewritten = 0;
        for (Path v : versions()) {
            ModelCard card = ModelCard.load(v);
            for (boolean cpuGraph : new boolean[] {true, false}) {
                rewritten += reproducesReference(v, card, cpuGraph) ? 1 : 0;
            }
        }
        assertEquals(2, rewritten, "the two DeepClean models run their CPU graphs");
    }

    /** Runs the reference input through the engine; returns whether it ran a rewritten CPU graph. */
    private static boolean reproducesReference(Path v, ModelCard card, boolean cpuGraph) throws Exception {
            double[] in = Npy.read(v.resolve("reference/input.npy"));
            double[] want = Npy.read(v.resolve("reference/output.npy"));
            int batch = (int) (in.length / card.input().perItem());
            try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, batch, 2, 1, cpuGraph)) {
                assertEquals(cpuGraph && card.has("cpu_graph"), e.graph().rewritten(), card + ": " + e.graph().why());
                assertEquals(e.graph().rewritten() ? v.resolve("model.cpu.onnx") : v.resolve("model.onnx"), e.graph().file());
                String which = card + (e.graph().rewritten() ? " (CPU graph)" : " (model.onnx)");
                FloatBuffer x = e.input();
                for (int i = 0; i < in.length; i++) {
                    x.put(i, (float) in[i]);
                }
                e.run();
                e.run();   // the pinned output survives a run's result being closed
                double scale = maxAbs(want);
                FloatBuffer y = e.output();
                assertEquals(want.length, y.capacity(), which + ": output size");
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], y.get(i), 1e-4 * scale, which + ": output " + i);
                }
                // zero copy: ONNX Runtime reads and writes the engine's own direct buffers
                assertFalse(e.inputTensor().ownsBuffer(), which + ": the input tensor wraps the engine's buffer");
                FloatBuffer seen = (FloatBuffer) e.inputTensor().getBufferRef().orElseThrow();
                float keep = x.get(5);
                x.put(5, 123.25f);
                assertEquals(123.25f, seen.get(5), which + ": the tensor's buffer is the memory the caller writes");
                x.put(5, keep);
                FloatBuffer outRef = (FloatBuffer) e.outputTensor().getBufferRef().orElseThrow();
                assertEquals(y.get(3), outRef.get(3), which + ": the output tensor's buffer is the memory the caller reads");
                float before = y.get(0);
                for (int i = 0; i < in.length; i++) {
                    x.put(i, 0f);
                }
                e.run();
                assertTrue(y.get(0) != before, which + ": a new input shows in the output buffer with no copy");
                return e.graph().rewritten();
            }
    }

    @Test
    void aCpuGraphThatDoesNotMatchItsModelIsNotRunAndTheReasonSaysWhy() throws Exception {
        Path tmp = Files.createTempDirectory("strainline-cpugraph");
        try {
            Path src = REPO.resolve("deepclean-h1/1");
            Path d = Files.createDirectories(tmp.resolve("deepclean-h1/1"));
            for (String f : List.of("model.onnx", "model.cpu.onnx", "model.yaml")) {
                Files.copy(src.resolve(f), d.resolve(f));
            }
            String yaml = Files.readString(src.resolve("model.yaml"));
            assertTrue(ModelCard.load(d).cpuGraph().rewritten(), "an intact copy runs its CPU graph");

            // made from another model.onnx (the model was retrained and re-exported, the CPU graph not)
            String source = ModelCard.load(d).text("cpu_graph.source_sha256");
            Files.writeString(d.resolve("model.yaml"), yaml.replace("source_sha256: " + source, "source_sha256: " + "f".repeat(64)));
            ModelCard stale = ModelCard.load(d);
            ModelCard.Graph g = stale.cpuGraph();
            assertFalse(g.rewritten());
            assertEquals(d.resolve("model.onnx"), g.file());
            assertTrue(g.why().contains("was made from another model.onnx"), g.why());
            try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(stale, 1, 1, 0)) {
                assertEquals(d.resolve("model.onnx"), e.graph().file(), "the engine runs model.onnx");
                e.run();
            }

            // the CPU graph's file changed after it was made
            Files.writeString(d.resolve("model.yaml"), yaml);
            byte[] b = Files.readAllBytes(d.resolve("model.cpu.onnx"));
            b[b.length - 1] ^= 1;
            Files.write(d.resolve("model.cpu.onnx"), b);
            g = ModelCard.load(d).cpuGraph();
            assertFalse(g.rewritten());
            assertTrue(g.why().contains("has changed since it was made"), g.why());

            // listed but missing
            Files.delete(d.resolve("model.cpu.onnx"));
            g = ModelCard.load(d).cpuGraph();
            assertFalse(g.rewritten());
            assertTrue(g.why().contains("is missing"), g.why());
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void deepCleanPostProcessingIsReproducedByTheKernels() throws Exception {
        for (Path v : versions()) {
            ModelCard card = ModelCard.load(v);
            if (!card.kind().equals("deepclean")) {
                continue;
            }
            int k = card.kernelSamples();
            double[] windows = Npy.read(v.resolve("reference/post_windows.npy"));
            double[] agg = Npy.read(v.resolve("reference/post_aggregated.npy"));
            double[] bp = Npy.read(v.resolve("reference/post_bandpassed.npy"));
            int w = windows.length / k;
            int stride = 512;
            int latency = (int) Math.round(card.number("postprocessing.aggregation_latency_s") * card.sampleRateHz());
            OverlapAggregator a = new OverlapAggregator(k, stride, latency);
            FloatBuffer p = FloatBuffer.allocate(windows.length);
            for (int i = 0; i < windows.length; i++) {
                p.put(i, (float) windows[i]);
            }
            FloatBuffer out = FloatBuffer.allocate(agg.length);
            int n = a.add(p, 0, w, k + (long) (w - 1) * stride, out, 0);
            long first = k - latency - stride;
            assertEquals(agg.length - latency - first, n, card + ": samples released");
            for (int i = 0; i < n; i++) {
                assertEquals(agg[(int) first + i], out.get(i), 1e-5 * maxAbs(agg), card + ": aggregated sample " + (first + i));
            }
            // un-scale and band-pass the Python aggregate, as the daemon does after aggregating
            double std = card.number("scaling.strain_std");
            double mean = card.number("scaling.strain_mean");
            double[] x = new double[agg.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = agg[i] * std + mean;
            }
            Sos sos = Sos.butterBandpass(8, 58, 62, card.sampleRateHz());
            double[] y = new double[x.length];
            sos.filtfilt(x, 0, x.length, y, 0, sos.work(x.length));
            double scale = maxAbs(bp);
            for (int i = 0; i < y.length; i++) {
                assertEquals(bp[i], y[i], 1e-4 * scale, card + ": band-passed sample " + i);
            }
        }
    }

    @Test
    void bbhnetWhiteningIsReproducedByTheWhitener() throws Exception {
        for (Path v : versions()) {
            ModelCard card = ModelCard.load(v);
            if (!card.kind().equals("bbhnet")) {
                continue;
            }
            double[] raw = Npy.read(v.resolve("reference/whiten_raw.npy"));
            double[] want = Npy.read(v.resolve("reference/whiten_out.npy"));
            int span = raw.length / 2;
            Whitener wh = new Whitener(card.sampleRateHz(), span, card.number("whitening.filter_duration_s"),
                    card.number("whitening.highpass_hz"));
            for (int i = 0; i < 2; i++) {
                double[] psd = Npy.read(v.resolve("reference/whiten_psd_" + (i == 0 ? "h1" : "l1") + ".npy"));
                wh.setPsd(psd, psd.length, card.sampleRateHz() / (card.number("whitening.psd_segment_s") * card.sampleRateHz()));
                double[] out = new double[wh.outputLength()];
                wh.whiten(raw, i * span, out, 0);
                double scale = maxAbs(want);
                for (int j = 0; j < out.length; j++) {
                    assertEquals(want[i * out.length + j], out[j], 1e-6 * scale, card + ": whitened " + i + " sample " + j);
                }
            }
        }
    }

    @Test
    void aCardThatDoesNotMatchItsNetworkIsRefusedNamingFileAndField() throws Exception {
        Path src = REPO.resolve("deepclean-h1/1");
        Path tmp = Files.createTempDirectory("strainline-card");
        try {
            Files.copy(src.resolve("model.onnx"), tmp.resolve("model.onnx"));
            String yaml = Files.readString(src.resolve("model.yaml"));
            Files.writeString(tmp.resolve("model.yaml"), yaml.replaceFirst("kernel_samples: 4096", "kernel_samples: 2048"));
            IOException e = assertThrows(IOException.class, () -> ModelCard.load(tmp));
            assertTrue(e.getMessage().matches(".*model\\.yaml: inputs\\[0\\]\\.shape: expected \\[-1, 21 \\(channels\\), 2048.*"),
                    e.getMessage());
            Files.writeString(tmp.resolve("model.yaml"), yaml.replaceFirst("name: witnesses", "name: wrong"));
            ModelCard c = ModelCard.load(tmp);
            EngineException x = assertThrows(EngineException.class, () -> new OnnxRuntimeEngine(c, 1, 1, 0));
            assertTrue(x.getMessage().contains("model.yaml: inputs: model.onnx has [witnesses], the card says [wrong]"), x.getMessage());
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
