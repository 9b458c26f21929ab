package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strainline.gwf.Channel;
import org.strainline.gwf.Compression;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfWriter;
import org.strainline.gwf.Vect;

/** The watcher on a real directory (tmpfs under /dev/shm where there is one) with real frame files. */
class StreamWatcherIT {
    private static final String PREFIX = "H-H1_llhoft";
    private Path dir;
    private final List<Long> seen = new ArrayList<>();
    private final StreamWatcher.Listener record = (gps, dur, t) -> seen.add(gps);

    @BeforeEach
    void makeDir() throws IOException {
        Path shm = Paths.get("/dev/shm");
        dir = Files.createTempDirectory(Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir")),
                "strainline-watch");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A real 1-s frame, written atomically (temporary name, then rename) as the field's writers do. */
    private void frame(long gps) throws IOException {
        Frame f = new Frame("H1", 0, 0, gps, 0, 1.0)
                .addChannel(Channel.proc("H1:GDS-CALIB_STRAIN", Vect.of("H1:GDS-CALIB_STRAIN", new double[1024], 1024, 0, "")));
        GwfWriter.toPath(dir.resolve(FrameFileName.format(PREFIX, gps, 1)), ByteOrder.LITTLE_ENDIAN, Compression.RAW, f);
    }

    private int drain(StreamWatcher w, int rounds) throws IOException {
        int n = 0;
        for (int i = 0; i < rounds; i++) {
            n += w.poll(100, record);
        }
        return n;
    }

    @Test
    void inotifySeesAtomicRenamesInOrderAndIgnoresOtherNames() throws Exception {
        try (StreamWatcher w = new StreamWatcher(dir, PREFIX, StreamWatcher.Mode.INOTIFY, 50, -1)) {
            assertEquals(StreamWatcher.Mode.INOTIFY, w.mode());
            assertEquals(0, w.poll(10, record));
            for (long g = 1400000000L; g < 1400000005L; g++) {
                frame(g);
            }
            Files.writeString(dir.resolve("README.txt"), "not a frame");
            Files.writeString(dir.resolve("L-L1_llhoft-1400000010-1.gwf"), "another stream");
            drain(w, 3);
            assertEquals(List.of(1400000000L, 1400000001L, 1400000002L, 1400000003L, 1400000004L), seen);
            assertEquals(5, w.delivered());
            assertTrue(w.ignored() >= 2, "ignored " + w.ignored());
        }
    }

    /**
     * Writers that do not rename: inotify reports the file when it is closed. (A file found half
     * written by the start-up listing or by polling is the frame reader's to retry until its deadline.)
     */
    @Test
    void aFileStillBeingWrittenIsDeliveredOnlyWhenClosed() throws Exception {
        try (StreamWatcher w = new StreamWatcher(dir, PREFIX, StreamWatcher.Mode.INOTIFY, 50, -1)) {
            assertEquals(0, w.poll(10, record), "the start-up listing finds nothing");
            Path p = dir.resolve(FrameFileName.format(PREFIX, 1400000000L, 1));
            try (OutputStream os = Files.newOutputStream(p)) {
                os.write(new byte[] {'I', 'G', 'W', 'D', 0});
                os.flush();
                assertEquals(0, w.poll(200, record), "nothing while the writer holds the file open");
                os.write(new byte[100]);
            }
            assertEquals(1, drain(w, 2));
            assertEquals(List.of(1400000000L), seen);
        }
    }

    @Test
    void existingFilesAreFoundAtStartAfterTheStartGps() throws Exception {
        for (long g = 1400000000L; g < 1400000004L; g++) {
            frame(g);
        }
        try (StreamWatcher w = new StreamWatcher(dir, PREFIX, StreamWatcher.Mode.AUTO, 50, 1400000001L)) {
            drain(w, 1);
            assertEquals(List.of(1400000002L, 1400000003L), seen);
        }
    }

    @Test
    void symlinksLeavingTheDirectoryAndDirectoriesAreRefused() throws Exception {
        Path outside = Files.createTempFile("outside", ".gwf");
        try (StreamWatcher w = new StreamWatcher(dir, PREFIX, StreamWatcher.Mode.INOTIFY, 50, -1)) {
            Path tmp = dir.resolve(".link.tmp");
            Files.createSymbolicLink(tmp, outside);
            Files.move(tmp, dir.resolve(FrameFileName.format(PREFIX, 1400000000L, 1)), StandardCopyOption.ATOMIC_MOVE);
            Path d = dir.resolve(".d.tmp");
            Files.createDirectory(d);
            Files.move(d, dir.resolve(FrameFileName.format(PREFIX, 1400000001L, 1)), StandardCopyOption.ATOMIC_MOVE);
            frame(1400000002L);
            drain(w, 3);
            assertEquals(List.of(1400000002L), seen);
            assertEquals(2, w.refused());
        } finally {
            Files.delete(outside);
        }
    }

    @Test
    void pollingFallbackFindsTheNextFileAndStepsOverGaps() throws Exception {
        try (StreamWatcher w = new StreamWatcher(dir, PREFIX, StreamWatcher.Mode.POLL, 5, -1)) {
            assertEquals(StreamWatcher.Mode.POLL, w.mode());
            frame(1400000000L);
            drain(w, 2);
            frame(1400000001L);
            drain(w, 2);
            frame(1400000005L);   // seconds 2-4 missing
            for (int i = 0; i < 20 && seen.size() < 3; i++) {
                w.poll(50, record);
            }
            assertEquals(List.of(1400000000L, 1400000001L, 1400000005L), seen);
        }
    }

    @Test
    void autoModeFallsBackToPollingWithAReasonWhenInotifyFails() throws Exception {
        StreamWatcher.InotifyOpener failing = d -> {
            throw new IOException("inotify instances exhausted");
        };
        try (StreamWatcher w = new StreamWatcher(dir, PREFIX, StreamWatcher.Mode.AUTO, 5, -1, failing)) {
            assertEquals(StreamWatcher.Mode.POLL, w.mode());
            assertTrue(w.fallbackReason().contains("inotify instances exhausted"), w.fallbackReason());
            frame(1400000000L);
            drain(w, 2);
            assertEquals(List.of(1400000000L), seen);
        }
        assertThrows(IOException.class, () -> new StreamWatcher(dir, PREFIX, StreamWatcher.Mode.INOTIFY, 5, -1, failing));
    }

    @Test
    void anIdleInotifyWatcherUsesNoCpu() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (StreamWatcher w = new StreamWatcher(dir, PREFIX, StreamWatcher.Mode.INOTIFY, 50, -1)) {
            w.poll(10, record);
            long cpu = mx.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                assertEquals(0, w.poll(200, record));
            }
            long cpuMs = (mx.getCurrentThreadCpuTime() - cpu) / 1_000_000;
            long wallMs = (System.nanoTime() - wall) / 1_000_000;
            assertTrue(wallMs >= 900, "poll waited " + wallMs + " ms");
            assertTrue(cpuMs < 50, "idle watcher used " + cpuMs + " ms of CPU in " + wallMs + " ms");
        }
    }
}
