package org.strainline.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Overlap aggregation against the offline definition computed with numpy, for any batching. */
class OverlapAggregatorTest {
    private static final int K = 64;
    private static final int S = 8;
    private static final int W = 40;
    private static final long E0 = 1000;

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 56})
    void streamingEqualsTheOfflineMeanForAnyBatching(int latency) throws Exception {
        double[] pred = Npy.read("aggregate_predictions");
        double[] want = Npy.read("aggregate_L" + latency);
        FloatBuffer p = FloatBuffer.allocate(W * K);
        for (int i = 0; i < pred.length; i++) {
            p.put(i, (float) pred[i]);
        }
        Random r = new Random(latency);
        OverlapAggregator agg = new OverlapAggregator(K, S, latency);
        FloatBuffer out = FloatBuffer.allocate(want.length + 8);
        int n = 0;
        int w = 0;
        long first = Long.MIN_VALUE;
        while (w < W) {
            int batch = Math.min(W - w, 1 + r.nextInt(6));
            if (first == Long.MIN_VALUE) {
                first = E0 - latency - S;
            }
            assertEquals(w == 0 ? Long.MIN_VALUE : first + n, agg.nextOutput());
            n += agg.add(p, w * K, batch, E0 + (long) (w + batch - 1) * S, out, n);
            w += batch;
        }
        assertEquals(want.length, n);
        for (int i = 0; i < n; i++) {
            assertEquals(want[i], out.get(i), 1e-6, "sample " + (first + i));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2048})
    void deepCleanShapesReleaseOneStrideOfSamplesPerWindow(int latency) {
        OverlapAggregator agg = new OverlapAggregator(4096, 8, latency);
        FloatBuffer p = FloatBuffer.allocate(512 * 4096);
        for (int i = 0; i < p.capacity(); i++) {
            p.put(i, 1.5f);
        }
        FloatBuffer out = FloatBuffer.allocate(4096);
        for (int sec = 1; sec <= 3; sec++) {
            assertEquals(4096, agg.add(p, 0, 512, sec * 4096L, out, 0), "one second of windows releases one second");
            assertEquals(1.5f, out.get(4095));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 56})
    void provisionalSamplesAreTheMeansSoFarOfTheSamplesNotYetReleased(int latency) {
        OverlapAggregator agg = new OverlapAggregator(K, S, latency);
        FloatBuffer p = FloatBuffer.allocate(K);
        FloatBuffer out = FloatBuffer.allocate(K);
        FloatBuffer prov = FloatBuffer.allocate(K + 1);
        assertEquals(0, agg.provisional(prov, 0), "nothing before the first window");
        for (int w = 0; w < 20; w++) {
            for (int i = 0; i < K; i++) {
                p.put(i, w);   // window w predicts w everywhere
            }
            long end = E0 + (long) w * S;
            agg.add(p, 0, 1, end, out, 0);
            long next = agg.nextOutput();
            assertEquals(end - latency, next);
            assertEquals(latency, agg.provisional(prov, 1), "window " + w);
            for (int k = 0; k < latency; k++) {
                long t = next + k;
                double sum = 0;
                int c = 0;
                for (int v = 0; v <= w; v++) {
                    long e = E0 + (long) v * S;
                    if (t >= e - K && t < e) {
                        sum += v;
                        c++;
                    }
                }
                assertEquals(sum / c, prov.get(1 + k), 1e-6, "window " + w + ", sample " + t);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void discontinuitiesAndImpossibleLatenciesAreRefused() {
        OverlapAggregator agg = new OverlapAggregator(K, S, 8);
        FloatBuffer p = FloatBuffer.allocate(2 * K);
        FloatBuffer out = FloatBuffer.allocate(100);
        agg.add(p, 0, 1, 100, out, 0);
        assertThrows(IllegalArgumentException.class, () -> agg.add(p, 0, 1, 120, out, 0));
        agg.reset();
        agg.add(p, 0, 1, 120, out, 0);
        assertThrows(IllegalArgumentException.class, () -> new OverlapAggregator(K, S, K - S + 1));
    }
}
