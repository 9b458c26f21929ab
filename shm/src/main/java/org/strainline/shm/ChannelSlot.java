package org.strainline.shm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One second of one channel, off-heap: {@code rateHz} float64 samples in native byte order, and
 * what was wrong with them. A slot whose channel could not be used holds zeros and says why in
 * {@link #flags()}. Allocated once; reused for every second.
 */
public final class ChannelSlot {
    /** The channel is not in the frame. */
    public static final int MISSING = 1;
    /** The frame's channel has another number of samples than rate x 1 s (the slot holds zeros). */
    public static final int WRONG_LENGTH = 2;
    /** The frame's channel has another sample rate than configured. */
    public static final int WRONG_RATE = 4;
    /** NaN or infinite samples were found (and replaced by zeros). */
    public static final int NONFINITE = 8;
    /** The channel's stream had no file for this second (zeros). */
    public static final int ABSENT = 16;
    /** The channel's stream file for this second was corrupt or unreadable (zeros). */
    public static final int UNREADABLE = 32;

    private final String name;
    private final int rateHz;
    private final ByteBuffer data;
    int flags;
    double foundRateHz;
    long foundSamples;

    ChannelSlot(String name, int rateHz) {
        this.name = name;
        this.rateHz = rateHz;
        this.data = ByteBuffer.allocateDirect(8 * rateHz).order(ByteOrder.nativeOrder());
    }

    public String name() {
        return name;
    }

    /** The configured rate, which is also the number of samples of the second. */
    public int rateHz() {
        return rateHz;
    }

    /** Samples held: always {@link #rateHz()} (zeros where the channel could not be used). */
    public int samples() {
        return rateHz;
    }

    /** Sample {@code i} of the second. */
    public double get(int i) {
        return data.getDouble(i << 3);
    }

    /**
     * The samples, float64 in native order, over the whole slot (absolute indexing; do not change
     * position or limit from consumer threads: the buffer is shared by the slot's readers).
     */
    public ByteBuffer data() {
        return data;
    }

    /** {@link #MISSING}, {@link #WRONG_LENGTH}, ... or 0 when the channel is as configured. */
    public int flags() {
        return flags;
    }

    /** The sample rate the frame gave (0 when missing). */
    public double foundRateHz() {
        return foundRateHz;
    }

    /** The number of samples the frame had (0 when missing). */
    public long foundSamples() {
        return foundSamples;
    }

    void zero() {
        ByteBuffer d = data;
        for (int i = 0, n = rateHz << 3; i < n; i += 8) {
            d.putLong(i, 0L);
        }
    }

    void copyFrom(ChannelSlot o) {
        data.put(0, o.data, 0, rateHz << 3);
        flags = o.flags;
        foundRateHz = o.foundRateHz;
        foundSamples = o.foundSamples;
    }
}
