package org.strainline.daemon.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpectraTest {
    private static final int FS = 1024;
    private static final int N = 64 * FS;

    @Test
    void aLineReducedTenfoldReadsTenfoldAndTheRestOfTheBandOne() {
        SplittableRandom r = new SplittableRandom(3);
        double[] raw = new double[N];
        double[] cleaned = new double[N];
        for (int i = 0; i < N; i++) {
            double noise = r.nextDouble() - 0.5;
            double line = 50 * Math.sin(2 * Math.PI * 60 * i / FS);
            raw[i] = noise + line;
            cleaned[i] = noise + 0.1 * line;
        }
        Spectra s = Spectra.of(raw, cleaned, 0, N, FS);
        assertEquals(0.25, s.df(), 1e-12);
        assertEquals(10.0, s.reductionAt(60), 0.05);
        assertEquals(1.0, s.ratio(20, 400, 55, 65), 1e-9);
        assertEquals(10.0, 1 / s.ratio(59, 61), 1.0, "the band around the line, noise included, slightly under 10 x");
        double[] w = s.worst(20, 400, 59, 61);
        assertEquals(1.0, w[1], 1e-9, "nothing added anywhere else");
    }

    @Test
    void anOffsetSpanIsTheSpanAsked() {
        double[] raw = new double[N];
        double[] cleaned = new double[N];
        for (int i = 0; i < N; i++) {
            raw[i] = i < N / 2 ? 0 : Math.sin(2 * Math.PI * 100 * i / FS);
            cleaned[i] = i < N / 2 ? 1e-9 * Math.sin(2 * Math.PI * 100 * i / FS) : raw[i];
        }
        // the second half only: identical
        Spectra s = Spectra.of(raw, cleaned, N / 2, N / 2, FS);
        assertEquals(1.0, s.reductionAt(100), 1e-12);
    }
}
