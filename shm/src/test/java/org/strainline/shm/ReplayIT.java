package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strainline.gwf.Channel;
import org.strainline.gwf.Compression;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfFile;
import org.strainline.gwf.GwfReader;
import org.strainline.gwf.GwfWriter;
import org.strainline.gwf.Vect;

/** The replay writer on real directories: layout, copies, splitting, restamping, retention, pacing, atomic writes. */
class ReplayIT {
    private static final long G = 1_400_000_000L;
    private final TestStreams ts = TestStreams.small();
    private Path src;
    private Path out;

    @BeforeEach
    void dirs() throws IOException {
        src = TestStreams.tmpfsDir("strainline-replay-src");
        out = TestStreams.tmpfsDir("strainline-replay-out");
    }

    @AfterEach
    void clean() throws IOException {
        TestStreams.delete(src);
        TestStreams.delete(out);
    }

    private Replay.Summary replay(Path from, double speed, boolean restamp, int retain) throws IOException {
        return new Replay(new Replay.Options(from, out, speed, restamp, retain)).run(null);
    }

    private List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aRecordedTreeIsReplayedAsItIsByteForByte() throws Exception {
        Path k = Files.createDirectories(src.resolve("kafka/H1"));
        Path d = Files.createDirectories(src.resolve("lldetchar/H1"));
        for (long g = G; g < G + 4; g++) {
            if (g == G + 2) {
                continue;    // a second missing from the recording stays missing
            }
            TestStreams.write(k, TestStreams.STRAIN_PREFIX, ts.strainFrame(g, 3));
            TestStreams.write(d, TestStreams.WITNESS_PREFIX, ts.witnessFrame(g));
        }
        Replay.Summary s = replay(src, Double.POSITIVE_INFINITY, false, 0);
        assertEquals(4, s.totalSeconds());
        assertEquals(6, s.filesWritten());
        assertEquals(6, s.filesCopied());
        assertEquals(List.of("H-H1_llhoft-1400000000-1.gwf", "H-H1_llhoft-1400000001-1.gwf", "H-H1_llhoft-1400000003-1.gwf"),
                names(out.resolve("kafka/H1")));
        assertEquals(3, names(out.resolve("lldetchar/H1")).size());
        assertArrayEquals(Files.readAllBytes(k.resolve("H-H1_llhoft-1400000001-1.gwf")),
                Files.readAllBytes(out.resolve("kafka/H1/H-H1_llhoft-1400000001-1.gwf")));
    }

    /**
     * Each file's modification time is the moment it was written, to well under a millisecond: not
     * the kernel's coarse clock, which stamps a write with the last tick (on a 250 Hz kernel 4-8 ms
     * before it) and gives every file written within one tick the same time.
     */
    @Test
    void eachFilesTimeIsWhenItWasWrittenNotTheKernelsLastTick() throws Exception {
        Path k = Files.createDirectories(src.resolve("kafka/H1"));
        for (long g = G; g < G + 20; g++) {
            TestStreams.write(k, TestStreams.STRAIN_PREFIX, ts.strainFrame(g, 3));
        }
        long before = instantNs();
        replay(src, Double.POSITIVE_INFINITY, false, 0);
        long after = instantNs();
        java.util.Set<Long> times = new java.util.TreeSet<>();
        long previous = before;
        for (String name : names(out.resolve("kafka/H1"))) {
            long t = Files.getLastModifiedTime(out.resolve("kafka/H1").resolve(name)).to(java.util.concurrent.TimeUnit.NANOSECONDS);
            assertTrue(t >= previous - 100_000 && t <= after,
                    name + ": modified at " + t + ", " + (previous - t) / 1e6 + " ms before the replay started or the file before it was written ("
                            + "the replay ran from " + before + " to " + after + ")");
            previous = t;
            times.add(t);
        }
        assertEquals(20, times.size(), "twenty files written one after another, twenty times");
    }

