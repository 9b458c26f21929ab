package org.strainline.kernels;

/**
 * A complex FFT of one fixed length {@code n} (any length; fast for products of 2, 3, 4 and 5,
 * such as the 5120-point segments of a 2.5-s Welch average at 2048 Hz), as a Stockham autosort
 * over the factors of {@code n} with a hand-written pass for each of those radices (a generic DFT
 * pass for any other prime factor), every twiddle factor computed once at construction; and the
 * real-input transforms, which for even {@code n} run one complex FFT of {@code n / 2} (the even
 * samples as real parts, the odd ones as imaginary parts) and untangle its output: half the work
 * of a complex transform of the real signal. Sign and scaling as {@code numpy.fft}: forward
 * {@code X[k] = sum x[t] e^{-2 pi i k t / n}}, inverse with {@code 1 / n}.
 *
 * <p>Allocation free after construction; not thread safe (it owns its scratch).
 */
public final class Fft {
    private final int n;
    private final int[] radices;
    private final double[][] twRe;   // stage s: e^{-2 pi i k q / (ns r)} at [(q - 1) ns + k], q = 1 .. r - 1
    private final double[][] twIm;
    private final double[][] twImInv;   // the conjugates, for the inverse
    private final double[] rootRe;   // generic passes: e^{-2 pi i p q / r} at [p r + q] (largest generic radix)
    private final double[] rootIm;
    private final double[] ar;
    private final double[] ai;
    private final double[] br;
    private final double[] bi;
    private final double[] vr;
    private final double[] vi;
    private final Fft half;          // n / 2, for the real transforms of even n
    private final double[] hr;
    private final double[] hi;
    private final double[] wRe;      // e^{-2 pi i k / n}, k = 0 .. n / 2
    private final double[] wIm;

    public Fft(int n) {
        this(n, true);
    }

