package org.strainline.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The polyphase resampler against scipy (firwin taps, upfirdn output) and its stated response. */
class ResamplerTest {
    @ParameterizedTest
    @CsvSource({"16384, 4096", "16384, 2048", "512, 4096", "1024, 4096"})
    void tapsMatchScipysFirwinForTheStatedDesign(int in, int out) throws Exception {
        double[] ref = Npy.read("resample_" + in + "_" + out + "_taps");
        double[] h = Resampler.design(in, out);
        assertEquals(ref.length, h.length, "tap count");
        for (int i = 0; i < h.length; i++) {
            assertEquals(ref[i], h[i], 1e-13, "tap " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"16384, 4096", "16384, 2048", "512, 4096", "1024, 4096"})
    void streamingOutputEqualsUpfirdnForAnySplit(int in, int out) throws Exception {
        double[] x = Npy.read("resample_" + in + "_" + out + "_x");
        double[] y = Npy.read("resample_" + in + "_" + out + "_y");
        Random r = new Random(in + out);
        Resampler rs = new Resampler(in, out, in);
        double[] got = new double[y.length + 16];
        int produced = 0;
        for (int at = 0; at < x.length; ) {
            int n = Math.min(x.length - at, 1 + r.nextInt(r.nextBoolean() ? 7 : in));
            produced += rs.process(x, at, n, got, produced);
            at += n;
        }
        assertEquals(y.length, produced, "one output per " + rs.down() + "/" + rs.up() + " inputs");
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i], got[i], 1e-9, "output " + i);
        }
        // the float32 path of the hot loop, one-second blocks
        Resampler f = new Resampler(in, out, in);
        ByteBuffer src = ByteBuffer.allocateDirect(8 * x.length).order(ByteOrder.nativeOrder());
        for (int i = 0; i < x.length; i++) {
            src.putDouble(8 * i, x[i]);
        }
        FloatBuffer dst = FloatBuffer.allocate(y.length);
        int o = 0;
        for (int at = 0; at < x.length; at += in) {
            o += f.process(src, at, in, dst, o);
        }
        assertEquals(y.length, o);
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i], dst.get(i), 1e-5 * (1 + Math.abs(y[i])), "float output " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"16384, 4096", "16384, 2048", "512, 4096", "1024, 4096", "2048, 4096", "256, 4096"})
    void passBandFlatToATenthOfADecibelAndStopBandBelowMinus80Db(int in, int out) {
        Resampler rs = new Resampler(in, out, in);
        double[] h = rs.taps();
        double fs = (double) in * rs.up();
        double nyq = Math.min(in, out) / 2.0;
        double worstPass = 0;
        for (double f = 0; f <= 0.9 * nyq; f += nyq / 400) {
            worstPass = Math.max(worstPass, Math.abs(20 * Math.log10(Fir.gain(h, f, fs))));
        }
        assertTrue(worstPass <= 0.1, in + " -> " + out + ": pass-band deviation " + worstPass + " dB");
        double worstStop = -1000;
        for (double f = nyq; f <= fs / 2; f += nyq / 400) {
            worstStop = Math.max(worstStop, 20 * Math.log10(Fir.gain(h, f, fs)));
        }
        assertTrue(worstStop <= -80, in + " -> " + out + ": stop-band gain " + worstStop + " dB");
    }

    @ParameterizedTest
    @CsvSource({"16384, 4096, 58", "16384, 2048, 58", "512, 4096, 464", "1024, 4096, 232"})
    void theStatedDelayIsTheDelayOfASine(int in, int out, int delay) {
        Resampler rs = new Resampler(in, out, in);
        assertEquals(delay, rs.delaySamples());
        assertASineComesOutDelayedBy(rs, delay);
    }

    /** Four seconds of a 37.5 Hz sine through {@code rs}: the last two are the sine, {@code delay} output samples late. */
    static void assertASineComesOutDelayedBy(StreamResampler rs, int delay) {
        int in = rs.inRateHz();
        int out = rs.outRateHz();
        double f = 37.5;
        double[] x = new double[4 * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(2 * Math.PI * f * i / in);
        }
        double[] y = new double[4 * out];
        int n = 0;
        for (int s = 0; s < 4; s++) {
            n += rs.process(x, s * in, in, y, n);
        }
        assertEquals(4 * out, n);
        for (int m = 2 * out; m < 4 * out; m += 7) {
            assertEquals(Math.sin(2 * Math.PI * f * (m - delay) / out), y[m], 1e-4, "sample " + m);
        }
    }

    @org.junit.jupiter.api.Test
    void processingASecondAllocatesNothing() {
        assertASecondAllocatesNothing(new Resampler(16384, 4096, 16384));
    }

    /** 200 one-second calls of {@code rs} from direct buffers, after 50 to warm up: under 1000 bytes in all on this thread. */
    static void assertASecondAllocatesNothing(StreamResampler rs) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int in = rs.inRateHz();
        ByteBuffer src = ByteBuffer.allocateDirect(8 * in).order(ByteOrder.nativeOrder());
        FloatBuffer dst = ByteBuffer.allocateDirect(4 * rs.outRateHz()).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < 50; i++) {
            rs.process(src, 0, in, dst, 0);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) {
            rs.process(src, 0, in, dst, 0);
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes < 1000, "allocated " + bytes + " bytes over 200 seconds");
    }
}
