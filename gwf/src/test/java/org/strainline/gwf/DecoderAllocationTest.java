package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The hot API allocates nothing per frame once warmed up: measured with the JVM's per-thread allocation counter. */
class DecoderAllocationTest {
    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void openAndReadAllocateNothingPerFrame() throws Exception {
        Frame f = new Frame("H1", 0, 0, 1400000000L, 0, 1.0);
        f.addChannel(Channel.proc("H1:GDS-CALIB_STRAIN",
                Vect.of("H1:GDS-CALIB_STRAIN", (double[]) TestFrames.values(VectType.REAL_8, 16384, 3), 16384, 0, "strain"))
                .withCompression(Compression.RAW));
        f.addChannel(Channel.proc("H1:GDS-CALIB_STRAIN_GZ",
                Vect.of("H1:GDS-CALIB_STRAIN_GZ", (double[]) TestFrames.values(VectType.REAL_8, 16384, 4), 16384, 0, "strain"))
                .withCompression(Compression.GZIP));
        f.addChannel(Channel.adc("H1:GDS-CALIB_STATE_VECTOR",
                Vect.of("H1:GDS-CALIB_STATE_VECTOR", new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 7}, 16, 0, ""))
                .withCompression(Compression.ZERO_SUPPRESS_4));
        byte[] bytes = GwfWriter.toBytes(f);
        ByteBuffer file = ByteBuffer.allocateDirect(bytes.length);
        file.put(bytes).flip();
        FrameDecoder d = new FrameDecoder(true, 1 << 24);
        ChannelName strain = ChannelName.of("H1:GDS-CALIB_STRAIN");
        ChannelName gz = ChannelName.of("H1:GDS-CALIB_STRAIN_GZ");
        ChannelName state = ChannelName.of("H1:GDS-CALIB_STATE_VECTOR");
        double[] h = new double[16384];
        float[] g = new float[16384];
        double[] s = new double[16];
        ByteBuffer direct = ByteBuffer.allocateDirect(8 * 16384);
        for (int i = 0; i < 2000; i++) {
            frame(d, file, strain, gz, state, h, g, s, direct);
        }
        int n = 2000;
        long before = allocated();
        for (int i = 0; i < n; i++) {
            frame(d, file, strain, gz, state, h, g, s, direct);
        }
        long total = allocated() - before;
        // the smallest object is 16 bytes: any allocation per frame would add up to >= 16 * n bytes;
        // what remains (< n) is the measurement's own one-off bookkeeping
        assertTrue(total < n, "allocated " + total + " bytes over " + n + " frames of open + 4 reads");
        assertEquals(7.0, s[15]);
    }

    private static void frame(FrameDecoder d, ByteBuffer file, ChannelName strain, ChannelName gz, ChannelName state,
                              double[] h, float[] g, double[] s, ByteBuffer direct) throws GwfException {
        d.open(file, "H-H1_llhoft-1400000000-1.gwf");
        d.read(0, strain, h, 0);
        d.read(0, gz, g, 0);
        d.read(0, state, s, 0);
        direct.clear();
        d.read(0, strain, direct, true);
    }
}
