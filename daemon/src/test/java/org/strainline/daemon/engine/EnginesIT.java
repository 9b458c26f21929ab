package org.strainline.daemon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.strainline.kernels.cuda.Cuda;

/** Engine selection by preference with reasons, and version resolution, on the real repository and ONNX Runtime. */
class EnginesIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");

    @Test
    void withoutTensorRtTheModelRunsOnOnnxRuntimeAndSaysWhy() throws Exception {
        ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
        Engines.Choice c = Engines.standard(1, 1).open(card, 4, List.of("tensorrt", "onnxruntime"));
        try (Engine e = c.engine()) {
            assertEquals("onnxruntime", e.name());
            assertEquals(1, c.skipped().size());
            assertEquals("tensorrt", c.skipped().get(0).engine());
            if (!Cuda.probe().available()) {
                assertTrue(c.skipped().get(0).reason().startsWith("no GPU (CUDA driver not usable"), c.skipped().get(0).reason());
            }
            e.run();
        }
    }

    @Test
    void eachEngineTriedIsAskedForItsOwnBatchAndTheOneChosenHasIt() throws Exception {
        ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
        int[] asked = new int[2];
        Engines e = Engines.standard(1, 1).add(new Engines.Factory() {   // in TensorRT's place: a GPU engine that cannot start
            @Override
            public String name() {
                return "tensorrt";
            }

            @Override
            public Engine open(ModelCard c, int batch) throws EngineException {
                throw new AssertionError("the span-aware open is the one called");
            }

            @Override
            public Engine open(ModelCard c, int batch, int spanStride) throws EngineException {
                asked[0] = batch;
                asked[1] = spanStride;
                throw new EngineException("no GPU here");
            }
        });
        Engines.Choice c = e.open(card, List.of("tensorrt", "onnxruntime"), name -> name.equals("tensorrt") ? 512 : 16,
                name -> 4096 / (name.equals("tensorrt") ? 512 : 16));
        try (Engine chosen = c.engine()) {
            assertEquals(512, asked[0], "TensorRT was asked for its own batch");
            assertEquals(8, asked[1]);
            assertEquals("onnxruntime", chosen.name());
            assertEquals(16, chosen.batch(), "ONNX Runtime was opened with its own");
            assertEquals(256, chosen.spanStride(), "and fed the span at its own stride");
            assertEquals("no GPU here", c.skipped().get(0).reason());
            chosen.run();
        }
    }

    @Test
    void aModelNoEngineCanRunFailsNamingTheModelAndEveryReason() throws Exception {
        ModelCard card = new ModelRepository(REPO).resolve("bbhnet", null);
        EngineException e = assertThrows(EngineException.class,
                () -> Engines.standard(1, 0).open(card, 1, List.of("tensorrt", "openvino")));
        assertTrue(e.getMessage().startsWith("no engine can run " + card.name() + "/" + card.version() + ": tensorrt: "), e.getMessage());
        assertTrue(e.getMessage().contains("; openvino: no such engine (this build has [tensorrt, onnxruntime])"), e.getMessage());
    }

    @Test
    void versionsResolveToTheHighestOrThePinnedOneAndTheCanaryIsAboveProduction() throws Exception {
        Path tmp = Files.createTempDirectory("strainline-repo");
        try {
            Path src = REPO.resolve("deepclean-h1/1");
            for (int v : new int[] {1, 3}) {
                Path d = Files.createDirectories(tmp.resolve("deepclean-h1/" + v));
                Files.copy(src.resolve("model.onnx"), d.resolve("model.onnx"));
                Files.writeString(d.resolve("model.yaml"), Files.readString(src.resolve("model.yaml"))
                        .replaceFirst("(?m)^version: 1$", "version: " + v));
            }
            Files.createDirectories(tmp.resolve("deepclean-h1/notes"));
            ModelRepository r = new ModelRepository(tmp);
            assertEquals(List.of(1, 3), r.versions("deepclean-h1"));
            assertEquals(3, r.resolve("deepclean-h1", null).version());
            assertEquals(1, r.resolve("deepclean-h1", 1).version());
            assertEquals(3, r.canary("deepclean-h1", 1).version());
            assertEquals(null, r.canary("deepclean-h1", 3));
            IOException missing = assertThrows(IOException.class, () -> r.resolve("deepclean-h1", 2));
            assertEquals("model 'deepclean-h1' has no version 2 in " + tmp + " (it has [1, 3])", missing.getMessage());
            IOException none = assertThrows(IOException.class, () -> r.resolve("bbhnet", null));
            assertTrue(none.getMessage().startsWith("model 'bbhnet' not in the repository "), none.getMessage());
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
