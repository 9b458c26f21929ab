package org.strainline.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The snapshot of one stream: for each of its {@code C} channels, the most recent
 * {@code capacity = window + (maxBatch - 1) * stride + history} samples, kept off-heap in a
 * circular buffer that {@link #update} writes in place (nothing is shifted), from which
 * {@link #windows} lays the batch of the {@code B} newest overlapping windows, each {@code K =
 * window} samples long and {@code stride} apart, straight into the caller's {@code (B, C, K)}
 * tensor (the engine's input).
 *
 * <p>Layout: each channel's ring is stored twice in a row ({@code 2 * capacity} floats, every
 * sample written at {@code p} and {@code p + capacity}), so that every window, wherever it falls
 * in the ring, is one contiguous run: a batch is {@code B * C} bulk copies, one pass over the
 * output. Writes cost two stores per sample; reads, the hot side (each sample is read by
 * {@code K / stride} windows), cost one copy.
 *
 * <p>After construction or {@link #reset()} the state is warming up: {@link #ready(int, int)}
 * says whether enough samples have arrived since for a batch (earlier windows would reach back
 * into samples that never came).
 *
 * <p>Allocation free. Single writer: the thread that owns the stream's stage calls
 * {@link #update} and {@link #windows}; nothing here is thread safe.
 */
public final class SnapshotState {
    private final int channels;
    private final int window;
    private final int capacity;
    private final FloatBuffer ring;
    private int head;
    private long written;

    /**
     * @param channels channels of the stream
     * @param window   samples per window (K)
     * @param maxBatch the largest batch asked of {@link #windows}
     * @param stride   the stride between windows of a batch
     * @param history  extra past samples to keep (for stages that look further back)
     */
    public SnapshotState(int channels, int window, int maxBatch, int stride, int history) {
        if (channels <= 0 || window <= 0 || maxBatch <= 0 || stride <= 0 || history < 0) {
            throw new IllegalArgumentException("channels, window, maxBatch and stride must be positive, history >= 0: "
                    + channels + ", " + window + ", " + maxBatch + ", " + stride + ", " + history);
        }
        long cap = window + (long) (maxBatch - 1) * stride + history;
        if (cap * 2 * channels > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("snapshot of " + channels + " x " + cap + " samples is too large");
        }
        this.channels = channels;
        this.window = window;
        this.capacity = (int) cap;
        this.ring = ByteBuffer.allocateDirect(4 * 2 * capacity * channels).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    public int channels() {
        return channels;
    }

    /** Samples per window (K). */
    public int window() {
        return window;
    }

    /** Samples kept per channel. */
    public int capacity() {
        return capacity;
    }

    /** Samples written per channel since construction or the last {@link #reset()}. */
    public long written() {
        return written;
    }

    /** Whether a batch of {@code batch} windows {@code stride} apart lies wholly in samples written since the reset. */
    public boolean ready(int batch, int stride) {
        return written >= window + (long) (batch - 1) * stride;
    }

    /** Forgets every sample (zeros) and starts warming up again. */
    public void reset() {
        for (int i = 0, n = ring.capacity(); i < n; i++) {
            ring.put(i, 0f);
        }
        head = 0;
        written = 0;
    }

    /**
     * Appends {@code n} new samples to every channel: channel {@code c}'s are
     * {@code src[srcOffset + c * n .. + n)} (channel-major, the layout a stage's per-second
     * buffer has). {@code n} may exceed the capacity: only the newest samples are kept.
     */
    public void update(FloatBuffer src, int srcOffset, int n) {
        int skip = Math.max(0, n - capacity);
        int todo = n - skip;
        int pos = (int) ((head + (long) skip) % capacity);
        for (int c = 0; c < channels; c++) {
            int base = c * 2 * capacity;
            int from = srcOffset + c * n + skip;
            int first = Math.min(todo, capacity - pos);
            ring.put(base + pos, src, from, first);
            ring.put(base + pos + capacity, src, from, first);
            if (first < todo) {
                ring.put(base, src, from + first, todo - first);
                ring.put(base + capacity, src, from + first, todo - first);
            }
        }
        head = (int) ((head + (long) n) % capacity);
        written += n;
    }

    /**
     * Writes the {@code batch} newest windows, {@code stride} samples apart (window
     * {@code batch - 1} ends with the newest sample), into {@code dst} from {@code dstOffset}
     * as a {@code (batch, channels, window)} tensor: element {@code (b, c, k)} at
     * {@code dstOffset + (b * channels + c) * window + k}.
     */
    public void windows(int batch, int stride, FloatBuffer dst, int dstOffset) {
        long span = checkSpan(batch, stride);
        // the oldest window starts span samples before the head
        copyWindows(batch, stride, head - span, Long.MIN_VALUE, Long.MAX_VALUE, dst, dstOffset);
    }

    /**
     * The span the batch {@link #windows(int, int, FloatBuffer, int)} would write is cut from:
     * the newest {@code window + (batch − 1)·stride} samples of each channel, oldest first,
     * channel after channel ({@code (C, span)}, one bulk copy per channel), for an engine that
     * cuts the windows itself. About {@code window / stride} times fewer bytes than the windows.
     */
    public void span(int batch, int stride, FloatBuffer dst, int dstOffset) {
        long span = checkSpan(batch, stride);
        int q = (int) Math.floorMod(head - span, (long) capacity);
        for (int c = 0; c < channels; c++) {
            dst.put(dstOffset + c * (int) span, ring, c * 2 * capacity + q, (int) span);
        }
    }

    /**
     * Before an {@link #update} of {@code n} samples: writes the part of every window of the
     * batch {@link #windows(int, int, FloatBuffer, int)} will give after that update that is
     * known now (its samples older than the {@code n} new ones), so that the time-critical
     * {@link #windowsAfter} that follows the update writes only the rest. For one-second updates
     * and windows of one second, half of the tensor is written ahead of the second. The two
     * together write exactly what {@code windows} writes after the update.
     */
    public void windowsBefore(int batch, int stride, int n, FloatBuffer dst, int dstOffset) {
        long span = checkSpan(batch, stride);
        // the oldest window's start after the update; its samples before the update's first are known
        copyWindows(batch, stride, head + (long) n - span, Long.MIN_VALUE, head, dst, dstOffset);
    }

    /**
     * After {@link #windowsBefore} and then an {@link #update} of the same {@code n} samples:
     * writes the rest of the batch (the windows' parts from the update's first sample on).
     */
    public void windowsAfter(int batch, int stride, int n, FloatBuffer dst, int dstOffset) {
        long span = checkSpan(batch, stride);
        copyWindows(batch, stride, head - span, head - (long) n, Long.MAX_VALUE, dst, dstOffset);
    }

    /**
     * The samples of each window {@code b} (starting at {@code start0 + b * stride}, counted as
     * {@link #head} is) that lie in {@code [lo, hi)}, copied to their places in the
     * {@code (batch, channels, window)} tensor: one bulk copy per window and channel.
     */
    private void copyWindows(int batch, int stride, long start0, long lo, long hi, FloatBuffer dst, int dstOffset) {
        int o = dstOffset;
        for (int b = 0; b < batch; b++) {
            long s = start0 + (long) b * stride;
            long from = Math.max(s, lo);
            long to = Math.min(s + window, hi);
            if (to > from) {
                int q = (int) Math.floorMod(from, (long) capacity);
                int at = (int) (from - s);
                int len = (int) (to - from);
                for (int c = 0; c < channels; c++) {
                    dst.put(o + c * window + at, ring, c * 2 * capacity + q, len);
                }
            }
            o += channels * window;
        }
    }

    private long checkSpan(int batch, int stride) {
        long span = window + (long) (batch - 1) * stride;
        if (batch <= 0 || stride <= 0 || span > capacity) {
            throw new IllegalArgumentException("a batch of " + batch + " windows " + stride + " apart spans " + span
                    + " samples; the snapshot keeps " + capacity);
        }
        return span;
    }

    /** The sample {@code age} samples before the newest (0 = newest) of channel {@code c}. */
    public float sample(int c, int age) {
        if (age < 0 || age >= capacity) {
            throw new IndexOutOfBoundsException("age " + age + " outside 0.." + (capacity - 1));
        }
        int q = (int) Math.floorMod((long) head - 1 - age, (long) capacity);
        return ring.get(c * 2 * capacity + q);
    }

    /** The off-heap ring (for the GPU upload path and tests): channel c's doubled ring at {@code c * 2 * capacity}. */
    FloatBuffer ring() {
        return ring;
    }

    /** Position of the next sample in the ring. */
    int head() {
        return head;
    }
}
