package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CksumTest {
    @Test
    void matchesPosixCksumOutput() {
        // values printed by coreutils `cksum` for the same input
        assertEquals(3015617425L, Cksum.of("hello\n".getBytes(StandardCharsets.US_ASCII)) & 0xFFFFFFFFL);
        assertEquals(4294967295L, Cksum.of(new byte[0]) & 0xFFFFFFFFL);
        assertEquals(2610763910L, Cksum.of(new byte[1000]) & 0xFFFFFFFFL);
    }

    @Test
    void wordAtATimePathAgreesWithTheByteAtATimeOneInBothBufferOrders() {
        java.util.Random r = new java.util.Random(7);
        for (int len = 0; len < 300; len++) {
            byte[] b = new byte[len + 3];
            r.nextBytes(b);
            for (int from = 0; from < 3; from++) {
                int expected = Cksum.finish(Cksum.update(0, b, from, len), len);
                for (java.nio.ByteOrder o : new java.nio.ByteOrder[] {java.nio.ByteOrder.BIG_ENDIAN,
                    java.nio.ByteOrder.LITTLE_ENDIAN}) {
                    java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(b).order(o);
                    java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(b.length).order(o);
                    direct.put(b).flip();
                    assertEquals(expected, Cksum.of(heap, from, len), "len " + len + " from " + from + " " + o);
                    assertEquals(expected, Cksum.of(direct, from, len), "direct len " + len + " from " + from + " " + o);
                }
            }
        }
    }

    @Test
    void isNotTheZlibCrc() {
        java.util.zip.CRC32 zlib = new java.util.zip.CRC32();
        byte[] b = "hello\n".getBytes(StandardCharsets.US_ASCII);
        zlib.update(b);
        org.junit.jupiter.api.Assertions.assertNotEquals(zlib.getValue(), Cksum.of(b) & 0xFFFFFFFFL);
    }
}
