package org.strainline.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events from the statistic: the peak of a second, one-second wait when the peak is last, the refractory period, restarts, per-IFO backgrounds. */
class ClustererTest {
    private static final long S = 1_000_000_000L;
    private static final long G = 1_400_000_000L * S;
    private final Background bg = new Background(1000, new double[] {0.0, 1.0, 2.0});   // threshold at FAR 1e-3: just above 1.0 (one value, 2.0, may lie above it)
    private final List<long[]> events = new ArrayList<>();

    private Clusterer c(long lastEvent) {
        return new Clusterer(bg, 1e-3, 8, lastEvent, (ns, stat, far, ifos, pub, mtime) -> events.add(new long[] {ns, (long) stat, ifos}));
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

    @Test
    void secondsSearchedWithOneIfoAreJudgedAgainstThatIfosBackgroundAndNeverWithoutOne() {
        Background h1 = new Background(1000, new double[] {0.0, 5.0, 6.0});   // H1 alone: threshold just above 5.0 (the network's: above 1.0)
        Clusterer c = new Clusterer(bg, h1, null, 1e-3, 8, Long.MIN_VALUE,
                (ns, stat, far, ifos, pub, mtime) -> events.add(new long[] {ns, (long) stat, ifos, Math.round(far * 1e6)}));
        assertEquals(Math.nextUp(5.0), c.threshold(BbhnetStage.H1));
        assertEquals(Double.POSITIVE_INFINITY, c.threshold(BbhnetStage.L1));
        c.beginSecond(G / S, BbhnetStage.H1);
        second(c, 0, 1, 5, 1, 1);
        assertEquals(0, events.size(), "5 is above the network's threshold, not above H1's own");
        c.beginSecond(G / S + 20, BbhnetStage.H1);
        second(c, 20, 1, 9, 1, 1);
        assertEquals(1, events.size());
        assertEquals(BbhnetStage.H1, events.get(0)[2]);
        assertEquals(Math.round(h1.far(9) * 1e6), events.get(0)[3], "the FAR from H1's background");
        c.beginSecond(G / S + 40, BbhnetStage.L1);
        second(c, 40, 1, 99, 1, 1);
        assertEquals(1, events.size(), "L1 alone has no background: no event");
        c.beginSecond(G / S + 60, BbhnetStage.BOTH);
        second(c, 60, 1, 3, 1, 1);
        assertEquals(2, events.size());
        assertEquals(BbhnetStage.BOTH, events.get(1)[2]);
    }

    @Test
    void aCandidateWaitingForItsNextSecondIsDecidedWhenTheSearchStopsOrChanges() {
        Clusterer c = c(Long.MIN_VALUE);
        c.beginSecond(G / S, BbhnetStage.BOTH);
        second(c, 0, 1, 3, 4, 6);
        assertEquals(0, events.size());
        c.beginSecond(G / S + 1, 0);   // the search stops (a gap)
        assertEquals(1, events.size(), "decided at once, not when the search resumes");
        assertEquals(G + 3 * S / 4, events.get(0)[0]);
        assertEquals(BbhnetStage.BOTH, events.get(0)[2], "with the IFOs it was found over");
        c.beginSecond(G / S + 100, BbhnetStage.BOTH);
        second(c, 100, 1, 1, 1, 7);
        c.beginSecond(G / S + 101, BbhnetStage.H1);   // no H1 background here: the carried one still fires as the network's
        assertEquals(2, events.size());
        assertEquals(BbhnetStage.BOTH, events.get(1)[2]);
    }
}
