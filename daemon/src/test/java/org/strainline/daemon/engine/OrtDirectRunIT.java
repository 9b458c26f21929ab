package org.strainline.daemon.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CPU engine's runs through ONNX Runtime's C API: the same outputs as its Java API, bit for
 * bit, no Java allocation per run, and ONNX Runtime's own message when a run fails.
 */
class OrtDirectRunIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");

    @BeforeAll
    static void theShimIsBuilt() {
        assumeTrue(OrtDirectRun.class.getResource("/native/" + Platform.RESOURCE_PREFIX + "/libstrainline_ortrun.so") != null,
                "the ONNX Runtime shim was not built (no C compiler at build time, or no shim for "
                        + Platform.RESOURCE_PREFIX + "): the engine runs through the Java API");
    }

    private static void noise(FloatBuffer x, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < x.capacity(); i++) {
            x.put(i, (float) r.nextGaussian());
        }
    }

    private static float[] copy(FloatBuffer y) {
        float[] a = new float[y.capacity()];
        y.get(0, a);
        return a;
    }

    @Test
    void everyModelRunsThroughTheCApiWithTheJavaApisOutputsBitForBit() throws Exception {
        assertNull(OrtDirectRun.unavailable(), "the shim is in the jar, so it loads");
        for (Path v : ModelRepositoryIT.versions()) {
            ModelCard card = ModelCard.load(v);
            try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, 4, 1, 1)) {
                assertTrue(e.callsCApi(), card + ": " + e.callPath());
                for (long seed = 1; seed <= 2; seed++) {
                    noise(e.input(), seed);
                    e.run();
                    float[] viaC = copy(e.output());
                    e.output().put(0, Float.NaN);   // so an output left unwritten shows
                    e.runThroughJavaApi();
                    assertArrayEquals(copy(e.output()), viaC, card + ", input " + seed);
                }
            }
        }
    }

    @Test
    void aRunThroughTheCApiAllocatesNothing() throws Exception {
        ModelCard card = ModelCard.load(REPO.resolve("bbhnet/3"));
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, 4, 1, 1)) {
            noise(e.input(), 7);
            for (int i = 0; i < 300; i++) {
                e.run();   // warm: compiled
            }
            long[] got = new long[5];
            for (int r = 0; r < got.length; r++) {
                long before = mx.getThreadAllocatedBytes(tid);
                for (int i = 0; i < 200; i++) {
                    e.run();
                }
                got[r] = mx.getThreadAllocatedBytes(tid) - before;
            }
            // the Java API's 536 B a run would be 536,000 B over these 1,000 runs
            long total = Arrays.stream(got).sum();
            assertTrue(total < 4096, "bytes allocated by 1,000 runs: " + Arrays.toString(got));
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 200; i++) {
                e.runThroughJavaApi();
            }
            long java = mx.getThreadAllocatedBytes(tid) - before;
            assertTrue(java > 200 * 100, "the measurement sees the Java API's objects: " + java + " B over 200 runs");
        }
    }

    @Test
    void aFailedRunReturnsOnnxRuntimesMessageAndTheEngineSaysWhichModel() throws Exception {
        ModelCard card = ModelCard.load(REPO.resolve("bbhnet/3"));
        try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, 4, 1, 0)) {
            OrtDirectRun wrong = new OrtDirectRun(e.session(), new String[] {"no_such_input"}, new ai.onnxruntime.OnnxTensor[] {e.inputTensor()},
                    card.output().name(), e.outputTensor());
            for (int i = 0; i < 3; i++) {   // each failure's status is released once: a double release would crash here
                String error = wrong.run();
                assertTrue(error != null && error.contains("no_such_input"), "ONNX Runtime's message: " + error);
            }
            noise(e.input(), 3);
            e.run();   // the engine's own run still works
            float[] y = copy(e.output());
            e.runThroughJavaApi();
            assertArrayEquals(copy(e.output()), y);
        }
        OnnxRuntimeEngine closed = new OnnxRuntimeEngine(card, 4, 1, 0);
        closed.close();
        EngineException x = assertThrows(EngineException.class, closed::run, "a run after close is refused, not a crash");
        assertTrue(x.getMessage().contains(card.name()), x.getMessage());
        closed.close();   // idempotent
        assertEquals(4, closed.batch());
    }
}
