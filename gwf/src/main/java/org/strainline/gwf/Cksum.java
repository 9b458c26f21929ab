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
    /** Slicing-by-4 tables: T1..T3 advance a byte that sits 1..3 positions before the end of a word. */
    private static final int[] T1 = new int[256];
    private static final int[] T2 = new int[256];
    private static final int[] T3 = new int[256];

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
        }
    }

    private Cksum() {
    }

    /** Feeds {@code len} bytes of {@code buf} starting at absolute index {@code from} into a running CRC. */
    public static int update(int crc, ByteBuffer buf, int from, int len) {
        int end = from + len;
        int i = from;
        // four bytes a step (slicing-by-4); the word is read big-endian whatever the buffer's order
        boolean be = buf.order() == java.nio.ByteOrder.BIG_ENDIAN;
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
