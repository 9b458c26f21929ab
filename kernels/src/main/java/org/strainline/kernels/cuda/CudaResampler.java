package org.strainline.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import org.strainline.kernels.Resampler;

/**
 * {@link Resampler} on the GPU for the {@code channels} channels of one rate: the same taps and
 * the same output. The host keeps, per channel, the last inputs and the new block in one pinned-
 * size direct buffer (double precision, as on the CPU), uploads it, and one thread per output
 * sample computes the polyphase sum into a bound device buffer (float32), typically the
 * snapshot's new-samples buffer. Nothing is allocated per call.
 *
 * <p>Single writer: the stage's thread, with the context current.
 */
public final class CudaResampler implements AutoCloseable {
    private final CUstream stream;
    private final CUfunction kernel;
    private final Resampler shape;
    private final int channels;
    private final int up;
    private final int down;
    private final int history;
    private final int workLen;
    private final int maxBlock;
    private final DoubleBuffer work;
    private final Pointer workHost;
    private final CUdeviceptr workDev = new CUdeviceptr();
    private final CUdeviceptr phasesDev = new CUdeviceptr();
    private final long[] pOutTotal = new long[1];
    private final long[] pBlockStart = new long[1];
    private final int[] pCount = new int[1];
    private final Pointer params;
    private long inTotal;
    private long outTotal;

    /**
     * @param out       device buffer of the outputs: channel {@code c}'s at {@code c * outStride} floats
     * @param outStride floats between channels in {@code out}
     */
    public CudaResampler(CudaRuntime rt, CUstream stream, int inRateHz, int outRateHz, int channels, int maxBlock,
                         CUdeviceptr out, int outStride) {
        this.stream = stream;
        this.kernel = rt.function("resample");
        this.shape = new Resampler(inRateHz, outRateHz, maxBlock);
        this.channels = channels;
        this.up = shape.up();
        this.down = shape.down();
        double[] taps = shape.taps();
        int phaseLen = (taps.length + up - 1) / up;
        this.history = phaseLen - 1;
        this.maxBlock = maxBlock;
        this.workLen = history + maxBlock;
        double[] phases = new double[up * phaseLen];
        for (int p = 0; p < up; p++) {
            for (int i = 0; p + i * up < taps.length; i++) {
                phases[p * phaseLen + i] = up * taps[p + i * up];
            }
        }
        cuMemAlloc(phasesDev, 8L * phases.length);
        cuMemcpyHtoD(phasesDev, Pointer.to(phases), 8L * phases.length);
        ByteBuffer w = ByteBuffer.allocateDirect(8 * workLen * channels).order(ByteOrder.nativeOrder());
        this.work = w.asDoubleBuffer();
        this.workHost = Pointer.to(w);
        cuMemAlloc(workDev, 8L * workLen * channels);
        this.params = Pointer.to(Pointer.to(out), Pointer.to(new int[] {outStride}), Pointer.to(workDev),
                Pointer.to(new int[] {workLen}), Pointer.to(new int[] {history}), Pointer.to(phasesDev),
                Pointer.to(new int[] {phaseLen}), Pointer.to(new int[] {up}), Pointer.to(new int[] {down}),
                Pointer.to(pOutTotal), Pointer.to(pBlockStart), Pointer.to(new int[] {channels}), Pointer.to(pCount));
    }

    /** The added latency in output samples (as {@link Resampler#delaySamples()}). */
    public int delaySamples() {
        return shape.delaySamples();
    }

    /** Outputs the next {@code n} inputs give. */
    public int outputsFor(int n) {
        long reach = inTotal + n;
        long lastM = Math.floorDiv(reach * up - 1, down);
        return (int) Math.max(0, lastM + 1 - outTotal);
    }

    /**
     * Resamples {@code n} float64 samples of each channel: channel {@code c}'s at sample index
     * {@code inIndex} of {@code in[c]} (native-order float64 buffers, e.g. ingest's channel slots).
     * Returns the number of outputs per channel written (asynchronously) to the bound output.
     */
    public int process(ByteBuffer[] in, int inIndex, int n) {
        if (n > maxBlock) {
            throw new IllegalArgumentException("block of " + n + " samples; at most " + maxBlock);
        }
        for (int c = 0; c < channels; c++) {
            int base = c * workLen + history;
            ByteBuffer src = in[c];
            for (int i = 0; i < n; i++) {
                work.put(base + i, src.getDouble((inIndex + i) << 3));
            }
        }
        int count = outputsFor(n);
        pOutTotal[0] = outTotal;
        pBlockStart[0] = inTotal;
        pCount[0] = count;
        cuMemcpyHtoDAsync(workDev, workHost, 8L * workLen * channels, stream);
        if (count > 0) {
            cuLaunchKernel(kernel, CudaSnapshot.blocks((long) channels * count), 1, 1, 256, 1, 1, 0, stream, params, null);
        }
        // the history for the next block; the upload above must have read the buffer first
        cuStreamSynchronize(stream);
        for (int c = 0; c < channels; c++) {
            int base = c * workLen;
            for (int i = 0; i < history; i++) {
                work.put(base + i, work.get(base + n + i));
            }
        }
        inTotal += n;
        outTotal += count;
        return count;
    }

    @Override
    public void close() {
        cuStreamSynchronize(stream);
        cuMemFree(workDev);
        cuMemFree(phasesDev);
    }
}