    private Fft(int n, boolean real) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT length " + n);
        }
        this.n = n;
        java.util.List<Integer> f = new java.util.ArrayList<>();
        int m = n;
        for (int r : new int[] {4, 2, 3, 5}) {
            while (m % r == 0) {
                f.add(r);
                m /= r;
            }
        }
        for (int p = 7; m > 1; p += 2) {
            while (m % p == 0) {
                f.add(p);
                m /= p;
            }
            if ((long) p * p > m && m > 1) {
                f.add(m);
                m = 1;
            }
        }
        radices = f.stream().mapToInt(Integer::intValue).toArray();
        twRe = new double[radices.length][];
        twIm = new double[radices.length][];
        twImInv = new double[radices.length][];
        int generic = 1;
        int ns = 1;
        for (int s = 0; s < radices.length; s++) {
            int r = radices[s];
            if (r > 5) {
                generic = Math.max(generic, r);
            }
            twRe[s] = new double[(r - 1) * ns];
            twIm[s] = new double[(r - 1) * ns];
            twImInv[s] = new double[(r - 1) * ns];
            for (int q = 1; q < r; q++) {
                for (int k = 0; k < ns; k++) {
                    double a = -2 * Math.PI * ((long) k * q) / ((double) ns * r);
                    twRe[s][(q - 1) * ns + k] = Math.cos(a);
                    twIm[s][(q - 1) * ns + k] = Math.sin(a);
                    twImInv[s][(q - 1) * ns + k] = -Math.sin(a);
                }
            }
            ns *= r;
        }
        rootRe = new double[generic * generic];
        rootIm = new double[generic * generic];
        for (int p = 0; p < generic && generic > 1; p++) {
            for (int q = 0; q < generic; q++) {
                double a = -2 * Math.PI * ((long) p * q % generic) / generic;
                rootRe[p * generic + q] = Math.cos(a);
                rootIm[p * generic + q] = Math.sin(a);
            }
        }
        ar = new double[n];
        ai = new double[n];
        br = new double[n];
        bi = new double[n];
        vr = new double[generic];
        vi = new double[generic];
        if (real && n % 2 == 0 && n >= 4) {
            int h = n / 2;
            half = new Fft(h, false);
            hr = new double[h];
            hi = new double[h];
            wRe = new double[h + 1];
            wIm = new double[h + 1];
            for (int k = 0; k <= h; k++) {
                double a = -2 * Math.PI * k / n;
                wRe[k] = Math.cos(a);
                wIm[k] = Math.sin(a);
            }
        } else {
            half = null;
            hr = null;
            hi = null;
            wRe = null;
            wIm = null;
        }
    }

    public int length() {
        return n;
    }

    /** In-place forward transform of {@code re[0..n), im[0..n)}. */
    public void forward(double[] re, double[] im) {
        transform(re, im, false);
    }

    /** In-place inverse transform (with the {@code 1 / n}). */
    public void inverse(double[] re, double[] im) {
        transform(re, im, true);
        double s = 1.0 / n;
        for (int i = 0; i < n; i++) {
            re[i] *= s;
            im[i] *= s;
        }
    }

    /**
     * The stages read the caller's arrays first, then go back and forth between the two scratch
     * pairs, and the last one writes the caller's arrays (a single stage works from a copy).
     */
    private void transform(double[] re, double[] im, boolean inverse) {
        int stages = radices.length;
        if (stages == 0) {
            return;   // n = 1
        }
        double[] xr = re;
        double[] xi = im;
        if (stages == 1) {
            System.arraycopy(re, 0, ar, 0, n);
            System.arraycopy(im, 0, ai, 0, n);
            xr = ar;
            xi = ai;
        }
        int ns = 1;
        for (int s = 0; s < stages; s++) {
            double[] yr;
            double[] yi;
            if (s == stages - 1) {
                yr = re;
                yi = im;
            } else {
                yr = xr == ar ? br : ar;
                yi = xi == ai ? bi : ai;
            }
            int r = radices[s];
            int m = n / r;
            double[] tr = twRe[s];
            double[] ti = inverse ? twImInv[s] : twIm[s];
            switch (r) {
                case 4 -> pass4(xr, xi, yr, yi, ns, m, tr, ti, inverse);
                case 2 -> pass2(xr, xi, yr, yi, ns, m, tr, ti);
                case 3 -> pass3(xr, xi, yr, yi, ns, m, tr, ti, inverse);
                case 5 -> pass5(xr, xi, yr, yi, ns, m, tr, ti, inverse);
                default -> passGeneric(r, xr, xi, yr, yi, ns, m, tr, ti, inverse);
            }
            xr = yr;
            xi = yi;
            ns *= r;
        }
    }

    // Each pass: for j = b·ns + k, inputs x[j + q·m] (q < r) times e^{∓2πi k q / (ns r)}, a DFT of
    // size r, outputs y[b·ns·r + k + p·ns] (p < r).

    private static void pass2(double[] xr, double[] xi, double[] yr, double[] yi, int ns, int m, double[] tr, double[] ti) {
        for (int b = 0, blocks = m / ns; b < blocks; b++) {
            int j = b * ns;
            int o = j * 2;
            for (int k = 0; k < ns; k++, j++, o++) {
                double a0r = xr[j];
                double a0i = xi[j];
                double ur = xr[j + m];
                double ui = xi[j + m];
                double a1r = ur * tr[k] - ui * ti[k];
                double a1i = ur * ti[k] + ui * tr[k];
                yr[o] = a0r + a1r;
                yi[o] = a0i + a1i;
                yr[o + ns] = a0r - a1r;
                yi[o + ns] = a0i - a1i;
            }
        }
    }

    private static void pass4(double[] xr, double[] xi, double[] yr, double[] yi, int ns, int m, double[] tr, double[] ti,
                              boolean inverse) {
        int ns2 = 2 * ns;
        int m2 = 2 * m;
        int m3 = 3 * m;
        for (int b = 0, blocks = m / ns; b < blocks; b++) {
            int j = b * ns;
            int o = j * 4;
            for (int k = 0; k < ns; k++, j++, o++) {
                double a0r = xr[j];
                double a0i = xi[j];
                double ur = xr[j + m];
                double ui = xi[j + m];
                double c = tr[k];
                double d = ti[k];
                double a1r = ur * c - ui * d;
                double a1i = ur * d + ui * c;
                ur = xr[j + m2];
                ui = xi[j + m2];
                c = tr[ns + k];
                d = ti[ns + k];
                double a2r = ur * c - ui * d;
                double a2i = ur * d + ui * c;
                ur = xr[j + m3];
                ui = xi[j + m3];
                c = tr[ns2 + k];
                d = ti[ns2 + k];
                double a3r = ur * c - ui * d;
                double a3i = ur * d + ui * c;
                double t0r = a0r + a2r;
                double t0i = a0i + a2i;
                double t1r = a0r - a2r;
                double t1i = a0i - a2i;
                double t2r = a1r + a3r;
                double t2i = a1i + a3i;
                double t3r = a1r - a3r;
                double t3i = a1i - a3i;
                if (inverse) {   // +i · t3
                    double x = -t3i;
                    t3i = t3r;
                    t3r = x;
                } else {         // -i · t3
                    double x = t3i;
                    t3i = -t3r;
                    t3r = x;
                }
                yr[o] = t0r + t2r;
                yi[o] = t0i + t2i;
                yr[o + ns2] = t0r - t2r;
                yi[o + ns2] = t0i - t2i;
                yr[o + ns] = t1r + t3r;
                yi[o + ns] = t1i + t3i;
                yr[o + ns + ns2] = t1r - t3r;
                yi[o + ns + ns2] = t1i - t3i;
            }
        }
    }

    private static final double SIN_60 = Math.sqrt(3) / 2;

    private static void pass3(double[] xr, double[] xi, double[] yr, double[] yi, int ns, int m, double[] tr, double[] ti,
                              boolean inverse) {
        double s = inverse ? SIN_60 : -SIN_60;   // sin(∓2π/3)
        for (int b = 0, blocks = m / ns; b < blocks; b++) {
            int j = b * ns;
            int o = j * 3;
            for (int k = 0; k < ns; k++, j++, o++) {
                double a0r = xr[j];
                double a0i = xi[j];
                double ur = xr[j + m];
                double ui = xi[j + m];
                double a1r = ur * tr[k] - ui * ti[k];
                double a1i = ur * ti[k] + ui * tr[k];
                ur = xr[j + 2 * m];
                ui = xi[j + 2 * m];
                double a2r = ur * tr[ns + k] - ui * ti[ns + k];
                double a2i = ur * ti[ns + k] + ui * tr[ns + k];
                double t1r = a1r + a2r;
                double t1i = a1i + a2i;
                double t2r = a0r - 0.5 * t1r;
                double t2i = a0i - 0.5 * t1i;
                double t3r = s * (a1r - a2r);
                double t3i = s * (a1i - a2i);
                yr[o] = a0r + t1r;
                yi[o] = a0i + t1i;
                yr[o + ns] = t2r - t3i;   // t2 + i·t3
                yi[o + ns] = t2i + t3r;
                yr[o + 2 * ns] = t2r + t3i;   // t2 - i·t3
                yi[o + 2 * ns] = t2i - t3r;
            }
        }
    }

    private static final double C1 = Math.cos(2 * Math.PI / 5);
    private static final double C2 = Math.cos(4 * Math.PI / 5);
    private static final double S1 = Math.sin(2 * Math.PI / 5);
    private static final double S2 = Math.sin(4 * Math.PI / 5);

    private static void pass5(double[] xr, double[] xi, double[] yr, double[] yi, int ns, int m, double[] tr, double[] ti,
                              boolean inverse) {
        double s1 = inverse ? S1 : -S1;   // sin(∓2π/5)
        double s2 = inverse ? S2 : -S2;   // sin(∓4π/5)
        for (int b = 0, blocks = m / ns; b < blocks; b++) {
            int j = b * ns;
            int o = j * 5;
            for (int k = 0; k < ns; k++, j++, o++) {
                double a0r = xr[j];
                double a0i = xi[j];
                double ur = xr[j + m];
                double ui = xi[j + m];
                double a1r = ur * tr[k] - ui * ti[k];
                double a1i = ur * ti[k] + ui * tr[k];
                ur = xr[j + 2 * m];
                ui = xi[j + 2 * m];
                double a2r = ur * tr[ns + k] - ui * ti[ns + k];
                double a2i = ur * ti[ns + k] + ui * tr[ns + k];
                ur = xr[j + 3 * m];
                ui = xi[j + 3 * m];
                double a3r = ur * tr[2 * ns + k] - ui * ti[2 * ns + k];
                double a3i = ur * ti[2 * ns + k] + ui * tr[2 * ns + k];
                ur = xr[j + 4 * m];
                ui = xi[j + 4 * m];
                double a4r = ur * tr[3 * ns + k] - ui * ti[3 * ns + k];
                double a4i = ur * ti[3 * ns + k] + ui * tr[3 * ns + k];
                double p14r = a1r + a4r;
                double p14i = a1i + a4i;
                double m14r = a1r - a4r;
                double m14i = a1i - a4i;
                double p23r = a2r + a3r;
                double p23i = a2i + a3i;
                double m23r = a2r - a3r;
                double m23i = a2i - a3i;
                double e1r = a0r + C1 * p14r + C2 * p23r;
                double e1i = a0i + C1 * p14i + C2 * p23i;
                double e2r = a0r + C2 * p14r + C1 * p23r;
                double e2i = a0i + C2 * p14i + C1 * p23i;
                double f1r = s1 * m14r + s2 * m23r;   // y1 = e1 + i·f1, y4 = e1 - i·f1
                double f1i = s1 * m14i + s2 * m23i;
                double f2r = s2 * m14r - s1 * m23r;   // y2 = e2 + i·f2, y3 = e2 - i·f2
                double f2i = s2 * m14i - s1 * m23i;
                yr[o] = a0r + p14r + p23r;
                yi[o] = a0i + p14i + p23i;
                yr[o + ns] = e1r - f1i;
                yi[o + ns] = e1i + f1r;
                yr[o + 4 * ns] = e1r + f1i;
                yi[o + 4 * ns] = e1i - f1r;
                yr[o + 2 * ns] = e2r - f2i;
                yi[o + 2 * ns] = e2i + f2r;
                yr[o + 3 * ns] = e2r + f2i;
                yi[o + 3 * ns] = e2i - f2r;
            }
        }
    }

    private void passGeneric(int r, double[] xr, double[] xi, double[] yr, double[] yi, int ns, int m, double[] tr, double[] ti,
                             boolean inverse) {
        int g = (int) Math.round(Math.sqrt(rootRe.length));
        double sign = inverse ? -1 : 1;
        for (int b = 0, blocks = m / ns; b < blocks; b++) {
            for (int k = 0; k < ns; k++) {
                int j = b * ns + k;
                vr[0] = xr[j];
                vi[0] = xi[j];
                for (int q = 1; q < r; q++) {
                    double ur = xr[j + q * m];
                    double ui = xi[j + q * m];
                    double c = tr[(q - 1) * ns + k];
                    double d = ti[(q - 1) * ns + k];
                    vr[q] = ur * c - ui * d;
                    vi[q] = ur * d + ui * c;
                }
                int o = b * ns * r + k;
                for (int p = 0; p < r; p++) {
                    double sr = 0;
                    double si = 0;
                    for (int q = 0; q < r; q++) {
                        double c;
                        double d;
                        if (r == g) {
                            c = rootRe[p * g + q];
                            d = sign * rootIm[p * g + q];
                        } else {
                            double a = -2 * Math.PI * ((long) p * q % r) / r;
                            c = Math.cos(a);
                            d = sign * Math.sin(a);
                        }
                        sr += vr[q] * c - vi[q] * d;
                        si += vr[q] * d + vi[q] * c;
                    }
                    yr[o + p * ns] = sr;
                    yi[o + p * ns] = si;
                }
            }
        }
    }

    /**
     * Forward transform of the real {@code x[0..n)}: the {@code n / 2 + 1} non-negative-frequency
     * bins into {@code outRe, outIm} ({@code numpy.fft.rfft}). The scratch arrays ({@code n} each)
     * are used for odd {@code n} only.
     */
    public void realForward(double[] x, double[] outRe, double[] outIm, double[] scratchRe, double[] scratchIm) {
        if (half == null) {
            System.arraycopy(x, 0, scratchRe, 0, n);
            java.util.Arrays.fill(scratchIm, 0, n, 0);
            forward(scratchRe, scratchIm);
            int h = n / 2 + 1;
            System.arraycopy(scratchRe, 0, outRe, 0, h);
            System.arraycopy(scratchIm, 0, outIm, 0, h);
            return;
        }
        int h = n / 2;
        for (int t = 0; t < h; t++) {
            hr[t] = x[2 * t];
            hi[t] = x[2 * t + 1];
        }
        half.forward(hr, hi);
        // E = (Z[k] + conj Z[h-k]) / 2 (the even samples' spectrum), O = (Z[k] - conj Z[h-k]) / 2i
        // (the odd samples'), X[k] = E + e^{-2 pi i k / n} O
        for (int k = 0; k < h; k++) {
            int c = k == 0 ? 0 : h - k;
            double zr = hr[k];
            double zi = hi[k];
            double yr = hr[c];
            double yi = -hi[c];
            double er = 0.5 * (zr + yr);
            double ei = 0.5 * (zi + yi);
            double or = 0.5 * (zi - yi);
            double oi = -0.5 * (zr - yr);
            outRe[k] = er + wRe[k] * or - wIm[k] * oi;
            outIm[k] = ei + wRe[k] * oi + wIm[k] * or;
        }
        // bin h (Nyquist): Z[h] is Z[0]
        outRe[h] = hr[0] - hi[0];
        outIm[h] = 0;
        outIm[0] = 0;
    }

    /**
     * Inverse of {@link #realForward}: the real signal of length {@code n} from its
     * {@code n / 2 + 1} bins ({@code numpy.fft.irfft}: the imaginary parts of the DC and, for even
     * {@code n}, Nyquist bins are ignored), into {@code x}. The scratch arrays ({@code n} each) are
     * used for odd {@code n} only.
     */
    public void realInverse(double[] inRe, double[] inIm, double[] x, double[] scratchRe, double[] scratchIm) {
        if (half == null) {
            int h = n / 2 + 1;
            for (int k = 0; k < h; k++) {
                scratchRe[k] = inRe[k];
                scratchIm[k] = inIm[k];
            }
            for (int k = h; k < n; k++) {
                scratchRe[k] = inRe[n - k];
                scratchIm[k] = -inIm[n - k];
            }
            if (n % 2 == 0) {
                scratchIm[n / 2] = 0;
            }
            scratchIm[0] = 0;
            inverse(scratchRe, scratchIm);
            System.arraycopy(scratchRe, 0, x, 0, n);
            return;
        }
        int h = n / 2;
        // E = (X[k] + conj X[h-k]) / 2, O = (X[k] - conj X[h-k]) e^{+2 pi i k / n} / 2, Z[k] = E + i·O
        for (int k = 0; k < h; k++) {
            int c = h - k;
            double xr = inRe[k];
            double xi = k == 0 ? 0 : inIm[k];
            double yr = inRe[c];
            double yi = c == h ? 0 : -inIm[c];
            double er = 0.5 * (xr + yr);
            double ei = 0.5 * (xi + yi);
            double dr = 0.5 * (xr - yr);
            double di = 0.5 * (xi - yi);
            double or = dr * wRe[k] + di * wIm[k];    // times conj(e^{-2 pi i k / n})
            double oi = di * wRe[k] - dr * wIm[k];
            hr[k] = er - oi;
            hi[k] = ei + or;
        }
        half.inverse(hr, hi);
        for (int t = 0; t < h; t++) {
            x[2 * t] = hr[t];
            x[2 * t + 1] = hi[t];
        }
    }
}
