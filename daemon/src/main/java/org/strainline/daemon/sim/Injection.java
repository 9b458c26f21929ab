package org.strainline.daemon.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.strainline.kernels.Fft;

/**
 * One simulated binary-black-hole signal: source parameters, its projection into each
 * detector (antenna factors and arrival time at the coalescence, the Earth's rotation over the
 * few seconds of signal neglected), and the amplitude scale that gives the requested network
 * signal-to-noise ratio against the design PSD: {@code rho² = 4 ∫ |h̃(f)|² / S(f) df} from 20 Hz
 * to 8 kHz per detector, {@code rho_net² = Σ rho²}.
 */
public final class Injection {
    final long tcS;
    final double tcFrac;
    final double m1;
    final double m2;
    final double ra;
    final double dec;
    final double psi;
    final double iota;
    final double phase;
    final double networkSnr;
    final Chirp chirp;
    final List<Detector> detectors;
    final double[][] antenna;
    final double[] delay;
    final double[] snr;
    double scale = 1;

    Injection(double tcGps, double m1, double m2, double ra, double dec, double psi, double iota, double phase,
              double networkSnr, List<Detector> detectors) {
        this.tcS = (long) Math.floor(tcGps);
        this.tcFrac = tcGps - tcS;
        this.m1 = Math.max(m1, m2);
        this.m2 = Math.min(m1, m2);
        this.ra = ra;
        this.dec = dec;
        this.psi = psi;
        this.iota = iota;
        this.phase = phase;
        this.networkSnr = networkSnr;
        this.chirp = new Chirp(this.m1, this.m2, iota, phase);
        this.detectors = List.copyOf(detectors);
        double gmst = Detector.gmst(tcGps);
        this.antenna = new double[detectors.size()][];
        this.delay = new double[detectors.size()];
        for (int i = 0; i < detectors.size(); i++) {
            antenna[i] = detectors.get(i).antenna(ra, dec, psi, gmst);
            delay[i] = detectors.get(i).delay(ra, dec, gmst);
        }
        this.snr = new double[detectors.size()];
        scaleToSnr();
    }

    /** A random source with coalescence at {@code tcGps}: masses 20–50 Msun each, isotropic, network SNR in [snrLow, snrHigh]. */
    static Injection random(double tcGps, SplittableRandom r, double snrLow, double snrHigh, List<Detector> detectors) {
        double m1 = 20 + 30 * r.nextDouble();
        double m2 = 20 + 30 * r.nextDouble();
        double ra = 2 * Math.PI * r.nextDouble();
        double dec = Math.asin(2 * r.nextDouble() - 1);
        double psi = Math.PI * r.nextDouble();
        double iota = Math.acos(2 * r.nextDouble() - 1);
        double phase = 2 * Math.PI * r.nextDouble();
        double snr = snrLow + (snrHigh - snrLow) * r.nextDouble();
        return new Injection(tcGps, m1, m2, ra, dec, psi, iota, phase, snr, detectors);
    }

    /** The coalescence GPS time at the Earth's centre. */
    public double tcGps() {
        return tcS + tcFrac;
    }

    /** The network SNR. */
    public double networkSnr() {
        return networkSnr;
    }

    /** The coalescence GPS time at detector {@code i}. */
    public double gpsAt(int i) {
        return tcGps() + delay[i];
    }

    /** The SNR in detector {@code i}. */
    public double snr(int i) {
        return snr[i];
    }

    /** The first and last GPS second the signal touches in any detector. */
    long firstSecond() {
        return (long) Math.floor(tcGps() - chirp.tauStart() - 0.05);
    }

    long lastSecond() {
        return (long) Math.floor(tcGps() + 0.05);
    }

    /**
     * Detector {@code i}'s signal over GPS seconds {@code [fromGps, fromGps + seconds)} at
     * {@code fs}, added to {@code x[0 ..)} (the injected waveform, for matched filtering).
     */
    public void render(int i, long fromGps, int seconds, int fs, double[] x) {
        for (int g = 0; g < seconds; g++) {
            add(i, fromGps + g, fs, x, g * fs);
        }
    }

