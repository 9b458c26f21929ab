package org.strainline.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FFT, Welch PSD, whitening, ASD ratio and scaling against numpy/scipy and their stated properties. */
class SpectralTest {
    private static final double FS = 2048;

    @ParameterizedTest
    @ValueSource(ints = {5120, 3072, 56, 97})
    void fftEqualsNumpy(int n) throws Exception {
        double[] in = Npy.read("fft_" + n + "_in");
        double[] out = Npy.read("fft_" + n + "_out");
        double[] re = java.util.Arrays.copyOfRange(in, 0, n);
        double[] im = java.util.Arrays.copyOfRange(in, n, 2 * n);
        Fft f = new Fft(n);
        f.forward(re, im);
        for (int k = 0; k < n; k++) {
            assertEquals(out[k], re[k], 1e-9 * Math.sqrt(n), "re " + k);
            assertEquals(out[n + k], im[k], 1e-9 * Math.sqrt(n), "im " + k);
        }
        f.inverse(re, im);
        for (int t = 0; t < n; t++) {
            assertEquals(in[t], re[t], 1e-12, "round trip re " + t);
            assertEquals(in[n + t], im[t], 1e-12, "round trip im " + t);
        }
    }

    @Test
    void realTransformsRoundTrip() {
        Random r = new Random(3);
        for (int n : new int[] {2048, 5120, 1000, 15}) {
            Fft f = new Fft(n);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.nextGaussian();
            }
            double[] re = new double[n / 2 + 1];
            double[] im = new double[n / 2 + 1];
            double[] s1 = new double[n];
            double[] s2 = new double[n];
            f.realForward(x, re, im, s1, s2);
            double dc = 0;
            for (double v : x) {
                dc += v;
            }
            assertEquals(dc, re[0], 1e-9);
            double[] back = new double[n];
            f.realInverse(re, im, back, s1, s2);
            for (int i = 0; i < n; i++) {
                assertEquals(x[i], back[i], 1e-12, n + " sample " + i);
            }
        }
    }

    /** Every radix's pass (4, 2, 3, 5, and the generic one for 7, 11, 97) against the DFT summed directly. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 12, 20, 30, 49, 77, 97, 128, 360, 1000})
    void fftEqualsTheDirectDft(int n) {
        Random r = new Random(n);
        double[] re = new double[n];
        double[] im = new double[n];
        for (int i = 0; i < n; i++) {
            re[i] = r.nextGaussian();
            im[i] = r.nextGaussian();
        }
        double[] wantRe = new double[n];
        double[] wantIm = new double[n];
        for (int k = 0; k < n; k++) {
            for (int t = 0; t < n; t++) {
                double a = -2 * Math.PI * ((long) k * t % n) / n;
                wantRe[k] += re[t] * Math.cos(a) - im[t] * Math.sin(a);
                wantIm[k] += re[t] * Math.sin(a) + im[t] * Math.cos(a);
            }
        }
        double[] gotRe = re.clone();
        double[] gotIm = im.clone();
        Fft f = new Fft(n);
        f.forward(gotRe, gotIm);
        for (int k = 0; k < n; k++) {
            assertEquals(wantRe[k], gotRe[k], 1e-10 * n, n + ": re " + k);
            assertEquals(wantIm[k], gotIm[k], 1e-10 * n, n + ": im " + k);
        }
        f.inverse(gotRe, gotIm);
        for (int t = 0; t < n; t++) {
            assertEquals(re[t], gotRe[t], 1e-12, n + ": round trip re " + t);
            assertEquals(im[t], gotIm[t], 1e-12, n + ": round trip im " + t);
        }
    }

    /**
     * The real transforms (for even n one half-length complex FFT) equal the complex transform of
     * the same signal: its first n/2 + 1 bins forward, and back from bins whose DC and Nyquist
     * imaginary parts (which a real signal cannot have) are ignored, as numpy's irfft does.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 4, 6, 10, 15, 1000, 2048, 5120, 8192})
    void realTransformsEqualTheComplexTransform(int n) {
        Random r = new Random(7 + n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        Fft f = new Fft(n);
        double[] re = x.clone();
        double[] im = new double[n];
        f.forward(re, im);
        int h = n / 2 + 1;
        double[] gotRe = new double[h];
        double[] gotIm = new double[h];
        f.realForward(x, gotRe, gotIm, new double[n], new double[n]);
        for (int k = 0; k < h; k++) {
            assertEquals(re[k], gotRe[k], 1e-10 * Math.sqrt(n), n + ": re " + k);
            assertEquals(im[k], gotIm[k], 1e-10 * Math.sqrt(n), n + ": im " + k);
        }
        // arbitrary bins, with imaginary parts at DC and Nyquist that must not matter
        double[] binRe = new double[h];
        double[] binIm = new double[h];
        for (int k = 0; k < h; k++) {
            binRe[k] = r.nextGaussian();
            binIm[k] = r.nextGaussian();
        }
        double[] fullRe = new double[n];
        double[] fullIm = new double[n];
        for (int k = 0; k < n; k++) {
            int b = k < h ? k : n - k;
            fullRe[k] = binRe[b];
            fullIm[k] = (k == 0 || 2 * k == n) ? 0 : (k < h ? binIm[b] : -binIm[b]);
        }
        f.inverse(fullRe, fullIm);
        double[] back = new double[n];
        f.realInverse(binRe, binIm, back, new double[n], new double[n]);
        for (int t = 0; t < n; t++) {
            assertEquals(fullRe[t], back[t], 1e-12, n + ": sample " + t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mean", "median"})
    void welchEqualsScipy(String avg) throws Exception {
        double[] x = Npy.read("welch_x");
        double[] want = Npy.read("welch_" + avg);
        Welch w = new Welch(5120, FS, avg.equals("mean") ? Welch.Average.MEAN : Welch.Average.MEDIAN, 64);
        assertEquals(want.length, w.bins());
        double[] psd = new double[w.bins()];
        w.psd(x, 0, x.length, psd);
        for (int k = 0; k < psd.length; k++) {
            assertEquals(want[k], psd[k], 1e-9 * want[k], avg + " bin " + k);
        }
    }

    @Test
    void whiteningEqualsTheNumpyRendering() throws Exception {
        double[] x = Npy.read("welch_x");
        double[] psd = Npy.read("whiten_psd");
        double[] want = Npy.read("whiten_out");
        Whitener wh = new Whitener(FS, 8 * 2048, 1.0, 32);
        wh.setPsd(psd, psd.length, FS / 5120);
        assertEquals(want.length, wh.outputLength());
        double[] out = new double[wh.outputLength()];
        wh.whiten(x, 0, out, 0);
        for (int i = 0; i < out.length; i++) {
            assertEquals(want[i], out[i], 1e-9 * (1 + Math.abs(want[i])), "sample " + i);
        }
    }

    /** Two spans whitened in one pair of transforms (the second in the imaginary part) each equal numpy's rendering. */
    @Test
    void pairedWhiteningEqualsTheNumpyRenderingForBothSpans() throws Exception {
        double[] x = Npy.read("welch_x");
        double[] psd = Npy.read("whiten_psd");
        double[] want = Npy.read("whiten_out");
        Whitener wh = new Whitener(FS, 8 * 2048, 1.0, 32);
        wh.setPsd(psd, psd.length, FS / 5120);
        // the second span: the same samples scaled by -3, whose whitening is -3 times the first
        double[] x2 = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x2[i] = -3 * x[i];
        }
        double[] a = new double[wh.outputLength()];
        double[] b = new double[wh.outputLength() + 5];
        wh.whiten(x, 0, a, 0, x2, 0, b, 5);
        for (int i = 0; i < a.length; i++) {
            assertEquals(want[i], a[i], 1e-9 * (1 + Math.abs(want[i])), "first span, sample " + i);
            assertEquals(-3 * want[i], b[5 + i], 3e-9 * (1 + Math.abs(want[i])), "second span, sample " + i);
        }
        double[] single = new double[wh.outputLength()];
        wh.whiten(x2, 0, single, 0);
        for (int i = 0; i < a.length; i++) {
            assertEquals(single[i], b[5 + i], 1e-12 * (1 + Math.abs(single[i])), "paired vs alone, sample " + i);
        }
    }

    /** The quickselect median is the sorted middle (mean of the two middles for even counts), ties and all. */
    @Test
    void medianEqualsTheSortedMiddle() {
        Random r = new Random(11);
        for (int trial = 0; trial < 2000; trial++) {
            int m = 1 + r.nextInt(64);
            double[] a = new double[m];
            for (int i = 0; i < m; i++) {
                a[i] = trial % 3 == 0 ? r.nextInt(5) : r.nextGaussian();   // every third trial full of ties
            }
            double[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            double want = m % 2 == 1 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
            assertEquals(want, Welch.median(a, m), 0.0, "m = " + m + ", trial " + trial);
        }
    }

    @Test
    void whitenedColouredNoiseIsWhiteWithUnitVariance() throws Exception {
        double[] x = Npy.read("welch_x");
        Welch w = new Welch(5120, FS, Welch.Average.MEDIAN, 64);
        double[] psd = new double[w.bins()];
        w.psd(x, 0, x.length, psd);
        Whitener wh = new Whitener(FS, x.length, 1.0, 32);
        wh.setPsd(psd, psd.length, w.df());
        double[] out = new double[wh.outputLength()];
        wh.whiten(x, 0, out, 0);
        Welch w2 = new Welch(2048, FS, Welch.Average.MEDIAN, 64);
        double[] p = new double[w2.bins()];
        w2.psd(out, 0, out.length, p);
        // one-sided PSD of unit-variance white noise: 2 / fs. Checked in 20-Hz bands from 70 to
        // 900 Hz (above the steep red corner, which a 1-s filter resolves only to ~1 Hz; single
        // bins of a 16-s estimate scatter by tens of percent), skipping the band of the line
        double sum = 0;
        int bins = 0;
        for (int lo = 70; lo + 20 <= 900; lo += 20) {
            if (lo <= 124 && lo + 20 > 116) {
                continue;
            }
            double band = 0;
            for (int k = lo; k < lo + 20; k++) {
                band += p[k] * FS / 2;
            }
            band /= 20;
            sum += band;
            bins++;
            assertTrue(band > 0.75 && band < 1.33, lo + "-" + (lo + 20) + " Hz: " + band);
        }
        assertEquals(1.0, sum / bins, 0.1, "mean whitened PSD in units of 2/fs");
        for (int k = 2; k < 28; k++) {
            assertTrue(p[k] * FS / 2 < 0.2, "below the high-pass, bin " + k + " Hz: " + p[k] * FS / 2);
        }
    }

    @Test
    void asdRatioOfAStreamToItselfHalvedIsAHalf() throws Exception {
        double[] x = Npy.read("welch_x");
        double[] half = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            half[i] = 0.5 * x[i];
        }
        AsdRatio r = new AsdRatio(new Welch(2048, FS, Welch.Average.MEDIAN, 64), 100, 140);
        assertEquals(0.5, r.ratio(half, x, 0, x.length), 1e-12);
        assertEquals(1.0, r.ratio(x, x, 0, x.length), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new AsdRatio(new Welch(16, FS, Welch.Average.MEAN, 4), 100, 101));
    }

    @Test
    void scalingRoundTripsAndRefusesBadStatistics() {
        StandardScaler s = new StandardScaler(new double[] {1, -2}, new double[] {2, 0.5});
        FloatBuffer b = FloatBuffer.wrap(new float[] {3, 5, -2, -1});
        s.scale(b, 0, 2, 0);
        s.scale(b, 2, 2, 1);
        assertEquals(1f, b.get(0));
        assertEquals(2f, b.get(1));
        assertEquals(0f, b.get(2));
        assertEquals(2f, b.get(3));
        s.unscale(b, 2, 2, 1);
        assertEquals(-1f, b.get(3));
        assertThrows(IllegalArgumentException.class, () -> new StandardScaler(new double[] {0}, new double[] {0}));
    }

    @Test
    void welchAndWhiteningAllocateNothing() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] x = Npy.read("welch_x");
        Welch w = new Welch(5120, FS, Welch.Average.MEDIAN, 64);
        double[] psd = new double[w.bins()];
        Whitener wh = new Whitener(FS, 3 * 2048, 1.0, 32);
        double[] out = new double[wh.outputLength()];
        for (int i = 0; i < 5; i++) {
            w.psd(x, 0, x.length, psd);
            wh.setPsd(psd, psd.length, w.df());
            wh.whiten(x, 0, out, 0);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
            w.psd(x, 0, x.length, psd);
            wh.setPsd(psd, psd.length, w.df());
            wh.whiten(x, 0, out, 0);
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes < 1000, "allocated " + bytes);
    }
    @ParameterizedTest
    @ValueSource(strings = {"median", "mean"})
    void theStreamingPsdEqualsTheFullOneBitForBitWithAFractionOfTheFfts(String avg) {
        // BBHnet's layout: 64 s at 2048 Hz in 2.5-s segments, the window moving 1 s a call; a reset halfway
        int fs = 2048;
        int window = 64 * fs;
        int hist = window + 4 * fs;
        Welch.Average a = avg.equals("mean") ? Welch.Average.MEAN : Welch.Average.MEDIAN;
        Welch full = new Welch(5120, fs, a, 64);
        Welch stream = new Welch(5120, fs, a, 64).cacheSegments(512, 260);
        double[] x = new double[hist];
        double[] want = new double[full.bins()];
        double[] got = new double[full.bins()];
        Random r = new Random(11);
        long samples = 0;
        int calls = 0;
        long before = 0;
        long mxBytes = 0;
        long bytes = -1;
        double perCall = -1;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int sec = 0; sec < 200; sec++) {
            if (sec == 160) {
                stream.resetStream();   // a discontinuity: the stream's count starts again
                samples = 0;
                java.util.Arrays.fill(x, 0);
            }
            System.arraycopy(x, fs, x, 0, hist - fs);
            double amp = 1 + 0.5 * Math.sin(sec / 7.0);
            for (int i = hist - fs; i < hist; i++) {
                x[i] = amp * r.nextGaussian();
            }
            samples += fs;
            if (samples < window) {
                continue;
            }
            if (sec == 100) {
                before = stream.periodograms();
                mxBytes = mx.getCurrentThreadAllocatedBytes();
            }
            full.psd(x, hist - window, window, want);
            stream.psdStream(x, hist - window, window, samples - window, got);
            for (int k = 0; k < want.length; k++) {
                if (Double.compare(want[k], got[k]) != 0) {   // no message built per bin: the loop is measured
                    assertEquals(want[k], got[k], 0.0, avg + ": second " + sec + ", bin " + k);
                }
            }
            if (sec >= 100 && sec < 160) {
                calls++;
                if (sec == 159) {
                    bytes = mx.getCurrentThreadAllocatedBytes() - mxBytes;
                    perCall = (double) (stream.periodograms() - before) / calls;
                }
            }
        }
        assertTrue(stream.periodograms() > 0 && full.periodograms() > 0);
        int segments = full.segments(window);
        assertTrue(perCall < segments / 8.0, perCall + " periodograms a call in steady state, " + segments + " without the cache");
        assertTrue(bytes < 1000, "allocated " + bytes + " bytes over " + calls + " calls");
    }
    @Test
    void theGridPsdIsWelchsMedianFromTheWindowsFirstGridPointBitForBitAtOnePeriodogramPerStep() {
        // BBHnet's layout: 64 s at 2048 Hz in 2.5-s segments (grid step 1.25 s), the window moving 1 s a
        // call; a reset (a new stream) at 160 s, and a window that jumps back and one that jumps ahead
        int fs = 2048;
        int window = 64 * fs;
        int hist = window + 8 * fs;
        Welch full = new Welch(5120, fs, Welch.Average.MEDIAN, 64);
        GridPsd grid = new GridPsd(new Welch(5120, fs, Welch.Average.MEDIAN, 64));
        double[] x = new double[hist];
        double[] want = new double[full.bins()];
        double[] got = new double[full.bins()];
        Random r = new Random(12);
        long samples = 0;
        long before = 0;
        long mxBytes = 0;
        long bytes = -1;
        double perCall = -1;
        java.util.Set<Integer> counts = new java.util.TreeSet<>();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int sec = 0; sec < 200; sec++) {
            if (sec == 160) {
                grid.reset();
                samples = 0;
                java.util.Arrays.fill(x, 0);
            }
            System.arraycopy(x, fs, x, 0, hist - fs);
            double amp = 1 + 0.5 * Math.sin(sec / 7.0);
            for (int i = hist - fs; i < hist; i++) {
                x[i] = amp * r.nextGaussian();
            }
            samples += fs;
            if (samples < window + 4 * fs) {
                continue;
            }
            if (sec == 100) {
                before = grid.periodograms();
                mxBytes = mx.getCurrentThreadAllocatedBytes();
            }
            // the window ends 0 s behind the stream; at 120 s it looks 3 s back, at 130 s it ends 2.5 s back
            int back = sec == 120 ? 3 * fs : sec == 130 ? 5 * fs / 2 : 0;
            int from = hist - window - back;
            long absFrom = samples - window - back;
            int skip = (int) (Math.floorMod(-absFrom, 2560L));   // to the window's first grid point
            int m = grid.update(x, from, window, absFrom, got);
            full.psd(x, from + skip, window - skip, want);
            if (m != full.segments(window - skip)) {   // no message built per call: the loop is measured
                assertEquals(full.segments(window - skip), m, "second " + sec);
            }
            counts.add(m);
            for (int k = 0; k < want.length; k++) {
                if (Double.compare(want[k], got[k]) != 0) {   // no message built per bin: the loop is measured
                    assertEquals(want[k], got[k], 0.0, "second " + sec + ", bin " + k);
                }
            }
            if (sec == 119) {
                bytes = mx.getCurrentThreadAllocatedBytes() - mxBytes;
                perCall = (grid.periodograms() - before) / 20.0;
            }
        }
        assertEquals(java.util.Set.of(49, 50), counts, "a 64-s window holds 49 or 50 grid segments");
        assertEquals(0.8, perCall, 0.051, "periodograms a call in steady state: one per 1.25-s step");
        assertTrue(bytes < 1000, "allocated " + bytes + " bytes over 20 calls");
    }

    @Test
    void aGridPsdTakesOnlyAMedian() {
        assertThrows(IllegalArgumentException.class, () -> new GridPsd(new Welch(256, 256, Welch.Average.MEAN, 8)));
    }

    @Test
    void theStreamingAsdRatioEqualsTheFullOneBitForBit() {
        // the DeepClean gate's layout: 8 s at 4096 Hz in 1-s segments, growing from 2 s, then sliding 1 s a call
        int fs = 4096;
        int span = 8 * fs;
        double[] a = new double[span];
        double[] b = new double[span];
        AsdRatio full = new AsdRatio(new Welch(fs, fs, Welch.Average.MEAN, 16), 58, 62);
        AsdRatio stream = new AsdRatio(new Welch(fs, fs, Welch.Average.MEAN, 16).cacheSegments(fs / 2, 33),
                new Welch(fs, fs, Welch.Average.MEAN, 16).cacheSegments(fs / 2, 33), 58, 62);
        Random r = new Random(5);
        int filled = 0;
        long in = 0;
        for (int sec = 0; sec < 40; sec++) {
            if (sec == 25) {
                stream.resetStream();
                filled = 0;
                in = 0;
            }
            System.arraycopy(a, fs, a, 0, span - fs);
            System.arraycopy(b, fs, b, 0, span - fs);
            for (int i = span - fs; i < span; i++) {
                double line = Math.sin(2 * Math.PI * 60 * (sec * fs + i) / fs);
                b[i] = r.nextGaussian() + 3 * line;
                a[i] = r.nextGaussian() + (sec % 3) * line;
            }
            filled = Math.min(span, filled + fs);
            in += fs;
            if (filled < 2 * fs) {
                continue;
            }
            double want = full.ratio(a, b, span - filled, filled);
            double got = stream.ratioStream(a, b, span - filled, filled, in - filled);
            assertEquals(want, got, 0.0, "second " + sec);
        }
    }
}
