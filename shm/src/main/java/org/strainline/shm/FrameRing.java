package org.strainline.shm;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.ProducerType;

/**
 * The ring of one IFO: an LMAX Disruptor of preallocated {@link FrameEvent}s, one slot per GPS
 * second, with the ingest thread as its single producer. Seconds go in through a static,
 * non-capturing translator with {@code tryPublishEvent}: when the ring is full the second is
 * refused (the assembler counts it as dropped and flags the next one RESET) and ingest never
 * blocks. Consumers are added before {@link #start()}; each runs on its own thread under a
 * {@link CountingExceptionHandler}, so an exception is logged and counted and the consumer goes
 * on with the next second. Consumers wait with a blocking strategy by default: on a 1 Hz stream
 * a spinning consumer would only burn a core.
 *
 * <p>Allocation free in steady state: {@link #offer} copies the assembled second into the slot.
 */
public final class FrameRing implements FrameAssembler.SecondSink {
    private static final EventTranslatorOneArg<FrameEvent, FrameAssembler.Second> TRANSLATE =
            (event, sequence, second) -> event.copyFrom(second);

    private final String ifo;
    private final Disruptor<FrameEvent> disruptor;
    private final RingBuffer<FrameEvent> ring;
    private final CountingExceptionHandler exceptions;
    private final RingThreads threads;
    private boolean started;

    public FrameRing(IfoSpec spec, int size, IngestCounters counters) {
        this(spec, size, counters, new BlockingWaitStrategy());
    }

    public FrameRing(IfoSpec spec, int size, IngestCounters counters, WaitStrategy wait) {
        this.ifo = spec.ifo();
        this.threads = new RingThreads("strainline-" + spec.ifo() + "-consumer");
        this.disruptor = new Disruptor<>(() -> new FrameEvent(spec), size, threads, ProducerType.SINGLE, wait);
        this.exceptions = new CountingExceptionHandler(spec.ifo(), counters);
        disruptor.setDefaultExceptionHandler(exceptions);
        this.ring = disruptor.getRingBuffer();
    }

    public String ifo() {
        return ifo;
    }

    /** Adds a consumer that sees every second, on its own thread (before {@link #start()}). */
    public EventHandlerGroup<FrameEvent> handleEventsWith(EventHandler<FrameEvent> handler) {
        return disruptor.handleEventsWith(handler);
    }

    /** The Disruptor, for consumer graphs beyond {@link #handleEventsWith} (before {@link #start()}). */
    public Disruptor<FrameEvent> disruptor() {
        return disruptor;
    }

    public RingBuffer<FrameEvent> ringBuffer() {
        return ring;
    }

    public CountingExceptionHandler exceptionHandler() {
        return exceptions;
    }

    /** Where the consumer threads run (before {@link #start()}). */
    public void place(ThreadPlacement p) {
        threads.place(p);
    }

    /** Starts the consumer threads. */
    public synchronized void start() {
        if (!started) {
            started = true;
            disruptor.start();
        }
    }

    @Override
    public boolean offer(FrameAssembler.Second second) {
        return ring.tryPublishEvent(TRANSLATE, second);
    }

    @Override
    public boolean hasRoom() {
        return ring.remainingCapacity() > 0;
    }

    /** Free slots. */
    public long remainingCapacity() {
        return ring.remainingCapacity();
    }

    /**
     * Waits up to {@code timeoutMs} for the consumers to finish what was published, then stops
     * them and waits (up to 10 s) for their threads to leave their handlers. Returns false if they
     * did not finish in time (they are halted anyway; see {@link #consumersExited()}).
     */
    public synchronized boolean stop(long timeoutMs) {
        if (!started) {
            return true;
        }
        started = false;
        return threads.stop(disruptor, timeoutMs, 10_000);
    }

    /** Whether every consumer thread has left its handler (true before {@link #start()}). */
    public boolean consumersExited() {
        return threads.exited();
    }
}
