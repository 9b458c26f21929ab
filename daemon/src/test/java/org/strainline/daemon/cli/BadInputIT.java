package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.queue.StrainQueue;

/**
 * The daemon as a process over a replay with the faults of a real feed: two missing seconds, a
 * not-ready span, a corrupt strain file and a half-written one, and an L1 witness file that comes
 * long after its second (a late partner stream). It keeps running, publishes every second once
 * with the documented flags, counts each fault, and stops cleanly.
 */
class BadInputIT {
    private static final long G = 1_400_000_000L;
    private static final int N = 56;

    private static void damage(Path f, boolean truncate) throws Exception {
        byte[] b = Files.readAllBytes(f);
        if (truncate) {
            Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));   // a writer that died half-way
        } else {
            for (int i = b.length / 2; i < b.length / 2 + 100; i++) {
                b[i] ^= 0x5A;                                             // bits flipped in the strain vector
            }
            Files.write(f, b);
        }
    }

    @Test
    void faultsAreFlaggedAndCountedAndTheDaemonKeepsRunning() throws Exception {
        try (DaemonTree t = new DaemonTree("strainline-bad")) {
            Path src = t.tmp.resolve("src");
            assertEquals(0, Cli.run("simulate", "--out", src.toString(), "--start", Long.toString(G), "--duration",
                    Integer.toString(N), "--seed", "41", "--gaps", (G + 12) + "-" + (G + 13),
                    "--not-ready", (G + 20) + "-" + (G + 22)).code());
            damage(src.resolve("kafka/H1/H-H1_llhoft-" + (G + 27) + "-1.gwf"), false);
            damage(src.resolve("kafka/H1/H-H1_llhoft-" + (G + 31) + "-1.gwf"), true);
            String lateName = "L-L1_lldetchar-" + (G + 40) + "-1.gwf";
            Path held = t.tmp.resolve(lateName);
            Files.move(src.resolve("lldetchar/L1/" + lateName), held);   // held back: the replay goes on without it
            Path config = t.config(null);
            Path log = t.tmp.resolve("run.log");
            Process d = DaemonTree.daemon(config, log);
            DaemonTree.awaitLog(log, "strainline running", 60_000);
            assertEquals(0, Cli.run("replay", "--from", src.toString(), "--to", t.shm.toString(), "--speed", "8").code());
            t.awaitPublished(N - 1, 90_000);
            // the late partner file, seconds after its second was handed on without it (latenessMs 500)
            Path tmpLate = t.shm.resolve("lldetchar/L1/." + lateName + ".tmp");
            Files.copy(held, tmpLate);
            Files.move(tmpLate, t.shm.resolve("lldetchar/L1/" + lateName), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(1000);
            assertTrue(d.isAlive(), "still running after the faults: " + Files.readString(log));
            d.destroy();
            assertTrue(d.waitFor(30, TimeUnit.SECONDS));
            String text = Files.readString(log);
            assertEquals(0, d.exitValue(), text);
            Map<String, List<StrainQueue.Record>> m = t.published();
            for (String ifo : new String[] {"H1", "L1"}) {
                List<StrainQueue.Record> l = m.get(ifo);
                assertEquals(N, l.size(), ifo + ": one record per second, the missing ones too");
                for (int i = 0; i < N; i++) {
                    assertEquals(G + i, l.get(i).gpsS(), ifo + ": in order");
                }
                for (long g : new long[] {G + 12, G + 13}) {
                    assertTrue((l.get((int) (g - G)).flags() & CleanedSecond.INVALID) != 0, ifo + " " + g + ": the gap is INVALID");
                    assertTrue((l.get((int) (g - G)).flags() & CleanedSecond.GAP) != 0, ifo + " " + g + ": and flagged GAP");
                }
                for (long g = G + 20; g <= G + 22; g++) {
                    assertTrue((l.get((int) (g - G)).flags() & CleanedSecond.NOT_READY) != 0, ifo + " " + g + ": NOT_READY");
                }
                StrainQueue.Record after = l.get(N - 3);
                assertEquals(0, after.flags() & (CleanedSecond.UNCLEANED | CleanedSecond.INVALID), ifo + ": cleaning again after it all");
            }
            for (long g : new long[] {G + 27, G + 31}) {
                int flags = m.get("H1").get((int) (g - G)).flags();
                assertTrue((flags & CleanedSecond.INVALID) != 0, "H1 " + g + ": the damaged strain file leaves the second INVALID");
                assertEquals(0, flags & (CleanedSecond.LATE | CleanedSecond.GAP), "H1 " + g + ": damaged, neither late nor a gap");
                assertEquals(0, m.get("L1").get((int) (g - G)).flags() & CleanedSecond.INVALID, "L1 " + g + " is untouched");
            }
            // the counters, as the stop line reports them
            String h1 = text.substring(text.indexOf("strainline stopped: H1 "));
            h1 = h1.substring(0, h1.indexOf(';'));
            // not ready: the three of the span and the two missing ones, whose state is unknown;
            // invalid: the two missing and the two damaged; partial: the damaged, with only lldetchar
            for (String c : new String[] {" files_corrupt=2", " seconds_published=" + N, " seconds_gap=2", " seconds_not_ready=5",
                " seconds_invalid=4", " seconds_partial=2"}) {
                assertTrue(h1.contains(c), c + " in " + h1);
            }
            assertTrue(text.contains("H-H1_llhoft-" + (G + 27) + "-1.gwf") && text.contains("H-H1_llhoft-" + (G + 31) + "-1.gwf"),
                    "each damaged file named in the log: " + text);
            // the late partner: L1's second went on without its witnesses (PARTIAL, so INVALID for DeepClean: raw),
            // H1's is untouched, and the file that came later is counted late, not read into a second again
            int lateIdx = 40;
            assertTrue((m.get("L1").get(lateIdx).flags() & CleanedSecond.INVALID) != 0, "L1 " + (G + 40) + ": without its witnesses");
            assertTrue((m.get("L1").get(lateIdx).flags() & CleanedSecond.LATE) != 0, "L1 " + (G + 40) + ": flagged LATE");
            assertEquals(0, m.get("L1").get(lateIdx).flags() & CleanedSecond.GAP, "a late partner is not a gap");
            assertEquals(0, m.get("H1").get(lateIdx).flags() & CleanedSecond.INVALID, "H1 " + (G + 40) + " is untouched");
            String l1 = text.substring(text.indexOf("strainline stopped: H1 "));
            l1 = l1.substring(l1.indexOf("; L1 ") + 2, l1.indexOf('\n') < 0 ? l1.length() : l1.indexOf('\n'));
            for (String c : new String[] {" files_late=1", " seconds_published=" + N, " seconds_partial=1"}) {
                assertTrue(l1.contains(c), c + " in " + l1);
            }
        }
    }
}
