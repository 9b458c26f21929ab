package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class CompressionTest {

    /** The specification's worked example (App. B): block size 3, 16-bit words. */
    @Test
    void decodesTheSpecificationExample() throws GwfException {
        ByteBuffer src = ByteBuffer.allocate(10).order(ByteOrder.BIG_ENDIAN);
        for (int w : new int[] {0x0003, 0x2D17, 0x37F8, 0x2963, 0x0025}) {
            src.putShort((short) w);
        }
        src.flip();
        ByteBuffer dst = ByteBuffer.allocate(16);
        ByteOrder o = new Compression().expand(Compression.ZERO_SUPPRESS_2, VectType.INT_2S, 8, src, dst, 16);
        assertEquals(ByteOrder.BIG_ENDIAN, o);
        dst.flip().order(o);
        short[] expected = {82, 85, 85, 81, 80, 82, 84, 85};
        for (short e : expected) {
            assertEquals(e, dst.getShort());
        }
    }

    @Test
    void refusesPrivateAndUnknownCodes() {
        ByteBuffer src = ByteBuffer.allocate(8);
        for (int code : new int[] {7, 255, 256 + 7, 2, 4, 0x400}) {
            GwfException e = assertThrows(GwfException.class,
                    () -> new Compression().expand(code, VectType.INT_4S, 2, src, ByteBuffer.allocate(8), 8));
            assertTrue(e.reason().contains("compression code"), e.reason());
        }
    }

    @Test
    void zlibBombIsRefusedBeforeAllocation() {
        ByteBuffer src = ByteBuffer.wrap(new byte[] {0x78, 0x01, 0, 0});
        GwfException e = assertThrows(GwfException.class,
                () -> new Compression().expand(257, VectType.REAL_8, 1 << 20, src, ByteBuffer.allocate(8 << 20), 8 << 20));
        assertTrue(e.reason().contains("cannot expand"), e.reason());
    }

    @Test
    void truncatedZeroSuppressPayloadIsAnError() throws GwfException {
        short[] data = new short[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (short) (i * 37 % 1000);
        }
        ByteBuffer raw = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        raw.asShortBuffer().put(data);
        Compression.Encoded enc = new Compression().compress(5, VectType.INT_2S, 100, raw, ByteOrder.LITTLE_ENDIAN,
                ByteOrder.LITTLE_ENDIAN);
        assertEquals(261, enc.compress);
        ByteBuffer cut = ByteBuffer.wrap(enc.bytes, 0, enc.bytes.length / 2).slice();
        GwfException e = assertThrows(GwfException.class,
                () -> new Compression().expand(261, VectType.INT_2S, 100, cut, ByteBuffer.allocate(200), 200));
        assertTrue(e.reason().contains("ends after"), e.reason());
    }

    /** Every zero-suppress width, extremes included, both payload orders. */
    @Test
    void zeroSuppressRoundTripsExtremes() throws GwfException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            long[] ints = {0, 1, -1, 2, 1000, -1000, Integer.MAX_VALUE, Integer.MIN_VALUE + 1, 0, 0, 0, 0, 0, 0, 0, 0, 7, 7};
            for (VectType t : new VectType[] {VectType.INT_2S, VectType.INT_4S, VectType.INT_8S, VectType.INT_2U,
                VectType.INT_4U, VectType.INT_8U}) {
                ByteBuffer raw = ByteBuffer.allocate(ints.length * t.elementBytes()).order(order);
                for (long v : ints) {
                    switch (t.elementBytes()) {
                        case 2: raw.putShort((short) v); break;
                        case 4: raw.putInt((int) (v * 3)); break;
                        default: raw.putLong(v * 0x100000001L); break;
                    }
                }
                raw.flip();
                Compression c = new Compression();
                Compression.Encoded enc = c.compress(Compression.ZERO_SUPPRESS_OTHERWISE_GZIP, t, ints.length, raw, order,
                        order);
                ByteBuffer out = ByteBuffer.allocate(raw.remaining());
                if ((enc.compress & 0xFF) != 0) {
                    ByteOrder o = c.expand(enc.compress, t, ints.length, ByteBuffer.wrap(enc.bytes), out, raw.remaining());
                    assertEquals(order, o);
                } else {
                    out.put(enc.bytes);
                }
                assertArrayEquals(raw.array(), out.array(), t + " " + order + " code " + enc.compress);
            }
        }
    }
}
