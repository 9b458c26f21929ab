package org.strainline.daemon.sim;

import java.util.SplittableRandom;

/**
 * The environment one interferometer's witnesses see, as continuous functions of GPS time (so
 * every channel can be sampled at its own rate and the strain coupling sampled at 16384 Hz from the
 * same processes): the mains supply, a 60 Hz line with harmonics whose amplitude and phase wander
 * slowly, and angular-control (ASC) loop signals, each a sum of a few slow sinusoids below 10 Hz,
 * scaled to unit RMS. All parameters are drawn once from the seed. Immutable.
 */
public final class Environment {
    private static final int ASC_TERMS = 4;

    private final double[] ampF;
    private final double[] ampA;
    private final double[] ampP;
    private final double[] phF;
    private final double[] phA;
    private final double[] phP;
    private final double h3Phase;
    private final double h2Phase;
    private final double[][] ascF;
    private final double[][] ascA;
    private final double[][] ascP;

    /** @param ascChannels the number of ASC signals */
    public Environment(long seed, int ascChannels) {
        SplittableRandom r = new SplittableRandom(seed);
        ampF = new double[] {0.013 + 0.01 * r.nextDouble(), 0.071 + 0.05 * r.nextDouble()};
        ampA = new double[] {0.10, 0.05};
        ampP = new double[] {2 * Math.PI * r.nextDouble(), 2 * Math.PI * r.nextDouble()};
        phF = new double[] {0.005 + 0.005 * r.nextDouble(), 0.05 + 0.03 * r.nextDouble()};
        phA = new double[] {0.3, 0.1};
        phP = new double[] {2 * Math.PI * r.nextDouble(), 2 * Math.PI * r.nextDouble()};
        h3Phase = 2 * Math.PI * r.nextDouble();
        h2Phase = 2 * Math.PI * r.nextDouble();
        ascF = new double[ascChannels][ASC_TERMS];
        ascA = new double[ascChannels][ASC_TERMS];
        ascP = new double[ascChannels][ASC_TERMS];
        for (int j = 0; j < ascChannels; j++) {
            double ss = 0;
            for (int k = 0; k < ASC_TERMS; k++) {
                ascF[j][k] = Math.exp(Math.log(0.1) + r.nextDouble() * (Math.log(8.0) - Math.log(0.1)));
                ascA[j][k] = 1 / Math.sqrt(k + 1.0);
                ascP[j][k] = 2 * Math.PI * r.nextDouble();
                ss += ascA[j][k] * ascA[j][k] / 2;
            }
            for (int k = 0; k < ASC_TERMS; k++) {
                ascA[j][k] /= Math.sqrt(ss);
            }
        }
    }

    public int ascChannels() {
        return ascF.length;
    }

    /** {@code 2 pi (frequency x time)} of a sinusoid at GPS second {@code gps} plus {@code dt}, without losing precision to the large GPS time. */
    static double phase(double fHz, long gps, double dt) {
        double c = fHz * gps;
        double frac = c - Math.floor(c);
        return 2 * Math.PI * (frac + fHz * dt);
    }

    private double amplitude(long gps, double dt) {
        double a = 1;
        for (int k = 0; k < ampF.length; k++) {
            a += ampA[k] * Math.sin(phase(ampF[k], gps, dt) + ampP[k]);
        }
        return a;
    }

    private double wander(long gps, double dt) {
        double p = 0;
        for (int k = 0; k < phF.length; k++) {
            p += phA[k] * Math.sin(phase(phF[k], gps, dt) + phP[k]);
        }
        return p;
    }

    /** The 60 Hz mains line alone (the part that couples into the strain), at GPS {@code gps + dt}. */
    public double line60(long gps, double dt) {
        return amplitude(gps, dt) * Math.sin(2 * Math.PI * 60 * dt + wander(gps, dt));
    }

    /** What the mains monitor measures: the line and its 120 and 180 Hz harmonics. */
    public double mains(long gps, double dt) {
        double a = amplitude(gps, dt);
        double w = wander(gps, dt);
        return a * (Math.sin(2 * Math.PI * 60 * dt + w) + 0.05 * Math.sin(2 * Math.PI * 120 * dt + 2 * w + h2Phase)
                + 0.2 * Math.sin(2 * Math.PI * 180 * dt + 3 * w + h3Phase));
    }

    /** ASC signal {@code j} (unit RMS, mostly below 10 Hz) at GPS {@code gps + dt}. */
    public double asc(int j, long gps, double dt) {
        double s = 0;
        double[] f = ascF[j];
        double[] a = ascA[j];
        double[] p = ascP[j];
        for (int k = 0; k < f.length; k++) {
            s += a[k] * Math.sin(phase(f[k], gps, dt) + p[k]);
        }
        return s;
    }

    /** Frequencies of ASC signal {@code j}'s terms (for tests: where the coupling's sidebands are). */
    public double[] ascFrequencies(int j) {
        return ascF[j].clone();
    }
}
