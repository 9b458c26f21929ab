package org.strainline.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WallClockTest {
    private static long instantNs() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Test
    void agreesWithTheSystemClockWithinAMillisecond() {
        for (int i = 0; i < 100; i++) {
            long before = instantNs();
            long now = WallClock.nowUnixNs();
            long after = instantNs();
            assertTrue(now >= before - 1_000_000 && now <= after + 1_000_000,
                    "WallClock " + now + " outside [" + before + ", " + after + "] by more than 1 ms");
        }
    }

    @Test
    void resolvesBelowTheMillisecond() {
        // a millisecond clock scaled to ns ends in six zeros every time
        boolean fine = false;
        for (int i = 0; i < 20 && !fine; i++) {
            fine = WallClock.nowUnixNs() % 1_000_000L != 0;
        }
        assertTrue(fine, "every reading a whole millisecond");
    }

    @Test
    void convertsANanoTimeReadingAsNowDoes() {
        long nano = System.nanoTime();
        long unix = WallClock.unixNs(nano);
        long now = WallClock.nowUnixNs();
        assertTrue(now >= unix && now - unix < 50_000_000L, "unixNs(nanoTime) then nowUnixNs: " + unix + ", " + now);
        WallClock.recalibrate();
        assertTrue(Math.abs(WallClock.nowUnixNs() - instantNs()) < 1_000_000L, "after recalibration");
    }
}
