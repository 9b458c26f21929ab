package org.strainline.kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Resampling by an integer factor of 4 or more in two stages, one sharp and one wide, with the
 * response and the delay of the one-stage {@link Resampler} and a third to a half of its work.
 *
 * <p><b>Why.</b> The one-stage filter's transition band is a tenth of the lower Nyquist frequency
 * wide at the highest rate, so its length grows with the factor: 512 → 4096 Hz takes 916 taps,
 * 115 products per output. Only a factor of 2 needs the sharp edge: interpolating, the input is
 * first doubled in rate by the sharp filter (the images it leaves start one input rate and a half
 * up, past a wide transition band), then raised the rest of the way by a short filter; decimating,
 * a short filter first halves the rate (removing what would alias into the final band) and the
 * sharp one then decimates to the output rate. 512 → 4096: 221 taps at 1024 Hz, then 49 at
 * 4096 Hz: 123 products for 8 outputs where one stage takes 916. 16384 → 4096: 25 taps (at 8192
 * outputs) and 221 (at 4096): 1.1 M products a second instead of 1.9 M.
 *
 * <p><b>Design</b> (Kaiser windows, {@link Fir}). The sharp stage has the one-stage design's edges:
 * pass band to 0.9 × the lower Nyquist frequency {@code f_N}, stop band from {@code f_N}, cutoff
 * half-way. The wide stage passes to {@code f_N} and stops from the first frequency whose content
 * could land in the output band: interpolating by {@code U} from rate {@code 2 f_in}, the images at
 * {@code 2 f_in - f_N}; decimating from {@code f_in} to {@code f_in / 2}, the frequencies that
 * alias below {@code f_N}, from {@code f_in / 2 - f_N}. The taps are chosen so that the two delays
 * add up to the one-stage resampler's delay exactly (the models were trained on data aligned by it):
 * the wide stage the fewest taps that reach 90 dB and make the rest of the delay a whole number of
 * the sharp stage's samples, the sharp stage the rest. The sharp stage then gives ~87 dB (the
 * one-stage design 90 dB; ≥ 80 dB required), the wide one more than 90 dB. Where no such pair
 * reaches 85 dB, or the factor is not an even integer of at least 4, there is no two-stage design.
 *
 * <p>Allocation free; owned by one thread.
 */
public final class TwoStageResampler implements StreamResampler {
    /** The least attenuation either stage may have. */
    public static final double MIN_ATTENUATION_DB = 85;

    private final Resampler first;
    private final Resampler second;
    private final double[] mid;
    private final int delay;

    private TwoStageResampler(Resampler first, Resampler second, int maxBlock) {
        this.first = first;
        this.second = second;
        this.mid = new double[(int) ((long) maxBlock * first.up() / first.down()) + 2];
        this.delay = first.delaySamples() * second.up() / second.down() + second.delaySamples();
    }

