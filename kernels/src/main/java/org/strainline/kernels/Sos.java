package org.strainline.kernels;

/**
 * A digital IIR filter as second-order sections, {@code [b0, b1, b2, 1, a1, a2]} per section, with
 * Butterworth designs and the filtering conventions of scipy ({@code butter(..., output='sos')},
 * {@code sosfilt} in transposed direct form II, {@code sosfilt_zi}, and {@code sosfiltfilt} with
 * odd padding), so results can be checked against it. Immutable; the filtering methods take the
 * caller's work arrays and allocate nothing.
 */
public final class Sos {
    private final double[][] sections;
    // the coefficients by role
    private final double[] b0;
    private final double[] b1;
    private final double[] b2;
    private final double[] a1;
    private final double[] a2;

    public Sos(double[][] sections) {
        this.sections = new double[sections.length][];
        for (int i = 0; i < sections.length; i++) {
            if (sections[i].length != 6 || sections[i][3] != 1.0) {
                throw new IllegalArgumentException("section " + i + " must be [b0, b1, b2, 1, a1, a2]");
            }
            this.sections[i] = sections[i].clone();
        }
        int m = sections.length;
        b0 = new double[m];
        b1 = new double[m];
        b2 = new double[m];
        a1 = new double[m];
        a2 = new double[m];
        for (int k = 0; k < m; k++) {
            b0[k] = this.sections[k][0];
            b1[k] = this.sections[k][1];
            b2[k] = this.sections[k][2];
            a1[k] = this.sections[k][4];
            a2[k] = this.sections[k][5];
        }
    }

    public int sectionCount() {
        return sections.length;
    }

    /** Section {@code i} (a copy). */
    public double[] section(int i) {
        return sections[i].clone();
    }

    // ------------------------------------------------------------------ design

    /**
     * Butterworth band-pass of prototype order {@code order} (so {@code 2 * order} poles and
     * {@code order} sections, as {@code scipy.signal.butter(order, [lowHz, highHz], 'bandpass',
     * fs=fsHz, output='sos')}), by the bilinear transform with pre-warped band edges.
     */
    public static Sos butterBandpass(int order, double lowHz, double highHz, double fsHz) {
        if (order < 1 || !(lowHz > 0) || !(highHz > lowHz) || highHz >= fsHz / 2) {
            throw new IllegalArgumentException("band-pass " + lowHz + "-" + highHz + " Hz of order " + order + " at " + fsHz + " Hz");
        }
        double fs2 = 2 * fsHz;
        double w1 = fs2 * Math.tan(Math.PI * lowHz / fsHz);
        double w2 = fs2 * Math.tan(Math.PI * highHz / fsHz);
        double bw = w2 - w1;
        double w0 = Math.sqrt(w1 * w2);
        // analog prototype poles, band-pass transformed: 2 * order poles
        double[] pr = new double[2 * order];
        double[] pi = new double[2 * order];
        for (int k = 0; k < order; k++) {
            double theta = Math.PI * (2 * k + order + 1) / (2.0 * order);
            double lr = Math.cos(theta) * bw / 2;
            double li = Math.sin(theta) * bw / 2;
            // sqrt(lp^2 - w0^2)
            double dr = lr * lr - li * li - w0 * w0;
            double di = 2 * lr * li;
            double mod = Math.hypot(dr, di);
            double sr = Math.sqrt((mod + dr) / 2);
            double si = Math.copySign(Math.sqrt((mod - dr) / 2), di);
            pr[2 * k] = lr + sr;
            pi[2 * k] = li + si;
            pr[2 * k + 1] = lr - sr;
            pi[2 * k + 1] = li - si;
        }
        // bilinear: z = (fs2 + s) / (fs2 - s); gain k = bw^order * prod(fs2 - 0)^order / prod(fs2 - p)
        double[] zr = new double[2 * order];
        double[] zi = new double[2 * order];
        double gr = 1;
        double gi = 0;
        for (int k = 0; k < 2 * order; k++) {
            double nr = fs2 + pr[k];
            double ni = pi[k];
            double er = fs2 - pr[k];
            double ei = -pi[k];
            double den = er * er + ei * ei;
            zr[k] = (nr * er + ni * ei) / den;
            zi[k] = (ni * er - nr * ei) / den;
            // g *= 1 / (fs2 - p)
            double tr = (gr * er + gi * ei) / den;
            double ti = (gi * er - gr * ei) / den;
            gr = tr;
            gi = ti;
        }
        double gain = Math.pow(bw, order) * Math.pow(fs2, order) * gr;
        // pair each upper-half-plane pole with its conjugate: one section each, zeros at +1 and -1
        double[][] sec = new double[order][];
        int s = 0;
        for (int k = 0; k < 2 * order; k++) {
            if (zi[k] > 0) {
                sec[s++] = new double[] {1, 0, -1, 1, -2 * zr[k], zr[k] * zr[k] + zi[k] * zi[k]};
            }
        }
        if (s != order) {
            throw new IllegalStateException("pole pairing found " + s + " conjugate pairs for order " + order);
        }
        // the poles nearest the unit circle last, as scipy orders them
        java.util.Arrays.sort(sec, (a, b) -> Double.compare(a[5], b[5]));
        for (int k = 0; k < 3; k++) {
            sec[0][k] *= gain;
        }
        return new Sos(sec);
    }

