package org.strainline.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The probe never throws, answers once, and says why there is no GPU where there is none. */
class CudaProbeTest {
    @Test
    void theProbeAnswersOnceWithAReason() {
        Cuda.Probe p = Cuda.probe();
        assertSame(p, Cuda.probe(), "the first answer is kept: a second native load would fail differently");
        if (p.available()) {
            assertTrue(p.computeCapability() >= 50, p.toString());
        } else {
            assertFalse(p.reason().isBlank());
            assertTrue(p.toString().startsWith("no GPU: "), p.toString());
            IOException e = assertThrows(IOException.class, CudaRuntime::open);
            assertTrue(e.getMessage().equals(p.reason()), e.getMessage());
        }
    }

    @Test
    void theKernelsSourceIsPackedForNvrtc() throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream("cuda/strainline_kernels.cu")) {
            assertTrue(in != null, "cuda/strainline_kernels.cu in the jar");
            String src = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            for (String k : new String[] {"snapshot_update", "snapshot_windows", "scale", "unscale", "resample",
                "aggregate_add", "aggregate_release"}) {
                assertTrue(src.contains("__global__ void " + k + "("), k);
            }
        }
    }
}
