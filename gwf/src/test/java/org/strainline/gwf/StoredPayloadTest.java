package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** A vector read from a file and written again with its own method and byte order keeps its stored payload. */
class StoredPayloadTest {
    private static byte[] payload(Vect v) {
        ByteBuffer b = v.storedBytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static Frame frame() {
        double[] h = (double[]) TestFrames.values(VectType.REAL_8, 4096, 9);
        return new Frame("H1", 0, 0, 1400000000L, 0, 1.0)
                .addChannel(Channel.proc("H1:X", Vect.of("H1:X", h, 4096, 0, "")));
    }

    @Test
    void restampedCopiesPassTheStoredPayloadOnAndRecompressOtherwise() throws Exception {
        GwfFile f = new GwfReader().read(ByteBuffer.wrap(GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, frame())), "a");
        Vect original = f.frames().get(0).channel("H1:X").data();
        Frame moved = f.frames().get(0).restamped(1400000100L, 0);
        GwfFile same = new GwfReader().read(ByteBuffer.wrap(GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, moved)), "b");
        Vect copy = same.frames().get(0).channel("H1:X").data();
        assertEquals(1400000100L, same.frames().get(0).gpsS());
        assertEquals(original.compress(), copy.compress());
        assertArrayEquals(payload(original), payload(copy));
        assertArrayEquals(original.toDoubles(), copy.toDoubles());
        GwfFile be = new GwfReader().read(ByteBuffer.wrap(GwfWriter.toBytes(ByteOrder.BIG_ENDIAN, Compression.GZIP, moved)), "c");
        Vect swapped = be.frames().get(0).channel("H1:X").data();
        assertEquals(Compression.GZIP, swapped.compress(), "another byte order is compressed again");
        assertArrayEquals(original.toDoubles(), swapped.toDoubles());
        GwfFile raw = new GwfReader().read(ByteBuffer.wrap(GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.RAW, moved)), "d");
        assertNotEquals(original.compress(), raw.frames().get(0).channel("H1:X").data().compress());
        assertArrayEquals(original.toDoubles(), raw.frames().get(0).channel("H1:X").data().toDoubles());
    }

    @Test
    void aDamagedStoredPayloadIsNotPassedOn() throws Exception {
        byte[] file = GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, frame());
        GwfFile f = new GwfReader(ChecksumPolicy.OFF).read(ByteBuffer.wrap(file), "a");
        long at = f.frames().get(0).channel("H1:X").data().offset();
        for (int i = 0; i < 64; i++) {
            file[(int) at + 200 + i] ^= (byte) 0xA5;   // inside the deflate stream
        }
        GwfFile bad = new GwfReader(ChecksumPolicy.OFF).read(ByteBuffer.wrap(file), "a");
        assertThrows(GwfException.class, () -> GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, bad.frames().get(0)));
    }
}
