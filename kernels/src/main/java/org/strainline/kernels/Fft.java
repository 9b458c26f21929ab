package org.strainline.kernels;

/**
 * A complex FFT of one fixed length {@code n} (any length; fast for products of 2, 3, 4 and 5,
 * such as the 5120-point segments of a 2.5-s Welch average at 2048 Hz), as a Stockham autosort
 * over the factors of {@code n}, with every twiddle factor computed once at construction, and the
 * real-input transform built on it. Sign and scaling as {@code numpy.fft}: forward
 * {@code X[k] = sum x[t] e^{-2 pi i k t / n}}, inverse with {@code 1 / n}.
 *
 * <p>Allocation free after construction; not thread safe (it owns its scratch).
 */
public final class Fft {
    private final int n;
    private final int[] radices;
    private final double[][] twRe;
    private final double[][] twIm;
    private final double[][] rootRe;
    private final double[][] rootIm;
    private final double[] ar;
    private final double[] ai;
    private final double[] br;
    private final double[] bi;
    private final double[] vr;
    private final double[] vi;
    private final double[] wr;
    private final double[] wi;

    public Fft(int n) {
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
        rootRe = new double[radices.length][];
        rootIm = new double[radices.length][];
        int maxR = 1;
        int ns = 1;
        for (int s = 0; s < radices.length; s++) {
            int r = radices[s];
            maxR = Math.max(maxR, r);
            twRe[s] = new double[ns * r];
            twIm[s] = new double[ns * r];
            for (int k = 0; k < ns; k++) {
                for (int q = 0; q < r; q++) {
                    double a = -2 * Math.PI * k * q / ((double) ns * r);
                    twRe[s][k * r + q] = Math.cos(a);
                    twIm[s][k * r + q] = Math.sin(a);
                }
            }
            rootRe[s] = new double[r * r];
            rootIm[s] = new double[r * r];
            for (int p = 0; p < r; p++) {
                for (int q = 0; q < r; q++) {
                    double a = -2 * Math.PI * ((long) p * q % r) / r;
                    rootRe[s][p * r + q] = Math.cos(a);
                    rootIm[s][p * r + q] = Math.sin(a);
                }
            }
            ns *= r;
        }
        ar = new double[n];
        ai = new double[n];
        br = new double[n];
        bi = new double[n];
        vr = new double[maxR];
        vi = new double[maxR];
        wr = new double[maxR];
        wi = new double[maxR];
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

    private void transform(double[] re, double[] im, boolean inverse) {
        System.arraycopy(re, 0, ar, 0, n);
        System.arraycopy(im, 0, ai, 0, n);
        double[] xr = ar;
        double[] xi = ai;
        double[] yr = br;
        double[] yi = bi;
        double sign = inverse ? -1 : 1;
        int ns = 1;
        for (int s = 0; s < radices.length; s++) {
            int r = radices[s];
            int stride = n / r;
            double[] tr = twRe[s];
            double[] ti = twIm[s];
            double[] rr = rootRe[s];
            double[] ri = rootIm[s];
            for (int j = 0; j < stride; j++) {
                int k = j % ns;
                for (int q = 0; q < r; q++) {
                    double a = xr[j + q * stride];
                    double b = xi[j + q * stride];
                    double c = tr[k * r + q];
                    double d = sign * ti[k * r + q];
                    vr[q] = a * c - b * d;
                    vi[q] = a * d + b * c;
                }
                butterfly(r, rr, ri, sign);
                int out = (j / ns) * ns * r + k;
                for (int q = 0; q < r; q++) {
                    yr[out + q * ns] = wr[q];
                    yi[out + q * ns] = wi[q];
                }
            }
            double[] t = xr;
            xr = yr;
            yr = t;
            t = xi;
            xi = yi;
            yi = t;
            ns *= r;
        }
        System.arraycopy(xr, 0, re, 0, n);
        System.arraycopy(xi, 0, im, 0, n);
    }

    /** {@code w = DFT_r(v)}. */
    private void butterfly(int r, double[] rr, double[] ri, double sign) {
        switch (r) {
            case 2: {
                wr[0] = vr[0] + vr[1];
                wi[0] = vi[0] + vi[1];
                wr[1] = vr[0] - vr[1];
                wi[1] = vi[0] - vi[1];
                return;
            }
            case 4: {
                double s0r = vr[0] + vr[2];
                double s0i = vi[0] + vi[2];
                double d0r = vr[0] - vr[2];
                double d0i = vi[0] - vi[2];
                double s1r = vr[1] + vr[3];
                double s1i = vi[1] + vi[3];
                double d1r = vr[1] - vr[3];
                double d1i = vi[1] - vi[3];
                // -i * d1 forward, +i * d1 inverse
                double jr = sign * d1i;
                double ji = -sign * d1r;
                wr[0] = s0r + s1r;
                wi[0] = s0i + s1i;
                wr[2] = s0r - s1r;
                wi[2] = s0i - s1i;
                wr[1] = d0r + jr;
                wi[1] = d0i + ji;
                wr[3] = d0r - jr;
                wi[3] = d0i - ji;
                return;
            }
            default: {
                for (int p = 0; p < r; p++) {
                    double sr = 0;
                    double si = 0;
                    for (int q = 0; q < r; q++) {
                        double c = rr[p * r + q];
                        double d = sign * ri[p * r + q];
                        sr += vr[q] * c - vi[q] * d;
                        si += vr[q] * d + vi[q] * c;
                    }
                    wr[p] = sr;
                    wi[p] = si;
                }
            }
        }
    }

    /**
     * Forward transform of the real {@code x[0..n)}: the {@code n / 2 + 1} non-negative-frequency
     * bins into {@code outRe, outIm} ({@code numpy.fft.rfft}). {@code scratchIm} holds {@code n}.
     */
    public void realForward(double[] x, double[] outRe, double[] outIm, double[] scratchRe, double[] scratchIm) {
        System.arraycopy(x, 0, scratchRe, 0, n);
        java.util.Arrays.fill(scratchIm, 0, n, 0);
        forward(scratchRe, scratchIm);
        int h = n / 2 + 1;
        System.arraycopy(scratchRe, 0, outRe, 0, h);
        System.arraycopy(scratchIm, 0, outIm, 0, h);
    }

    /**
     * Inverse of {@link #realForward}: the real signal of length {@code n} from its
     * {@code n / 2 + 1} bins ({@code numpy.fft.irfft}), into {@code x}.
     */
    public void realInverse(double[] inRe, double[] inIm, double[] x, double[] scratchRe, double[] scratchIm) {
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
    }
}
