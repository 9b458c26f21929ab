package org.strainline.daemon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The DeepClean span graphs (the engine fed the stream's span and cutting the windows itself) in
 * real ONNX Runtime sessions with the committed models: the same outputs as the windows graph fed
 * the windows cut from that span, at the daemon's strides and at the edges of what the span graph
 * takes; and where it cannot be used, the windows, with the reason.
 */
class SpanGraphIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");

    /** The windows of {@code span} (C channels of {@code len} samples) {@code stride} apart, as (batch, C, k). */
    private static void cut(float[] span, int channels, int len, int batch, int stride, int k, FloatBuffer dst) {
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                dst.put((b * channels + c) * k, span, c * len + b * stride, k);
            }
        }
    }

    @Test
    void theSpanGraphGivesTheWindowsGraphsOutputsForEveryDeepCleanModel() throws Exception {
        // (batch, stride): the daemon's default 64 Hz, the demo's 32 Hz, production's stride of 8 (512 Hz; the
        // smallest power of two the graph takes) on a short batch, a single window, and the longest stride
        // that still leaves two blocks a window
        int[][] cases = {{64, 64}, {32, 128}, {24, 8}, {1, 64}, {3, 2048}};
        for (String name : List.of("deepclean-h1/1", "deepclean-l1/1")) {
            ModelCard card = ModelCard.load(REPO.resolve(name));
            int channels = card.channels().size();
            int k = card.kernelSamples();
            Random r = new Random(name.hashCode());
            for (int[] bs : cases) {
                int batch = bs[0];
                int stride = bs[1];
                int len = k + (batch - 1) * stride;
                float[] span = new float[channels * len];
                for (int i = 0; i < span.length; i++) {
                    span[i] = (float) r.nextGaussian();
                }
                try (OnnxRuntimeEngine s = new OnnxRuntimeEngine(card, batch, 1, 0, true, stride);
                     OnnxRuntimeEngine w = new OnnxRuntimeEngine(card, batch, 1, 0)) {
                    String what = name + " batch " + batch + " stride " + stride;
                    assertEquals(stride, s.spanStride(), what + ": the span graph is taken");
                    assertEquals(card.directory().resolve("model.span.onnx"), s.graph().file());
                    assertEquals(0, w.spanStride());
                    assertEquals(channels * len, s.input().capacity(), what + ": the input is the span");
                    assertEquals(OrtDirectRun.unavailable() == null, s.callsCApi(), what + ": both inputs go through the C API");
                    s.input().put(0, span);
                    cut(span, channels, len, batch, stride, k, w.input());
                    s.run();
                    w.run();
                    double worst = 0;
                    double scale = 0;
                    for (int i = 0; i < batch * k; i++) {
                        worst = Math.max(worst, Math.abs(s.output().get(i) - w.output().get(i)));
                        scale = Math.max(scale, Math.abs(w.output().get(i)));
                    }
                    assertTrue(scale > 0.1, what + ": a real output (max |y| " + scale + ")");
                    assertTrue(worst <= 1e-5 * scale, what + ": span graph against windows graph, max |diff| " + worst
                            + " (max |y| " + scale + ")");
                    // a second span: the engine's input is read anew each run, windows cut from the new span
                    for (int i = 0; i < span.length; i++) {
                        span[i] = (float) r.nextGaussian();
                    }
                    s.input().put(0, span);
                    cut(span, channels, len, batch, stride, k, w.input());
                    s.run();
                    w.run();
                    for (int i = 0; i < batch * k; i += 97) {
                        assertEquals(w.output().get(i), s.output().get(i), 1e-5 * scale, what + ", second run, sample " + i);
                    }
                }
            }
        }
    }

    @Test
    void whereTheSpanGraphCannotTakeTheStrideOrIsStaleTheEngineTakesTheWindowsAndSaysWhy() throws Exception {
        ModelCard card = ModelCard.load(REPO.resolve("deepclean-h1/1"));
        // closer than the first layer's edges allow (min_stride 6), and one block per window
        for (int stride : new int[] {4, 4096}) {
            try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, 2, 1, 0, true, stride)) {
                assertEquals(0, e.spanStride(), "stride " + stride + ": windows");
                assertEquals(2L * card.input().perItem(), e.input().capacity());
                e.run();
            }
        }
        // not wanted with the CPU graphs
        try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, 2, 1, 0, false, 64)) {
            assertEquals(0, e.spanStride());
            assertEquals(card.onnx(), e.graph().file());
        }
        // a model without one (BBHnet's first layer has stride 2)
        ModelCard bbh = ModelCard.load(REPO.resolve("bbhnet/3"));
        try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(bbh, 4, 1, 0, true, 8)) {
            assertEquals(0, e.spanStride());
        }
        // a span graph changed after it was made, or made from another model.onnx
        Path tmp = Files.createTempDirectory("strainline-span");
        try {
            Path d = Files.createDirectories(tmp.resolve("deepclean-h1/1"));
            for (String f : List.of("model.onnx", "model.cpu.onnx", "model.span.onnx", "model.yaml")) {
                Files.copy(card.directory().resolve(f), d.resolve(f));
            }
            assertEquals(6, ModelCard.load(d).spanGraph().minStride());
            byte[] b = Files.readAllBytes(d.resolve("model.span.onnx"));
            b[b.length - 1] ^= 1;
            Files.write(d.resolve("model.span.onnx"), b);
            ModelCard changed = ModelCard.load(d);
            java.io.IOException x = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, changed::spanGraph);
            assertTrue(x.getMessage().contains("has changed since it was made"), x.getMessage());
            try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(changed, 2, 1, 0, true, 64)) {
                assertEquals(0, e.spanStride(), "a changed span graph is not run");
                assertEquals(d.resolve("model.cpu.onnx"), e.graph().file(), "the CPU graph, fed windows, is");
                e.run();
            }
            Files.copy(card.directory().resolve("model.span.onnx"), d.resolve("model.span.onnx"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String yaml = Files.readString(d.resolve("model.yaml"));
            String source = changed.text("span_graph.source_sha256");
            Files.writeString(d.resolve("model.yaml"), yaml.replaceFirst("(span_graph:\\n  file: model.span.onnx\\n  source_sha256: )" + source,
                    "$1" + "ab".repeat(32)));
            x = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> ModelCard.load(d).spanGraph());
            assertTrue(x.getMessage().contains("was made from another model.onnx"), x.getMessage());
            assertTrue(ModelCard.load(d).cpuGraph().rewritten(), "the CPU graph's own record is untouched");
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theEngineMakesTheWindowIndexTheSpanGraphDocuments() {
        // batch 2, 3 channels, 4 blocks a window: 5 blocks of the span, then each window's first and last block
        java.nio.LongBuffer r = OnnxRuntimeEngine.rows(2, 3, 4);
        long[] got = new long[2 * 3 * 4];
        r.get(0, got);
        int rowsPerChannel = 5 + 2 * 2;
        long[] want = new long[got.length];
        int i = 0;
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                long base = (long) c * rowsPerChannel;
                want[i++] = base + 5 + b;   // window b's first block, edges of its own
                want[i++] = base + b + 1;
                want[i++] = base + b + 2;
                want[i++] = base + 5 + 2 + b;   // its last block
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, got);
    }
}
