package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.report.Published;

class DemoCommandTest {
    @Test
    void theLongestCleanedSpanSkipsRawGatedAndRepeatedSeconds() {
        int u = CleanedSecond.UNCLEANED;
        int g = CleanedSecond.GATED;
        int[] flags = {u, u, 0, 0, 0, g, 0, 0, 0, 0, 0, 0, u};
        int[] recs = {1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1};
        assertArrayEquals(new int[] {2, 5}, Published.longestCleaned(flags, recs), "a second published twice breaks a span too");
        recs[8] = 1;
        assertArrayEquals(new int[] {6, 12}, Published.longestCleaned(flags, recs));
        assertArrayEquals(new int[] {0, 0}, Published.longestCleaned(new int[] {u, u}, new int[] {1, 1}));
    }

    @Test
    @SuppressWarnings("unchecked")
    void injectionsComeAfterTheSearchStartsAndOutsideEachOthersRefractoryTime() {
        for (int duration : new int[] {110, 120, 600, 3600}) {
            DemoCommand c = new DemoCommand();
            c.duration = duration;
            c.start = 1_400_000_000L;
            List<Object> plan = c.plan();
            assertTrue(plan.size() >= 1, duration + " s: at least one injection");
            double prev = Double.NEGATIVE_INFINITY;
            for (Object o : plan) {
                double t = (Double) ((Map<String, Object>) o).get("gps") - c.start;
                assertTrue(t >= DemoCommand.FIRST_INJECTION_S && t <= duration - 9, duration + " s: injection at " + t);
                assertTrue(t - prev >= 16, duration + " s: 16 s apart at least");
                assertTrue((Double) ((Map<String, Object>) o).get("network_snr") >= 20);
                prev = t;
            }
        }
        DemoCommand ten = new DemoCommand();
        ten.duration = 600;
        ten.start = 1_400_000_000L;
        assertEquals(8, ten.plan().size(), "a handful in ten minutes");
    }
}
