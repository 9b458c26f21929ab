package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RingThreadsTest {
    private static Disruptor<long[]> ring(RingThreads threads, long handlerMs, AtomicInteger handled, AtomicInteger inside) {
        Disruptor<long[]> d = new Disruptor<>(() -> new long[1], 16, threads, ProducerType.SINGLE, new BlockingWaitStrategy());
        d.handleEventsWith((e, seq, end) -> {
            inside.incrementAndGet();
            Thread.sleep(handlerMs);   // an inference in native code, as far as stop() can tell
            handled.incrementAndGet();
            inside.decrementAndGet();
        });
        d.start();
        publish(d, 1);
        return d;
    }

    private static void publish(Disruptor<long[]> d, int n) {
        RingBuffer<long[]> rb = d.getRingBuffer();
        for (int i = 0; i < n; i++) {
            rb.publishEvent((e, seq, v) -> e[0] = v, (long) i);
        }
    }

    @Test
    void aStopPastTheDrainBudgetWaitsForTheHandlerInFlightToReturn() throws Exception {
        RingThreads threads = new RingThreads("test-ring");
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        Disruptor<long[]> d = ring(threads, 600, handled, inside);
        Thread.sleep(100);   // the first event is in its handler, the next three wait in the ring
        publish(d, 3);
        assertFalse(threads.exited());
        long t0 = System.nanoTime();
        boolean drained = threads.stop(d, 50, 10_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(drained, "four 600-ms events do not drain in 50 ms");
        assertTrue(threads.exited(), "the consumer thread returned before stop() did");
        assertEquals(0, inside.get(), "no handler still running once stop() returned");
        assertEquals(1, handled.get(), "the event in flight finished, the rest were left");
        assertTrue(ms < 5_000, "stopped after the event in flight, not after the whole ring: " + ms + " ms");
    }

    @Test
    void aStopWithinTheBudgetDrainsEverything() {
        RingThreads threads = new RingThreads("test-ring");
        AtomicInteger handled = new AtomicInteger();
        Disruptor<long[]> d = ring(threads, 10, handled, new AtomicInteger());
        publish(d, 3);
        assertTrue(threads.stop(d, 10_000, 10_000));
        assertEquals(4, handled.get());
        assertTrue(threads.exited());
    }

    @Test
    void threadsAreNamedAndDaemon() {
        RingThreads threads = new RingThreads("strainline-X1-consumer");
        Thread a = threads.newThread(() -> { });
        Thread b = threads.newThread(() -> { });
        assertEquals("strainline-X1-consumer-1", a.getName());
        assertEquals("strainline-X1-consumer-2", b.getName());
        assertTrue(a.isDaemon());
        assertTrue(threads.exited(), "threads never started have nothing to wait for");
    }
}