    private static long instantNs() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void flatFilesGoToKafkaOrLldetcharByTheirTag() throws Exception {
        TestStreams.write(src, TestStreams.STRAIN_PREFIX, ts.strainFrame(G, 3));
        TestStreams.write(src, TestStreams.WITNESS_PREFIX, ts.witnessFrame(G));
        replay(src, Double.POSITIVE_INFINITY, false, 0);
        assertEquals(List.of("H-H1_llhoft-1400000000-1.gwf"), names(out.resolve("kafka/H1")));
        assertEquals(List.of("H-H1_lldetchar-1400000000-1.gwf"), names(out.resolve("lldetchar/H1")));
        assertEquals("kafka/H1", Replay.defaultDir("H-H1_HOFT_C00"));
        assertEquals("lldetchar/L1", Replay.defaultDir("L-L1_lldetchar"));
    }

    @Test
    void longerFilesAndMultiFrameFilesAreSplitIntoOneSecondFrames() throws Exception {
        // one 4-s frame
        int rate = ts.strainRate;
        double[] h = new double[4 * rate];
        for (int i = 0; i < h.length; i++) {
            h[i] = i;
        }
        int[] sv = new int[4 * 16];
        java.util.Arrays.fill(sv, 3);
        Frame four = new Frame("H1", 0, 0, G, 0, 4.0)
                .addChannel(Channel.proc(TestStreams.STRAIN, Vect.of(TestStreams.STRAIN, h, rate, 0, "strain")))
                .addChannel(Channel.adc(TestStreams.STATE, Vect.of(TestStreams.STATE, sv, 16, 0, "")));
        Path k = Files.createDirectories(src.resolve("kafka/H1"));
        GwfWriter.toPath(k.resolve("H-H1_HOFT_C00-1400000000-4.gwf"), ByteOrder.BIG_ENDIAN, Compression.GZIP, four);
        // one file of two 1-s frames
        GwfWriter.toPath(k.resolve("H-H1_HOFT_C00-1400000004-2.gwf"), ByteOrder.LITTLE_ENDIAN, Compression.RAW,
                ts.strainFrame(G + 4, 3), ts.strainFrame(G + 5, 3));
        Replay.Summary s = replay(src, Double.POSITIVE_INFINITY, false, 0);
        assertEquals(6, s.filesSplit());
        assertEquals(6, names(out.resolve("kafka/H1")).size());
        for (int sec = 0; sec < 4; sec++) {
            GwfFile f = GwfReader.read(out.resolve("kafka/H1/H-H1_HOFT_C00-" + (G + sec) + "-1.gwf"));
            Frame fr = f.frames().get(0);
            assertEquals(G + sec, fr.gpsS());
            assertEquals(1.0, fr.durationS());
            double[] x = fr.channel(TestStreams.STRAIN).data().toDoubles();
            assertEquals(rate, x.length);
            assertEquals(sec * rate, x[0]);
            assertEquals(sec * rate + rate - 1, x[rate - 1]);
            assertEquals(16, fr.channel(TestStreams.STATE).data().toDoubles().length);
        }
        Frame f5 = GwfReader.read(out.resolve("kafka/H1/H-H1_HOFT_C00-1400000005-1.gwf")).frames().get(0);
        assertEquals(TestStreams.value(G + 5, 0, 3), f5.channel(TestStreams.STRAIN).data().toDoubles()[3]);
    }

    @Test
    void restampingShiftsEveryGpsTimeToNow() throws Exception {
        Path k = Files.createDirectories(src.resolve("kafka/H1"));
        for (long g = G; g < G + 3; g++) {
            TestStreams.write(k, TestStreams.STRAIN_PREFIX, ts.strainFrame(g, 3));
        }
        long before = GpsTime.nowS();
        Replay.Summary s = replay(src, Double.POSITIVE_INFINITY, true, 0);
        long after = GpsTime.nowS();
        assertTrue(s.firstGps() >= before - 1 && s.firstGps() <= after - 1, "first " + s.firstGps() + " now " + before);
        List<String> n = names(out.resolve("kafka/H1"));
        assertEquals(3, n.size());
        for (int i = 0; i < 3; i++) {
            Path p = out.resolve("kafka/H1").resolve(FrameFileName.format(TestStreams.STRAIN_PREFIX, s.firstGps() + i, 1));
            Frame f = GwfReader.read(p).frames().get(0);
            assertEquals(s.firstGps() + i, f.gpsS(), "the frame's own GPS time is restamped too");
            assertEquals(TestStreams.value(G + i, 0, 9), f.channel(TestStreams.STRAIN).data().toDoubles()[9], "data unchanged");
        }
    }

