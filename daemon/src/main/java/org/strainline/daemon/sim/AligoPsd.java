package org.strainline.daemon.sim;

/**
 * The advanced-LIGO design sensitivity (zero-detuning, high power) as the analytic fit of
 * P. Ajith, Phys. Rev. D 84, 084037 (2011), arXiv:1107.1267, eq. (4.7):
 * {@code S(f) = 1e-49 [x^-4.14 - 5 x^-2 + 111 (1 - x^2 + x^4 / 2) / (1 + x^2 / 2)] / Hz},
 * {@code x = f / 215 Hz}, one-sided. Below {@link #F_LOW} the fit is held at its value there (the
 * seismic wall of the real instrument is steeper, but nothing downstream looks below 10 Hz).
 */
public final class AligoPsd {
    /** Where the fit is held constant below. */
    public static final double F_LOW = 10.0;

    private AligoPsd() {
    }

    /** One-sided PSD in strain²/Hz at {@code fHz}. */
    public static double psd(double fHz) {
        double x = Math.max(fHz, F_LOW) / 215.0;
        double x2 = x * x;
        return 1e-49 * (Math.pow(x, -4.14) - 5 / x2 + 111 * (1 - x2 + x2 * x2 / 2) / (1 + x2 / 2));
    }

    /** Amplitude spectral density, strain/√Hz. */
    public static double asd(double fHz) {
        return Math.sqrt(psd(fHz));
    }
}
