package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Real threads, real {@code /proc/self/task}, real {@code setpriority(2)}: the background threads
 * (a metrics thread, the JVM's compiler threads) go the given levels below the process, the data
 * path (threads that marked themselves as they started) and the VM thread keep the priority, each thread is changed once, and
 * threads started later are caught by the next pass.
 */
class BackgroundThreadsTest {
    private static final class Parked extends Thread {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile int tid;

        private final boolean dataPath;

        Parked(String name, boolean dataPath) {
            super(name);
            this.dataPath = dataPath;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                if (dataPath) {
                    BackgroundThreads.markDataPath();
                }
                tid = Integer.parseInt(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
                started.countDown();
                release.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        Parked begin() throws InterruptedException {
            start();
            started.await();
            return this;
        }
    }

    private static int nice() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    @Test
    void backgroundThreadsGoBelowTheProcessAndTheDataPathKeepsItsPriority() throws Exception {
        int base = nice();
        BackgroundThreads bg = new BackgroundThreads(5);
        Parked h1 = new Parked("strainline-H1-consumer-1", true).begin();
        Parked ingest = new Parked("strainline-L1-ingest", true).begin();
        Parked bbhnet = new Parked("strainline-bbhnet-1", true).begin();
        Parked metrics = new Parked("strainline-metrics-log", false).begin();
        Parked library = new Parked("HTTP-Dispatcher", false).begin();
        try {
            assertTrue(bg.apply() >= 2, "at least the two background threads lowered");
            for (Parked p : new Parked[] {h1, ingest, bbhnet}) {
                assertEquals(base, BackgroundThreads.niceOf(p.tid), p.getName() + " keeps the process's priority");
            }
            for (Parked p : new Parked[] {metrics, library}) {
                assertEquals(Math.min(19, base + 5), BackgroundThreads.niceOf(p.tid), p.getName() + " 5 levels below");
            }
            int compilers = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    int tid = Integer.parseInt(t.getFileName().toString());
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        compilers++;
                        assertEquals(Math.min(19, base + 5), BackgroundThreads.niceOf(tid), "the JIT compiler thread " + tid);
                    }
                    if (comm.equals("VM Thread")) {
                        assertEquals(base, BackgroundThreads.niceOf(tid), "the VM thread runs safepoints: the data path waits on it");
                    }
                }
            }
            assertTrue(compilers > 0, "this JVM has compiler threads");
            assertEquals(0, bg.apply(), "a thread is changed once");
            Parked later = new Parked("strainline-metrics-http", false).begin();
            try {
                assertEquals(1, bg.apply(), "a thread started since is caught by the next pass");
                assertEquals(Math.min(19, base + 5), BackgroundThreads.niceOf(later.tid));
            } finally {
                later.release.countDown();
            }
        } finally {
            for (Parked p : new Parked[] {h1, ingest, bbhnet, metrics, library}) {
                p.release.countDown();
            }
        }
    }

    @Test
    void theKernelNamesThatKeepThePriority() {
        for (String n : new String[] {"strainline-mode", "java", "main", "VM Thread", "GC Thread#0", "G1 Conc#0", "G1 Main Marker",
            "G1 Refine#0"}) {
            assertTrue(BackgroundThreads.keepsPriority(n), n);
        }
        for (String n : new String[] {"strainline-metr", "strainline-cloc", "strainline-reti", "C2 CompilerThre", "VM Periodic Tas",
            "G1 Service", "Monitor Deflati", "HTTP-Dispatcher", "main/disk~space"}) {
            assertFalse(BackgroundThreads.keepsPriority(n), n);
        }
        assertThrows(IllegalArgumentException.class, () -> new BackgroundThreads(0));
        assertThrows(IllegalArgumentException.class, () -> new BackgroundThreads(20));
    }
}
