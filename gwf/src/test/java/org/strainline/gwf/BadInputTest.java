package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Truncated, corrupted and hostile input: only {@link GwfException}, with file, offset and reason. */
class BadInputTest {
    private static byte[] sample() throws Exception {
        Frame f = new Frame("H1", 0, 0, 1400000000L, 0, 1.0);
        f.addChannel(Channel.proc("H1:GDS-CALIB_STRAIN",
                Vect.of("H1:GDS-CALIB_STRAIN", (double[]) TestFrames.values(VectType.REAL_8, 2048, 1), 2048, 0, "strain"))
                .withCompression(Compression.RAW));
        f.addChannel(Channel.adc("H1:GDS-CALIB_STATE_VECTOR",
                Vect.of("H1:GDS-CALIB_STATE_VECTOR", new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, 16, 0, ""))
                .withCompression(Compression.ZERO_SUPPRESS_4));
        return GwfWriter.toBytes(f);
    }

    @Test
    void everyTruncationSaysMissingEndOfFile() throws Exception {
        byte[] full = sample();
        for (int step = 40; step < full.length; step += step < full.length - 100 ? 97 : 1) {
            int cut = step;
            ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(full, cut));
            GwfException e = assertThrows(GwfException.class, () -> new GwfReader().read(b, "H-H1_llhoft-1400000000-1.gwf"));
            assertEquals(GwfException.Kind.TRUNCATED, e.kind(), "cut at " + cut + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("H-H1_llhoft-1400000000-1.gwf at offset "), e.getMessage());
            assertTrue(e.reason().startsWith("truncated: missing FrEndOfFile"), e.getMessage());
            GwfException d = assertThrows(GwfException.class,
                    () -> new FrameDecoder().open(ByteBuffer.wrap(Arrays.copyOf(full, cut)), "x.gwf"));
            assertEquals("truncated: missing FrEndOfFile", d.reason());
        }
        for (int cut = 0; cut < 40; cut++) {
            int c = cut;
            assertThrows(GwfException.class, () -> new GwfReader().read(ByteBuffer.wrap(Arrays.copyOf(full, c)), "x"));
        }
    }

    @Test
    void notAFrameFile() {
        GwfException e = assertThrows(GwfException.class,
                () -> new GwfReader().read(ByteBuffer.wrap("hello world, this is not a frame file at all".getBytes()), "t.txt"));
        assertEquals(GwfException.Kind.NOT_A_FRAME_FILE, e.kind());
        assertEquals("t.txt at offset 0: not a frame file (no IGWD header)", e.getMessage());
    }

    @Test
    void aFlippedPayloadByteIsAChecksumErrorThatNamesTheStructure() throws Exception {
        byte[] b = sample();
        int at = b.length / 2;   // inside the strain vector's payload
        b[at] ^= 0x5A;
        GwfException e = assertThrows(GwfException.class, () -> new GwfReader().read(ByteBuffer.wrap(b), "f.gwf"));
        assertEquals(GwfException.Kind.CHECKSUM, e.kind());
        assertTrue(e.reason().matches("^checksum mismatch in FrVect at offset \\d+: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}$"),
                e.reason());
        GwfFile r = new GwfReader(ChecksumPolicy.REPORT).read(ByteBuffer.wrap(b), "f.gwf");
        assertEquals(1, r.checksums().badStructures());
        assertEquals(ChecksumReport.Status.BAD, r.checksums().file());
        GwfException d = assertThrows(GwfException.class, () -> {
            FrameDecoder dec = new FrameDecoder();
            dec.open(ByteBuffer.wrap(b), "f.gwf");
            dec.read(0, ChannelName.of("H1:GDS-CALIB_STRAIN"), new double[2048], 0);
        });
        assertEquals(GwfException.Kind.CHECKSUM, d.kind());
        // verification off: the data still decode
        FrameDecoder off = new FrameDecoder(false, 1 << 20);
        off.open(ByteBuffer.wrap(b), "f.gwf");
        assertEquals(2048, off.read(0, ChannelName.of("H1:GDS-CALIB_STRAIN"), new double[2048], 0));
    }

    @Test
    void aHugeNDataBehindATinyPayloadIsRefusedBeforeAllocating() throws Exception {
        Frame f = new Frame("H1", 0, 0, 1400000000L, 0, 1.0);
        f.addChannel(Channel.proc("Z", Vect.of("Z", new double[4096], 4096, 0, "")).withCompression(Compression.GZIP));
        f.addChannel(Channel.proc("S", Vect.of("S", new short[4096], 4096, 0, "")).withCompression(Compression.ZERO_SUPPRESS_2));
        byte[] b = GwfWriter.toBytes(f);
        GwfFile clean = new GwfReader().read(ByteBuffer.wrap(b), "huge.gwf");
        for (String name : new String[] {"Z", "S"}) {
            Vect v = clean.frames().get(0).channel(name).data();
            int nDataAt = (int) v.offset() + 14 + 2 + name.length() + 1 + 2 + 2;
            ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(nDataAt, 1L << 24);
        }
        GwfFile bad = new GwfReader(ChecksumPolicy.OFF).read(ByteBuffer.wrap(b), "huge.gwf");
        for (String name : new String[] {"Z", "S"}) {
            Vect v = bad.frames().get(0).channel(name).data();
            assertEquals(1L << 24, v.nData());
            GwfException e = assertThrows(GwfException.class, v::toDoubles);
            assertTrue(e.reason().contains("cannot expand to nData"), e.reason());
            FrameDecoder d = new FrameDecoder(false, Long.MAX_VALUE);
            d.open(ByteBuffer.wrap(b), "huge.gwf");
            GwfException de = assertThrows(GwfException.class, () -> d.read(0, ChannelName.of(name), new double[16], 0));
            assertTrue(de.reason().contains("cannot expand to nData"), de.reason());
        }
    }

    @Test
    void seekTocOutsideTheFileIsMalformed() throws Exception {
        byte[] full = sample();
        for (long seek : new long[] {1, 7, 45, full.length - 39L, full.length + 5L, -3}) {
            byte[] b = full.clone();
            ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(b.length - 20, seek);
            GwfException e = assertThrows(GwfException.class, () -> new FrameDecoder(false, 1 << 20).open(ByteBuffer.wrap(b), "s.gwf"));
            assertEquals(GwfException.Kind.MALFORMED, e.kind());
            assertEquals("seekTOC " + seek + " points outside the file's structures", e.reason());
        }
    }

    /** Random corruption of every kind of byte: never anything but GwfException, never a hang. */
    @Test
    void randomCorruptionOnlyEverRaisesGwfException() throws Exception {
        byte[] full = sample();
        Random r = new Random(2026);
        for (int iter = 0; iter < 3000; iter++) {
            byte[] b = full.clone();
            int flips = 1 + r.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = r.nextInt(b.length);
                b[at] = (byte) (r.nextInt(3) == 0 ? 0xFF : r.nextInt(256));
            }
            try {
                GwfFile f = new GwfReader(ChecksumPolicy.OFF).read(ByteBuffer.wrap(b), "fuzz");
                for (Frame fr : f.frames()) {
                    for (Channel c : fr.channels()) {
                        if (c.data() != null) {
                            c.data().toArray();
                        }
                    }
                }
            } catch (GwfException expected) {
                // the only exception allowed
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("iteration " + iter + ": " + e, e);
            }
            try {
                FrameDecoder d = new FrameDecoder(false, 1 << 22);
                d.open(ByteBuffer.wrap(b), "fuzz");
                d.read(0, ChannelName.of("H1:GDS-CALIB_STRAIN"), new double[1 << 16], 0);
                d.read(0, ChannelName.of("H1:GDS-CALIB_STATE_VECTOR"), new float[1 << 16], 0);
            } catch (GwfException expected) {
                // the only exception allowed
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("decoder, iteration " + iter + ": " + e, e);
            }
        }
    }
}
