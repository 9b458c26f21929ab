package org.strainline.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events from the statistic: the peak of a second, one-second wait when the peak is last, the refractory period, restarts. */
class ClustererTest {
    private static final long S = 1_000_000_000L;
    private static final long G = 1_400_000_000L * S;
    private final Background bg = new Background(1000, new double[] {0.0, 1.0, 2.0});   // threshold at FAR 1e-3: above 2.0
    private final List<long[]> events = new ArrayList<>();

    private Clusterer c(long lastEvent) {
        return new Clusterer(bg, 1e-3, 8, lastEvent, (ns, stat, far, pub, mtime) -> events.add(new long[] {ns, (long) stat}));
    }

    /** One second of four values (at .25 s steps). */
    private static void second(Clusterer c, long sec, double... v) {
        for (int i = 0; i < v.length; i++) {
            c.accept(G + sec * S + i * S / 4, 0, v[i], true);
        }
        c.endOfSecond(G / S + sec, 0, 0);
    }

    @Test
    void theLoudestValueOfASecondAboveThresholdIsOneEvent() {
        Clusterer c = c(Long.MIN_VALUE);
        second(c, 0, 0, 1, 1, 0);
        second(c, 1, 1, 5, 3, 1);
        assertEquals(1, events.size());
        assertEquals(G + S + S / 4, events.get(0)[0]);
        assertEquals(5, events.get(0)[1]);
        second(c, 3, 9, 1, 1, 1);
        assertEquals(1, events.size(), "within the 8-s refractory period");
        second(c, 11, 1, 1, 7, 1);
        assertEquals(2, events.size(), "after it");
    }

    @Test
    void aPeakOnTheLastValueWaitsOneSecond() {
        Clusterer c = c(Long.MIN_VALUE);
        second(c, 0, 1, 3, 4, 6);
        assertEquals(0, events.size(), "still rising at the second's end");
        second(c, 1, 8, 5, 1, 1);
        assertEquals(1, events.size());
        assertEquals(G + S, events.get(0)[0], "the true peak, one second later");
        second(c, 20, 1, 1, 1, 6);
        second(c, 21, 1, 1, 1, 1);
        assertEquals(2, events.size());
        assertEquals(G + 20 * S + 3 * S / 4, events.get(1)[0], "the carried peak when it was the loudest");
    }

    @Test
    void aRestartedClustererNeverReportsAnEventAlreadyPublished() {
        Clusterer c = c(G + 5 * S);
        second(c, 6, 1, 9, 1, 1);
        assertEquals(0, events.size(), "the same signal seen again after a restart");
        second(c, 14, 1, 9, 1, 1);
        assertEquals(1, events.size());
    }
}
