package org.strainline.shm;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Lets the data path go first on a busy CPU: every thread of the process that is not on it (the
 * JVM's JIT compilers and periodic tasks, the metrics, library threads) runs {@code delta} nice
 * levels below the process (Linux applies a nice value to one thread). The data path (threads
 * that {@link #markDataPath marked} themselves as they started) and the threads it waits on
 * ({@link #keepsPriority}) keep the process's priority.
 *
 * <p>A background thread that wakes (a compilation, a scrape) on the CPU a DeepClean thread is
 * working on then takes a share of it in proportion to its weight (about a third at 5 levels, a
 * tenth at 10) instead of an equal share, and does not preempt it on waking. Raising a thread's
 * nice value needs no privilege. Threads are looked at by name in {@code /proc/self/task}; call
 * {@link #apply} again to catch threads started since (the JVM starts compiler threads on demand),
 * each thread is changed once.
 */
public final class BackgroundThreads {
    private static final System.Logger LOG = System.getLogger(BackgroundThreads.class.getName());

    private final int delta;
    /** The process's nice value, that of the thread that made this (before any was lowered); null if unknown. */
    private final Integer base;
    private final Set<Integer> seen = new HashSet<>();
    private boolean warned;

    /** @param delta nice levels below the process, 1..19 */
    public BackgroundThreads(int delta) {
        if (delta < 1 || delta > 19) {
            throw new IllegalArgumentException("a background nice value of 1..19 levels, got " + delta);
        }
        this.delta = delta;
        Integer b = null;
        try {
            b = niceOf(Path.of("/proc/thread-self/stat"));
        } catch (IOException | RuntimeException e) {
            warnOnce("cannot read the process's nice value: " + e.getMessage());
        }
        this.base = b;
    }

    /** The threads of the data path, by thread id: they said so as they started ({@link #markDataPath}). */
    private static final Set<Integer> DATA_PATH = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * On a thread of the data path as it starts (the ingest, DeepClean and BBHnet threads): it
     * keeps the process's priority. The kernel's thread names are cut at 15 characters, too short
     * to tell {@code strainline-H1-consumer-1} from a background thread, so the threads say it.
     */
    public static void markDataPath() {
        try {
            DATA_PATH.add(Integer.parseInt(Path.of("/proc/thread-self").toRealPath().getFileName().toString()));
        } catch (IOException | RuntimeException e) {
            // no /proc: nothing is lowered either
        }
    }

    /**
     * Whether a thread of this kernel name (cut at 15 characters) keeps the process's priority
     * whatever it is: the VM thread (safepoints) and the garbage collector's, which the data path
     * waits on; and the threads an engine may start for itself, which the kernel names after the
     * thread that loaded the engine: {@code java}/{@code main} at start, {@code strainline-models}
     * (the model watcher) at a hot swap.
     */
    public static boolean keepsPriority(String comm) {
        return comm.equals("java") || comm.equals("main") || comm.startsWith("strainline-mode")
                || comm.equals("VM Thread") || comm.startsWith("GC Thread") || comm.startsWith("G1 Conc")
                || comm.startsWith("G1 Main") || comm.startsWith("G1 Refine") || comm.startsWith("G1 Young");
    }

    /** The nice value of thread {@code tid} of this process (field 19 of its stat). */
    public static int niceOf(int tid) throws IOException {
        return niceOf(Path.of("/proc/self/task/" + tid + "/stat"));
    }

    private static int niceOf(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);   // fields from the state (3rd) on: nice is the 19th
    }

    /**
     * Lowers every background thread not changed before; returns how many were changed now. A
     * refusal is logged once (a placement of priorities is a preference, never a reason not to run).
     */
    public synchronized int apply() {
        if (base == null) {
            return 0;
        }
        int target = Math.min(19, base + delta);
        int n = 0;
        try {
            for (int tid : ThreadPlacement.threadIds()) {
                if (seen.contains(tid)) {
                    continue;
                }
                String name;
                try {
                    name = Files.readString(Path.of("/proc/self/task/" + tid + "/comm")).strip();
                } catch (IOException e) {
                    continue;   // ended in between
                }
                seen.add(tid);
                if (DATA_PATH.contains(tid) || keepsPriority(name)) {
                    continue;
                }
                try {
                    if (niceOf(tid) < target) {
                        LibC.setpriority(LibC.PRIO_PROCESS, tid, target);
                        n++;
                    }
                } catch (LastErrorException | IOException e) {
                    warnOnce("thread '" + name + "' (" + tid + ") not lowered to nice " + target + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            warnOnce("cannot list /proc/self/task: " + e.getMessage());
        } catch (UnsatisfiedLinkError e) {
            warnOnce("setpriority is not available here (" + e.getMessage() + ")");
        }
        return n;
    }

    private void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "cpus.backgroundNice: " + why + "; those threads keep the process's priority");
        }
    }

    /** The nice levels below the process. */
    public int delta() {
        return delta;
    }
}
