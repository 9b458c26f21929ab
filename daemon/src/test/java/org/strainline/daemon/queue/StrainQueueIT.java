package org.strainline.daemon.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.pipeline.CleanedSecond;

/** The strain queue on a real Chronicle Queue in a temporary directory: round trip and resuming after a reopen. */
class StrainQueueIT {
    private static void delete(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static CleanedSecond second(String ifo, long gps, int flags) {
        CleanedSecond s = new CleanedSecond(ifo, 64).set(gps, flags, flags == 0 ? "deepclean-h1/1" : null);
        for (int i = 0; i < 64; i++) {
            s.samples().put(i, (float) (gps % 1000 + i * 0.5));
        }
        return s;
    }

    @Test
    void theNewestSecondOfAnIfoSilentForLongIsFoundHoweverFarBack() throws Exception {
        Path dir = Files.createTempDirectory("strainline-queue");
        try {
            try (StrainQueue q = new StrainQueue(dir, "_DEEPCLEAN_PRODUCTION_OUT_DQ")) {
                for (long g = 1400000000L; g < 1400000010L; g++) {
                    q.append(second("H1", g, 0), "H1:GDS-CALIB_STRAIN", 0);
                    q.append(second("L1", g, 0), "L1:GDS-CALIB_STRAIN", 0);
                }
                for (long g = 1400000010L; g < 1400000510L; g++) {   // L1 down for 500 s, H1 publishing on
                    q.append(second("H1", g, 0), "H1:GDS-CALIB_STRAIN", 0);
                }
            }
            try (StrainQueue again = new StrainQueue(dir, "_DEEPCLEAN_PRODUCTION_OUT_DQ")) {
                assertEquals(Map.of("H1", 1400000509L, "L1", 1400000009L), again.lastGps(List.of("H1", "L1")),
                        "L1's last second 500 excerpts back: a restart must not publish its seconds again");
                assertEquals(Map.of("H1", 1400000509L, "L1", 1400000009L), again.lastGps(List.of("H1", "L1", "V1")),
                        "an IFO that never published: the scan stops at the queue's start");
            }
        } finally {
            delete(dir);
        }
    }

    @Test
    void appendingASecondAllocatesNothing() throws Exception {
        Path dir = Files.createTempDirectory("strainline-queue");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (StrainQueue q = new StrainQueue(dir, "_DEEPCLEAN_PRODUCTION_OUT_DQ")) {
            CleanedSecond s = new CleanedSecond("H1", 4096);
            for (int i = 0; i < 4096; i++) {
                s.samples().put(i, i * 1e-3f);
            }
            for (long g = 1400000000L; g < 1400000300L; g++) {   // warm: the appender, its first chunks
                s.set(g, 0, "deepclean-h1/1");
                q.append(s, "H1:GDS-CALIB_STRAIN", g);
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            for (long g = 1400000300L; g < 1400001300L; g++) {
                s.set(g, 0, "deepclean-h1/1");
                q.append(s, "H1:GDS-CALIB_STRAIN", g);
            }
            long bytes = mx.getCurrentThreadAllocatedBytes() - before;
            // 16 MB to disk, a new chunk mapped on the way (measured 2.4 kB); one object a second would be >= 16,000
            assertTrue(bytes < 4_000, "bytes allocated by 1000 seconds appended: " + bytes);
            assertEquals(1300, q.readAll().size());
        } finally {
            delete(dir);
        }
    }

    @Test
    void secondsRoundTripAndTheNewestPerIfoSurvivesAReopen() throws Exception {
        Path dir = Files.createTempDirectory("strainline-queue");
        try {
            try (StrainQueue q = new StrainQueue(dir, "_DEEPCLEAN_PRODUCTION_OUT_DQ")) {
                for (long g = 1400000000L; g < 1400000005L; g++) {
                    q.append(second("H1", g, 0), "H1:GDS-CALIB_STRAIN", 1_700_000_000_000_000_000L + g);
                    if (g < 1400000003L) {
                        q.append(second("L1", g, CleanedSecond.UNCLEANED), "L1:GDS-CALIB_STRAIN", 0);
                    }
                }
                List<StrainQueue.Record> all = q.readAll();
                assertEquals(8, all.size());
                StrainQueue.Record r = all.get(2);
                assertEquals("H1", r.ifo());
                assertEquals(1400000001L, r.gpsS());
                assertEquals("H1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ", r.channel());
                assertEquals(64, r.samples().length);
                assertEquals(1.0f + 63 * 0.5f, r.samples()[63]);
                assertEquals(CleanedSecond.UNCLEANED, all.get(1).flags());
                assertEquals(List.of("uncleaned"), StrainQueue.json(all.get(1), false).get("flags"));
            }
            try (StrainQueue again = new StrainQueue(dir, "_DEEPCLEAN_PRODUCTION_OUT_DQ")) {
                assertEquals(Map.of("H1", 1400000004L, "L1", 1400000002L), again.lastGps(List.of("H1", "L1")));
            }
        } finally {
            delete(dir);
        }
    }
}
