package org.strainline.kernels;

/**
 * A median-Welch PSD of a stream's trailing window, kept up to date segment by segment: the
 * segments are those of a fixed grid, starting every {@link Welch#step()} samples from the
 * stream's first sample, and the estimate for a window is the median (over its bias) of the grid
 * segments that lie wholly inside it. That is {@link Welch#psd} of the window from its first grid
 * point on, bit for bit: {@code scipy.signal.welch} of a span that starts at most one step after
 * the window does (BBHnet's 64-s PSD of 2.5-s segments: 49 or 50 segments, starting up to 1.25 s
 * into the window).
 *
 * <p>What moving the window costs is what changed: each segment's periodogram is computed once,
 * when it enters; each frequency bin keeps its segments' values sorted, and a segment entering or
 * leaving is one binary search and one shift per bin, so the median is read, not selected. A
 * window moving 1 s a call over 1.25-s steps changes 0 or 1 segments a call, against a selection
 * over every segment of every bin (and, without the grid, every segment of the new window: a
 * window that moves 1 s meets a new set of 2.5-s segments at 1.25-s steps each call).
 *
 * <p>Calls must move the window forward over one stream; a window that moves back, or past
 * every segment held, starts the estimate again from its own samples (as does {@link #reset}, for
 * a new stream). Allocation free after construction; owned by one thread.
 */
public final class GridPsd {
    private final Welch welch;
    private final int bins;
    private final int step;
    private final int nperseg;
    private final int cap;
    private final double[][] ring;      // the periodogram of grid segment g at [g mod cap]
    private final double[] sorted;      // bin k's values, ascending, at [k cap, k cap + count)
    private long first;                 // segments [first, end) are held
    private long end;
    private boolean empty = true;
    private long computed;

    /** @param welch the segment length, rate and most segments of a window (its average must be the median) */
    public GridPsd(Welch welch) {
        if (welch.average() != Welch.Average.MEDIAN) {
            throw new IllegalArgumentException("a grid PSD is a median; this Welch averages by the " + welch.average());
        }
        this.welch = welch;
        this.bins = welch.bins();
        this.step = welch.step();
        this.nperseg = welch.nperseg();
        this.cap = welch.maxSegments();
        this.ring = new double[cap][bins];
        this.sorted = new double[bins * cap];
    }

    /** Forgets the stream: the next window starts the estimate again. */
    public void reset() {
        empty = true;
    }

    /** Periodograms computed since construction. */
    public long periodograms() {
        return computed;
    }

    /** Segments in the last estimate. */
    public int segments() {
        return empty ? 0 : (int) (end - first);
    }

    /**
     * The PSD of the stream's window {@code [absFrom, absFrom + n)}, whose samples are in
     * {@code x[from .. from + n)}, into {@code psd[0 .. bins)}; returns the number of segments.
     */
    public int update(double[] x, int from, int n, long absFrom, double[] psd) {
        if (absFrom < 0 || n < 0) {
            throw new IllegalArgumentException("window at " + absFrom + " of " + n + " samples");
        }
        long a = Math.floorDiv(absFrom + step - 1, step);            // the first grid segment inside
        long b = Math.floorDiv(absFrom + n - nperseg, step) + 1;      // one past the last
        int m = (int) (b - a);
        if (m < 1 || m > cap) {
            throw new IllegalArgumentException("a window of " + n + " samples holds " + m + " grid segments of " + nperseg
                    + "; 1.." + cap + " allowed");
        }
        if (empty || a < first || b < end || a >= end) {
            empty = false;
            first = a;
            end = a;
        }
        for (; first < a; first++) {
            double[] row = ring[(int) (first % cap)];
            int held = (int) (end - first);
            for (int k = 0; k < bins; k++) {
                remove(k * cap, held, row[k]);
            }
        }
        for (; end < b; end++) {
            double[] row = ring[(int) (end % cap)];
            welch.periodogram(x, from + (int) (end * step - absFrom), row);
            computed++;
            int held = (int) (end - first);
            for (int k = 0; k < bins; k++) {
                insert(k * cap, held, row[k]);
            }
        }
        double bias = Welch.medianBias(m);
        int lo = (m - 1) / 2;
        int hi = m / 2;
        for (int k = 0; k < bins; k++) {
            int base = k * cap;
            double med = lo == hi ? sorted[base + hi] : 0.5 * (sorted[base + lo] + sorted[base + hi]);
            psd[k] = med / bias;
        }
        return m;
    }

    /** Inserts {@code v} into the ascending {@code sorted[base .. base + count)}. */
    private void insert(int base, int count, double v) {
        int lo = base;
        int hi = base + count;
        while (lo < hi) {   // the first element greater than v
            int mid = (lo + hi) >>> 1;
            if (Double.compare(sorted[mid], v) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        System.arraycopy(sorted, lo, sorted, lo + 1, base + count - lo);
        sorted[lo] = v;
    }

    /** Removes one element equal to {@code v} (it is there: it was inserted) from {@code sorted[base .. base + count)}. */
    private void remove(int base, int count, double v) {
        int lo = base;
        int hi = base + count;
        while (lo < hi) {   // the first element not less than v
            int mid = (lo + hi) >>> 1;
            if (Double.compare(sorted[mid], v) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        System.arraycopy(sorted, lo + 1, sorted, lo, base + count - lo - 1);
    }
}