    @Test
    void filesOlderThanTheRetentionWindowAreDeleted() throws Exception {
        Path k = Files.createDirectories(src.resolve("kafka/H1"));
        for (long g = G; g < G + 10; g++) {
            TestStreams.write(k, TestStreams.STRAIN_PREFIX, ts.strainFrame(g, 3));
        }
        Replay.Summary s = replay(src, Double.POSITIVE_INFINITY, false, 3);
        assertEquals(7, s.filesDeleted());
        assertEquals(List.of("H-H1_llhoft-1400000007-1.gwf", "H-H1_llhoft-1400000008-1.gwf", "H-H1_llhoft-1400000009-1.gwf"),
                names(out.resolve("kafka/H1")));
    }

    @Test
    void pacingFollowsGpsTimeAtTheRequestedSpeed() throws Exception {
        Path k = Files.createDirectories(src.resolve("kafka/H1"));
        for (long g = G; g < G + 5; g++) {
            if (g != G + 2) {
                TestStreams.write(k, TestStreams.STRAIN_PREFIX, ts.strainFrame(g, 3));
            }
        }
        List<Long> deadlines = new ArrayList<>();
        long[] now = {1_000};
        Replay.Pacer manual = new Replay.Pacer() {
            @Override
            public long nanoTime() {
                return now[0];
            }

            @Override
            public void sleepUntil(long deadlineNs) {
                deadlines.add(deadlineNs - 1_000);
                now[0] = Math.max(now[0], deadlineNs);
            }
        };
        List<Long> written = new ArrayList<>();
        new Replay(new Replay.Options(src, out, 4, false, 0), manual).run(p -> written.add(p.filesWritten()));
        assertEquals(List.of(0L, 250_000_000L, 500_000_000L, 750_000_000L, 1_000_000_000L), deadlines,
                "one second of data every 1/4 s, the missing second's slot kept");
        assertEquals(List.of(1L, 2L, 2L, 3L, 4L), written);
    }

    @Test
    void aWatcherOfTheOutputOnlyEverSeesCompleteFiles() throws Exception {
        Path k = Files.createDirectories(src.resolve("kafka/H1"));
        for (long g = G; g < G + 20; g++) {
            TestStreams.write(k, TestStreams.STRAIN_PREFIX, ts.strainFrame(g, 3));
        }
        Files.createDirectories(out.resolve("kafka/H1"));
        List<Long> seen = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        try (StreamWatcher w = new StreamWatcher(out.resolve("kafka/H1"), TestStreams.STRAIN_PREFIX, StreamWatcher.Mode.INOTIFY, 10, -1)) {
            w.poll(0, (g, d, t) -> { });
            replay(src, 200, false, 0);
            for (int i = 0; i < 5; i++) {
                w.poll(50, (g, d, t) -> {
                    seen.add(g);
                    try {
                        GwfReader.read(w.path(g, d));
                    } catch (IOException e) {
                        bad.add(e.getMessage());
                    }
                });
            }
        }
        assertEquals(20, seen.size());
        assertEquals(List.of(), bad);
    }

    @Test
    void badOptionsAndEmptySourcesAreRefused() throws Exception {
        assertEquals(Double.POSITIVE_INFINITY, Replay.Options.parseSpeed("max"));
        assertEquals(10.0, Replay.Options.parseSpeed("10"));
        assertEquals("speed 'fast' is not a positive number or 'max'",
                assertThrows(IllegalArgumentException.class, () -> Replay.Options.parseSpeed("fast")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Replay.Options.parseSpeed("0"));
        IOException e = assertThrows(IOException.class, () -> replay(src, 1, false, 0));
        assertTrue(e.getMessage().startsWith("no frame files"), e.getMessage());
        TestStreams.write(src, "H-H1_llhoft", ts.strainFrame(968654552L, 3));
        e = assertThrows(IOException.class, () -> replay(src, 1, false, 0));
        assertTrue(e.getMessage().contains("before GPS 1000000000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Replay.Options(src, out, 1, true, G, 0));
    }
}