    /**
     * The two-stage resampler for {@code inRateHz → outRateHz}, or null where there is none (a
     * factor that is not an even integer of at least 4, or no pair of stages within
     * {@link #MIN_ATTENUATION_DB} that keeps the one-stage delay).
     */
    public static TwoStageResampler design(int inRateHz, int outRateHz, int maxBlock) {
        boolean up = outRateHz > inRateHz;
        int factor = up ? outRateHz / inRateHz : inRateHz / outRateHz;
        if ((up ? outRateHz % inRateHz : inRateHz % outRateHz) != 0 || factor < 4 || factor % 2 != 0) {
            return null;
        }
        int target = new Resampler(inRateHz, outRateHz, maxBlock).delaySamples();
        double fN = Math.min(inRateHz, outRateHz) / 2.0;
        if (up) {
            int midRate = 2 * inRateHz;
            int u2 = outRateHz / midRate;
            // wide: midRate -> out at rate out, delay (n - 1) / 2 output samples
            double wideFs = outRateHz;
            double wideStop = midRate - fN;
            for (int nw = minTaps(fN, wideStop, wideFs); nw <= 4 * minTaps(fN, wideStop, wideFs); nw += 2) {
                int rest = target - (nw - 1) / 2;
                if (rest <= 0 || rest % u2 != 0) {
                    continue;
                }
                int ns = 2 * (rest / u2) + 1;   // sharp: in -> midRate at rate midRate, delay (n - 1) / 2 mid samples
                if (attenuation(ns, 0.1 * fN, midRate) < MIN_ATTENUATION_DB) {
                    return null;
                }
                double[] sharp = taps(ns, PASS * fN, fN, midRate);
                double[] wide = taps(nw, fN, wideStop, wideFs);
                return new TwoStageResampler(new Resampler(inRateHz, midRate, maxBlock, sharp),
                        new Resampler(midRate, outRateHz, maxBlock * 2 + 2, wide), maxBlock);
            }
            return null;
        }
        int midRate = inRateHz / 2;
        int d2 = midRate / outRateHz;
        // wide: in -> midRate at rate in, delay (n - 1) / 4 mid samples = (n - 1) / (4 d2) output samples
        double wideStop = midRate - fN;
        for (int nw = minTaps(fN, wideStop, inRateHz); nw <= 4 * minTaps(fN, wideStop, inRateHz); nw += 2) {
            if ((nw - 1) % (4 * d2) != 0) {
                continue;
            }
            int rest = target - (nw - 1) / (4 * d2);
            if (rest <= 0) {
                return null;
            }
            int ns = 2 * d2 * rest + 1;   // sharp: midRate -> out at rate midRate, delay (n - 1) / (2 d2) output samples
            if (attenuation(ns, 0.1 * fN, midRate) < MIN_ATTENUATION_DB) {
                return null;
            }
            double[] wide = taps(nw, fN, wideStop, inRateHz);
            double[] sharp = taps(ns, PASS * fN, fN, midRate);
            return new TwoStageResampler(new Resampler(inRateHz, midRate, maxBlock, wide),
                    new Resampler(midRate, outRateHz, maxBlock / 2 + 2, sharp), maxBlock);
        }
        return null;
    }

    private static final double PASS = Resampler.PASSBAND;

    /** The fewest taps (odd) a Kaiser low-pass needs for 90 dB over the band {@code [pass, stop]} at {@code fs}. */
    private static int minTaps(double pass, double stop, double fs) {
        return Fir.kaiserTaps(Resampler.ATTENUATION_DB, stop - pass, fs);
    }

    /** The attenuation a Kaiser low-pass of {@code n} taps reaches over a transition {@code width} wide at {@code fs}. */
    static double attenuation(int n, double width, double fs) {
        return 2.285 * (n - 1) * 2 * Math.PI * width / fs + 7.95;
    }

    /** {@code n} taps with the band edges {@code pass, stop} at {@code fs}: the cutoff half-way, the window for what {@code n} can reach. */
    private static double[] taps(int n, double pass, double stop, double fs) {
        return Fir.lowpass(n, (pass + stop) / 2, fs, Fir.kaiserBeta(attenuation(n, stop - pass, fs)));
    }

    /** The first stage (at {@code inRateHz}). */
    public Resampler first() {
        return first;
    }

    /** The second stage (to {@code outRateHz}). */
    public Resampler second() {
        return second;
    }

    @Override
    public int inRateHz() {
        return first.inRateHz();
    }

    @Override
    public int outRateHz() {
        return second.outRateHz();
    }

    @Override
    public int delaySamples() {
        return delay;
    }

    @Override
    public void reset() {
        first.reset();
        second.reset();
    }

    @Override
    public int outputsFor(int n) {
        return second.outputsFor(first.outputsFor(n));
    }

    @Override
    public int process(ByteBuffer in, int inIndex, int n, FloatBuffer out, int outIndex) {
        int k = first.process(in, inIndex, n, mid, 0);
        return second.process(mid, 0, k, out, outIndex);
    }

    @Override
    public int process(double[] in, int inOff, int n, double[] out, int outOff) {
        int k = first.process(in, inOff, n, mid, 0);
        return second.process(mid, 0, k, out, outOff);
    }
}
