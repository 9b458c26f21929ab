package org.strainline.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The Butterworth design and the zero-phase filtering against scipy's butter/sosfreqz/sosfiltfilt. */
class ZeroPhaseBandpassTest {
    private static final int FS = 4096;

    private static double rms(double[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s / (to - from));
    }

    @Test
    void theDesignHasScipysResponse() throws Exception {
        Sos sos = Sos.butterBandpass(8, 58, 62, FS);
        assertEquals(8, sos.sectionCount());
        double[] want = Npy.read("bandpass_gain");
        for (int i = 0; i < want.length; i++) {
            double f = i * (FS / 2.0) / (want.length - 1);
            assertEquals(want[i], sos.gain(f, FS), 1e-9 * Math.max(1, want[i]), "gain at " + f + " Hz");
        }
        assertEquals(1.0, sos.gain(60, FS), 1e-3);
    }

    @Test
    void filtfiltEqualsScipysSosfiltfilt() throws Exception {
        Sos sos = Sos.butterBandpass(8, 58, 62, FS);
        double[] x = Npy.read("bandpass_x");
        double[] want = Npy.read("bandpass_filtfilt");
        double[] y = new double[x.length];
        sos.filtfilt(x, 0, x.length, y, 0, sos.work(x.length));
        double scale = rms(want, 0, want.length);
        for (int i = 0; i < y.length; i++) {
            assertEquals(want[i], y[i], 1e-6 * scale, "sample " + i);
        }
    }

    @Test
    void eachStreamedBlockIsTheForwardBackwardFilterOfItsTaperedSpan() throws Exception {
        Sos sos = Sos.butterBandpass(8, 58, 62, FS);
        double[] x = Npy.read("bandpass_x");
        double[] want = Npy.read("bandpass_stream_blocks_5_6_7");
        ZeroPhaseBandpass zp = new ZeroPhaseBandpass(sos, 4 * FS, FS, FS / 2, FS);
        FloatBuffer in = FloatBuffer.allocate(FS);
        FloatBuffer out = FloatBuffer.allocate(FS);
        double[] got = new double[3 * FS];
        for (int k = 0; k < 8; k++) {
            for (int i = 0; i < FS; i++) {
                in.put(i, (float) x[k * FS + i]);
            }
            zp.process(in, 0, out, 0);
            if (k >= 5) {
                for (int i = 0; i < FS; i++) {
                    got[(k - 5) * FS + i] = out.get(i);
                }
            }
        }
        double scale = rms(want, 0, want.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(want[i], got[i], 1e-6 * scale, "block " + (5 + i / FS) + " sample " + i % FS);
        }
    }

    @Test
    void aBlockAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ZeroPhaseBandpass zp = new ZeroPhaseBandpass(Sos.butterBandpass(8, 58, 62, FS), 4 * FS, FS, FS / 2, FS);
        FloatBuffer in = FloatBuffer.allocate(FS);
        FloatBuffer out = FloatBuffer.allocate(FS);
        for (int i = 0; i < 20; i++) {
            zp.process(in, 0, out, 0);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50; i++) {
            zp.process(in, 0, out, 0);
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes < 1000, "allocated " + bytes);
    }
}