    // ------------------------------------------------------------------ filtering

    /** Work arrays of a filter: state and padding buffer, sized for inputs of up to {@code maxLength}. */
    public final class Work {
        final double[] state = new double[2 * sections.length];
        final double[] padded;

        Work(int maxLength) {
            padded = new double[maxLength + 2 * padLength()];
        }
    }

    public Work work(int maxLength) {
        return new Work(maxLength);
    }

    /** scipy's default {@code padlen} for {@code sosfiltfilt}: 3 × (2 × sections + 1), less trailing zero coefficients. */
    public int padLength() {
        int zb = 0;
        int za = 0;
        for (double[] s : sections) {
            if (s[2] == 0) {
                zb++;
            }
            if (s[5] == 0) {
                za++;
            }
        }
        return 3 * (2 * sections.length + 1 - Math.min(zb, za));
    }

    /** The steady state of every section for a unit step ({@code sosfilt_zi}), into {@code zi[2 * sections]}. */
    public void steadyState(double[] zi) {
        double scale = 1;
        for (int i = 0; i < sections.length; i++) {
            double[] s = sections[i];
            double b0 = s[0];
            double b1 = s[1];
            double b2 = s[2];
            double a1 = s[4];
            double a2 = s[5];
            // (I - A^T) z = b[1:] - a[1:] b0, A the companion matrix of a
            double r1 = b1 - a1 * b0;
            double r2 = b2 - a2 * b0;
            double m00 = 1 + a1;
            double m01 = -1;
            double m10 = a2;
            double m11 = 1;
            double det = m00 * m11 - m01 * m10;
            double z0 = (r1 * m11 - m01 * r2) / det;
            double z1 = (m00 * r2 - m10 * r1) / det;
            zi[2 * i] = z0 * scale;
            zi[2 * i + 1] = z1 * scale;
            scale *= (b0 + b1 + b2) / (1 + a1 + a2);
        }
    }

    /**
     * Filters {@code x[from .. to)} in place through every section, transposed direct form II,
     * continuing from (and updating) {@code state[2 * sections]}; {@code step} may be -1 to run
     * backwards ({@code from > to}).
     */
    public void filter(double[] x, int from, int to, int step, double[] state) {
        int n = (to - from) / step;
        int m = sections.length;
        if (m < 2 || n < 4 * m) {
            for (int k = 0; k < m; k++) {
                section(k, x, from, n, step, state);
            }
            return;
        }
        // a wavefront: while section k works on sample i, section k + 1 works on sample i - 1, so the
        // sections' recurrences, each a chain of dependent multiply-adds, overlap in the core instead
        // of running one after the other; every section does the same arithmetic on the same values
        // as section by section, so the output is the same to the bit
        // section k's state: z[2k], z[2k + 1] (the caller's array, updated in place)
        double[] z = state;
        for (int t = 0; t < m - 1; t++) {          // ramp up: sections 0 .. t
            for (int k = 0; k <= t; k++) {
                step(k, x, from + (t - k) * step, z);
            }
        }
        for (int t = m - 1; t < n; t++) {           // every section busy
            int at = from + t * step;
            for (int k = 0; k < m; k++, at -= step) {
                double v = x[at];
                double y = b0[k] * v + z[2 * k];
                z[2 * k] = b1[k] * v - a1[k] * y + z[2 * k + 1];
                z[2 * k + 1] = b2[k] * v - a2[k] * y;
                x[at] = y;
            }
        }
        for (int t = n; t < n + m - 1; t++) {      // ramp down: sections t - n + 1 .. m - 1
            for (int k = t - n + 1; k < m; k++) {
                step(k, x, from + (t - k) * step, z);
            }
        }
    }

