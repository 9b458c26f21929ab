package org.strainline.kernels;

/**
 * Welch's power spectral density with the conventions of {@code scipy.signal.welch(x, fs,
 * window='hann', nperseg, noverlap=nperseg // 2, detrend='constant', scaling='density',
 * average=...)}: segments of {@code nperseg} samples, half overlapping, each with its mean removed
 * and a periodic Hann window applied, one-sided density (V²/Hz); averaged over segments by the
 * mean, or by the median divided by the median's bias for exponentially distributed values (as
 * scipy does), which keeps a loud transient in one segment from lifting the estimate.
 *
 * <p>Allocation free after construction. Owned by one thread.
 */
public final class Welch {
    /** How segments are averaged. */
    public enum Average { MEAN, MEDIAN }

    private final int nperseg;
    private final int step;
    private final double fs;
    private final Average average;
    private final int maxSegments;
    private final Fft fft;
    private final double[] window;
    private final double scale;
    private final double[] seg;
    private final double[] re;
    private final double[] im;
    private final double[] sre;
    private final double[] sim;
    private final double[][] spectra;
    private final double[] column;
    private final double[][] rows;
    private final double[] scratch;
    private double[][] cache;
    private double[][] uncached;
    private long[] cacheTag;
    private int cacheGrid;
    private long periodograms;

