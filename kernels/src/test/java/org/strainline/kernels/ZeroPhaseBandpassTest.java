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

    /** Keeping only the outputs from some sample on (the backward pass stopped there) gives those outputs to the bit. */
    @Test
    void filtfiltOfTheTailOnlyIsTheTailOfTheFullFiltfiltToTheBit() throws Exception {
        Sos sos = Sos.butterBandpass(8, 58, 62, FS);
        double[] x = Npy.read("bandpass_x");
        double[] full = new double[x.length];
        sos.filtfilt(x, 0, x.length, full, 0, sos.work(x.length));
        for (int keep : new int[] {0, 1, 1000, x.length / 2, x.length - 1}) {
            double[] tail = new double[x.length - keep];
            sos.filtfilt(x, 0, x.length, tail, 0, sos.work(x.length), keep);
            for (int i = 0; i < tail.length; i++) {
                assertEquals(full[keep + i], tail[i], 0.0, "keeping from " + keep + ": sample " + (keep + i));
            }
        }
    }

    /**
     * The sections run as a wavefront (section k on sample i while k + 1 is on i - 1) give, to the
     * bit, what one section after the other over the whole block gives, forwards and backwards,
     * from a carried state, for block lengths around the switch between the two paths.
     */
    @Test
    void theWavefrontEqualsSectionBySectionToTheBit() {
        Sos sos = Sos.butterBandpass(8, 58, 62, FS);
        java.util.Random r = new java.util.Random(5);
        for (int n : new int[] {1, 7, 31, 32, 33, 100, 4096}) {
            for (int step : new int[] {1, -1}) {
                double[] x = new double[n + 10];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextGaussian();
                }
                double[] state = new double[2 * sos.sectionCount()];
                for (int i = 0; i < state.length; i++) {
                    state[i] = r.nextGaussian() * 0.1;
                }
                double[] y = x.clone();
                double[] st = state.clone();
                int from = step == 1 ? 5 : 5 + n - 1;
                int to = from + n * step;
                sos.filter(y, from, to, step, st);
                // the reference: one single-section filter after the other
                double[] ref = x.clone();
                double[] rst = state.clone();
                for (int k = 0; k < sos.sectionCount(); k++) {
                    Sos one = new Sos(new double[][] {sos.section(k)});
                    double[] s1 = {rst[2 * k], rst[2 * k + 1]};
                    one.filter(ref, from, to, step, s1);
                    rst[2 * k] = s1[0];
                    rst[2 * k + 1] = s1[1];
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(ref, y, "n = " + n + ", step " + step);
                org.junit.jupiter.api.Assertions.assertArrayEquals(rst, st, "state after n = " + n + ", step " + step);
            }
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

    /** A wandering 60 Hz line in noise, streamed in 1-s blocks; the error against the offline filter of the whole record. */
    private static double[] streamError(int join, double[] x, double[] offline) {
        return streamError(join, 0, 0, x, offline);
    }

    /**
     * The same with an extension of {@code ext} provisional samples: the true continuation with
     * {@code extNoise} relative error, as an aggregation's provisional means are.
     */
    private static double[] streamError(int join, int ext, double extNoise, double[] x, double[] offline) {
        ZeroPhaseBandpass zp = new ZeroPhaseBandpass(Sos.butterBandpass(8, 58, 62, FS), 4 * FS, FS / 2, FS / 2, FS, join, ext);
        FloatBuffer in = FloatBuffer.allocate(FS);
        FloatBuffer out = FloatBuffer.allocate(FS);
        FloatBuffer more = FloatBuffer.allocate(Math.max(1, ext));
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        int blocks = x.length / FS;
        double[] err = new double[x.length];
        for (int k = 0; k < blocks; k++) {
            for (int i = 0; i < FS; i++) {
                in.put(i, (float) x[k * FS + i]);
            }
            for (int i = 0; i < ext; i++) {
                int at = (k + 1) * FS + i;
                more.put(i, (float) ((at < x.length ? x[at] : 0) * (1 + extNoise * (r.nextDouble() - 0.5))));
            }
            zp.process(in, 0, more, 0, out, 0);
            int start = k * FS - FS / 2;   // the block that ends lookahead samples before the newest
            for (int i = 0; i < FS && start >= 0; i++) {
                err[start + i] = out.get(i) - offline[start + i];
            }
        }
        return err;
    }

    private static double bandRms(Welch w, double[] psd, double lo, double hi) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < psd.length; i++) {
            double f = i * w.df();
            if (f >= lo && f < hi) {
                s += psd[i];
                n++;
            }
        }
        return Math.sqrt(s / n);
    }

    @Test
    void joiningTheBlocksRemovesTheCombThatPerBlockStepsAddOutsideTheBand() {
        int n = 40 * FS;
        double[] x = new double[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            double t = (double) i / FS;
            double amp = 1 + 0.1 * Math.sin(2 * Math.PI * 0.02 * t);
            x[i] = amp * Math.sin(2 * Math.PI * 60 * t + 0.3 * Math.sin(2 * Math.PI * 0.07 * t)) + 0.005 * r.nextGaussian();
        }
        Sos sos = Sos.butterBandpass(8, 58, 62, FS);
        double[] offline = new double[n];
        sos.filtfilt(x, 0, n, offline, 0, sos.work(n));
        Welch w = new Welch(4 * FS, FS, Welch.Average.MEAN, 64);
        double[] plain = new double[w.bins()];
        double[] joined = new double[w.bins()];
        double[] input = new double[w.bins()];
        int from = 8 * FS;
        int len = 30 * FS;
        w.psd(streamError(0, x, offline), from, len, plain);
        w.psd(streamError(FS / 4, x, offline), from, len, joined);
        w.psd(x, from, len, input);
        for (double[] band : new double[][] {{66, 100}, {100, 300}, {20, 54}}) {
            double p = bandRms(w, plain, band[0], band[1]);
            double j = bandRms(w, joined, band[0], band[1]);
            double floor = bandRms(w, input, band[0], band[1]);
            if (band[0] != 100) {
                assertTrue(p > 3 * floor, band[0] + "-" + band[1] + " Hz: the unjoined stream's comb stands above the input: "
                        + p + " vs the input's " + floor);
            }
            assertTrue(j < p / 5, band[0] + "-" + band[1] + " Hz: joined error " + j + ", unjoined " + p);
        }
        assertEquals(FS / 4, new ZeroPhaseBandpass(sos, 4 * FS, FS / 2, FS / 2, FS, FS / 4).join());
    }

    @Test
    void provisionalSamplesPastTheLookAheadBringTheStreamCloserToTheOfflineFilterInAndAroundTheBand() {
        int n = 60 * FS;
        double[] x = new double[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            double t = (double) i / FS;
            double mod = 1 + 0.3 * Math.sin(2 * Math.PI * 2.3 * t + 0.5) + 0.2 * Math.sin(2 * Math.PI * 3.7 * t);   // ASC-like sidebands
            x[i] = mod * Math.sin(2 * Math.PI * 60 * t + 0.3 * Math.sin(2 * Math.PI * 0.07 * t)) + 0.005 * r.nextGaussian();
        }
        Sos sos = Sos.butterBandpass(8, 58, 62, FS);
        double[] offline = new double[n];
        sos.filtfilt(x, 0, n, offline, 0, sos.work(n));
        Welch w = new Welch(4 * FS, FS, Welch.Average.MEAN, 64);
        double[] before = new double[w.bins()];
        double[] after = new double[w.bins()];
        int from = 8 * FS;
        int len = 48 * FS;
        w.psd(streamError(FS / 4, x, offline), from, len, before);
        w.psd(streamError(FS / 2, FS / 2, 0.2, x, offline), from, len, after);
        for (double[] band : new double[][] {{54, 56}, {59, 61}, {64, 66}, {56.5, 57.5}}) {
            double b = bandRms(w, before, band[0], band[1]);
            double a = bandRms(w, after, band[0], band[1]);
            assertTrue(a < b / (band[0] == 56.5 ? 3 : 10), band[0] + "-" + band[1] + " Hz: error " + a + " with half a second of"
                    + " provisional samples, " + b + " without");
        }
        assertEquals(FS / 2, new ZeroPhaseBandpass(sos, 4 * FS, FS / 2, FS / 2, FS, FS / 2, FS / 2).extension());
    }

    /** Bytes this thread allocates over 50 blocks, after 20 to warm up. */
    private static long allocatedPer50(Runnable block) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20; i++) {
            block.run();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50; i++) {
            block.run();
        }
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void aBlockAllocatesNothing() {
        ZeroPhaseBandpass zp = new ZeroPhaseBandpass(Sos.butterBandpass(8, 58, 62, FS), 4 * FS, FS, FS / 2, FS);
        FloatBuffer in = FloatBuffer.allocate(FS);
        FloatBuffer out = FloatBuffer.allocate(FS);
        long bytes = allocatedPer50(() -> zp.process(in, 0, out, 0));
        assertTrue(bytes < 1000, "allocated " + bytes);
        ZeroPhaseBandpass ext = new ZeroPhaseBandpass(Sos.butterBandpass(8, 58, 62, FS), 4 * FS, FS / 2, FS / 2, FS, FS / 2, FS / 2);
        FloatBuffer more = FloatBuffer.allocate(FS / 2);
        bytes = allocatedPer50(() -> ext.process(in, 0, more, 0, out, 0));
        assertTrue(bytes < 1000, "with an extension: allocated " + bytes);
    }
}
