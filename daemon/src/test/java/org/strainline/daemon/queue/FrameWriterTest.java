package org.strainline.daemon.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.gwf.ChecksumPolicy;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfReader;

class FrameWriterTest {
    private static final long G = 1_400_000_000L;

    @TempDir
    Path tmp;

    private CleanedFrames frames(String ifo, int retain) throws Exception {
        return new CleanedFrames(tmp.resolve(ifo), ifo.charAt(0) + "-" + ifo + "_llhoft_cleaned", ifo + ":STRAIN_OUT",
                ifo + ":FLAGS", 4096, "strainline: test", retain);
    }

    private static void fill(CleanedSecond s, long gps, int flags) {
        s.set(gps, flags, "deepclean/1");
        for (int i = 0; i < 4096; i++) {
            s.samples().put(i, (float) Math.sin(0.001 * i + gps));
        }
    }

    private Path file(String ifo, long gps) {
        return tmp.resolve(ifo + "/" + ifo.charAt(0) + "-" + ifo + "_llhoft_cleaned-" + gps + "-1.gwf");
    }

    @Test
    void secondsHandedOverFromTwoStageThreadsAreEachWrittenOnceByTheWriterThread() throws Exception {
        CleanedFrames h1 = frames("H1", 300);
        CleanedFrames l1 = frames("L1", 300);
        Set<String> writers = ConcurrentHashMap.newKeySet();
        h1.timeWrites(ns -> writers.add(Thread.currentThread().getName()));
        l1.timeWrites(ns -> writers.add(Thread.currentThread().getName()));
        FrameWriter w = new FrameWriter(4096, 64);
        w.start();
        int n = 40;
        Thread[] stages = new Thread[2];
        for (int t = 0; t < 2; t++) {
            CleanedFrames f = t == 0 ? h1 : l1;
            String ifo = t == 0 ? "H1" : "L1";
            stages[t] = new Thread(() -> {
                CleanedSecond s = new CleanedSecond(ifo, 4096);   // one reused second, as a stage's
                for (long g = G; g < G + n; g++) {
                    fill(s, g, (int) (g - G) & 3);
                    while (!w.write(f, s)) {   // the writer is slower than this loop: wait for room, as a test may
                        Thread.onSpinWait();
                    }
                }
            }, "stage-" + ifo);
            stages[t].start();
        }
        for (Thread t : stages) {
            t.join(30_000);
        }
        assertTrue(w.stop(30_000), "drained at stop");
        assertEquals(n, h1.written());
        assertEquals(n, l1.written());
        assertEquals(Set.of("strainline-frames-1"), writers, "written on the writer's thread only");
        CleanedSecond want = new CleanedSecond("H1", 4096);
        for (String ifo : new String[] {"H1", "L1"}) {
            for (long g = G; g < G + n; g++) {
                Frame fr = new GwfReader(ChecksumPolicy.VERIFY).readFile(file(ifo, g)).frames().get(0);
                fill(want, g, 0);
                float[] samples = new float[4096];
                want.samples().get(0, samples);
                assertEquals(g, fr.gpsS());
                assertArrayEquals(samples, fr.channel(ifo + ":STRAIN_OUT").data().toFloats(), ifo + " GPS " + g);
                assertEquals((int) (g - G) & 3, ((int[]) fr.channel(ifo + ":FLAGS").data().toArray())[0], ifo + " GPS " + g);
            }
        }
    }

    @Test
    void aFullRingDropsTheFileCountedAndTheStageGoesOn() throws Exception {
        CleanedFrames h1 = frames("H1", 300);
        FrameWriter w = new FrameWriter(4096, 4);   // not started yet: nothing leaves the ring
        CleanedSecond s = new CleanedSecond("H1", 4096);
        for (long g = G; g < G + 6; g++) {
            fill(s, g, 0);
            assertEquals(g < G + 4, w.write(h1, s), "GPS " + g);
        }
        assertEquals(2, h1.dropped());
        assertEquals(4, w.pending());
        w.start();
        assertTrue(w.stop(30_000));
        assertEquals(4, h1.written());
        for (long g = G; g < G + 6; g++) {
            assertEquals(g < G + 4, Files.exists(file("H1", g)), "GPS " + g);
        }
    }

    @Test
    void handingOverAndWritingAllocateNothingPerSecond() throws Exception {
        CleanedFrames h1 = frames("H1", 20);
        FrameWriter w = new FrameWriter(4096, 64);
        w.start();
        CleanedSecond s = new CleanedSecond("H1", 4096);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long writerId = -1;
        long writerBefore = 0;
        long before = 0;
        int warm = 300;
        int n = 1000;
        for (int i = 0; i < warm + n; i++) {
            if (i == warm) {
                while (w.pending() > 0) {
                    Thread.onSpinWait();
                }
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().equals("strainline-frames-1")) {
                        writerId = t.getId();
                    }
                }
                writerBefore = mx.getThreadAllocatedBytes(writerId);
                before = mx.getCurrentThreadAllocatedBytes();
            }
            s.set(G + i, 0, "deepclean/1");
            while (w.pending() > 32) {   // within the ring: none dropped
                Thread.onSpinWait();
            }
            assertTrue(w.write(h1, s));
        }
        long handed = mx.getCurrentThreadAllocatedBytes() - before;
        while (w.pending() > 0) {
            Thread.onSpinWait();
        }
        long written = mx.getThreadAllocatedBytes(writerId) - writerBefore;
        assertTrue(w.stop(30_000));
        assertFalse(writerId < 0, "the writer thread is strainline-frames-1");
        assertTrue(handed < 1000, "bytes allocated handing over " + n + " seconds: " + handed);
        assertTrue(written < 1000, "bytes allocated by the writer for " + n + " files: " + written);
        assertEquals(warm + n, h1.written());
    }
}
