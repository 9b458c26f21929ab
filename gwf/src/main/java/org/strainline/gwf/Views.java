package org.strainline.gwf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Typed views of one byte buffer, one per alignment, made on first use and reused while the
 * buffer and its order stay the same: bulk copies into {@code double[]}/{@code float[]} then
 * allocate nothing. Owned by the thread that owns the decoder.
 */
final class Views {
    private ByteBuffer owner;
    private ByteOrder order;
    private final DoubleBuffer[] doubles = new DoubleBuffer[8];
    private final FloatBuffer[] floats = new FloatBuffer[4];

    private void check(ByteBuffer b) {
        if (b != owner || b.order() != order) {
            owner = b;
            order = b.order();
            java.util.Arrays.fill(doubles, null);
            java.util.Arrays.fill(floats, null);
        }
    }

    /** Copies {@code n} float64 words at byte offset {@code base} of {@code b} into {@code dst[off..]}. */
    void getDoubles(ByteBuffer b, int base, int n, double[] dst, int off) {
        check(b);
        int a = base & 7;
        DoubleBuffer v = doubles[a];
        if (v == null) {
            ByteBuffer d = b.duplicate();
            d.clear().position(a);
            v = d.slice().order(order).asDoubleBuffer();
            doubles[a] = v;
        }
        v.get((base - a) >>> 3, dst, off, n);
    }

    /** Copies {@code n} float32 words at byte offset {@code base} of {@code b} into {@code dst[off..]}. */
    void getFloats(ByteBuffer b, int base, int n, float[] dst, int off) {
        check(b);
        int a = base & 3;
        FloatBuffer v = floats[a];
        if (v == null) {
            ByteBuffer d = b.duplicate();
            d.clear().position(a);
            v = d.slice().order(order).asFloatBuffer();
            floats[a] = v;
        }
        v.get((base - a) >>> 2, dst, off, n);
    }
}
