package org.strainline.shm;

import com.lmax.disruptor.EventHandler;
import java.util.ArrayList;
import java.util.List;

/** A ring consumer that keeps a copy of what it saw, for integration tests. */
final class Collector implements EventHandler<FrameEvent> {
    /** One second as the consumer saw it. */
    record Seen(long gps, SecondKind kind, int flags, int[] channelFlags, double first, double last, double state,
                long detectedNs, long decodedNs, long publishedNs, long mtimeUnixNs) {
        boolean has(int f) {
            return (flags & f) != 0;
        }
    }

    private final List<Seen> seen = new ArrayList<>();
    private final long throwOnGps;
    private volatile java.util.concurrent.CountDownLatch gate;

    Collector() {
        this(-1);
    }

    /** A consumer that throws on one second (to show the ring goes on). */
    Collector(long throwOnGps) {
        this.throwOnGps = throwOnGps;
    }

    /** From now on every second waits in {@link #onEvent} until {@link #release()}: a consumer that has fallen behind. */
    void stall() {
        gate = new java.util.concurrent.CountDownLatch(1);
    }

    void release() {
        java.util.concurrent.CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        java.util.concurrent.CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        if (e.gpsS() == throwOnGps) {
            throw new IllegalStateException("consumer failure on " + throwOnGps);
        }
        int[] cf = new int[e.channelCount()];
        for (int i = 0; i < cf.length; i++) {
            cf[i] = e.channel(i).flags();
        }
        ChannelSlot s = e.channel(0);
        Seen x = new Seen(e.gpsS(), e.kind(), e.flags(), cf, s.get(0), s.get(s.samples() - 1),
                e.channelCount() > 1 ? e.channel(1).get(0) : 0, e.detectedNs(), e.decodedNs(), e.publishedNs(),
                e.fileMtimeUnixNs());
        synchronized (this) {
            seen.add(x);
            notifyAll();
        }
    }

    synchronized List<Seen> seen() {
        return new ArrayList<>(seen);
    }

    synchronized List<Long> gps() {
        List<Long> l = new ArrayList<>();
        for (Seen s : seen) {
            l.add(s.gps());
        }
        return l;
    }

    /** Waits until at least {@code n} seconds were seen (or the timeout passed); returns what was seen. */
    synchronized List<Seen> await(int n, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (seen.size() < n) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return new ArrayList<>(seen);
    }
}
