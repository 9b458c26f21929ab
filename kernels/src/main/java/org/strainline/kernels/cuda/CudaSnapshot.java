package org.strainline.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD8;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.FloatBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * {@link org.strainline.kernels.SnapshotState} on the GPU, with the same contract and layout: the
 * doubled circular ring of every channel lives in device memory allocated once; {@link #update}
 * reads the new samples from a device buffer (where the resampler wrote them) and
 * {@link #windows} lays the batch into the engine's input tensor, which is bound at construction,
 * so that windows never leave the device. Launches go on the stage's stream; nothing is allocated
 * per call (the kernels' parameter blocks are built once over mutable arrays).
 *
 * <p>Single writer: the stage's thread, with the context current.
 */
public final class CudaSnapshot implements AutoCloseable {
    private static final int THREADS = 256;

    private final CUstream stream;
    private final CUfunction update;
    private final CUfunction windows;
    private final int channels;
    private final int window;
    private final int capacity;
    private final CUdeviceptr ring = new CUdeviceptr();
    private final int[] pHead = new int[1];
    private final int[] pN = new int[1];
    private final int[] pSkip = new int[1];
    private final int[] pBatch = new int[1];
    private final int[] pStride = new int[1];
    private final long[] pStart0 = new long[1];
    private final Pointer updateParams;
    private final Pointer windowParams;
    private final int[] pSpan = new int[1];
    private final long[] pSpanStart = new long[1];
    private final Pointer spanParams;
    private int head;
    private long written;

    /**
     * @param rt       the runtime
     * @param stream   the stage's stream
     * @param channels channels
     * @param window   samples per window
     * @param maxBatch the largest batch
     * @param stride   stride of the largest batch
     * @param history  extra past samples
     * @param newSamples device buffer of the new samples, channel-major ({@code channels * n} floats per update)
     * @param engineInput device buffer of the engine's input tensor, {@code (batch, channels, window)} floats
     */
    public CudaSnapshot(CudaRuntime rt, CUstream stream, int channels, int window, int maxBatch, int stride, int history,
                        CUdeviceptr newSamples, CUdeviceptr engineInput) {
        this.stream = stream;
        this.update = rt.function("snapshot_update");
        this.windows = rt.function("snapshot_windows");
        this.channels = channels;
        this.window = window;
        this.capacity = window + (maxBatch - 1) * stride + history;
        long bytes = 4L * 2 * capacity * channels;
        cuMemAlloc(ring, bytes);
        cuMemsetD8(ring, (byte) 0, bytes);
        int[] pChannels = {channels};
        int[] pCapacity = {capacity};
        int[] pWindow = {window};
        this.updateParams = Pointer.to(Pointer.to(ring), Pointer.to(newSamples), Pointer.to(pChannels), Pointer.to(pCapacity),
                Pointer.to(pHead), Pointer.to(pN), Pointer.to(pSkip));
        this.windowParams = Pointer.to(Pointer.to(engineInput), Pointer.to(ring), Pointer.to(pChannels), Pointer.to(pCapacity),
                Pointer.to(pWindow), Pointer.to(pBatch), Pointer.to(pStride), Pointer.to(pStart0));
        // the span is the windows kernel's single window of the span's length
        int[] one = {1};
        int[] zero = {0};
        this.spanParams = Pointer.to(Pointer.to(engineInput), Pointer.to(ring), Pointer.to(pChannels), Pointer.to(pCapacity),
                Pointer.to(pSpan), Pointer.to(one), Pointer.to(zero), Pointer.to(pSpanStart));
    }

    public int capacity() {
        return capacity;
    }

    public long written() {
        return written;
    }

    public boolean ready(int batch, int stride) {
        return written >= window + (long) (batch - 1) * stride;
    }

    /** Appends {@code n} samples per channel from the bound new-samples buffer (asynchronously, on the stream). */
    public void update(int n) {
        int skip = Math.max(0, n - capacity);
        pHead[0] = head;
        pN[0] = n;
        pSkip[0] = skip;
        long threads = (long) channels * (n - skip);
        cuLaunchKernel(update, blocks(threads), 1, 1, THREADS, 1, 1, 0, stream, updateParams, null);
        head = (int) ((head + (long) n) % capacity);
        written += n;
    }

    /** Lays the batch of windows into the bound engine input (asynchronously, on the stream). */
    public void windows(int batch, int stride) {
        long span = window + (long) (batch - 1) * stride;
        if (span > capacity) {
            throw new IllegalArgumentException("a batch of " + batch + " windows " + stride + " apart spans " + span
                    + " samples; the snapshot keeps " + capacity);
        }
        pBatch[0] = batch;
        pStride[0] = stride;
        pStart0[0] = head - span;
        long threads = (long) batch * channels * window;
        cuLaunchKernel(windows, blocks(threads), 1, 1, THREADS, 1, 1, 0, stream, windowParams, null);
    }

    /**
     * Writes the span the batch's windows are cut from into the bound engine input, {@code (channels,
     * window + (batch − 1)·stride)} (asynchronously, on the stream): {@code SnapshotState.span}'s
     * contract, for an engine that cuts the windows itself.
     */
    public void span(int batch, int stride) {
        long span = window + (long) (batch - 1) * stride;
        if (span > capacity) {
            throw new IllegalArgumentException("a batch of " + batch + " windows " + stride + " apart spans " + span
                    + " samples; the snapshot keeps " + capacity);
        }
        pSpan[0] = (int) span;
        pSpanStart[0] = head - span;
        cuLaunchKernel(windows, blocks((long) channels * span), 1, 1, THREADS, 1, 1, 0, stream, spanParams, null);
    }

    /** Resets: zeros and warming up again. */
    public void reset() {
        cuStreamSynchronize(stream);
        cuMemsetD8(ring, (byte) 0, 4L * 2 * capacity * channels);
        head = 0;
        written = 0;
    }

    static int blocks(long threads) {
        return (int) ((threads + THREADS - 1) / THREADS);
    }

    /** For tests: waits for the stream and copies {@code floats} floats of a device buffer to the host. */
    static void download(CUstream stream, CUdeviceptr src, FloatBuffer dst, int floats) {
        cuStreamSynchronize(stream);
        cuMemcpyDtoH(Pointer.to(dst), src, 4L * floats);
    }

    @Override
    public void close() {
        cuStreamSynchronize(stream);
        cuMemFree(ring);
    }
}
