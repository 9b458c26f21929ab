package org.strainline.gwf;

import java.nio.ByteBuffer;

/**
 * Type conversion of expanded vector words to float64/float32, straight from a (possibly mapped)
 * buffer into the caller's array or buffer. Allocation free; where the stored type and order match
 * the destination it is one bulk copy. Complex data come out interleaved (re, im).
 */
final class Convert {
    private Convert() {
    }

    /** Value of word {@code i} (a real word: complex samples count two) as a double. */
    static double word(VectType t, ByteBuffer b, int base, int i) {
        switch (t) {
            case CHAR: return b.get(base + i);
            case CHAR_U: return b.get(base + i) & 0xFF;
            case INT_2S: return b.getShort(base + 2 * i);
            case INT_2U: return b.getShort(base + 2 * i) & 0xFFFF;
            case INT_4S: return b.getInt(base + 4 * i);
            case INT_4U: return b.getInt(base + 4 * i) & 0xFFFFFFFFL;
            case INT_8S: return b.getLong(base + 8 * i);
            case INT_8U: {
                long v = b.getLong(base + 8 * i);
                return v >= 0 ? (double) v : ((double) (v >>> 1)) * 2.0 + (v & 1);
            }
            case REAL_4:
            case COMPLEX_8:
            case HALF_COMPLEX_8:
                return b.getFloat(base + 4 * i);
            case REAL_8:
            case COMPLEX_16:
            case HALF_COMPLEX_16:
                return b.getDouble(base + 8 * i);
            default:
                throw new IllegalArgumentException("no numeric value for " + t);
        }
    }

    /** Number of real words of {@code nData} elements. */
    static long words(VectType t, long nData) {
        return t.isComplex() ? 2 * nData : nData;
    }

    /** Converts {@code n} words at {@code base} of {@code b} (order already set) into {@code dst[off..]}. */
    static void toDoubles(VectType t, ByteBuffer b, int base, int n, double[] dst, int off, Views views) {
        if ((t == VectType.REAL_8 || t == VectType.COMPLEX_16 || t == VectType.HALF_COMPLEX_16)) {
            views.getDoubles(b, base, n, dst, off);
            return;
        }
        switch (t) {
            case REAL_4:
            case COMPLEX_8:
            case HALF_COMPLEX_8:
                for (int i = 0; i < n; i++) {
                    dst[off + i] = b.getFloat(base + 4 * i);
                }
                return;
            case INT_2S:
                for (int i = 0; i < n; i++) {
                    dst[off + i] = b.getShort(base + 2 * i);
                }
                return;
            case INT_4S:
                for (int i = 0; i < n; i++) {
                    dst[off + i] = b.getInt(base + 4 * i);
                }
                return;
            default:
                for (int i = 0; i < n; i++) {
                    dst[off + i] = word(t, b, base, i);
                }
        }
    }

    /** Converts {@code n} words into {@code dst[off..]} as float32 (rounding where the type is wider). */
    static void toFloats(VectType t, ByteBuffer b, int base, int n, float[] dst, int off, Views views) {
        if (t == VectType.REAL_4 || t == VectType.COMPLEX_8 || t == VectType.HALF_COMPLEX_8) {
            views.getFloats(b, base, n, dst, off);
            return;
        }
        switch (t) {
            case REAL_8:
            case COMPLEX_16:
            case HALF_COMPLEX_16:
                for (int i = 0; i < n; i++) {
                    dst[off + i] = (float) b.getDouble(base + 8 * i);
                }
                return;
            case INT_2S:
                for (int i = 0; i < n; i++) {
                    dst[off + i] = b.getShort(base + 2 * i);
                }
                return;
            default:
                for (int i = 0; i < n; i++) {
                    dst[off + i] = (float) word(t, b, base, i);
                }
        }
    }

    /**
     * Writes {@code n} words into {@code dst} from its position (advanced), as float64 when
     * {@code asDouble} else float32, in {@code dst}'s byte order.
     */
    static void toBuffer(VectType t, ByteBuffer b, int base, int n, ByteBuffer dst, boolean asDouble) {
        int p = dst.position();
        if (asDouble) {
            if ((t == VectType.REAL_8 || t == VectType.COMPLEX_16) && b.order() == dst.order()) {
                dst.put(p, b, base, n * 8);
            } else {
                for (int i = 0; i < n; i++) {
                    dst.putDouble(p + 8 * i, word(t, b, base, i));
                }
            }
            dst.position(p + 8 * n);
        } else {
            if ((t == VectType.REAL_4 || t == VectType.COMPLEX_8) && b.order() == dst.order()) {
                dst.put(p, b, base, n * 4);
            } else if (t == VectType.REAL_8 || t == VectType.COMPLEX_16) {
                for (int i = 0; i < n; i++) {
                    dst.putFloat(p + 4 * i, (float) b.getDouble(base + 8 * i));
                }
            } else {
                for (int i = 0; i < n; i++) {
                    dst.putFloat(p + 4 * i, (float) word(t, b, base, i));
                }
            }
            dst.position(p + 4 * n);
        }
    }
}
