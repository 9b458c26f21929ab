package org.strainline.shm;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The consumer threads of one Disruptor, named and remembered, so that stopping the ring can
 * wait for them to leave their handlers. {@code Disruptor.halt()} only asks the processors to
 * stop: a handler that is in the middle of a second (an inference in native code) goes on with
 * it, and whoever closes the engines or frees the buffers it uses must wait for that, or the
 * process dies in native code. {@link #stop} drains, halts past the drain budget, and joins.
 */
public final class RingThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger n = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final boolean dataPath;
    private volatile ThreadPlacement placement = ThreadPlacement.NONE;

    /** Threads named {@code prefix-1}, {@code prefix-2}, ..., on the data path (they keep the process's priority). */
    public RingThreads(String prefix) {
        this(prefix, true);
    }

    /**
     * Threads named {@code prefix-1}, {@code prefix-2}, ...; {@code dataPath} false: they are
     * background threads ({@link BackgroundThreads} lowers their priority).
     */
    public RingThreads(String prefix, boolean dataPath) {
        this.prefix = prefix;
        this.dataPath = dataPath;
    }

    /** The CPUs the threads started from now on pin themselves to, by their names. */
    public void place(ThreadPlacement p) {
        placement = p;
    }

    @Override
    public Thread newThread(Runnable r) {
        ThreadPlacement p = placement;
        Runnable body = () -> {
            if (dataPath) {
                BackgroundThreads.markDataPath();
            }
            if (p.configured()) {
                p.enter();
            }
            r.run();
        };
        Thread t = new Thread(body, prefix + "-" + n.incrementAndGet());
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    /** Whether every consumer thread has returned. */
    public boolean exited() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Lets the consumers finish what was published for up to {@code drainMs}, halts them past it,
     * then waits up to {@code exitMs} for every thread to leave its handler. Returns whether the
     * drain finished: false means seconds were left in the ring. {@link #exited()} says whether
     * the threads are gone.
     */
    public boolean stop(Disruptor<?> disruptor, long drainMs, long exitMs) {
        // drained when every consumer has passed the cursor (Disruptor.shutdown counts only the
        // consumers already running, so right after start() it would halt them with the ring full)
        RingBuffer<?> ring = disruptor.getRingBuffer();
        long drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMs);
        boolean drained;
        while (true) {
            if (ring.getMinimumGatingSequence() >= ring.getCursor()) {
                drained = true;
                break;
            }
            if (System.nanoTime() - drainDeadline >= 0) {
                drained = false;
                break;
            }
            LockSupport.parkNanos(1_000_000);
        }
        disruptor.halt();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(exitMs);
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return drained;
    }
}
