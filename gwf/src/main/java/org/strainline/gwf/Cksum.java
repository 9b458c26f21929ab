package org.strainline.gwf;

import java.nio.ByteBuffer;

/**
 * The POSIX {@code cksum} CRC used by the frame format: CRC-32, polynomial 0x04C11DB7, MSB first,
 * initial value 0, the byte length appended least significant byte first, then complemented. This
 * is not {@link java.util.zip.CRC32} (the reflected zlib variant).
 *
 * <p>Allocation free: {@link #of(ByteBuffer, int, int)} reads absolute positions.
 */
public final class Cksum {
    private static final int[] TABLE = new int[256];
    /** Slicing-by-8 tables: Tk advances a byte that sits k positions before the end of an 8-byte step. */
    private static final int[] T1 = new int[256];
    private static final int[] T2 = new int[256];
    private static final int[] T3 = new int[256];
    private static final int[] T4 = new int[256];
    private static final int[] T5 = new int[256];
    private static final int[] T6 = new int[256];
    private static final int[] T7 = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            TABLE[i] = c;
        }
        for (int i = 0; i < 256; i++) {
            T1[i] = (TABLE[i] << 8) ^ TABLE[TABLE[i] >>> 24];
            T2[i] = (T1[i] << 8) ^ TABLE[T1[i] >>> 24];
            T3[i] = (T2[i] << 8) ^ TABLE[T2[i] >>> 24];
            T4[i] = (T3[i] << 8) ^ TABLE[T3[i] >>> 24];
            T5[i] = (T4[i] << 8) ^ TABLE[T4[i] >>> 24];
            T6[i] = (T5[i] << 8) ^ TABLE[T5[i] >>> 24];
            T7[i] = (T6[i] << 8) ^ TABLE[T6[i] >>> 24];
        }
    }

    private Cksum() {
    }

    /** Feeds {@code len} bytes of {@code buf} starting at absolute index {@code from} into a running CRC. */
    public static int update(int crc, ByteBuffer buf, int from, int len) {
        int end = from + len;
        int i = from;
        // eight bytes a step (slicing-by-8), then four; words are taken big-endian whatever the buffer's order
        boolean be = buf.order() == java.nio.ByteOrder.BIG_ENDIAN;
        for (; i + 8 <= end; i += 8) {
            long w = buf.getLong(i);
            if (!be) {
                w = Long.reverseBytes(w);
            }
            int c = crc ^ (int) (w >>> 32);
            int lo = (int) w;
            crc = T7[c >>> 24] ^ T6[(c >>> 16) & 0xFF] ^ T5[(c >>> 8) & 0xFF] ^ T4[c & 0xFF]
                    ^ T3[lo >>> 24] ^ T2[(lo >>> 16) & 0xFF] ^ T1[(lo >>> 8) & 0xFF] ^ TABLE[lo & 0xFF];
        }
        for (; i + 4 <= end; i += 4) {
            int w = buf.getInt(i);
            crc ^= be ? w : Integer.reverseBytes(w);
            crc = T3[crc >>> 24] ^ T2[(crc >>> 16) & 0xFF] ^ T1[(crc >>> 8) & 0xFF] ^ TABLE[crc & 0xFF];
        }
        for (; i < end; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ buf.get(i)) & 0xFF];
        }
        return crc;
    }

    /** Feeds {@code len} bytes of {@code b} starting at {@code from} into a running CRC. */
    public static int update(int crc, byte[] b, int from, int len) {
        int end = from + len;
        for (int i = from; i < end; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b[i]) & 0xFF];
        }
        return crc;
    }

    /** Finishes a running CRC over {@code totalLength} bytes: appends the length and complements. */
    public static int finish(int crc, long totalLength) {
        for (long n = totalLength; n != 0; n >>>= 8) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ (int) n) & 0xFF];
        }
        return ~crc;
    }

    /** The cksum of {@code len} bytes of {@code buf} from absolute index {@code from}. */
    public static int of(ByteBuffer buf, int from, int len) {
        return finish(update(0, buf, from, len), len);
    }

    /** The cksum of a byte array. */
    public static int of(byte[] b) {
        return finish(update(0, b, 0, b.length), b.length);
    }
}
