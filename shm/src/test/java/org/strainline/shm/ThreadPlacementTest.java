package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CPU lists, and threads that pin themselves by name as they start (read back from the kernel). */
class ThreadPlacementTest {
    private static final Path SELF = Path.of("/proc/thread-self/status");

    /** The calling thread's CPUs as the kernel lists them in /proc (independent of {@link CpuSet#ofThread}). */
    private static String procCpus() throws Exception {
        for (String line : Files.readAllLines(SELF)) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        throw new AssertionError("no Cpus_allowed_list in " + SELF);
    }

    /** Starts a thread from {@code threads} that enters nothing else and reports its CPUs. */
    private static String cpusOfANewThread(RingThreads threads) throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread t = threads.newThread(() -> {
            try {
                seen.complete(procCpus() + " / " + CpuSet.ofThread(0));
            } catch (Throwable e) {
                seen.completeExceptionally(e);
            }
        });
        t.start();
        t.join(10_000);
        return seen.get(10, TimeUnit.SECONDS);
    }

    @Test
    void cpuListsParseInTheKernelsFormAndBadOnesAreRefusedWithTheReason() {
        assertEquals("0", CpuSet.parse("0").toString());
        assertEquals("0,2-5,7", CpuSet.parse("7, 2-4,5,0").toString(), "ranges collapsed, in order");
        assertEquals(6, CpuSet.parse("0,2-5,7").size());
        assertTrue(CpuSet.parse("2-3").within(CpuSet.parse("0-3")));
        assertFalse(CpuSet.parse("2-4").within(CpuSet.parse("0-3")));
        assertEquals("4", CpuSet.parse("2-4").minus(CpuSet.parse("0-3")).toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuSet.parse(" ")).getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuSet.parse("0;1")).getMessage()
                .contains("\"0;1\" is neither a CPU number nor a range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuSet.parse("3-1")).getMessage().contains("runs backwards"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuSet.parse("0,9000")).getMessage().contains("above 8191"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuSet.parse("1,")).getMessage().contains("neither"));
    }

    @Test
    void aRingsThreadPinsItselfToTheCpusOfItsNameAndOthersStayWhereTheyWere() throws Exception {
        assumeTrue(Files.exists(SELF), "no /proc/thread-self/status here (not Linux): CPU affinity is not read back");
        CpuSet allowed = CpuSet.ofThread(0);
        assertEquals(procCpus(), allowed.toString(), "sched_getaffinity agrees with the kernel's own list");
        // the highest CPU this process may use: with two or more, a set the thread would not have had
        String last = allowed.toString().replaceAll(".*[,-]", "");
        CpuSet one = CpuSet.parse(last);
        ThreadPlacement p = ThreadPlacement.builder().thread("strainline-H1-consumer-", "cpus.deepclean.H1", one).build();
        assertTrue(p.configured());

        RingThreads h1 = new RingThreads("strainline-H1-consumer");
        h1.place(p);
        assertEquals(last + " / " + last, cpusOfANewThread(h1), "the consumer runs on CPU " + last + " only");

        RingThreads bbhnet = new RingThreads("strainline-bbhnet");
        bbhnet.place(p);
        assertEquals(allowed + " / " + allowed, cpusOfANewThread(bbhnet), "a thread without a setting keeps the process's CPUs");
        assertEquals(allowed.toString(), procCpus(), "the thread that made them is untouched");
    }

    @Test
    void aCpuThisProcessMayNotUseLeavesTheThreadWhereTheKernelPutsIt() throws Exception {
        assumeTrue(Files.exists(SELF), "no /proc/thread-self/status here (not Linux): CPU affinity is not read back");
        CpuSet allowed = CpuSet.ofThread(0);
        assumeTrue(!allowed.contains(CpuSet.MAX_CPU), "this process may use CPU " + CpuSet.MAX_CPU);
        ThreadPlacement p = ThreadPlacement.builder()
                .thread("strainline-ingest", "cpus.ingest", CpuSet.parse(String.valueOf(CpuSet.MAX_CPU))).build();
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            boolean pinned = p.enter();
            try {
                seen.complete(pinned + " " + procCpus());
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        }, "strainline-ingest");
        t.start();
        assertEquals("false " + allowed, seen.get(10, TimeUnit.SECONDS), "refused, and running on the CPUs it had");
    }

    @Test
    void withoutASettingNothingIsWrappedOrPinned() throws Exception {
        assertFalse(ThreadPlacement.NONE.configured());
        assertEquals(0, ThreadPlacement.NONE.placeProcess());
        assertFalse(ThreadPlacement.builder().build().configured());
    }
}
