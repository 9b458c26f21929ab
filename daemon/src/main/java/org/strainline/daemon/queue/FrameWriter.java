package org.strainline.daemon.queue;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.shm.RingThreads;

/**
 * The cleaned frame files, written off the stages' threads: a stage hands its second over (a copy
 * of its samples into a preallocated slot, no allocation) and goes on to the next, and one
 * background thread ({@code strainline-frames-1}, at the background priority) writes the files
 * in the order they came. The alert path never waits for a file to be written, and a slow disk
 * holds up only the files. A full ring (the disk stalled for as many seconds as it holds) drops
 * the file, counted in {@link CleanedFrames#dropped()} and logged at most once a minute; the
 * second is in the strain queue either way.
 */
public final class FrameWriter {
    private static final System.Logger LOG = System.getLogger(FrameWriter.class.getName());

    static final class Slot {
        CleanedFrames files;
        long gps;
        int flags;
        int rateHz;
        final FloatBuffer samples;

        Slot(int maxRateHz) {
            this.samples = ByteBuffer.allocateDirect(4 * maxRateHz).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }

    private static final EventTranslatorTwoArg<Slot, CleanedFrames, CleanedSecond> TRANSLATE = (slot, seq, files, s) -> {
        slot.files = files;
        slot.gps = s.gpsS();
        slot.flags = s.flags();
        slot.rateHz = s.rateHz();
        slot.samples.put(0, s.samples(), 0, s.rateHz());
    };

    private final RingThreads threads = new RingThreads("strainline-frames", false);
    private final Disruptor<Slot> disruptor;
    private final RingBuffer<Slot> ring;
    private final int maxRateHz;
    private volatile long droppedLoggedNs;

    /**
     * @param maxRateHz the highest sample rate of the seconds it will be handed
     * @param size      seconds the ring holds (a power of two)
     */
    public FrameWriter(int maxRateHz, int size) {
        this.maxRateHz = maxRateHz;
        this.disruptor = new Disruptor<>(() -> new Slot(maxRateHz), size, threads, ProducerType.MULTI, new BlockingWaitStrategy());
        this.ring = disruptor.getRingBuffer();
        EventHandler<Slot> write = (slot, seq, endOfBatch) -> slot.files.write(slot.gps, slot.flags, slot.samples, slot.rateHz);
        disruptor.handleEventsWith(write);
        disruptor.setDefaultExceptionHandler(new com.lmax.disruptor.ExceptionHandler<>() {
            @Override
            public void handleEventException(Throwable ex, long sequence, Slot slot) {
                LOG.log(System.Logger.Level.ERROR, "cleaned frames: writing GPS " + slot.gps + " failed: " + ex, ex);
            }

            @Override
            public void handleOnStartException(Throwable ex) {
                LOG.log(System.Logger.Level.ERROR, "cleaned frames: the writer did not start: " + ex, ex);
            }

            @Override
            public void handleOnShutdownException(Throwable ex) {
                LOG.log(System.Logger.Level.WARNING, "cleaned frames: the writer's shutdown: " + ex, ex);
            }
        });
    }

    public void start() {
        disruptor.start();
    }

    /**
     * Hands second {@code s} over to be written into {@code files} (any thread; returns at once).
     * False when the ring was full: the file is dropped and counted.
     */
    public boolean write(CleanedFrames files, CleanedSecond s) {
        if (s.rateHz() > maxRateHz) {
            return files.write(s);   // more samples than a slot holds: here, on the caller's thread
        }
        if (ring.tryPublishEvent(TRANSLATE, files, s)) {
            return true;
        }
        files.countDropped();
        long now = System.nanoTime();
        if (droppedLoggedNs == 0 || now - droppedLoggedNs > 60_000_000_000L) {   // at most a line a minute
            droppedLoggedNs = now;
            LOG.log(System.Logger.Level.WARNING, "cleaned frames: the writer is " + ring.getBufferSize() + " s behind (the disk"
                    + " under " + files.directory() + " is slow); GPS " + s.gpsS() + " not written (" + files.dropped()
                    + " so far, counted in frames_total outcome dropped; the seconds stay in the strain queue; at most one line a minute)");
        }
        return false;
    }

    /** Seconds handed over and not yet written. */
    public long pending() {
        return ring.getCursor() - ring.getMinimumGatingSequence();
    }

    /**
     * Writes what was handed over (up to {@code drainMs}), then stops the writer and waits up to
     * 10 s for its thread. Returns whether every file handed over was written or failed.
     */
    public boolean stop(long drainMs) {
        return threads.stop(disruptor, drainMs, 10_000);
    }
}