    private void step(int k, double[] x, int at, double[] z) {
        double v = x[at];
        double y = b0[k] * v + z[2 * k];
        z[2 * k] = b1[k] * v - a1[k] * y + z[2 * k + 1];
        z[2 * k + 1] = b2[k] * v - a2[k] * y;
        x[at] = y;
    }

    /** Section {@code k} over the {@code n} samples from {@code from}, {@code step} apart. */
    private void section(int k, double[] x, int from, int n, int step, double[] state) {
        double[] s = sections[k];
        double sb0 = s[0];
        double sb1 = s[1];
        double sb2 = s[2];
        double sa1 = s[4];
        double sa2 = s[5];
        double s0 = state[2 * k];
        double s1 = state[2 * k + 1];
        for (int c = 0, i = from; c < n; c++, i += step) {
            double v = x[i];
            double y = sb0 * v + s0;
            s0 = sb1 * v - sa1 * y + s1;
            s1 = sb2 * v - sa2 * y;
            x[i] = y;
        }
        state[2 * k] = s0;
        state[2 * k + 1] = s1;
    }

    /**
     * Forward-backward (zero-phase) filtering of {@code x[from .. from + n)} into
     * {@code y[yFrom ..]}, exactly as {@code scipy.signal.sosfiltfilt(sos, x)} with its defaults:
     * odd extension by {@link #padLength()} samples at each end, each pass started from the steady
     * state scaled to its first sample. {@code n} must exceed the pad length.
     */
    public void filtfilt(double[] x, int from, int n, double[] y, int yFrom, Work w) {
        filtfilt(x, from, n, y, yFrom, w, 0);
    }

    /**
     * As {@link #filtfilt(double[], int, int, double[], int, Work)}, for the outputs from
     * {@code keepFrom} on only ({@code y[yFrom .. yFrom + n - keepFrom)}): the backward pass, which
     * runs from the end, stops there. The kept outputs are the same to the bit; the work is one
     * forward pass and the backward pass's share.
     */
    public void filtfilt(double[] x, int from, int n, double[] y, int yFrom, Work w, int keepFrom) {
        if (keepFrom < 0 || keepFrom >= n) {
            throw new IllegalArgumentException("keep from " + keepFrom + " of " + n + " samples");
        }
        int pad = padLength();
        if (n <= pad) {
            throw new IllegalArgumentException("zero-phase filtering needs more than " + pad + " samples, got " + n);
        }
        double[] e = w.padded;
        int len = n + 2 * pad;
        double first = x[from];
        double last = x[from + n - 1];
        for (int i = 0; i < pad; i++) {
            e[i] = 2 * first - x[from + pad - i];
            e[pad + n + i] = 2 * last - x[from + n - 2 - i];
        }
        System.arraycopy(x, from, e, pad, n);
        double[] st = w.state;
        steadyState(st);
        double e0 = e[0];
        for (int i = 0; i < st.length; i++) {
            st[i] *= e0;
        }
        filter(e, 0, len, 1, st);
        steadyState(st);
        double y0 = e[len - 1];
        for (int i = 0; i < st.length; i++) {
            st[i] *= y0;
        }
        filter(e, len - 1, pad + keepFrom - 1, -1, st);
        System.arraycopy(e, pad + keepFrom, y, yFrom, n - keepFrom);
    }

    /** |H(f)| of the cascade at {@code fHz} for sample rate {@code fsHz}. */
    public double gain(double fHz, double fsHz) {
        double w = 2 * Math.PI * fHz / fsHz;
        double cr = Math.cos(w);
        double ci = -Math.sin(w);
        double c2r = Math.cos(2 * w);
        double c2i = -Math.sin(2 * w);
        double g = 1;
        for (double[] s : sections) {
            double nr = s[0] + s[1] * cr + s[2] * c2r;
            double ni = s[1] * ci + s[2] * c2i;
            double dr = 1 + s[4] * cr + s[5] * c2r;
            double di = s[4] * ci + s[5] * c2i;
            g *= Math.hypot(nr, ni) / Math.hypot(dr, di);
        }
        return g;
    }
}
