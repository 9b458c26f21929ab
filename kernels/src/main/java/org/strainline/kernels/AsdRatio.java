package org.strainline.kernels;

/**
 * The ratio of two streams' amplitude in a band, {@code sqrt(sum_band PSD_a / sum_band PSD_b)}
 * over the bins from {@code lowHz} to {@code highHz} inclusive: DeepClean's safety gate compares
 * cleaned with raw strain this way (a ratio above 1 means cleaning made the band worse).
 * Allocation free; owned by one thread (it owns its Welch estimators).
 */
public final class AsdRatio {
    private final Welch welch;
    private final Welch welchB;
    private final double[] pa;
    private final double[] pb;
    private final int lo;
    private final int hi;

    public AsdRatio(Welch welch, double lowHz, double highHz) {
        this(welch, welch, lowHz, highHz);
    }

    /**
     * With an estimator per stream, so that each may keep its stream's segment periodograms for
     * {@link #ratioStream} ({@link Welch#cacheSegments}); both must have the same segment length and rate.
     */
    public AsdRatio(Welch a, Welch b, double lowHz, double highHz) {
        if (a.nperseg() != b.nperseg() || a.df() != b.df()) {
            throw new IllegalArgumentException("the two estimators differ: " + a.nperseg() + " vs " + b.nperseg() + " samples");
        }
        this.welch = a;
        this.welchB = b;
        this.pa = new double[welch.bins()];
        this.pb = new double[welch.bins()];
        this.lo = (int) Math.ceil(lowHz / welch.df());
        this.hi = Math.min(welch.bins() - 1, (int) Math.floor(highHz / welch.df()));
        if (lo > hi) {
            throw new IllegalArgumentException("band " + lowHz + "-" + highHz + " Hz holds no bin of " + welch.df() + " Hz");
        }
    }

    /** The band's ASD ratio of {@code a} to {@code b}, both {@code n} samples from {@code from}. */
    public double ratio(double[] a, double[] b, int from, int n) {
        welch.psd(a, from, n, pa);
        welch.psd(b, from, n, pb);
        return ratioOf(pa, pb, lo, hi);
    }

    /**
     * As {@link #ratio}, for two streams whose samples {@code [absFrom, absFrom + n)} are held at
     * {@code from}: each estimator reuses the periodograms of the segments it has already seen
     * (the same value as {@link #ratio}, bit for bit).
     */
    public double ratioStream(double[] a, double[] b, int from, int n, long absFrom) {
        welch.psdStream(a, from, n, absFrom, pa);
        welchB.psdStream(b, from, n, absFrom, pb);
        return ratioOf(pa, pb, lo, hi);
    }

    /** Forgets both streams' periodograms (a restart). */
    public void resetStream() {
        welch.resetStream();
        welchB.resetStream();
    }

    /** The ratio from two PSDs over bins {@code lo..hi}. */
    public static double ratioOf(double[] psdA, double[] psdB, int lo, int hi) {
        double sa = 0;
        double sb = 0;
        for (int k = lo; k <= hi; k++) {
            sa += psdA[k];
            sb += psdB[k];
        }
        return sb > 0 ? Math.sqrt(sa / sb) : Double.POSITIVE_INFINITY;
    }
}
