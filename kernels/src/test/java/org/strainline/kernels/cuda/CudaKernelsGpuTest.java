package org.strainline.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.strainline.kernels.Resampler;
import org.strainline.kernels.SnapshotState;

/**
 * The CUDA kernels against the CPU kernels (the same contracts): run with {@code -Dgroups=gpu} on
 * a host with a GPU; elsewhere every test is skipped with the probe's reason.
 */
@Tag("gpu")
class CudaKernelsGpuTest {
    private static CudaRuntime rt;

    @BeforeEach
    void gpu() throws Exception {
        Cuda.Probe p = Cuda.probe();
        Assumptions.assumeTrue(p.available(), "GPU test skipped: " + p.reason());
        rt = CudaRuntime.open();
        rt.makeCurrent();
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Test
    void snapshotWindowsAndSpanEqualTheCpuSnapshot() {
        int c = 21;
        int k = 4096;
        int batch = 64;
        int stride = 8;
        CUstream s = rt.newStream();
        CUdeviceptr in = new CUdeviceptr();
        CUdeviceptr out = new CUdeviceptr();
        cuMemAlloc(in, 4L * c * 4096);
        cuMemAlloc(out, 4L * batch * c * k);
        SnapshotState cpu = new SnapshotState(c, k, batch, stride, 0);
        Random r = new Random(1);
        FloatBuffer second = direct(c * 4096);
        FloatBuffer got = direct(batch * c * k);
        FloatBuffer want = direct(batch * c * k);
        try (CudaSnapshot gpu = new CudaSnapshot(rt, s, c, k, batch, stride, 0, in, out)) {
            for (int sec = 0; sec < 4; sec++) {
                int n = sec == 2 ? 1000 : 4096;
                for (int i = 0; i < c * n; i++) {
                    second.put(i, (float) r.nextGaussian());
                }
                cuMemcpyHtoD(in, Pointer.to(second), 4L * c * n);
                gpu.update(n);
                cpu.update(second, 0, n);
                if (cpu.ready(batch, stride)) {
                    gpu.windows(batch, stride);
                    cpu.windows(batch, stride, want, 0);
                    CudaSnapshot.download(s, out, got, batch * c * k);
                    for (int i = 0; i < batch * c * k; i += 13) {
                        assertEquals(want.get(i), got.get(i), "element " + i + " after second " + sec);
                    }
                    int span = k + (batch - 1) * stride;
                    gpu.span(batch, stride);
                    cpu.span(batch, stride, want, 0);
                    CudaSnapshot.download(s, out, got, c * span);
                    for (int i = 0; i < c * span; i++) {
                        assertEquals(want.get(i), got.get(i), "span element " + i + " after second " + sec);
                    }
                }
            }
        } finally {
            cuMemFree(in);
            cuMemFree(out);
        }
    }

    @Test
    void resampledStrainEqualsTheCpuResampler() {
        CUstream s = rt.newStream();
        CUdeviceptr out = new CUdeviceptr();
        cuMemAlloc(out, 4L * 2 * 4096);
        ByteBuffer[] in = {ByteBuffer.allocateDirect(8 * 16384).order(ByteOrder.nativeOrder()),
            ByteBuffer.allocateDirect(8 * 16384).order(ByteOrder.nativeOrder())};
        Resampler[] cpu = {new Resampler(16384, 4096, 16384), new Resampler(16384, 4096, 16384)};
        Random r = new Random(2);
        FloatBuffer got = direct(2 * 4096);
        FloatBuffer want = direct(4096);
        try (CudaResampler gpu = new CudaResampler(rt, s, 16384, 4096, 2, 16384, out, 4096)) {
            for (int sec = 0; sec < 3; sec++) {
                for (ByteBuffer b : in) {
                    for (int i = 0; i < 16384; i++) {
                        b.putDouble(8 * i, r.nextGaussian());
                    }
                }
                assertEquals(4096, gpu.process(in, 0, 16384));
                CudaSnapshot.download(s, out, got, 2 * 4096);
                for (int ch = 0; ch < 2; ch++) {
                    cpu[ch].process(in[ch], 0, 16384, want, 0);
                    for (int i = 0; i < 4096; i++) {
                        assertEquals(want.get(i), got.get(ch * 4096 + i), 1e-6f, "channel " + ch + " sample " + i);
                    }
                }
            }
        } finally {
            cuMemFree(out);
        }
    }
}
