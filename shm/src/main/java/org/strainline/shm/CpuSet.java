package org.strainline.shm;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.BitSet;

/**
 * A set of CPUs in the kernel's list form ({@code 0}, {@code 2-3}, {@code 0,4-7}), and the Linux
 * calls that read and set a thread's CPU affinity ({@code sched_getaffinity},
 * {@code sched_setaffinity}). Immutable.
 */
public final class CpuSet {
    /** The highest CPU number a list may name (the mask passed to the kernel holds 8192 CPUs). */
    public static final int MAX_CPU = 8191;
    private static final int MASK_BYTES = (MAX_CPU + 1) / 8;

    private final BitSet cpus;

    private CpuSet(BitSet cpus) {
        this.cpus = cpus;
    }

    /**
     * Parses a CPU list: comma-separated CPU numbers and ranges {@code a-b}. Throws
     * IllegalArgumentException naming what is wrong.
     */
    public static CpuSet parse(String list) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("an empty CPU list (expected e.g. 0, 2-3 or 0,4-7)");
        }
        BitSet b = new BitSet();
        for (String part : list.split(",", -1)) {
            String p = part.trim();
            if (!p.matches("[0-9]{1,5}(-[0-9]{1,5})?")) {
                throw new IllegalArgumentException("not a CPU list: \"" + list + "\" (\"" + p
                        + "\" is neither a CPU number nor a range a-b; expected e.g. 0, 2-3 or 0,4-7)");
            }
            int dash = p.indexOf('-');
            int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
            int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1));
            if (hi < lo) {
                throw new IllegalArgumentException("not a CPU list: \"" + list + "\" (range " + p + " runs backwards)");
            }
            if (hi > MAX_CPU) {
                throw new IllegalArgumentException("CPU " + hi + " is above " + MAX_CPU + " in \"" + list + "\"");
            }
            b.set(lo, hi + 1);
        }
        return new CpuSet(b);
    }

    /** The CPUs that the thread {@code tid} (0: the calling thread) may run on. */
    public static CpuSet ofThread(int tid) throws IOException {
        byte[] mask = new byte[MASK_BYTES];
        try {
            LibC.sched_getaffinity(tid, mask.length, mask);
        } catch (LastErrorException | LinkageError e) {
            throw new IOException("sched_getaffinity: " + e.getMessage(), e);
        }
        return new CpuSet(BitSet.valueOf(mask));
    }

    /** Restricts the thread {@code tid} (0: the calling thread) to these CPUs. */
    public void applyTo(int tid) throws IOException {
        byte[] mask = java.util.Arrays.copyOf(cpus.toByteArray(), MASK_BYTES);
        try {
            LibC.sched_setaffinity(tid, mask.length, mask);
        } catch (LastErrorException | LinkageError e) {
            throw new IOException("sched_setaffinity to CPUs " + this + ": " + e.getMessage(), e);
        }
    }

    public boolean contains(int cpu) {
        return cpus.get(cpu);
    }

    /** Whether every CPU of this set is also in {@code other}. */
    public boolean within(CpuSet other) {
        BitSet b = (BitSet) cpus.clone();
        b.andNot(other.cpus);
        return b.isEmpty();
    }

    /** The CPUs of this set that are not in {@code other}. */
    public CpuSet minus(CpuSet other) {
        BitSet b = (BitSet) cpus.clone();
        b.andNot(other.cpus);
        return new CpuSet(b);
    }

    public int size() {
        return cpus.cardinality();
    }

    /** The kernel's list form, ranges collapsed: {@code 0,2-5}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = cpus.nextSetBit(0); i >= 0; ) {
            int end = cpus.nextClearBit(i) - 1;
            sb.append(sb.length() == 0 ? "" : ",").append(i);
            if (end > i) {
                sb.append('-').append(end);
            }
            i = cpus.nextSetBit(end + 1);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet c && c.cpus.equals(cpus);
    }

    @Override
    public int hashCode() {
        return cpus.hashCode();
    }
}
