package org.strainline.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The two-stage resampler: the one-stage response, band edges and delay, and its output, for less work. */
class TwoStageResamplerTest {
    /**
     * The cascade's gain from an input frequency to where it lands in the output: interpolating,
     * the sharp stage at twice the input rate and the wide one at the output rate, both at the
     * output frequency; decimating, the wide stage at the input frequency and the sharp one at its
     * alias after the first halving.
     */
    private static double gainDb(TwoStageResampler t, double f) {
        Resampler a = t.first();
        Resampler b = t.second();
        double fsA = (double) a.inRateHz() * a.up();
        double fsB = (double) b.inRateHz() * b.up();
        double g;
        if (t.outRateHz() > t.inRateHz()) {
            g = Fir.gain(a.taps(), f, fsA) * Fir.gain(b.taps(), f, fsB);
        } else {
            double half = a.outRateHz();
            double folded = f % half;
            folded = Math.min(folded, half - folded);
            g = Fir.gain(a.taps(), f, fsA) * Fir.gain(b.taps(), folded, fsB);
        }
        return 20 * Math.log10(g);
    }

    @ParameterizedTest
    @CsvSource({"16384, 4096", "16384, 2048", "512, 4096", "1024, 4096", "256, 4096"})
    void passBandFlatToATenthOfADecibelAndStopBandBelowMinus80DbThroughBothStages(int in, int out) {
        TwoStageResampler t = TwoStageResampler.design(in, out, in);
        assertNotNull(t, in + " -> " + out);
        double nyq = Math.min(in, out) / 2.0;
        double worstPass = 0;
        for (double f = 0; f <= 0.9 * nyq; f += nyq / 400) {
            worstPass = Math.max(worstPass, Math.abs(gainDb(t, f)));
        }
        assertTrue(worstPass <= 0.1, in + " -> " + out + ": pass-band deviation " + worstPass + " dB");
        // every frequency from the lower Nyquist frequency to the higher one: images (up) or aliases (down)
        double worstStop = -1000;
        for (double f = nyq; f <= Math.max(in, out) / 2.0; f += nyq / 400) {
            worstStop = Math.max(worstStop, gainDb(t, f));
        }
        assertTrue(worstStop <= -80, in + " -> " + out + ": stop-band gain " + worstStop + " dB");
    }

    @ParameterizedTest
    @CsvSource({"16384, 4096, 58", "16384, 2048, 58", "512, 4096, 464", "1024, 4096, 232"})
    void theDelayIsTheOneStageDelayAndTheDelayOfASine(int in, int out, int delay) {
        TwoStageResampler t = TwoStageResampler.design(in, out, in);
        assertEquals(delay, t.delaySamples());
        assertEquals(new Resampler(in, out, in).delaySamples(), t.delaySamples());
        ResamplerTest.assertASineComesOutDelayedBy(t, delay);
    }

    /**
     * A band-limited signal (40 sines below 0.8 x the lower Nyquist frequency) comes out as the one
     * stage gives it, to 3e-4 of its RMS: the two designs' pass-band ripples (~5e-5 each) apart.
     */
    @ParameterizedTest
    @CsvSource({"16384, 4096", "512, 4096", "1024, 4096"})
    void theOutputIsTheOneStageOutputInThePassBand(int in, int out) {
        int seconds = 6;
        double nyq = Math.min(in, out) / 2.0;
        Random r = new Random(in + 3L * out);
        double[] x = new double[seconds * in];
        for (int c = 0; c < 40; c++) {   // a sum of sines below 0.8 of the lower Nyquist frequency
            double f = 0.8 * nyq * r.nextDouble();
            double ph = 2 * Math.PI * r.nextDouble();
            for (int i = 0; i < x.length; i++) {
                x[i] += Math.sin(2 * Math.PI * f * i / in + ph);
            }
        }
        TwoStageResampler t = TwoStageResampler.design(in, out, in);
        Resampler one = new Resampler(in, out, in);
        double[] a = new double[seconds * out];
        double[] b = new double[seconds * out];
        for (int s = 0; s < seconds; s++) {
            t.process(x, s * in, in, a, s * out);
            one.process(x, s * in, in, b, s * out);
        }
        double rms = 0;
        double worst = 0;
        for (int m = 2 * out; m < seconds * out; m++) {
            rms += b[m] * b[m];
            worst = Math.max(worst, Math.abs(a[m] - b[m]));
        }
        rms = Math.sqrt(rms / ((seconds - 2) * out));
        assertTrue(worst < 3e-4 * rms, in + " -> " + out + ": largest difference " + worst + " against an RMS of " + rms);
    }

    @Test
    void anySplitOfTheStreamGivesTheSameOutput() {
        int in = 512;
        int out = 4096;
        Random r = new Random(9);
        double[] x = new double[5 * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        TwoStageResampler whole = TwoStageResampler.design(in, out, 5 * in);
        double[] want = new double[5 * out + 16];
        int nWant = whole.process(x, 0, x.length, want, 0);
        TwoStageResampler split = TwoStageResampler.design(in, out, 5 * in);
        double[] got = new double[5 * out + 16];
        int n = 0;
        for (int at = 0; at < x.length; ) {
            int len = Math.min(x.length - at, 1 + r.nextInt(300));
            assertEquals(split.outputsFor(len), n + split.outputsFor(len) - n);
            n += split.process(x, at, len, got, n);
            at += len;
        }
        assertEquals(nWant, n);
        for (int i = 0; i < n; i++) {
            assertEquals(want[i], got[i], 1e-12, "output " + i);
        }
    }

    @Test
    void onlyEvenFactorsOfAtLeastFourHaveATwoStageDesign() {
        assertNull(TwoStageResampler.design(2048, 4096, 2048));
        assertNull(TwoStageResampler.design(4096, 2048, 4096));
        assertNull(TwoStageResampler.design(16384, 5461, 16384));
        assertNull(TwoStageResampler.design(1000, 3000, 1000));
        assertTrue(StreamResampler.of(4096, 2048, 4096) instanceof Resampler);
        assertTrue(StreamResampler.of(512, 4096, 512) instanceof TwoStageResampler);
    }

    /** Products per output: the point of the two stages. */
    @ParameterizedTest
    @CsvSource({"512, 4096, 0.4", "16384, 4096, 0.65", "1024, 4096, 0.65"})
    void theTwoStagesTakeAFractionOfTheOneStagesProducts(int in, int out, double most) {
        TwoStageResampler t = TwoStageResampler.design(in, out, in);
        Resampler one = new Resampler(in, out, in);
        double products = (double) t.first().taps().length / t.first().up() * t.first().outRateHz()
                + (double) t.second().taps().length / t.second().up() * out;
        double oneProducts = (double) one.taps().length / one.up() * out;
        if (in > out) {   // decimating, every output meets all taps
            products = (double) t.first().taps().length * t.first().outRateHz() + (double) t.second().taps().length * out;
            oneProducts = (double) one.taps().length * out;
        }
        assertTrue(products <= most * oneProducts, in + " -> " + out + ": " + products + " products a second against " + oneProducts);
    }

    @Test
    void processingASecondAllocatesNothing() {
        ResamplerTest.assertASecondAllocatesNothing(StreamResampler.of(512, 4096, 512));
        ResamplerTest.assertASecondAllocatesNothing(StreamResampler.of(16384, 4096, 16384));
    }
}
