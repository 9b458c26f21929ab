package org.strainline.daemon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.strainline.kernels.cuda.Cuda;

/**
 * The TensorRT engine on every committed model: FP32 plans built from {@code model.onnx} reproduce
 * the PyTorch reference outputs to 1e-4, are cached under a key of GPU, TensorRT version, ONNX hash,
 * precision and batch, and load from the cache the next time with the same outputs. Run with
 * {@code -Dgroups=gpu} on a host with a GPU and TensorRT; elsewhere skipped with the probe's reason.
 * The plan key alone is checked everywhere.
 */
class TensorRtEngineGpuTest {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");

    private static Path copy(Path version, Path to) throws IOException {
        Path d = Files.createDirectories(to.resolve(version.getParent().getFileName()).resolve(version.getFileName()));
        try (Stream<Path> s = Files.walk(version)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                Path q = d.resolve(version.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
        return d;
    }

    private static void delete(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void thePlanKeyChangesWithGpuTensorRtPrecisionBatchAndModel() throws Exception {
        Path tmp = Files.createTempDirectory("strainline-plan");
        try {
            ModelCard card = ModelCard.load(copy(REPO.resolve("deepclean-h1/1"), tmp));
            Path p = TensorRtEngine.planPath(card, "NVIDIA H200 sm90", 101200, false, 64);
            assertEquals(card.directory(), p.getParent(), "cached beside the model when its directory is writable");
            assertTrue(p.getFileName().toString().matches("model\\.nvidia_h200_sm90-trt101200-[0-9a-f]{16}-fp32-b64\\.plan"),
                    p.getFileName().toString());
            assertTrue(p.getFileName().toString().contains(card.text("onnx_sha256").substring(0, 16)), "keyed by the ONNX hash");
            List<Path> others = List.of(TensorRtEngine.planPath(card, "NVIDIA A100 sm80", 101200, false, 64),
                    TensorRtEngine.planPath(card, "NVIDIA H200 sm90", 101300, false, 64),
                    TensorRtEngine.planPath(card, "NVIDIA H200 sm90", 101200, true, 64),
                    TensorRtEngine.planPath(card, "NVIDIA H200 sm90", 101200, false, 32));
            for (Path o : others) {
                assertNotEquals(p, o);
            }
            byte[] b = Files.readAllBytes(card.onnx());
            b[b.length - 1] ^= 1;
            Files.write(card.onnx(), b);
            assertNotEquals(p, TensorRtEngine.planPath(card, "NVIDIA H200 sm90", 101200, false, 64), "a changed model.onnx, a new plan");
        } finally {
            delete(tmp);
        }
    }

    @Test
    void theNativeProbeAnswersOnceWithAReasonWhereTensorRtCannotLoad() {
        String first = TensorRtEngine.probe();
        assertEquals(first, TensorRtEngine.probe(), "the first answer is kept");
        if (!Cuda.probe().available()) {
            // no driver here: javacpp's loader fails on libcuda.so.1 (or the TensorRT libraries), caught and kept
            org.junit.jupiter.api.Assertions.assertNotNull(first, "without a GPU TensorRT cannot load");
            assertTrue(first.startsWith("the TensorRT libraries do not load ("), first);
        }
    }

    @Tag("gpu")
    @Test
    void everyModelReproducesItsReferenceOutputsOnTensorRtAndItsPlanIsCached() throws Exception {
        Cuda.Probe gpu = Cuda.probe();
        Assumptions.assumeTrue(gpu.available(), "GPU test skipped: " + gpu.reason());
        String trt = TensorRtEngine.probe();
        Assumptions.assumeTrue(trt == null, "GPU test skipped: " + trt);
        Path tmp = Files.createTempDirectory("strainline-trt");
        try {
            for (Path v : ModelRepositoryIT.versions()) {
                ModelCard card = ModelCard.load(copy(v, tmp));
                double[] in = Npy.read(v.resolve("reference/input.npy"));
                double[] want = Npy.read(v.resolve("reference/output.npy"));
                int batch = (int) (in.length / card.input().perItem());
                double scale = 0;
                for (double w : want) {
                    scale = Math.max(scale, Math.abs(w));
                }
                String key = gpu.device() + " sm" + gpu.computeCapability();
                float[] first = new float[want.length];
                for (int pass = 0; pass < 2; pass++) {
                    long t0 = System.nanoTime();
                    try (TensorRtEngine e = new TensorRtEngine(card, batch, key, false, 1)) {
                        long openMs = (System.nanoTime() - t0) / 1_000_000;
                        assertTrue(Files.isRegularFile(e.plan()), card + ": the plan is cached at " + e.plan());
                        FloatBuffer x = e.input();
                        for (int i = 0; i < in.length; i++) {
                            x.put(i, (float) in[i]);
                        }
                        e.run();
                        FloatBuffer y = e.output();
                        for (int i = 0; i < want.length; i++) {
                            assertEquals(want[i], y.get(i), 1e-4 * scale, card + " on TensorRT: output " + i);
                            if (pass == 0) {
                                first[i] = y.get(i);
                            } else {
                                assertEquals(first[i], y.get(i), card + ": the cached plan gives the same output " + i);
                            }
                        }
                        System.out.println("tensorrt: " + card + " pass " + pass + " opened in " + openMs + " ms (plan "
                                + (pass == 0 ? "built" : "loaded") + ")");
                    }
                }
            }
        } finally {
            delete(tmp);
        }
    }
}
