package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.queue.StrainQueue;

/** {@code strainline tail} as a downstream reader runs it: following a queue from its end, and starting at a GPS time. */
class TailIT {
    private static final long G = 1_400_000_000L;
    private Path tmp;

    @BeforeEach
    void dir() throws Exception {
        tmp = Files.createTempDirectory("strainline-tail");
    }

    @AfterEach
    void clean() throws Exception {
        try (Stream<Path> s = Files.walk(tmp)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static CleanedSecond second(String ifo, long gps) {
        CleanedSecond s = new CleanedSecond(ifo, 16).set(gps, 0, "deepclean-h1/1");
        for (int i = 0; i < 16; i++) {
            s.samples().put(i, i);
        }
        return s;
    }

    @Test
    void followingFromTheEndPrintsOnlyWhatIsPublishedAfterItInOrderAsItComes() throws Exception {
        Path dir = tmp.resolve("strain");
        try (StrainQueue q = new StrainQueue(dir, "_DEEPCLEAN_PRODUCTION_OUT_DQ")) {
            for (long g = G; g < G + 3; g++) {
                q.append(second("H1", g), "H1:GDS-CALIB_STRAIN", 0);   // there before tail starts: not printed
            }
            Process p = Cli.command("tail", "--queue", "strain", "--dir", dir.toString(), "--from", "end", "--follow").start();
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        lines.add(l);
                    }
                } catch (java.io.IOException e) {
                    // the process ended
                }
            });
            reader.start();
            try {
                // one second at a time, as the daemon publishes them, until tail has printed five
                long g = G + 3;
                long end = System.currentTimeMillis() + 60_000;
                while (lines.stream().filter(l -> l.startsWith("{\"gps\": ")).count() < 5 && System.currentTimeMillis() < end) {
                    q.append(second("H1", g++), "H1:GDS-CALIB_STRAIN", 0);
                    Thread.sleep(100);
                }
                assertTrue(p.isAlive(), "--follow keeps waiting: " + lines);
                List<Long> seen = new ArrayList<>();
                synchronized (lines) {
                    for (String l : lines) {
                        if (l.startsWith("{\"gps\": ")) {
                            seen.add(Long.parseLong(l.substring(8, 18)));
                        }
                    }
                }
                assertTrue(seen.size() >= 5, "tail printed the new seconds: " + lines);
                assertTrue(seen.get(0) > G + 2, "nothing from before it started: " + seen);
                for (int i = 1; i < seen.size(); i++) {
                    assertEquals(seen.get(i - 1) + 1, seen.get(i), "in order, none skipped: " + seen);
                }
            } finally {
                p.destroy();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                reader.join(10_000);
            }
        }
    }

    @Test
    void alertsFromAGpsSecondStartThere() throws Exception {
        Path dir = tmp.resolve("alerts");
        try (AlertQueue q = new AlertQueue(dir, false)) {
            for (double t : new double[] {10.5, 20.5, 30.5}) {
                q.append(new AlertQueue.Alert((long) ((G + t) * 1e9), 12.0, 1e-6, "H1,L1",
                        "H1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ,L1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ", 0, 0));
            }
        }
        Cli.Result r = Cli.run("tail", "--queue", "alerts", "--dir", dir.toString(), "--from", Long.toString(G + 20));
        assertEquals(0, r.code(), r.out());
        List<String> lines = r.out().lines().filter(l -> l.startsWith("{\"gpstime\": ")).toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("{\"gpstime\": 1400000020.5"), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"gpstime\": 1400000030.5"), lines.get(1));
        Cli.Result bad = Cli.run("tail", "--queue", "alerts", "--dir", dir.toString(), "--from", "yesterday");
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.out().contains("--from yesterday: start, end or a 10-digit GPS second"), bad.out());
    }
}
