package org.strainline.daemon.pipeline;

import com.lmax.disruptor.TimeoutBlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.concurrent.atomic.AtomicLong;
import org.strainline.shm.RingThreads;

/**
 * The ring from the DeepClean stages (one producer thread per IFO) to the BBHnet stage: a
 * multi-producer Disruptor of preallocated {@link StrainEvent}s, fed by a static translator with
 * {@code tryPublishEvent}. A full ring (BBHnet behind, as when the daemon catches up on a
 * backlog) holds the producer back for up to the given wait, so that the backlog is worked off in
 * step; past it the second is dropped (counted) rather than stall DeepClean for good.
 */
public final class StrainRing {
    private static final EventTranslatorTwoArg<StrainEvent, CleanedSecond, Integer> TRANSLATE = (e, seq, s, ifo) -> {
        e.ifo = ifo;
        e.gpsS = s.gpsS();
        e.flags = s.flags();
        e.inputPublishedNs = s.inputPublishedNs();
        e.fileMtimeUnixNs = s.fileMtimeUnixNs();
        e.takenFileMtimeUnixNs = s.takenFileMtimeUnixNs();
        e.engineNs = s.engineNs();
        e.offeredNs = System.nanoTime();
        e.samples.put(0, s.samples(), 0, s.rateHz());
    };

    private final RingThreads threads = new RingThreads("strainline-bbhnet");
    private final Disruptor<StrainEvent> disruptor;
    private final RingBuffer<StrainEvent> ring;
    private final AtomicLong dropped = new AtomicLong();
    private final Integer[] ifoIndex;

    public StrainRing(int rateHz, int size, int ifos) {
        this.disruptor = new Disruptor<>(() -> new StrainEvent(rateHz), size, threads, ProducerType.MULTI,
                // a wait that times out: the consumer hears of time passing (BBHnet's join budget)
                new TimeoutBlockingWaitStrategy(100, java.util.concurrent.TimeUnit.MILLISECONDS));
        this.ring = disruptor.getRingBuffer();
        this.ifoIndex = new Integer[ifos];
        for (int i = 0; i < ifos; i++) {
            ifoIndex[i] = i;
        }
    }

    public void handleEventsWith(EventHandler<StrainEvent> h) {
        disruptor.handleEventsWith(h);
    }

    /** Where the BBHnet thread ({@code strainline-bbhnet-N}) runs (before {@link #start()}). */
    public void place(org.strainline.shm.ThreadPlacement p) {
        threads.place(p);
    }

    public void start() {
        disruptor.start();
    }

    /** Offers a second of IFO {@code ifo}; false (and counted) when the ring is full. */
    public boolean offer(CleanedSecond s, int ifo) {
        return offer(s, ifo, 0);
    }

    /** Offers a second, waiting up to {@code maxWaitNs} for room; false (and counted) when there was none. */
    public boolean offer(CleanedSecond s, int ifo, long maxWaitNs) {
        long deadline = System.nanoTime() + maxWaitNs;
        while (!ring.tryPublishEvent(TRANSLATE, s, ifoIndex[ifo])) {
            if (System.nanoTime() - deadline >= 0) {
                dropped.incrementAndGet();
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        return true;
    }

    public RingBuffer<StrainEvent> ringBuffer() {
        return ring;
    }

    public long dropped() {
        return dropped.get();
    }

    /**
     * Lets the consumer finish what was published (up to {@code ms}), then stops it and waits up
     * to 10 s for its thread to leave the handler. Returns whether everything published was handled.
     */
    public boolean stop(long ms) {
        return threads.stop(disruptor, ms, 10_000);
    }

    /** Whether the consumer thread has left its handler. */
    public boolean consumerExited() {
        return threads.exited();
    }
}
