package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.EventHandler;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.strainline.gwf.Compression;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfWriter;

/**
 * The ingest thread allocates nothing per frame in steady state: a writer thread produces 12,000
 * realistic H1 seconds (strain 16384 Hz and the state vector in one stream, 21 witnesses at
 * 1024 Hz in the other) into real tmpfs directories; ingest sees them through inotify, maps,
 * decodes, joins and publishes them into the ring; the bytes the ingest thread allocated over the
 * last 10,000 seconds are measured with {@link com.sun.management.ThreadMXBean}.
 */
class IngestAllocationIT {
    private static final long G = 1_400_000_000L;
    private static final int WARMUP = 2_000;
    private static final int MEASURED = 10_000;

    @Test
    void theIngestThreadAllocatesNothingPerFrame() throws Exception {
        for (ReadMode mode : ReadMode.values()) {
            run(mode);
        }
    }

    private void run(ReadMode mode) throws Exception {
        TestStreams ts = TestStreams.h1();
        Path root = TestStreams.tmpfsDir("strainline-alloc");
        Path strainDir = Files.createDirectories(root.resolve("kafka/H1"));
        Path witnessDir = Files.createDirectories(root.resolve("lldetchar/H1"));
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AtomicLong published = new AtomicLong();
        AtomicLong bad = new AtomicLong();
        EventHandler<FrameEvent> consumer = (e, seq, end) -> {
            if (e.flags() != 0 || e.channel(0).get(1) != TestStreams.value(G, 0, 1)) {   // every second holds the samples of G
                bad.incrementAndGet();
            }
            published.incrementAndGet();
        };
        IngestConfig cfg = IngestConfig.builder(List.of(ts.spec(strainDir, witnessDir)))
                .watchMode(StreamWatcher.Mode.INOTIFY).readMode(mode).build();
        // the channels, made once: every second reuses them, only the frame header changes
        Frame s0 = ts.strainFrame(G, 3);
        Frame w0 = ts.witnessFrame(G);
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        int total = WARMUP + MEASURED;
        long[] allocatedAt = new long[2];
        try (Ingest ingest = new Ingest(cfg)) {
            ingest.ring("H1").handleEventsWith(consumer);
            ingest.start();
            long tid = ingest.thread().getId();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < total; i++) {
                        long g = G + i;
                        while (published.get() < i - 16) {
                            Thread.onSpinWait();   // stay a few seconds ahead of ingest, like a live stream
                        }
                        if (i == WARMUP) {
                            while (published.get() < WARMUP) {
                                Thread.onSpinWait();
                            }
                            allocatedAt[0] = mx.getThreadAllocatedBytes(tid);
                        }
                        write(strainDir, TestStreams.STRAIN_PREFIX, s0.restamped(g, 0));
                        write(witnessDir, TestStreams.WITNESS_PREFIX, w0.restamped(g, 0));
                        if (i >= 64) {   // retention, as the shared-memory partitions do it
                            Files.deleteIfExists(strainDir.resolve(FrameFileName.format(TestStreams.STRAIN_PREFIX, g - 64, 1)));
                            Files.deleteIfExists(witnessDir.resolve(FrameFileName.format(TestStreams.WITNESS_PREFIX, g - 64, 1)));
                        }
                    }
                } catch (Throwable t) {
                    writerFailed.set(t);
                }
            }, "frame-writer");
            writer.start();
            writer.join();
            assertEquals(null, writerFailed.get());
            long end = System.currentTimeMillis() + 60_000;
            while (published.get() < total && System.currentTimeMillis() < end) {
                Thread.sleep(1);
            }
            allocatedAt[1] = mx.getThreadAllocatedBytes(tid);
            assertEquals(total, published.get(), "every second published: " + ingest.summary());
            assertEquals(0, bad.get(), "every second clean and with its samples: " + ingest.summary());
            assertEquals(0, ingest.counters("H1").get(IngestCounter.INOTIFY_OVERFLOWS));
        } finally {
            TestStreams.delete(root);
        }
        long bytes = allocatedAt[1] - allocatedAt[0];
        System.out.println("ingest thread, " + mode + ": " + bytes + " bytes allocated over " + MEASURED + " frames");
        // any object allocated per frame would add >= 16 bytes per frame, i.e. >= 160,000 bytes
        assertTrue(bytes < MEASURED, mode + ": the ingest thread allocated " + bytes + " bytes over " + MEASURED
                + " frames (" + (double) bytes / MEASURED + " per frame)");
    }

    private static void write(Path dir, String prefix, Frame f) throws java.io.IOException {
        GwfWriter.toPath(dir.resolve(FrameFileName.format(prefix, f.gpsS(), 1)), ByteOrder.LITTLE_ENDIAN, Compression.RAW, f);
    }
}
