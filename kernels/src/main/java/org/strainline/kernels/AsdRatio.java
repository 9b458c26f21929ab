package org.strainline.kernels;

/**
 * The ratio of two streams' amplitude in a band, {@code sqrt(sum_band PSD_a / sum_band PSD_b)}
 * over the bins from {@code lowHz} to {@code highHz} inclusive: DeepClean's safety gate compares
 * cleaned with raw strain this way (a ratio above 1 means cleaning made the band worse).
 * Allocation free; owned by one thread (it owns its Welch estimators).
 */
public final class AsdRatio {
    private final Welch welch;
    private final double[] pa;
    private final double[] pb;
    private final int lo;
    private final int hi;

    public AsdRatio(Welch welch, double lowHz, double highHz) {
        this.welch = welch;
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
