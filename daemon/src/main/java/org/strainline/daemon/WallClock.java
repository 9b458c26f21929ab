package org.strainline.daemon;

import java.time.Instant;

/**
 * The wall clock (ns since the Unix epoch) to the nanosecond and without allocation, for the
 * latencies measured from a frame file's modification time: {@link System#nanoTime()} plus an
 * offset to the real-time clock. {@link System#currentTimeMillis()} would cut every such latency
 * to the millisecond below (half a millisecond of the measure on average, none of it in the
 * pipeline). The offset is measured at start-up and again by {@link #recalibrate()} (the daemon
 * does so every 10 s, so that a step of the system clock is followed); both clocks are slewed
 * alike by NTP, so between steps the offset holds.
 */
public final class WallClock {
    private static volatile long offsetNs = measure();

    private WallClock() {
    }

    /** Now, ns since the Unix epoch. */
    public static long nowUnixNs() {
        return System.nanoTime() + offsetNs;
    }

    /** A {@link System#nanoTime()} reading as ns since the Unix epoch. */
    public static long unixNs(long nanoTime) {
        return nanoTime + offsetNs;
    }

    /** Measures the offset again (allocates a little: not for the hot path). */
    public static void recalibrate() {
        offsetNs = measure();
    }

    /** The offset from the tightest of a few nanoTime / Instant.now() / nanoTime brackets. */
    private static long measure() {
        long best = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < 8; i++) {
            long a = System.nanoTime();
            Instant t = Instant.now();
            long b = System.nanoTime();
            if (b - a < best) {
                best = b - a;
                offset = t.getEpochSecond() * 1_000_000_000L + t.getNano() - (a + (b - a) / 2);
            }
        }
        return offset;
    }
}
