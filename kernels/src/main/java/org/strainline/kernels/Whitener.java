package org.strainline.kernels;

/**
 * Whitening by a finite inverse-ASD filter, as BBHnet's preprocessing (and gwpy's
 * {@code TimeSeries.whiten}) does it: the inverse of the amplitude spectral density, zeroed below
 * the high-pass frequency and at DC and Nyquist, is turned into an impulse response of
 * {@code fduration} seconds (centred, Hann-windowed: the truncation), which is convolved with the
 * data after their mean is removed and their first and last {@code fduration / 2} seconds are
 * Hann-tapered; the result is scaled by {@code sqrt(2 / fs)} (so white noise of any level comes out
 * with unit variance) and its corrupted {@code fduration / 2} seconds at each end are cropped.
 *
 * <p>Allocation free after construction: {@link #setPsd} rebuilds the filter in place (once per
 * PSD update), {@link #whiten} convolves by FFT of a fixed size. Owned by one thread.
 */
public final class Whitener {
    private final double fs;
    private final int length;
    private final int ntaps;
    private final int pad;
    private final double highpass;
    private final Fft firFft;
    private final Fft convFft;
    private final int conv;
    private final double[] fir;
    private final double[] hann;
    private final double[] tRe;
    private final double[] tIm;
    private final double[] s1;
    private final double[] s2;
    private final double[] hRe;
    private final double[] hIm;
    private final double[] xRe;
    private final double[] xIm;
    private boolean ready;