    /**
     * @param nperseg     samples per segment (e.g. 2.5 s × 2048 Hz = 5120)
     * @param fsHz        sample rate
     * @param average     mean or median
     * @param maxSegments the most segments an input will hold
     */
    public Welch(int nperseg, double fsHz, Average average, int maxSegments) {
        if (nperseg < 2 || !(fsHz > 0) || maxSegments < 1) {
            throw new IllegalArgumentException("nperseg " + nperseg + ", fs " + fsHz + ", segments " + maxSegments);
        }
        this.nperseg = nperseg;
        this.step = nperseg - nperseg / 2;
        this.fs = fsHz;
        this.average = average;
        this.maxSegments = maxSegments;
        this.fft = new Fft(nperseg);
        this.window = new double[nperseg];
        double ss = 0;
        for (int i = 0; i < nperseg; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / nperseg);   // periodic Hann
            ss += window[i] * window[i];
        }
        this.scale = 1.0 / (fsHz * ss);
        this.seg = new double[nperseg];
        this.re = new double[nperseg / 2 + 1];
        this.im = new double[nperseg / 2 + 1];
        this.sre = new double[nperseg];
        this.sim = new double[nperseg];
        this.spectra = average == Average.MEDIAN ? new double[maxSegments][nperseg / 2 + 1] : null;
        this.column = new double[maxSegments];
        this.rows = new double[maxSegments][];
        this.scratch = new double[nperseg / 2 + 1];
    }

    /** Frequency bins: {@code nperseg / 2 + 1}, bin {@code k} at {@code k * fs / nperseg}. */
    public int bins() {
        return nperseg / 2 + 1;
    }

    /** Bin spacing in Hz. */
    public double df() {
        return fs / nperseg;
    }

    public int nperseg() {
        return nperseg;
    }

    /** Samples between the starts of consecutive segments: {@code nperseg - nperseg / 2}. */
    public int step() {
        return step;
    }

    public Average average() {
        return average;
    }

    public int maxSegments() {
        return maxSegments;
    }

    /** Segments an input of {@code n} samples holds. */
    public int segments(int n) {
        return n < nperseg ? 0 : (n - nperseg) / step + 1;
    }

    /** The PSD of {@code x[from .. from + n)} into {@code psd[0 .. bins())}. */
    public void psd(double[] x, int from, int n, double[] psd) {
        int m = checkSegments(n);
        int bins = bins();
        if (average == Average.MEAN) {
            java.util.Arrays.fill(psd, 0, bins, 0);
            for (int s = 0; s < m; s++) {
                periodogram(x, from + s * step, scratch);
                for (int k = 0; k < bins; k++) {
                    psd[k] += scratch[k] / m;
                }
            }
            return;
        }
        for (int s = 0; s < m; s++) {
            periodogram(x, from + s * step, spectra[s]);
            rows[s] = spectra[s];
        }
        median(m, psd);
    }

    private int checkSegments(int n) {
        int m = segments(n);
        if (m < 1 || m > maxSegments) {
            throw new IllegalArgumentException(n + " samples make " + m + " segments of " + nperseg + "; 1.." + maxSegments + " allowed");
        }
        return m;
    }

    /** The one-sided density of the segment {@code x[at .. at + nperseg)} (mean removed, Hann window) into {@code dst}. */
    void periodogram(double[] x, int at, double[] dst) {
        double mean = 0;
        for (int i = 0; i < nperseg; i++) {
            mean += x[at + i];
        }
        mean /= nperseg;
        for (int i = 0; i < nperseg; i++) {
            seg[i] = (x[at + i] - mean) * window[i];
        }
        fft.realForward(seg, re, im, sre, sim);
        periodograms++;
        int bins = bins();
        for (int k = 0; k < bins; k++) {
            double p = (re[k] * re[k] + im[k] * im[k]) * scale;
            if (k != 0 && !(nperseg % 2 == 0 && k == bins - 1)) {
                p *= 2;
            }
            dst[k] = p;
        }
    }

    /** The median over {@code rows[0 .. m)} per bin, over its bias, into {@code psd}. */
    private void median(int m, double[] psd) {
        double bias = medianBias(m);
        int bins = bins();
        for (int k = 0; k < bins; k++) {
            for (int s = 0; s < m; s++) {
                column[s] = rows[s][k];
            }
            double med = median(column, m);
            psd[k] = med / bias;
        }
    }

    /**
     * Keeps the periodograms of a stream's segments for {@link #psdStream}: {@code slots} of them,
     * those that start at a multiple of {@code grid} samples of the stream. For a trailing window
     * that moves by a multiple of {@code grid} each call and segments whose step is too, each
     * segment is computed once while it stays in the window (BBHnet's 64-s PSD of 50 segments of
     * 2.5 s, moving 1 s a call: grid 0.25 s, about 4 new periodograms a call instead of 50).
     * Allocates the cache ({@code slots × bins} doubles) once.
     */
    public Welch cacheSegments(int grid, int slots) {
        if (grid < 1 || slots < maxSegments) {
            throw new IllegalArgumentException("grid " + grid + ", slots " + slots + " (at least " + maxSegments + ")");
        }
        this.cacheGrid = grid;
        this.cache = new double[slots][bins()];
        this.cacheTag = new long[slots];
        this.uncached = spectra != null ? spectra : new double[maxSegments][bins()];
        resetStream();
        return this;
    }

    /** Forgets the stream's periodograms (a discontinuity: the stream's sample count starts again). */
    public void resetStream() {
        if (cacheTag != null) {
            java.util.Arrays.fill(cacheTag, Long.MIN_VALUE);
        }
    }

    /**
     * The PSD of the stream's samples {@code [absFrom, absFrom + n)}, held in {@code x[from .. from
     * + n)}: the same values as {@link #psd}, bit for bit, reusing the periodograms of segments an
     * earlier call since {@link #resetStream} computed at the same stream position (see {@link
     * #cacheSegments}; without a cache this is {@link #psd}).
     */
    public void psdStream(double[] x, int from, int n, long absFrom, double[] psd) {
        if (cache == null) {
            psd(x, from, n, psd);
            return;
        }
        int m = checkSegments(n);
        int bins = bins();
        for (int s = 0; s < m; s++) {
            long at = absFrom + (long) s * step;
            double[] row;
            if (at >= 0 && at % cacheGrid == 0) {
                int slot = (int) ((at / cacheGrid) % cache.length);
                row = cache[slot];
                if (cacheTag[slot] != at) {
                    periodogram(x, from + s * step, row);
                    cacheTag[slot] = at;
                }
            } else {
                row = uncached[s];
                periodogram(x, from + s * step, row);
            }
            rows[s] = row;
        }
        if (average == Average.MEDIAN) {
            median(m, psd);
        } else {
            java.util.Arrays.fill(psd, 0, bins, 0);
            for (int s = 0; s < m; s++) {
                for (int k = 0; k < bins; k++) {
                    psd[k] += rows[s][k] / m;
                }
            }
        }
    }

    /** Periodograms (FFTs) computed since construction. */
    public long periodograms() {
        return periodograms;
    }

    /** scipy's {@code _median_bias(n)}: the median of n exponential variates over their mean. */
    /**
     * The median of {@code a[0 .. m)} (the mean of the two middle values when {@code m} is even),
     * reordering {@code a}: a quickselect of the upper middle value, which leaves everything below
     * it in front; the lower middle value is then the largest of those. The same value a sort
     * gives, in a few passes instead of a sort per frequency bin.
     */
    static double median(double[] a, int m) {
        int k = m / 2;
        int lo = 0;
        int hi = m - 1;
        while (hi > lo) {
            int mid = (lo + hi) >>> 1;
            // median of three as the pivot, moved to hi
            if (a[mid] < a[lo]) {
                swap(a, mid, lo);
            }
            if (a[hi] < a[lo]) {
                swap(a, hi, lo);
            }
            if (a[mid] < a[hi]) {
                swap(a, mid, hi);
            }
            double pivot = a[hi];
            int store = lo;
            for (int i = lo; i < hi; i++) {
                if (a[i] < pivot) {
                    swap(a, i, store++);
                }
            }
            swap(a, store, hi);
            if (store == k) {
                break;
            } else if (store < k) {
                lo = store + 1;
            } else {
                hi = store - 1;
            }
        }
        double upper = a[k];
        if (m % 2 == 1) {
            return upper;
        }
        double lower = a[0];
        for (int i = 1; i < k; i++) {
            lower = Math.max(lower, a[i]);
        }
        return 0.5 * (lower + upper);
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    static double medianBias(int n) {
        double b = 1;
        for (int i = 1; i <= (n - 1) / 2; i++) {
            b += 1.0 / (2 * i + 1) - 1.0 / (2 * i);
        }
        return b;
    }
}
