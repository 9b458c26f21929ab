package org.strainline.kernels;

import java.nio.FloatBuffer;

/**
 * Turns overlapping window predictions into one continuous stream (DeepClean's online
 * aggregation). Windows are {@code window} samples long and come {@code stride} samples apart;
 * each sample is covered by up to {@code window / stride} of them. With an aggregation latency of
 * {@code latency} samples, the window ending at sample {@code E} releases the samples
 * {@code [E - latency - stride, E - latency)}: each is the mean of the predictions of every window
 * received so far that covers it, about {@code latency / stride + 1} of them; the output lags the
 * newest window's end by {@code latency}. Latency 0 is fully online (one prediction per sample);
 * {@code window - stride} is the most (every window that will ever cover a sample has).
 *
 * <p>Allocation free. Owned by one thread.
 */
public final class OverlapAggregator {
    private final int window;
    private final int stride;
    private final int latency;
    private final int length;
    private final double[] sum;
    private final int[] count;
    private long lastEnd = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    public OverlapAggregator(int window, int stride, int latency) {
        if (window <= 0 || stride <= 0 || latency < 0 || latency + stride > window) {
            throw new IllegalArgumentException("window " + window + ", stride " + stride + ", latency " + latency
                    + ": need window > 0, stride > 0, 0 <= latency <= window - stride");
        }
        this.window = window;
        this.stride = stride;
        this.latency = latency;
        this.length = window + stride;
        this.sum = new double[length];
        this.count = new int[length];
    }

    public int window() {
        return window;
    }

    public int stride() {
        return stride;
    }

    /** Aggregation latency in samples: how far the output lags the newest window's end. */
    public int latency() {
        return latency;
    }

    /** Index (in the stream's samples) of the next sample to be released; undefined before the first window. */
    public long nextOutput() {
        return emitted;
    }

    /**
     * Writes the provisional means of the {@link #latency()} samples after the released ones (the
     * samples {@code [nextOutput(), nextOutput() + latency)}: each the mean of the predictions
     * received so far that cover it, fewer than it will have when released) into {@code out}
     * from {@code outOffset}, without releasing them. Returns the number written ({@code latency},
     * or 0 before the first window).
     */
    public int provisional(FloatBuffer out, int outOffset) {
        if (emitted == Long.MIN_VALUE) {
            return 0;
        }
        int i = (int) Math.floorMod(emitted, (long) length);
        for (int k = 0; k < latency; k++) {
            out.put(outOffset + k, count[i] == 0 ? 0f : (float) (sum[i] / count[i]));
            if (++i == length) {
                i = 0;
            }
        }
        return latency;
    }

    /** Forgets everything. */
    public void reset() {
        java.util.Arrays.fill(sum, 0);
        java.util.Arrays.fill(count, 0);
        lastEnd = Long.MIN_VALUE;
        emitted = Long.MIN_VALUE;
    }

    /**
     * Adds {@code batch} windows from {@code predictions} ({@code (batch, window)} from
     * {@code offset}), window {@code b} ending at sample {@code lastEnd - (batch - 1 - b) * stride}
     * (exclusive), and writes the samples they release into {@code out} from {@code outOffset}.
     * Returns the number written; they are the samples from {@link #nextOutput()} (as it was before
     * the call) on.
     */
    public int add(FloatBuffer predictions, int offset, int batch, long lastWindowEnd, FloatBuffer out, int outOffset) {
        int written = 0;
        for (int b = 0; b < batch; b++) {
            long end = lastWindowEnd - (long) (batch - 1 - b) * stride;
            if (lastEnd != Long.MIN_VALUE && end != lastEnd + stride) {
                throw new IllegalArgumentException("window ending at " + end + " after one ending at " + lastEnd
                        + ": windows must come " + stride + " apart (reset on a discontinuity)");
            }
            if (emitted == Long.MIN_VALUE) {
                emitted = end - latency - stride;   // nothing before the first window's release
            }
            lastEnd = end;
            int base = offset + b * window;
            // the samples not released yet, [max(end - window, emitted), end): one index computation, then a wrap
            long first = Math.max(end - window, emitted);
            int i = (int) Math.floorMod(first, (long) length);
            for (int k = (int) (first - (end - window)); k < window; k++) {
                sum[i] += predictions.get(base + k);
                count[i]++;
                if (++i == length) {
                    i = 0;
                }
            }
            long until = end - latency;
            if (emitted < until) {
                i = (int) Math.floorMod(emitted, (long) length);
                for (long t = emitted; t < until; t++) {
                    out.put(outOffset + written++, count[i] == 0 ? 0f : (float) (sum[i] / count[i]));
                    sum[i] = 0;
                    count[i] = 0;
                    if (++i == length) {
                        i = 0;
                    }
                }
            }
            emitted = Math.max(emitted, until);
        }
        return written;
    }
}