    /**
     * @param fsHz        sample rate
     * @param length      samples of each span to whiten (output: {@code length - 2 * pad})
     * @param fdurationS  the impulse response's length in seconds (BBHnet: 1 s)
     * @param highpassHz  frequencies below this are removed (BBHnet: 32 Hz); 0 for none
     */
    public Whitener(double fsHz, int length, double fdurationS, double highpassHz) {
        this.fs = fsHz;
        this.length = length;
        this.ntaps = (int) Math.round(fdurationS * fsHz);
        this.pad = ntaps / 2;
        if (ntaps < 4 || ntaps % 2 != 0 || length <= 2 * pad) {
            throw new IllegalArgumentException("fduration " + fdurationS + " s at " + fsHz + " Hz gives " + ntaps
                    + " taps (even, >= 4 needed) for spans of " + length + " samples");
        }
        this.highpass = highpassHz;
        this.firFft = new Fft(ntaps);
        // The convolution is circular, of the span's own length (or the next 2-3-5 one): the kept
        // outputs [2 pad, length) of the full convolution (length + ntaps - 1 samples) are the ones
        // its wrap-around (full index j + conv) cannot reach, since conv >= length > length - 2 + ntaps - 2 pad.
        this.conv = fastLength(Math.max(length, ntaps));
        this.convFft = new Fft(conv);
        this.fir = new double[ntaps];
        this.hann = new double[ntaps];
        for (int i = 0; i < ntaps; i++) {
            hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / ntaps);   // periodic Hann: 1 at the zero lag, index pad
        }
        this.tRe = new double[ntaps / 2 + 1];
        this.tIm = new double[ntaps / 2 + 1];
        this.s1 = new double[Math.max(ntaps, conv)];
        this.s2 = new double[Math.max(ntaps, conv)];
        this.hRe = new double[conv];
        this.hIm = new double[conv];
        this.xRe = new double[conv];
        this.xIm = new double[conv];
    }

    /** The smallest n >= min whose prime factors are 2, 3 and 5. */
    public static int fastLength(int min) {
        for (int n = Math.max(1, min); ; n++) {
            int m = n;
            for (int p : new int[] {2, 3, 5}) {
                while (m % p == 0) {
                    m /= p;
                }
            }
            if (m == 1) {
                return n;
            }
        }
    }

    /** Samples cropped at each end of a span. */
    public int pad() {
        return pad;
    }

    /** Output samples per span. */
    public int outputLength() {
        return length - 2 * pad;
    }

    /** The filter's taps (valid after {@link #setPsd}). */
    public double[] taps() {
        return fir.clone();
    }

    /**
     * Rebuilds the filter from a one-sided PSD sampled every {@code dfHz} from 0 ({@code bins}
     * values), interpolated linearly onto the filter's frequency grid.
     */
    public void setPsd(double[] psd, int bins, double dfHz) {
        int h = ntaps / 2 + 1;
        double fdf = fs / ntaps;
        for (int k = 0; k < h; k++) {
            double f = k * fdf;
            double p = interpolate(psd, bins, dfHz, f);
            tRe[k] = (k == 0 || k == h - 1 || f < highpass || !(p > 0)) ? 0 : 1 / Math.sqrt(p);
            tIm[k] = 0;
        }
        firFft.realInverse(tRe, tIm, fir, s1, s2);
        // centre the impulse response (roll by ntaps/2) and truncate it with the window
        for (int i = 0; i < ntaps; i++) {
            s1[i] = fir[(i + pad) % ntaps];
        }
        for (int i = 0; i < ntaps; i++) {
            fir[i] = s1[i] * hann[i];
        }
        // its spectrum at the convolution size: a real transform, the upper half by symmetry
        java.util.Arrays.fill(xRe, 0);
        System.arraycopy(fir, 0, xRe, 0, ntaps);
        convFft.realForward(xRe, hRe, hIm, s1, s2);
        for (int k = conv / 2 + 1; k < conv; k++) {
            hRe[k] = hRe[conv - k];
            hIm[k] = -hIm[conv - k];
        }
        ready = true;
    }

    private static double interpolate(double[] psd, int bins, double df, double f) {
        double x = f / df;
        int i = (int) Math.floor(x);
        if (i >= bins - 1) {
            return psd[bins - 1];
        }
        double t = x - i;
        return psd[i] * (1 - t) + psd[i + 1] * t;
    }

    /**
     * Whitens {@code x[from .. from + length)} into {@code out[outFrom .. + outputLength())}: the
     * span's samples {@code pad .. length - pad}, whitened.
     */
    public void whiten(double[] x, int from, double[] out, int outFrom) {
        whiten(x, from, out, outFrom, null, 0, null, 0);
    }

    /**
     * Whitens two spans with one pair of transforms: {@code x[from ..]} into {@code out[outFrom ..]}
     * as {@link #whiten(double[], int, double[], int)} does, and {@code x2[from2 ..]} into
     * {@code out2[outFrom2 ..]}. The filter is real, so the convolution of {@code a + i·b} with it
     * is the convolution of {@code a} plus {@code i} times that of {@code b}: the second span rides
     * in the imaginary part. {@code x2 == null} whitens one span.
     */
    public void whiten(double[] x, int from, double[] out, int outFrom, double[] x2, int from2, double[] out2, int outFrom2) {
        if (!ready) {
            throw new IllegalStateException("no PSD yet: call setPsd first");
        }
        java.util.Arrays.fill(xRe, length, conv, 0);
        java.util.Arrays.fill(xIm, length, conv, 0);
        taper(x, from, xRe);
        if (x2 != null) {
            taper(x2, from2, xIm);
        } else {
            java.util.Arrays.fill(xIm, 0, length, 0);
        }
        convFft.forward(xRe, xIm);
        for (int k = 0; k < conv; k++) {
            double a = xRe[k];
            double b = xIm[k];
            xRe[k] = a * hRe[k] - b * hIm[k];
            xIm[k] = a * hIm[k] + b * hRe[k];
        }
        convFft.inverse(xRe, xIm);
        // 'same' convolution: full[i + pad] is the output at i; keep i in [pad, length - pad)
        double norm = Math.sqrt(2 / fs);
        int n = outputLength();
        for (int i = 0; i < n; i++) {
            out[outFrom + i] = xRe[2 * pad + i] * norm;
        }
        if (x2 != null) {
            for (int i = 0; i < n; i++) {
                out2[outFrom2 + i] = xIm[2 * pad + i] * norm;
            }
        }
    }

    /** The span less its mean, its first and last {@code pad} samples Hann-tapered, into {@code dst[0 .. length)}. */
    private void taper(double[] x, int from, double[] dst) {
        double mean = 0;
        for (int i = 0; i < length; i++) {
            mean += x[from + i];
        }
        mean /= length;
        for (int i = 0; i < length; i++) {
            double v = x[from + i] - mean;
            if (i < pad) {
                v *= hann[i];
            } else if (i >= length - pad) {
                v *= hann[ntaps - (length - i)];
            }
            dst[i] = v;
        }
    }
}