    /**
     * Adds detector {@code i}'s signal to {@code x[off .. off + fs)}, the samples of GPS second
     * {@code gps} at rate {@code fs}.
     */
    void add(int i, long gps, int fs, double[] x, int off) {
        if (gps < firstSecond() || gps > lastSecond()) {
            return;
        }
        double fp = antenna[i][0] * scale;
        double fx = antenna[i][1] * scale;
        double[] h = new double[2];
        // tau = (tc + delay) - t, kept in seconds relative to the coalescence second for precision
        double base = (tcS - gps) + tcFrac + delay[i];
        for (int k = 0; k < fs; k++) {
            double tau = base - (double) k / fs;
            if (tau <= chirp.tauEnd() || tau >= chirp.tauStart()) {
                continue;
            }
            chirp.strain(tau, h);
            x[off + k] += fp * h[0] + fx * h[1];
        }
    }

    /** Renders detector i's signal at 16384 Hz, computes its SNR, and scales to the network SNR. */
    private void scaleToSnr() {
        int fs = 16384;
        double span = chirp.tauStart() + 1;
        int n = org.strainline.kernels.Whitener.fastLength((int) Math.ceil(span * fs));
        Fft fft = new Fft(n);
        double[] re = new double[n];
        double[] im = new double[n];
        double[] h = new double[2];
        double total = 0;
        double[] raw = new double[detectors.size()];
        for (int i = 0; i < detectors.size(); i++) {
            java.util.Arrays.fill(re, 0);
            java.util.Arrays.fill(im, 0);
            for (int k = 0; k < n; k++) {
                double tau = chirp.tauStart() + 0.5 - (double) k / fs;   // delay does not change |h(f)|
                chirp.strain(tau, h);
                re[k] = antenna[i][0] * h[0] + antenna[i][1] * h[1];
            }
            fft.forward(re, im);
            double df = (double) fs / n;
            double s2 = 0;
            for (int k = 1; k < n / 2; k++) {
                double f = k * df;
                if (f < Chirp.F_START || f > 8000) {
                    continue;
                }
                double mag2 = (re[k] * re[k] + im[k] * im[k]) / ((double) fs * fs);
                s2 += 4 * mag2 / AligoPsd.psd(f) * df;
            }
            raw[i] = Math.sqrt(s2);
            total += s2;
        }
        scale = total > 0 ? networkSnr / Math.sqrt(total) : 0;
        for (int i = 0; i < raw.length; i++) {
            snr[i] = raw[i] * scale;
        }
    }

    /** The record of the injection list ({@code injections.json}). */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gps", tcGps());
        m.put("mass1", m1);
        m.put("mass2", m2);
        m.put("ra", ra);
        m.put("dec", dec);
        m.put("psi", psi);
        m.put("inclination", iota);
        m.put("phase", phase);
        m.put("network_snr", networkSnr);
        Map<String, Object> per = new LinkedHashMap<>();
        Map<String, Object> times = new LinkedHashMap<>();
        for (int i = 0; i < detectors.size(); i++) {
            per.put(detectors.get(i).name(), snr[i]);
            times.put(detectors.get(i).name(), tcGps() + delay[i]);
        }
        m.put("snr", per);
        m.put("gps_at", times);
        m.put("duration", chirp.duration());
        return m;
    }

    /** Injections from records as {@link #toJson()} writes them (at least gps, mass1, mass2, network_snr). */
    @SuppressWarnings("unchecked")
    static List<Injection> fromJson(Object parsed, List<Detector> detectors, SplittableRandom r) {
        List<Object> list = parsed instanceof Map ? (List<Object>) ((Map<String, Object>) parsed).get("injections")
                : (List<Object>) parsed;
        if (list == null) {
            throw new IllegalArgumentException("an injection file is a JSON array of objects (or {\"injections\": [...]})");
        }
        List<Injection> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> m = (Map<String, Object>) o;
            double gps = need(m, "gps");
            Injection rnd = random(gps, r, 10, 30, detectors);
            out.add(new Injection(gps, need(m, "mass1"), need(m, "mass2"), get(m, "ra", rnd.ra), get(m, "dec", rnd.dec),
                    get(m, "psi", rnd.psi), get(m, "inclination", rnd.iota), get(m, "phase", rnd.phase),
                    need(m, "network_snr"), detectors));
        }
        return out;
    }

    private static double need(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof Double)) {
            throw new IllegalArgumentException("injection " + m + ": '" + k + "' must be a number");
        }
        return (Double) v;
    }

    private static double get(Map<String, Object> m, String k, double dflt) {
        Object v = m.get(k);
        return v instanceof Double ? (Double) v : dflt;
    }
}
