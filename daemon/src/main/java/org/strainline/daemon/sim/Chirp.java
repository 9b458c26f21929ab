package org.strainline.daemon.sim;

/**
 * A binary-black-hole inspiral: the gravitational-wave phase and frequency to first
 * post-Newtonian order in the time to coalescence, amplitude rising as {@code f^(2/3)}, switched
 * on smoothly from {@link #F_START} and ended with a smooth taper where the frequency reaches the
 * innermost stable circular orbit (a "tapered merger"; no ringdown). Polarisations for
 * inclination {@code iota}: {@code h+ = A (1 + cos² iota) / 2 cos Phi}, {@code hx = A cos iota sin Phi}.
 * The overall amplitude is arbitrary (injections are scaled to an SNR). Immutable.
 */
public final class Chirp {
    /** Where the signal starts, Hz. */
    public static final double F_START = 20.0;
    private static final double MSUN_S = 4.925490947e-6;   // G Msun / c^3

    private final double m;
    private final double eta;
    private final double fIsco;
    private final double tauStart;
    private final double tauEnd;
    private final double cosIota;
    private final double phase0;

    public Chirp(double m1Msun, double m2Msun, double iota, double phase0) {
        this.m = (m1Msun + m2Msun) * MSUN_S;
        this.eta = m1Msun * m2Msun / Math.pow(m1Msun + m2Msun, 2);
        this.fIsco = 1 / (Math.pow(6, 1.5) * Math.PI * m);
        this.tauStart = tauOf(F_START);
        this.tauEnd = tauOf(fIsco);
        this.cosIota = Math.cos(iota);
        this.phase0 = phase0;
    }

    /** Time to coalescence at GW frequency f, Newtonian order (the taper points only). */
    private double tauOf(double f) {
        return 5 * m / (256 * eta) * Math.pow(Math.PI * m * f, -8.0 / 3);
    }

    /** Duration of the signal in band (from {@link #F_START} to the taper), seconds. */
    public double duration() {
        return tauStart - tauEnd;
    }

    /** Seconds before coalescence where the signal ends. */
    public double tauEnd() {
        return tauEnd;
    }

    public double tauStart() {
        return tauStart;
    }

    public double fIsco() {
        return fIsco;
    }

    /** GW frequency at {@code tau} seconds before coalescence (1PN). */
    public double frequency(double tau) {
        double theta = eta * tau / (5 * m);
        return 1 / (8 * Math.PI * m) * (Math.pow(theta, -3.0 / 8) + (743.0 / 2688 + 11.0 / 32 * eta) * Math.pow(theta, -5.0 / 8));
    }

    /** {@code {h+, hx}} at {@code tau} seconds before coalescence (0 outside the signal). */
    public void strain(double tau, double[] out) {
        if (tau <= tauEnd || tau >= tauStart) {
            out[0] = 0;
            out[1] = 0;
            return;
        }
        double theta = eta * tau / (5 * m);
        double orbital = -1 / eta * (Math.pow(theta, 5.0 / 8) + (3715.0 / 8064 + 55.0 / 96 * eta) * Math.pow(theta, 3.0 / 8));
        double phi = 2 * orbital + phase0;
        double f = frequency(tau);
        double a = Math.pow(Math.PI * m * f, 2.0 / 3) * taper(tau);
        out[0] = a * (1 + cosIota * cosIota) / 2 * Math.cos(phi);
        out[1] = a * cosIota * Math.sin(phi);
    }

    /** Smooth switch-on over the first 0.2 s (or a tenth of the signal) and switch-off over the last two GW cycles. */
    private double taper(double tau) {
        double on = Math.min(0.2, 0.1 * (tauStart - tauEnd));
        double off = Math.min(2 / fIsco, 0.1 * (tauStart - tauEnd));
        double w = 1;
        if (tau > tauStart - on) {
            w *= 0.5 * (1 - Math.cos(Math.PI * (tauStart - tau) / on));
        }
        if (tau < tauEnd + off) {
            w *= 0.5 * (1 - Math.cos(Math.PI * (tau - tauEnd) / off));
        }
        return w;
    }
}
