package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Multi-dimensional vectors, FrVect next chains, and the version-7 layout. */
class StructureTest {
    @Test
    void multiDimensionalVectorKeepsItsAxes() throws Exception {
        double[] tf = new double[10 * 20];
        for (int i = 0; i < tf.length; i++) {
            tf[i] = i * 0.5;
        }
        Vect v = Vect.ofArray("H1:TF", VectType.REAL_8, tf, new long[] {10, 20}, new double[] {0.5, 4.0},
                new double[] {1.0, 10.0}, new String[] {"s", "Hz"}, "power");
        Frame f = new Frame("H1", 0, 0, 1400000000L, 0, 5.0).addChannel(Channel.proc("H1:TF", v));
        GwfFile r = new GwfReader().read(ByteBuffer.wrap(GwfWriter.toBytes(f)), "tf");
        Vect back = r.frames().get(0).channel("H1:TF").data();
        assertEquals(2, back.nDim());
        assertArrayEquals(new long[] {10, 20}, back.nx());
        assertArrayEquals(new double[] {0.5, 4.0}, back.dx());
        assertArrayEquals(new double[] {1.0, 10.0}, back.startX());
        assertArrayEquals(new String[] {"s", "Hz"}, back.unitX());
        assertArrayEquals(tf, back.toDoubles());
    }

    @Test
    void vectorNextChainIsWrittenAndRead() throws Exception {
        Vect second = Vect.of("extra", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 9, 0, "");
        Vect first = Vect.of("H1:CH", new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1}, 9, 0, "").withNext(second);
        Frame f = new Frame("H1", 0, 0, 1400000000L, 0, 1.0).addChannel(Channel.adc("H1:CH", first));
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            GwfFile r = new GwfReader().read(ByteBuffer.wrap(GwfWriter.toBytes(o, Compression.GZIP, f)), "chain");
            Vect a = r.frames().get(0).channel("H1:CH").data();
            assertEquals("H1:CH", a.name());
            assertArrayEquals(new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1}, a.toFloats());
            Vect b = a.next();
            assertEquals("extra", b.name());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, b.toFloats());
            assertNull(b.next());
        }
    }

    @Test
    void structuresOfUndeclaredClassesAreSkippedByLength() throws Exception {
        Frame f = new Frame("H1", 0, 0, 1400000000L, 0, 1.0).addHistory("a", 1, "first")
                .addChannel(Channel.proc("H1:X", Vect.of("H1:X", new double[] {1, 2, 3}, 3, 0, "")));
        byte[] b = GwfWriter.toBytes(f);
        GwfFile clean = new GwfReader().read(ByteBuffer.wrap(b), "u");
        int hist = (int) clean.frames().get(0).history().get(0).offset();
        b[hist + 9] = (byte) 99;   // the FrHistory now has a class id no FrSH declares
        GwfFile r = new GwfReader(ChecksumPolicy.OFF).read(ByteBuffer.wrap(b), "u");
        assertEquals(1, r.skippedStructures());
        assertEquals(0, r.frames().get(0).history().size());
        assertArrayEquals(new double[] {1, 2, 3}, r.frames().get(0).channel("H1:X").data().toDoubles());
    }

    /** No version-7 file is known; v7 differs from v6 only in fields an ADC-only file does not have. */
    @Test
    void version7IsReadLikeVersion6() throws Exception {
        byte[] b = Files.readAllBytes(TestFrames.corpus().resolve("lalsuite/F-TEST-600000000-60.gwf"));
        b[5] = 7;
        GwfFile f = new GwfReader(ChecksumPolicy.REPORT).read(ByteBuffer.wrap(b), "v7");
        assertEquals(7, f.version());
        assertEquals(ChecksumReport.Status.BAD, f.checksums().file(), "the file checksum covers the edited header");
        assertEquals(6, f.frames().size());
        int[] v = (int[]) f.frames().get(5).channel("H1:LSC-AS_Q").data().toArray();
        assertEquals(5 * 163840 + 163839, v[163839]);
        assertEquals(Schema.Kind.REAL_8, Schema.forVersion(7).get("FrSimData").elements.get(2).kind);
        assertEquals(Schema.Kind.REAL_4, Schema.forVersion(6).get("FrSimData").elements.get(2).kind);
    }
}
