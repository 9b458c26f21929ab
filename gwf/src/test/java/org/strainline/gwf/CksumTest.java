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
    void isNotTheZlibCrc() {
        java.util.zip.CRC32 zlib = new java.util.zip.CRC32();
        byte[] b = "hello\n".getBytes(StandardCharsets.US_ASCII);
        zlib.update(b);
        org.junit.jupiter.api.Assertions.assertNotEquals(zlib.getValue(), Cksum.of(b) & 0xFFFFFFFFL);
    }
}
