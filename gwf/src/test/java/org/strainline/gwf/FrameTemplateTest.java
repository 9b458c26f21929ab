package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameTemplateTest {
    private static final String STRAIN = "H1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ";
    private static final String FLAGS = "H1:DEEPCLEAN-PRODUCTION_FLAGS";

    private static FrameTemplate template() throws Exception {
        return new FrameTemplate("H-H1_llhoft_deepclean", "strainline deepclean-h1/1",
                List.of(new FrameTemplate.Slot(STRAIN, VectType.REAL_4, 4096, 4096, "strain"),
                        new FrameTemplate.Slot(FLAGS, VectType.INT_4S, 1, 1, "")));
    }

    private static void fill(FrameTemplate t, long gps, float[] x, int flags) {
        t.floats(0).put(0, x);
        t.ints(1).put(0, flags);
        t.stamp(gps, 0);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private static float[] signal(long seed) {
        float[] x = new float[4096];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (1e-21 * r.nextGaussian());
        }
        return x;
    }

    @Test
    void eachStampedSecondIsTheFileTheWriterWouldWrite() throws Exception {
        FrameTemplate t = template();
        for (long gps : new long[] {1_400_000_000L, 1_400_000_001L, 1_400_000_777L}) {
            float[] x = signal(gps);
            fill(t, gps, x, 5);
            byte[] ours = bytes(t.finish());
            Frame f = new Frame("H-H1_llhoft_deepclean", 0, 0, gps, 0, 1.0).addHistory("H-H1_llhoft_deepclean", gps,
                    "strainline deepclean-h1/1");
            f.addChannel(Channel.proc(STRAIN, Vect.of(STRAIN, x, 4096, 0, "strain")).withCompression(Compression.RAW));
            f.addChannel(Channel.proc(FLAGS, Vect.of(FLAGS, new int[] {5}, 1, 0, "")).withCompression(Compression.RAW));
            assertArrayEquals(GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.RAW, f), ours, "GPS " + gps);
        }
    }

    @Test
    void aStampedFileReadsBackWithEveryChecksumGood() throws Exception {
        FrameTemplate t = template();
        float[] x = signal(9);
        fill(t, 1_400_000_042L, x, 3);
        GwfFile file = new GwfReader(ChecksumPolicy.REPORT).read(t.finish(), "stamped");
        assertTrue(file.checksums().allOk(), file.checksums().problems().toString());
        Frame f = file.frames().get(0);
        assertEquals(1_400_000_042L, f.gpsS());
        assertArrayEquals(x, f.channel(STRAIN).data().toFloats());
        assertEquals(3, ((int[]) f.channel(FLAGS).data().toArray())[0]);
        assertEquals(1_400_000_042L, file.toc().gpsS(0), "the TOC has the new time too");
    }

    @Test
    void stampingAndFinishingAllocateNothing() throws Exception {
        FrameTemplate t = template();
        float[] x = signal(1);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200; i++) {
            fill(t, 1_400_000_000L + i, x, i);
            t.finish();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 2000; i++) {
            fill(t, 1_400_001_000L + i, x, i);
            t.finish();
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        // one object a file would be >= 32,000 B here; what is left is the JIT's, once
        assertTrue(bytes < 1000, "bytes allocated by 2000 files: " + bytes);
    }

    @Test
    void onlyFloatAndIntVectorsAreHeld() {
        assertThrows(IllegalArgumentException.class, () -> new FrameTemplate.Slot("X1:A", VectType.REAL_8, 16, 16, ""));
    }
}
