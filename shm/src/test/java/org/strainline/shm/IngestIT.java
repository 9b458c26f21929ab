package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strainline.gwf.Channel;
import org.strainline.gwf.Frame;
import org.strainline.gwf.Vect;

/**
 * The whole ingest on real directories (tmpfs where there is one), real inotify, real frame
 * files written by the real codec from the test thread as a writer, and a real ring consumer.
 * Each fault the field has seen gets its classification and counters checked, and the ingest
 * never throws.
 */
class IngestIT {
    private static final long G = 1_400_000_000L;
    private static final long WAIT_MS = 10_000;

    private final TestStreams ts = TestStreams.small();
    private Path root;
    private Path strainDir;
    private Path witnessDir;
    private Ingest ingest;
    private Collector collector;

    @BeforeEach
    void dirs() throws IOException {
        root = TestStreams.tmpfsDir("strainline-ingest");
        strainDir = Files.createDirectories(root.resolve("kafka/H1"));
        witnessDir = Files.createDirectories(root.resolve("lldetchar/H1"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (ingest != null) {
            ingest.close();
        }
        TestStreams.delete(root);
    }

    private IngestConfig.Builder config() {
        return IngestConfig.builder(List.of(ts.spec(strainDir, witnessDir))).latenessNs(300_000_000L)
                .retryIntervalNs(10_000_000L).pollIntervalMs(5);
    }

    private void start(UnaryOperator<IngestConfig.Builder> tweak) throws IOException {
        start(tweak, new Collector());
    }

    private void start(UnaryOperator<IngestConfig.Builder> tweak, Collector c) throws IOException {
        ingest = new Ingest(tweak.apply(config()).build());
        collector = c;
        ingest.ring("H1").handleEventsWith(collector);
        ingest.start();
    }

    private IngestCounters counters() {
        return ingest.counters("H1");
    }

    private void strain(long gps) throws IOException {
        TestStreams.write(strainDir, TestStreams.STRAIN_PREFIX, ts.strainFrame(gps, 3));
    }

    private void witness(long gps) throws IOException {
        TestStreams.write(witnessDir, TestStreams.WITNESS_PREFIX, ts.witnessFrame(gps));
    }

    private void both(long gps) throws IOException {
        strain(gps);
        witness(gps);
    }

    /** Stops ingest (every held second handed on) and checks that every second and file is accounted for. */
    private List<Collector.Seen> stopAndAccount() throws InterruptedException {
        ingest.close();
        List<Collector.Seen> seen = collector.seen();
        IngestCounters c = counters();
        assertEquals(c.get(IngestCounter.FILES_SEEN), c.filesAccounted(), "files accounted: " + c);
        if (!seen.isEmpty()) {
            long first = seen.get(0).gps();
            assertEquals(ingest.nextGps("H1") - first, c.secondsAccounted(), "seconds accounted: " + c);
        }
        assertEquals(0, c.get(IngestCounter.INGEST_ERRORS), "the ingest loop never failed: " + c);
        return seen;
    }

    @Test
    void inotifySeesEachAtomicRenameAndEverySecondIsHandedOnWithItsSamples() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY));
        assertEquals(StreamWatcher.Mode.INOTIFY, ingest.watchers("H1").get(0).mode());
        for (long g = G; g < G + 5; g++) {
            both(g);
        }
        List<Collector.Seen> seen = collector.await(5, WAIT_MS);
        assertEquals(List.of(G, G + 1, G + 2, G + 3, G + 4), collector.gps());
        for (Collector.Seen s : seen) {
            assertEquals(SecondKind.NEXT, s.kind());
            assertEquals(0, s.flags());
            assertEquals(TestStreams.value(s.gps(), 0, 0), s.first());
            assertEquals(TestStreams.value(s.gps(), 0, ts.strainRate - 1), s.last());
            assertEquals(3.0, s.state());
            assertTrue(s.publishedNs() >= s.decodedNs() && s.decodedNs() >= s.detectedNs() && s.detectedNs() > 0,
                    "seen, then decoded, then published: " + s);
            assertTrue(Math.abs(s.mtimeUnixNs() / 1_000_000 - System.currentTimeMillis()) < 60_000, "mtime is the file's");
        }
        stopAndAccount();
        assertEquals(10, counters().get(IngestCounter.FILES_DECODED));
    }

    @Test
    void thePollingFallbackFindsThePredictedFilesAndStepsOverGaps() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.POLL));
        assertEquals(StreamWatcher.Mode.POLL, ingest.watchers("H1").get(1).mode());
        assertEquals("polling requested", ingest.watchers("H1").get(1).fallbackReason());
        both(G);
        collector.await(1, WAIT_MS);
        both(G + 1);
        both(G + 4);    // 2 and 3 missing: found by the periodic listing
        List<Collector.Seen> seen = collector.await(5, WAIT_MS);
        assertEquals(List.of(G, G + 1, G + 2, G + 3, G + 4), collector.gps());
        assertEquals(SecondKind.GAP, seen.get(2).kind());
        assertEquals(SecondKind.GAP, seen.get(3).kind());
        assertEquals(0, seen.get(4).flags());
        stopAndAccount();
        assertEquals(2, counters().get(IngestCounter.SECONDS_GAP));
    }

    /** A writer that writes in place (no rename): polling finds the file half written and retries it. */
    @Test
    void aHalfWrittenFileIsRetriedUntilTheWriterFinishes() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.POLL).latenessNs(2_000_000_000L));
        witness(G);
        byte[] whole = TestStreams.bytes(ts.strainFrame(G, 3));
        Path p = strainDir.resolve(FrameFileName.format(TestStreams.STRAIN_PREFIX, G, 1));
        try (OutputStream os = Files.newOutputStream(p)) {
            os.write(whole, 0, whole.length / 3);
            os.flush();
            Thread.sleep(300);            // slowly
            assertTrue(collector.seen().isEmpty(), "nothing handed on while half written");
            os.write(whole, whole.length / 3, whole.length - whole.length / 3);
        }
        List<Collector.Seen> seen = collector.await(1, WAIT_MS);
        assertEquals(1, seen.size());
        assertEquals(0, seen.get(0).flags(), "complete once the writer finished");
        assertEquals(TestStreams.value(G, 0, 0), seen.get(0).first());
        stopAndAccount();
        assertTrue(counters().get(IngestCounter.FILE_RETRIES) > 0, counters().toString());
        assertEquals(0, counters().get(IngestCounter.FILES_CORRUPT));
    }

    /** A writer that closes a half file and appends the rest later: inotify reports both closes. */
    @Test
    void aFileClosedHalfWrittenAndCompletedLaterIsReadWhenComplete() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY).latenessNs(2_000_000_000L));
        witness(G);
        byte[] whole = TestStreams.bytes(ts.strainFrame(G, 3));
        Path p = strainDir.resolve(FrameFileName.format(TestStreams.STRAIN_PREFIX, G, 1));
        Files.write(p, java.util.Arrays.copyOf(whole, whole.length / 2));
        Thread.sleep(200);
        assertTrue(collector.seen().isEmpty());
        Files.write(p, java.util.Arrays.copyOfRange(whole, whole.length / 2, whole.length), StandardOpenOption.APPEND);
        List<Collector.Seen> seen = collector.await(1, WAIT_MS);
        assertEquals(0, seen.get(0).flags());
        stopAndAccount();
        assertTrue(counters().get(IngestCounter.FILE_RETRIES) > 0);
    }

    @Test
    void aFileThatNeverCompletesIsCorruptAtItsDeadlineAndTheSecondGoesOnPartial() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY));
        witness(G);
        byte[] whole = TestStreams.bytes(ts.strainFrame(G, 3));
        Files.write(strainDir.resolve(FrameFileName.format(TestStreams.STRAIN_PREFIX, G, 1)),
                java.util.Arrays.copyOf(whole, whole.length - 10));
        List<Collector.Seen> seen = collector.await(1, WAIT_MS);
        assertTrue(seen.get(0).has(FrameEvent.PARTIAL));
        assertEquals(ChannelSlot.UNREADABLE, seen.get(0).channelFlags()[0]);
        stopAndAccount();
        assertEquals(1, counters().get(IngestCounter.FILES_CORRUPT));
    }

    @Test
    void missingSecondsAreGapsDuplicatesAndLateFilesAreCountedOutOfOrderIsJoined() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY));
        both(G);
        both(G + 2);            // G+1 missing
        collector.await(3, WAIT_MS);
        strain(G + 2);          // again: duplicate
        witness(G + 1);         // after its second became a gap: late
        witness(G + 4);         // out of order: 4 before 3
        strain(G + 4);
        both(G + 3);
        List<Collector.Seen> seen = collector.await(5, WAIT_MS);
        assertEquals(List.of(G, G + 1, G + 2, G + 3, G + 4), collector.gps());
        assertEquals(SecondKind.GAP, seen.get(1).kind());
        assertEquals(0, seen.get(3).flags());
        assertEquals(0, seen.get(4).flags());
        stopAndAccount();
        assertEquals(1, counters().get(IngestCounter.FILES_DUPLICATE));
        assertEquals(1, counters().get(IngestCounter.FILES_LATE));
        assertEquals(1, counters().get(IngestCounter.SECONDS_GAP));
    }

    @Test
    void aCorruptCrcMissingChannelsAndWrongRatesAreFlaggedAndCounted() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY));
        // G: strain file with a flipped byte in its data
        byte[] bad = TestStreams.bytes(ts.strainFrame(G, 3));
        bad[bad.length / 3] ^= 0x10;
        TestStreams.writeBytes(strainDir, TestStreams.STRAIN_PREFIX, G, bad);
        witness(G);
        // G+1: witness file without its last channel, and the first at the wrong rate
        strain(G + 1);
        Frame w = new Frame("H1", 0, G + 1, G + 1, 0, 1.0);
        String w0 = ts.witnesses.get(0);
        w.addChannel(Channel.adc(w0, Vect.of(w0, ts.series(G + 1, 2, ts.witnessRate), ts.witnessRate / 2.0, 0, "")));
        String w1 = ts.witnesses.get(1);
        w.addChannel(Channel.adc(w1, Vect.of(w1, ts.series(G + 1, 3, ts.witnessRate), ts.witnessRate, 0, "")));
        TestStreams.write(witnessDir, TestStreams.WITNESS_PREFIX, w);
        List<Collector.Seen> seen = collector.await(2, WAIT_MS);
        assertTrue(seen.get(0).has(FrameEvent.PARTIAL) && seen.get(0).has(FrameEvent.INVALID));
        assertEquals(ChannelSlot.UNREADABLE, seen.get(0).channelFlags()[0]);
        assertEquals(0, seen.get(0).channelFlags()[2], "the witness file of G was fine");
        Collector.Seen s1 = seen.get(1);
        assertTrue(s1.has(FrameEvent.CHANNEL_PROBLEM) && s1.has(FrameEvent.INVALID));
        assertArrayEquals(new int[] {0, 0, ChannelSlot.WRONG_RATE, 0, ChannelSlot.MISSING}, s1.channelFlags());
        stopAndAccount();
        assertEquals(1, counters().get(IngestCounter.FILES_CORRUPT));
        assertEquals(1, counters().get(IngestCounter.CHANNEL_MISSING));
        assertEquals(1, counters().get(IngestCounter.CHANNEL_WRONG_RATE));
    }

    @Test
    void aSymlinkLeavingTheDirectoryAndANonRegularEntryAreRefused() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY));
        Path outside = Files.createTempFile("outside", ".gwf");
        try {
            Files.write(outside, TestStreams.bytes(ts.strainFrame(G, 3)));
            Path tmp = strainDir.resolve(".link.tmp");
            Files.createSymbolicLink(tmp, outside);
            Files.move(tmp, strainDir.resolve(FrameFileName.format(TestStreams.STRAIN_PREFIX, G, 1)), StandardCopyOption.ATOMIC_MOVE);
            witness(G);
            Path d = strainDir.resolve(".d.tmp");
            Files.createDirectory(d);
            Files.move(d, strainDir.resolve(FrameFileName.format(TestStreams.STRAIN_PREFIX, G + 1, 1)), StandardCopyOption.ATOMIC_MOVE);
            witness(G + 1);
            both(G + 2);
            List<Collector.Seen> seen = collector.await(3, WAIT_MS);
            assertEquals(List.of(G, G + 1, G + 2), collector.gps());
            assertTrue(seen.get(0).has(FrameEvent.PARTIAL), "the escaping link was not read");
            assertEquals(ChannelSlot.ABSENT, seen.get(0).channelFlags()[0]);
            assertTrue(seen.get(1).has(FrameEvent.PARTIAL));
            assertEquals(0, seen.get(2).flags());
            stopAndAccount();
            assertEquals(2, counters().get(IngestCounter.FILES_REFUSED));
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aLinkToAFileInTheSameDirectoryIsFollowed() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY));
        Path real = strainDir.resolve("stored.bin");
        Files.write(real, TestStreams.bytes(ts.strainFrame(G, 3)));
        Path tmp = strainDir.resolve(".link.tmp");
        Files.createSymbolicLink(tmp, real.getFileName());
        Files.move(tmp, strainDir.resolve(FrameFileName.format(TestStreams.STRAIN_PREFIX, G, 1)), StandardCopyOption.ATOMIC_MOVE);
        witness(G);
        List<Collector.Seen> seen = collector.await(1, WAIT_MS);
        assertEquals(0, seen.get(0).flags());
        stopAndAccount();
    }

    @Test
    void aConsumerThatThrowsIsCountedAndGoesOnWithTheNextSecond() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY), new Collector(G + 1));
        for (long g = G; g < G + 4; g++) {
            both(g);
        }
        collector.await(3, WAIT_MS);
        assertEquals(List.of(G, G + 2, G + 3), collector.gps());
        stopAndAccount();
        assertEquals(1, counters().get(IngestCounter.CONSUMER_EXCEPTIONS));
    }

    @Test
    void oldestStartCatchesUpOnTheBacklogInOrderWithoutOverrunningTheRing() throws Exception {
        for (long g = G; g < G + 40; g++) {   // more than the ring (8) and the window (32) hold
            both(g);
        }
        start(b -> b.start(StartPolicy.OLDEST).ringSize(8).windowSeconds(4));
        collector.await(40, WAIT_MS * 3);
        both(G + 40);
        collector.await(41, WAIT_MS);
        List<Long> expect = new ArrayList<>();
        for (long g = G; g <= G + 40; g++) {
            expect.add(g);
        }
        assertEquals(expect, collector.gps());
        for (Collector.Seen s : collector.seen()) {
            assertEquals(0, s.flags(), "second " + s.gps());
        }
        stopAndAccount();
        assertEquals(0, counters().get(IngestCounter.SECONDS_DROPPED_RING_FULL));
    }

    @Test
    void aConsumerThatFallsBehindCostsLatencyNotSeconds() throws Exception {
        Collector slow = new Collector();
        slow.stall();
        start(b -> b.ringSize(4), slow);   // the assembler's window (32 s) holds all 12: only the ring is short
        for (long g = G; g < G + 12; g++) {   // three times what the ring holds, while nothing is taken from it
            both(g);
        }
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        // every file either went to the assembler (seen) or waits on disk (held)
        while (counters().get(IngestCounter.FILES_SEEN) + counters().get(IngestCounter.FILES_HELD) < 24
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long released = System.nanoTime();
        slow.release();
        collector.await(12, WAIT_MS);
        List<Long> expect = new ArrayList<>();
        for (long g = G; g < G + 12; g++) {
            expect.add(g);
        }
        assertEquals(expect, collector.gps());
        for (Collector.Seen s : collector.seen()) {
            assertEquals(0, s.flags(), "second " + s.gps() + " came whole, with no reset");
        }
        Collector.Seen last = collector.seen().get(11);
        assertTrue(last.detectedNs() < released, "a second that waited keeps the time its file was seen");
        List<Collector.Seen> seen = stopAndAccount();
        assertEquals(12, seen.size());
        assertEquals(0, counters().get(IngestCounter.SECONDS_DROPPED_RING_FULL));
        assertTrue(counters().get(IngestCounter.FILES_HELD) >= 2, counters().toString());
    }

    @Test
    void newestStartBeginsAtTheNewestSecondPresent() throws Exception {
        for (long g = G; g < G + 5; g++) {
            both(g);
        }
        strain(G + 5);    // the newest: its witness comes after the start
        start(b -> b.start(StartPolicy.NEWEST));
        witness(G + 5);
        both(G + 6);
        collector.await(2, WAIT_MS);
        assertEquals(List.of(G + 5, G + 6), collector.gps());
        assertEquals(0, collector.seen().get(0).flags());
        stopAndAccount();
    }

    @Test
    void aGivenStartGpsMakesEarlierFilesIgnoredAndMissingOnesGaps() throws Exception {
        for (long g = G; g < G + 3; g++) {
            both(g);
        }
        start(b -> b.startGps(G + 1));
        both(G + 4);   // G+3 missing
        List<Collector.Seen> seen = collector.await(4, WAIT_MS);
        assertEquals(List.of(G + 1, G + 2, G + 3, G + 4), collector.gps());
        assertEquals(SecondKind.GAP, seen.get(2).kind());
        stopAndAccount();
    }

    @Test
    void aStreamDirectoryRemovedAndRecreatedIsWatchedAgain() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY).gapPolicy(GapPolicy.SKIP));
        both(G);
        collector.await(1, WAIT_MS);
        TestStreams.delete(witnessDir);
        long end = System.currentTimeMillis() + WAIT_MS;
        while (!ingest.watchers("H1").get(1).directoryLost() && System.currentTimeMillis() < end) {
            strain(G + 1);     // keep the loop busy until the loss is noticed
            Thread.sleep(20);
        }
        Files.createDirectories(witnessDir);
        end = System.currentTimeMillis() + WAIT_MS;
        while (ingest.watchers("H1").get(1).directoryLost() && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertFalse(ingest.watchers("H1").get(1).directoryLost(), "re-attached");
        both(G + 5);
        List<Collector.Seen> seen = collector.await(3, WAIT_MS);
        Collector.Seen last = seen.get(seen.size() - 1);
        assertEquals(G + 5, last.gps());
        assertEquals(0, last.flags() & ~FrameEvent.RESET, "the witness stream is read again: " + counters());
        stopAndAccount();
    }

    @Test
    void stoppingHandsOnEverySecondHeldAndAccountsForAll() throws Exception {
        start(b -> b.watchMode(StreamWatcher.Mode.INOTIFY).latenessNs(60_000_000_000L));
        both(G);
        strain(G + 1);                 // its partner never comes, and the budget is a minute
        collector.await(1, WAIT_MS);
        long end = System.currentTimeMillis() + WAIT_MS;
        while (counters().get(IngestCounter.FILES_SEEN) < 3 && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
        List<Collector.Seen> seen = stopAndAccount();
        assertEquals(List.of(G, G + 1), collector.gps());
        assertTrue(seen.get(1).has(FrameEvent.PARTIAL));
    }

    @Test
    void eachIfoIsReadByAThreadOfItsOwnOrAllByOneWhenAskedFor() throws Exception {
        Path l1Strain = Files.createDirectories(root.resolve("kafka/L1"));
        Path l1Witness = Files.createDirectories(root.resolve("lldetchar/L1"));
        IfoSpec h1 = ts.spec(strainDir, witnessDir);
        IfoSpec l1 = new IfoSpec("L1", List.of(
                new StreamSpec("llhoft", l1Strain, TestStreams.STRAIN_PREFIX, h1.streams().get(0).channels()),
                new StreamSpec("lldetchar", l1Witness, TestStreams.WITNESS_PREFIX, h1.streams().get(1).channels())),
                h1.stateChannel(), h1.readyMask());
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long gps = G;
        for (boolean perIfo : new boolean[] {true, false}) {
            Collector h1Seen = new Collector();
            Collector l1Seen = new Collector();
            ingest = new Ingest(IngestConfig.builder(List.of(h1, l1)).watchMode(StreamWatcher.Mode.INOTIFY)
                    .threadPerIfo(perIfo).build());
            ingest.ring("H1").handleEventsWith(h1Seen);
            ingest.ring("L1").handleEventsWith(l1Seen);
            assertEquals(List.of(), ingest.threads(), "no thread before start");
            ingest.start();
            List<String> names = new ArrayList<>();
            for (Thread t : ingest.threads()) {
                names.add(t.getName());
            }
            assertEquals(perIfo ? List.of("strainline-H1-ingest", "strainline-L1-ingest") : List.of("strainline-ingest"), names);
            assertEquals(null, ingest.stalled(System.nanoTime(), 10_000_000_000L), "every ingest thread goes round");
            // only L1's files: with a thread per IFO, H1's thread sleeps in poll(2) while L1's decodes them
            long h1Before = mx.getThreadCpuTime(ingest.threads().get(0).getId());
            long l1Before = mx.getThreadCpuTime(ingest.threads().get(perIfo ? 1 : 0).getId());
            for (int i = 0; i < 40; i++) {
                long g = gps + i;
                TestStreams.write(l1Strain, TestStreams.STRAIN_PREFIX, ts.strainFrame(g, 3));
                TestStreams.write(l1Witness, TestStreams.WITNESS_PREFIX, ts.witnessFrame(g));
            }
            l1Seen.await(40, WAIT_MS);
            long h1Cpu = mx.getThreadCpuTime(ingest.threads().get(0).getId()) - h1Before;
            long l1Cpu = mx.getThreadCpuTime(ingest.threads().get(perIfo ? 1 : 0).getId()) - l1Before;
            if (perIfo) {
                assertTrue(l1Cpu > 20 * Math.max(h1Cpu, 1), "L1's thread decoded L1's 80 files (" + l1Cpu
                        + " ns of CPU), H1's stayed idle (" + h1Cpu + " ns)");
            } else {
                assertTrue(l1Cpu > 0, "the one thread decoded L1's files");
            }
            // and both IFOs' seconds go through, each on its own ring
            for (int i = 40; i < 45; i++) {
                long g = gps + i;
                both(g);
                TestStreams.write(l1Strain, TestStreams.STRAIN_PREFIX, ts.strainFrame(g, 3));
                TestStreams.write(l1Witness, TestStreams.WITNESS_PREFIX, ts.witnessFrame(g));
            }
            h1Seen.await(5, WAIT_MS);
            l1Seen.await(45, WAIT_MS);
            ingest.close();
            for (String ifo : new String[] {"H1", "L1"}) {
                IngestCounters c = ingest.counters(ifo);
                assertEquals(c.get(IngestCounter.FILES_SEEN), c.filesAccounted(), ifo + " files accounted: " + c);
                assertEquals(0, c.get(IngestCounter.INGEST_ERRORS), ifo + ": " + c);
            }
            for (Thread t : ingest.threads()) {
                assertFalse(t.isAlive(), t.getName() + " ended at close");
            }
            assertEquals(List.of(gps + 40, gps + 41, gps + 42, gps + 43, gps + 44), h1Seen.gps());
            assertEquals(45, l1Seen.gps().size());
            assertEquals(gps, l1Seen.gps().get(0));
            ingest = null;
            gps += 100;
            for (Path d : new Path[] {strainDir, witnessDir, l1Strain, l1Witness}) {   // the next round starts on empty directories
                try (var files = Files.list(d)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.delete(f);
                    }
                }
            }
        }
    }

    @Test
    void startUpErrorsNameTheStreamAndDirectory() {
        IfoSpec spec = ts.spec(strainDir, root.resolve("nope"));
        IOException e = assertThrows(IOException.class, () -> new Ingest(IngestConfig.of(List.of(spec))));
        assertEquals("ingest.ifos.H1.streams.lldetchar: directory " + root.resolve("nope") + " does not exist", e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> IngestConfig.builder(List.of(spec)).ringSize(100).build());
        assertEquals("ingest.ringSize: must be a power of two >= 2, got 100", bad.getMessage());
        assertNotNull(IngestConfig.of(List.of(spec)));
    }

    @Test
    void copyModeReadsTheSameSecondsAsTheMemoryMap() throws Exception {
        start(b -> b.readMode(ReadMode.COPY).watchMode(StreamWatcher.Mode.INOTIFY));
        for (long g = G; g < G + 3; g++) {
            both(g);
        }
        List<Collector.Seen> seen = collector.await(3, WAIT_MS);
        for (Collector.Seen s : seen) {
            assertEquals(0, s.flags());
            assertEquals(TestStreams.value(s.gps(), 0, ts.strainRate - 1), s.last());
        }
        stopAndAccount();
    }
}
