package org.strainline.shm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which CPUs the daemon's threads run on (Linux CPU affinity), by thread name: a thread whose name
 * starts with a configured prefix pins itself as it starts ({@link #enter}), and every other
 * thread of the process can be pinned to one set ({@link #placeProcess}: the threads that exist at
 * that moment, the JVM's own among them; threads they start later inherit it).
 *
 * <p>A thread that is the pace of the pipeline (one IFO's DeepClean) given a CPU of its own is
 * never preempted by the ingest, BBHnet, the garbage collector or the compiler; on a host with
 * few cores that is worth a few per cent of throughput and the scheduler's milliseconds at each
 * second's start. A CPU this process may not use, or a system without the calls, leaves the
 * thread where the kernel puts it, with a warning that names the setting and the reason: a
 * placement is a preference, never a reason not to run.
 */
public final class ThreadPlacement {
    private static final System.Logger LOG = System.getLogger(ThreadPlacement.class.getName());

    /** No placement: every thread runs where the kernel puts it. */
    public static final ThreadPlacement NONE = new ThreadPlacement(Map.of(), null, null, null);

    private record Rule(String key, CpuSet cpus) {
    }

    private final Map<String, Rule> byPrefix;
    private final Rule others;
    /** The CPUs the process could use when the placement was made; null where that is unknown. */
    private final CpuSet allowed;
    private final String unavailable;

    private ThreadPlacement(Map<String, Rule> byPrefix, Rule others, CpuSet allowed, String unavailableWhy) {
        this.byPrefix = byPrefix;
        this.others = others;
        this.allowed = allowed;
        this.unavailable = unavailableWhy;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether any thread is placed. */
    public boolean configured() {
        return others != null || !byPrefix.isEmpty();
    }

    /** The CPUs for a thread of this name (null: not placed by name). */
    public CpuSet cpusFor(String threadName) {
        Rule r = ruleFor(threadName);
        return r == null ? null : r.cpus;
    }

    private Rule ruleFor(String threadName) {
        Rule best = null;
        int bestLength = -1;
        for (Map.Entry<String, Rule> e : byPrefix.entrySet()) {
            if (threadName.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
                best = e.getValue();
                bestLength = e.getKey().length();
            }
        }
        return best;
    }

    /**
     * On a thread as it starts: pins it to the CPUs configured for its name, if any. Returns
     * whether it was pinned; a refusal is logged with the setting and the reason.
     */
    public boolean enter() {
        String name = Thread.currentThread().getName();
        Rule r = ruleFor(name);
        return r != null && pin(0, name, r);
    }

    /**
     * Pins every thread of the process to the {@code others} set (the threads that exist now;
     * those they start later inherit it). Called before the threads placed by name start, which
     * then pin themselves to their own CPUs in {@link #enter}. Returns how many were pinned.
     */
    public int placeProcess() {
        if (others == null) {
            return 0;
        }
        if (!usable(others, "the process's threads")) {
            return 0;
        }
        int n = 0;
        String failure = null;
        try {
            for (int tid : threadIds()) {
                try {
                    others.cpus.applyTo(tid);
                    n++;
                } catch (IOException e) {
                    failure = e.getMessage();   // a thread that ended in between, most likely
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, others.key + ": the process's threads not pinned to CPUs " + others.cpus
                    + ": cannot list /proc/self/task: " + e.getMessage());
            return 0;
        }
        LOG.log(System.Logger.Level.INFO, "cpus: " + n + " thread(s) of the process (and the threads they start) on CPU(s) "
                + others.cpus + " (" + others.key + ")" + (failure == null ? "" : "; one or more refused: " + failure));
        return n;
    }

    /** The ids of this process's threads now ({@code /proc/self/task}). */
    static java.util.List<Integer> threadIds() throws IOException {
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    ids.add(Integer.parseInt(t.getFileName().toString()));
                } catch (NumberFormatException e) {
                    // not a thread's directory
                }
            }
        }
        return ids;
    }

    private boolean usable(Rule r, String who) {
        if (unavailable != null) {
            LOG.log(System.Logger.Level.WARNING, r.key + ": " + who + " not pinned to CPUs " + r.cpus + ": " + unavailable);
            return false;
        }
        if (allowed != null && !r.cpus.within(allowed)) {
            LOG.log(System.Logger.Level.WARNING, r.key + ": " + who + " not pinned: CPU(s) " + r.cpus.minus(allowed)
                    + " not available to this process (it may use " + allowed + "); it runs where the kernel puts it");
            return false;
        }
        return true;
    }

    private boolean pin(int tid, String name, Rule r) {
        if (!usable(r, name)) {
            return false;
        }
        try {
            r.cpus.applyTo(tid);
            LOG.log(System.Logger.Level.INFO, "cpus: " + name + " on CPU(s) " + r.cpus + " (" + r.key + ")");
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, r.key + ": " + name + " not pinned: " + e.getMessage()
                    + "; it runs where the kernel puts it");
            return false;
        }
    }

    public static final class Builder {
        private final Map<String, Rule> byPrefix = new LinkedHashMap<>();
        private Rule others;

        /** Threads whose names start with {@code namePrefix} run on {@code cpus}; {@code key} names the setting in messages. */
        public Builder thread(String namePrefix, String key, CpuSet cpus) {
            byPrefix.put(namePrefix, new Rule(key, cpus));
            return this;
        }

        /** Every other thread of the process runs on {@code cpus} (see {@link #placeProcess}). */
        public Builder others(String key, CpuSet cpus) {
            others = new Rule(key, cpus);
            return this;
        }

        /** The placement, with the CPUs the calling thread may use now taken as the process's. */
        public ThreadPlacement build() {
            if (byPrefix.isEmpty() && others == null) {
                return NONE;
            }
            CpuSet allowed = null;
            String why = null;
            try {
                allowed = CpuSet.ofThread(0);
            } catch (IOException e) {
                why = "CPU affinity is not available here (" + e.getMessage() + ")";
            }
            return new ThreadPlacement(Map.copyOf(byPrefix), others, allowed, why);
        }
    }
}
