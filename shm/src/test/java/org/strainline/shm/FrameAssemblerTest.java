package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.strainline.gwf.Channel;
import org.strainline.gwf.Frame;
import org.strainline.gwf.Vect;

/** Assembly and classification, driven by hand with a manual clock over real frame bytes (no sleeps, no files). */
class FrameAssemblerTest {
    private static final long G = 1_400_000_000L;
    private static final long MS = 1_000_000L;
    private static final int STRAIN = 0;
    private static final int WITNESS = 1;

    /** A second as the sink saw it, copied. */
    record Out(long gps, SecondKind kind, int flags, double[][] data, int[] channelFlags) {
        boolean has(int f) {
            return (flags & f) != 0;
        }
    }

    private final TestStreams ts = TestStreams.small();
    private final MemoryFrameFiles files = new MemoryFrameFiles(TestStreams.STRAIN_PREFIX, TestStreams.WITNESS_PREFIX);
    private final IngestCounters counters = new IngestCounters("H1");
    private final List<Out> out = new ArrayList<>();
    private long now;
    /** The sink refuses without warning (a second that must be handed on now). */
    private boolean ringFull;
    /** The sink says it has no room (and refuses). */
    private boolean noRoom;
    private FrameAssembler a;

    private FrameAssembler assembler(UnaryOperator<IngestConfig.Builder> tweak) {
        IfoSpec spec = ts.spec(Paths.get("/nonexistent/strain"), Paths.get("/nonexistent/witness"));
        IngestConfig cfg = tweak.apply(IngestConfig.builder(List.of(spec)).latenessNs(500 * MS).retryIntervalNs(20 * MS)
                .windowSeconds(8).maxPadSeconds(4)).build();
        a = new FrameAssembler(spec, cfg, files, counters, () -> now, new FrameAssembler.SecondSink() {
            @Override
            public boolean hasRoom() {
                return !noRoom;
            }

            @Override
            public boolean offer(FrameAssembler.Second s) {
                return take(s);
            }
        });
        return a;
    }

    private boolean take(FrameAssembler.Second s) {
        if (ringFull || noRoom) {
            return false;
        }
        double[][] d = new double[s.slots.length][];
        int[] cf = new int[s.slots.length];
        for (int i = 0; i < d.length; i++) {
            ChannelSlot c = s.slot(i);
            d[i] = new double[c.samples()];
            for (int k = 0; k < d[i].length; k++) {
                d[i][k] = c.get(k);
            }
            cf[i] = c.flags();
        }
        out.add(new Out(s.gps(), s.kind(), s.flags(), d, cf));
        return true;
    }

    private FrameAssembler assembler() {
        return assembler(b -> b);
    }

    private void put(long gps) throws Exception {
        files.put(STRAIN, gps, TestStreams.bytes(ts.strainFrame(gps, 3)));
        files.put(WITNESS, gps, TestStreams.bytes(ts.witnessFrame(gps)));
    }

    private void arrive(int stream, long gps) {
        a.onFile(stream, gps, 1, now);
    }

    private void both(long gps) throws Exception {
        put(gps);
        arrive(STRAIN, gps);
        arrive(WITNESS, gps);
    }

    private void at(long ms) {
        now = ms * MS;
        a.doWork(now);
    }

    private List<Long> gpsOut() {
        List<Long> l = new ArrayList<>();
        for (Out o : out) {
            l.add(o.gps());
        }
        return l;
    }

    private long c(IngestCounter k) {
        return counters.get(k);
    }

    private void assertAccounted() {
        assertEquals(a.lastResolvedGps() - out.get(0).gps() + 1, counters.secondsAccounted(), "every second accounted for: " + counters);
        assertEquals(c(IngestCounter.FILES_SEEN), counters.filesAccounted(), "every file accounted for: " + counters);
    }

    @Test
    void completeSecondsAreHandedOnAtOnceInOrderWithTheirSamples() throws Exception {
        assembler();
        for (long g = G; g < G + 5; g++) {
            both(g);
        }
        assertEquals(List.of(G, G + 1, G + 2, G + 3, G + 4), gpsOut());
        for (Out o : out) {
            assertEquals(SecondKind.NEXT, o.kind());
            assertEquals(0, o.flags(), "clean second flags");
            assertEquals(TestStreams.value(o.gps(), 0, 17), o.data()[0][17]);
            assertEquals(3.0, o.data()[1][5], "state vector");
            for (int k = 0; k < ts.witnesses.size(); k++) {
                assertEquals(TestStreams.value(o.gps(), 2 + k, ts.witnessRate - 1), o.data()[2 + k][ts.witnessRate - 1]);
            }
        }
        assertEquals(5, c(IngestCounter.SECONDS_PUBLISHED));
        assertEquals(10, c(IngestCounter.FILES_DECODED));
        assertAccounted();
    }

    @Test
    void aSecondWaitsForItsPartnerUpToTheLatenessBudgetThenGoesOnFlaggedPartial() throws Exception {
        assembler();
        put(G);
        arrive(STRAIN, G);
        at(499);
        assertTrue(out.isEmpty(), "still waiting for the witness stream");
        assertEquals(500 * MS, a.nextDeadlineNs());
        at(500);
        assertEquals(1, out.size());
        Out o = out.get(0);
        assertTrue(o.has(FrameEvent.PARTIAL) && o.has(FrameEvent.INVALID), "flags " + o.flags());
        assertEquals(ChannelSlot.ABSENT, o.channelFlags()[2]);
        assertEquals(0.0, o.data()[2][3], "absent channels hold zeros");
        assertEquals(TestStreams.value(G, 0, 3), o.data()[0][3], "the strain is there");
        arrive(WITNESS, G);   // the partner, too late
        assertEquals(1, c(IngestCounter.FILES_LATE));
        assertEquals(1, c(IngestCounter.SECONDS_PARTIAL));
        assertAccounted();
    }

    @Test
    void outOfOrderArrivalsWithinTheWindowAreJoinedAndHandedOnInGpsOrder() throws Exception {
        assembler();
        put(G);
        put(G + 1);
        put(G + 2);
        arrive(STRAIN, G);
        arrive(WITNESS, G + 2);
        arrive(STRAIN, G + 2);
        arrive(WITNESS, G + 1);
        assertEquals(List.of(), gpsOut().subList(0, 0));
        arrive(STRAIN, G + 1);
        assertTrue(out.isEmpty(), "G still lacks its witness");
        arrive(WITNESS, G);
        assertEquals(List.of(G, G + 1, G + 2), gpsOut());
        for (Out o : out) {
            assertEquals(0, o.flags());
        }
        assertAccounted();
    }

    @Test
    void aMissingSecondIsAGapOnceALaterOneHasWaitedOutTheBudget_padPolicy() throws Exception {
        assembler();
        both(G);
        now = 1000 * MS;
        both(G + 2);
        assertEquals(List.of(G), gpsOut(), "G+1 may still come");
        at(1499);
        assertEquals(1, out.size());
        at(1500);
        assertEquals(List.of(G, G + 1, G + 2), gpsOut());
        Out gap = out.get(1);
        assertEquals(SecondKind.GAP, gap.kind());
        assertTrue(gap.has(FrameEvent.GAP) && gap.has(FrameEvent.INVALID) && gap.has(FrameEvent.NOT_READY));
        assertEquals(0.0, gap.data()[0][0]);
        assertFalse(out.get(2).has(FrameEvent.RESET), "padding keeps downstream continuous");
        assertEquals(1, c(IngestCounter.SECONDS_GAP));
        assertEquals(3, c(IngestCounter.SECONDS_PUBLISHED));
        assertAccounted();
    }

    @Test
    void aGapAndAStreamThatStopsComingAreLoggedOnceWhenTheyStartAndOnceWhenTheyEnd() throws Exception {
        List<String> lines = logged(() -> {
            assembler();
            both(G);
            now = 1000 * MS;
            both(G + 3);          // G+1 and G+2 never come
            at(1500);
            for (long g = G + 4; g < G + 8; g++) {   // then the witness stream stops for four seconds
                put(g);
                arrive(STRAIN, g);
                at(1500 + 1000 * (g - G - 3));
            }
            both(G + 8);
        });
        assertEquals(List.of(G, G + 1, G + 2, G + 3, G + 4, G + 5, G + 6, G + 7, G + 8), gpsOut());
        assertEquals(List.of(
                "H1: no data for GPS 1400000001 (no file of it came); gap policy pad, up to 4 padded second(s), then a reset;"
                        + " one line when data come again",
                "H1: data again from GPS 1400000003, after 2 second(s) without (GPS 1400000001-1400000002)",
                "H1 stream lldetchar: no file for GPS 1400000004 within the lateness budget; its seconds go on without this"
                        + " stream (PARTIAL) until its files come again",
                "H1 stream lldetchar: files again from GPS 1400000008, after 4 second(s) without"), lines,
                "one line per change of state, none per second");
        assertAccounted();
    }

    @Test
    void resetPolicyDropsTheGapAndFlagsTheNextSecond() throws Exception {
        assembler(b -> b.gapPolicy(GapPolicy.RESET));
        both(G);
        both(G + 3);
        at(500);
        assertEquals(List.of(G, G + 3), gpsOut());
        assertTrue(out.get(1).has(FrameEvent.RESET));
        assertFalse(out.get(1).has(FrameEvent.INVALID), "the data after a reset are fine");
        assertEquals(2, c(IngestCounter.SECONDS_GAP));
        assertEquals(2, c(IngestCounter.SECONDS_DROPPED_GAP_POLICY));
        both(G + 4);
        assertFalse(out.get(2).has(FrameEvent.RESET), "only the first second after the gap");
        assertAccounted();
    }

    @Test
    void skipPolicyDropsTheGapWithoutAReset() throws Exception {
        assembler(b -> b.gapPolicy(GapPolicy.SKIP));
        both(G);
        both(G + 2);
        at(500);
        assertEquals(List.of(G, G + 2), gpsOut());
        assertFalse(out.get(1).has(FrameEvent.RESET));
        assertEquals(1, c(IngestCounter.SECONDS_DROPPED_GAP_POLICY));
        assertAccounted();
    }

    @Test
    void aGapLongerThanMaxPadIsPaddedThenDroppedWithAReset() throws Exception {
        assembler();
        both(G);
        both(G + 100);   // far beyond the 8-s window: forces the run out at once
        at(500);
        List<Long> g = gpsOut();
        assertEquals(List.of(G, G + 1, G + 2, G + 3, G + 4, G + 100), g, "4 padded (maxPadSeconds), the rest dropped");
        assertTrue(out.get(5).has(FrameEvent.RESET));
        assertEquals(99, c(IngestCounter.SECONDS_GAP));
        assertEquals(95, c(IngestCounter.SECONDS_DROPPED_GAP_POLICY));
        assertAccounted();
    }

    @Test
    void aSecondFileForTheSameSecondAndStreamIsADuplicate() throws Exception {
        assembler();
        put(G);
        arrive(STRAIN, G);
        arrive(STRAIN, G);          // while the second is open
        arrive(WITNESS, G);
        arrive(WITNESS, G);         // after it was handed on
        assertEquals(1, out.size());
        assertEquals(2, c(IngestCounter.FILES_DUPLICATE));
        assertEquals(0, c(IngestCounter.FILES_LATE));
        assertAccounted();
    }

    @Test
    void aTruncatedFileIsRetriedUntilItIsComplete() throws Exception {
        assembler();
        put(G);
        byte[] whole = TestStreams.bytes(ts.strainFrame(G, 3));
        files.put(STRAIN, G, Arrays.copyOf(whole, whole.length / 2));
        arrive(STRAIN, G);
        arrive(WITNESS, G);
        assertTrue(out.isEmpty());
        assertEquals(20 * MS, a.nextDeadlineNs(), "the retry is due in one retry interval");
        at(20);
        assertTrue(out.isEmpty(), "still half written");
        files.put(STRAIN, G, whole);   // the writer finishes
        at(40);
        assertEquals(1, out.size());
        assertEquals(0, out.get(0).flags());
        assertEquals(TestStreams.value(G, 0, 100), out.get(0).data()[0][100]);
        assertEquals(2, c(IngestCounter.FILE_RETRIES));
        assertEquals(0, c(IngestCounter.FILES_CORRUPT));
        assertAccounted();
    }

    @Test
    void aFileStillTruncatedAtItsDeadlineIsCorrupt() throws Exception {
        assembler();
        put(G);
        byte[] whole = TestStreams.bytes(ts.strainFrame(G, 3));
        files.put(STRAIN, G, Arrays.copyOf(whole, 100));
        arrive(STRAIN, G);
        arrive(WITNESS, G);
        for (int t = 20; t < 500; t += 20) {
            at(t);
            assertTrue(out.isEmpty(), "retrying at " + t + " ms");
        }
        at(500);
        assertEquals(1, out.size());
        Out o = out.get(0);
        assertTrue(o.has(FrameEvent.PARTIAL) && o.has(FrameEvent.INVALID));
        assertEquals(ChannelSlot.UNREADABLE, o.channelFlags()[0]);
        assertEquals(1, c(IngestCounter.FILES_CORRUPT));
        assertTrue(c(IngestCounter.FILE_RETRIES) >= 20);
        assertAccounted();
    }

    @Test
    void aSecondWhoseFilesAreAllCorruptIsPaddedAsCorrupt() throws Exception {
        assembler();
        byte[] s = TestStreams.bytes(ts.strainFrame(G, 3));
        byte[] w = TestStreams.bytes(ts.witnessFrame(G));
        s[s.length / 2] ^= 0x55;   // inside the strain vector: its CRC no longer matches
        w[w.length / 2] ^= 0x55;
        files.put(STRAIN, G, s);
        files.put(WITNESS, G, w);
        arrive(STRAIN, G);
        arrive(WITNESS, G);
        both(G + 1);
        assertEquals(List.of(G, G + 1), gpsOut());
        assertEquals(SecondKind.CORRUPT, out.get(0).kind());
        assertTrue(out.get(0).has(FrameEvent.CORRUPT) && out.get(0).has(FrameEvent.INVALID));
        assertEquals(2, c(IngestCounter.FILES_CORRUPT));
        assertEquals(1, c(IngestCounter.SECONDS_CORRUPT));
        assertEquals(0, out.get(1).flags());
        arrive(STRAIN, G);    // the same file again: the second already had one
        assertEquals(1, c(IngestCounter.FILES_DUPLICATE));
        assertAccounted();
    }

    @Test
    void missingChannelWrongRateWrongLengthAndNonFiniteSamplesAreFlaggedPerChannelAndLoggedOncePerCause() throws Exception {
        assembler();
        String w0 = ts.witnesses.get(0);
        String w1 = ts.witnesses.get(1);
        String w2 = ts.witnesses.get(2);
        List<String> lines = logged(() -> {
            for (long g = G; g < G + 3; g++) {
                files.put(STRAIN, g, TestStreams.bytes(ts.strainFrame(g, 3)));
                Frame w = new Frame("H1", 0, g, g, 0, 1.0);
                double[] nan = ts.series(g, 4, ts.witnessRate);
                nan[7] = Double.NaN;
                nan[9] = Double.POSITIVE_INFINITY;
                // w0 at twice the rate (so also the wrong length), w1 with NaN/Inf, w2 missing
                w.addChannel(Channel.adc(w0, Vect.of(w0, ts.series(g, 2, 2 * ts.witnessRate), 2 * ts.witnessRate, 0, "")));
                w.addChannel(Channel.adc(w1, Vect.of(w1, nan, ts.witnessRate, 0, "")));
                files.put(WITNESS, g, TestStreams.bytes(w));
                arrive(STRAIN, g);
                arrive(WITNESS, g);
            }
        });
        assertEquals(3, out.size());
        Out o = out.get(0);
        assertEquals(SecondKind.NEXT, o.kind());
        assertTrue(o.has(FrameEvent.INVALID) && o.has(FrameEvent.CHANNEL_PROBLEM), "flags " + o.flags());
        assertFalse(o.has(FrameEvent.PARTIAL));
        assertEquals(ChannelSlot.WRONG_RATE | ChannelSlot.WRONG_LENGTH, o.channelFlags()[2]);
        assertEquals(0.0, o.data()[2][5], "a wrong-length channel is zeroed");
        assertEquals(ChannelSlot.NONFINITE, o.channelFlags()[3]);
        assertEquals(0.0, o.data()[3][7]);
        assertEquals(0.0, o.data()[3][9]);
        assertEquals(TestStreams.value(G, 4, 8), o.data()[3][8], "finite samples kept");
        assertEquals(ChannelSlot.MISSING, o.channelFlags()[4]);
        assertEquals(0, o.channelFlags()[0]);
        assertEquals(3, c(IngestCounter.CHANNEL_WRONG_RATE), "counted every second");
        assertEquals(3, c(IngestCounter.CHANNEL_WRONG_LENGTH));
        assertEquals(3, c(IngestCounter.CHANNEL_NONFINITE));
        assertEquals(3, c(IngestCounter.CHANNEL_MISSING));
        assertEquals(3, c(IngestCounter.SECONDS_INVALID));
        assertAccounted();
        // one line per channel and cause, naming both and the first file that had it
        String file = "in H-H1_lldetchar-1400000000-1\\.gwf .*";
        assertEquals(4, lines.size(), "logged once per cause, not every second: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.matches("H1 stream lldetchar: channel '" + w0 + "' has sample rate "
                + 2 * ts.witnessRate + "(\\.0)? Hz, configured " + ts.witnessRate + "(\\.0)? Hz " + file)), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("H1 stream lldetchar: channel '" + w0 + "' has " + 2 * ts.witnessRate
                + " values .*" + file)), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("H1 stream lldetchar: channel '" + w1
                + "' has NaN or infinite samples \\(2 this second; zeroed\\) " + file)), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("H1 stream lldetchar: channel '" + w2 + "' not found " + file)),
                lines.toString());
    }

    interface Body {
        void run() throws Exception;
    }

    /** The messages the assembler logs while {@code body} runs. */
    private static List<String> logged(Body body) throws Exception {
        List<String> lines = new ArrayList<>();
        Logger log = Logger.getLogger(FrameAssembler.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(h);
        try {
            body.run();
        } finally {
            log.removeHandler(h);
        }
        return lines;
    }

    @Test
    void eachDistinctCauseIsLoggedOnceNamingTheFileAndChannel() throws Exception {
        List<String> lines = logged(() -> {
            assembler();
            for (long g = G; g < G + 5; g++) {
                files.put(STRAIN, g, TestStreams.bytes(ts.strainFrame(g, 3)));
                Frame w = new Frame("H1", 0, g, g, 0, 1.0);   // only the first witness: two missing
                String w0 = ts.witnesses.get(0);
                w.addChannel(Channel.adc(w0, Vect.of(w0, ts.series(g, 2, ts.witnessRate), ts.witnessRate, 0, "")));
                files.put(WITNESS, g, TestStreams.bytes(w));
                arrive(STRAIN, g);
                arrive(WITNESS, g);
            }
        });
        assertEquals(5, out.size());
        assertEquals(10, c(IngestCounter.CHANNEL_MISSING), "counted every time");
        assertEquals(2, lines.size(), "logged once per channel: " + lines);
        assertTrue(lines.get(0).matches("H1 stream lldetchar: channel 'H1:[A-Z0-9_:-]+' not found in H-H1_lldetchar-1400000000-1\\.gwf .*"),
                lines.get(0));
    }

    @Test
    void readyOnlyWhenEveryStateSampleHasTheMaskBits() throws Exception {
        assembler();
        files.put(STRAIN, G, TestStreams.bytes(ts.strainFrame(G, 7)));
        files.put(WITNESS, G, TestStreams.bytes(ts.witnessFrame(G)));
        arrive(STRAIN, G);
        arrive(WITNESS, G);
        assertFalse(out.get(0).has(FrameEvent.NOT_READY), "7 has bits 0 and 1");
        // one sample with bit 1 clear
        Frame f = ts.strainFrame(G + 1, 3);
        int[] sv = new int[ts.stateRate];
        Arrays.fill(sv, 3);
        sv[ts.stateRate - 1] = 1;
        Frame g = new Frame("H1", 0, G + 1, G + 1, 0, 1.0)
                .addChannel(f.channel(TestStreams.STRAIN))
                .addChannel(Channel.adc(TestStreams.STATE, Vect.of(TestStreams.STATE, sv, ts.stateRate, 0, "")));
        files.put(STRAIN, G + 1, TestStreams.bytes(g));
        files.put(WITNESS, G + 1, TestStreams.bytes(ts.witnessFrame(G + 1)));
        arrive(STRAIN, G + 1);
        arrive(WITNESS, G + 1);
        assertTrue(out.get(1).has(FrameEvent.NOT_READY));
        assertFalse(out.get(1).has(FrameEvent.INVALID), "not ready is not invalid");
        assertEquals(1, c(IngestCounter.SECONDS_NOT_READY));
    }

    @Test
    void aConfiguredMaskIsUsed() throws Exception {
        IfoSpec base = ts.spec(Paths.get("/x"), Paths.get("/y"));
        IfoSpec spec = new IfoSpec("H1", base.streams(), TestStreams.STATE, 4);
        IngestConfig cfg = IngestConfig.of(List.of(spec));
        List<Integer> flags = new ArrayList<>();
        FrameAssembler f = new FrameAssembler(spec, cfg, files, counters, () -> now, s -> flags.add(s.flags()));
        files.put(STRAIN, G, TestStreams.bytes(ts.strainFrame(G, 3)));
        files.put(WITNESS, G, TestStreams.bytes(ts.witnessFrame(G)));
        f.onFile(STRAIN, G, 1, 0);
        f.onFile(WITNESS, G, 1, 0);
        assertEquals(List.of(FrameEvent.NOT_READY), flags, "3 lacks bit 2");
    }

    @Test
    void aFrameWhoseGpsDiffersFromItsNameIsCorrupt() throws Exception {
        assembler();
        files.put(STRAIN, G, TestStreams.bytes(ts.strainFrame(G + 7, 3)));
        files.put(WITNESS, G, TestStreams.bytes(ts.witnessFrame(G)));
        arrive(STRAIN, G);
        arrive(WITNESS, G);
        assertEquals(1, out.size());
        assertTrue(out.get(0).has(FrameEvent.PARTIAL));
        assertEquals(ChannelSlot.UNREADABLE, out.get(0).channelFlags()[0]);
        assertEquals(1, c(IngestCounter.FILES_CORRUPT));
    }

    @Test
    void aFileThatVanishedBeforeItWasReadIsCountedUnreadable() throws Exception {
        assembler();
        files.put(WITNESS, G, TestStreams.bytes(ts.witnessFrame(G)));
        arrive(STRAIN, G);    // reported, but gone (retention) before the read
        arrive(WITNESS, G);
        assertEquals(1, out.size());
        assertEquals(ChannelSlot.UNREADABLE, out.get(0).channelFlags()[0]);
        assertEquals(1, c(IngestCounter.FILES_UNREADABLE));
        assertAccounted();
    }

    @Test
    void aFullRingDropsTheSecondCountedAndTheNextCarriesReset() throws Exception {
        assembler();
        both(G);
        ringFull = true;
        both(G + 1);
        ringFull = false;
        both(G + 2);
        assertEquals(List.of(G, G + 2), gpsOut());
        assertTrue(out.get(1).has(FrameEvent.RESET));
        assertEquals(1, c(IngestCounter.SECONDS_DROPPED_RING_FULL));
        assertAccounted();
    }

    @Test
    void aRealRingThatIsFullRefusesTheSecondForcedOutOfTheWindowCountedAndTheNextCarriesReset() throws Exception {
        IfoSpec spec = ts.spec(Paths.get("/nonexistent/strain"), Paths.get("/nonexistent/witness"));
        IngestConfig cfg = IngestConfig.builder(List.of(spec)).latenessNs(500 * MS).windowSeconds(8).maxPadSeconds(4).build();
        FrameRing ring = new FrameRing(spec, 2, counters);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<long[]> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        ring.handleEventsWith((e, seq, end) -> {
            release.await();       // a consumer that has stalled
            seen.add(new long[] {e.gpsS(), e.flags()});
        });
        ring.start();
        try {
            a = new FrameAssembler(spec, cfg, files, counters, () -> now, ring);
            for (long g = G; g < G + 4; g++) {
                both(g);          // G (held by the stalled consumer) and G+1 fill the ring, G+2 and G+3 wait
            }
            assertTrue(a.waitingForRoom(), "the second due waits for room rather than being dropped");
            assertEquals(0, c(IngestCounter.SECONDS_DROPPED_RING_FULL));
            both(G + 20);         // far ahead: G+2, G+3 and the gap after them are forced out of the window
            long dropped = c(IngestCounter.SECONDS_DROPPED_RING_FULL);
            assertTrue(dropped >= 2, "the seconds forced into the full ring are dropped and counted: " + counters);
            release.countDown();
            long end = System.currentTimeMillis() + 10_000;
            while (ring.remainingCapacity() < 2 && System.currentTimeMillis() < end) {
                Thread.sleep(1);
            }
            both(G + 21);
            now += 2_000 * MS;
            a.doWork(now);
            end = System.currentTimeMillis() + 10_000;
            while (ring.remainingCapacity() < 2 && System.currentTimeMillis() < end) {
                Thread.sleep(1);
            }
            assertEquals(G, seen.get(0)[0]);
            assertEquals(G + 1, seen.get(1)[0]);
            long[] after = seen.get(2);
            assertTrue(after[0] > G + 3, "the dropped seconds are not handed on: " + after[0]);
            assertTrue((after[1] & FrameEvent.RESET) != 0, "the next second handed on carries RESET");
            assertEquals(counters.get(IngestCounter.FILES_SEEN), counters.filesAccounted(), "every file accounted for: " + counters);
        } finally {
            release.countDown();
            ring.stop(5_000);
        }
    }

    @Test
    void aSinkWithoutRoomDelaysTheSecondsDueInsteadOfDroppingThem() throws Exception {
        assembler();
        both(G);
        noRoom = true;
        both(G + 1);
        both(G + 2);
        now += 2_000 * MS;   // long past their lateness: still nothing is dropped
        a.doWork(now);
        assertEquals(List.of(G), gpsOut());
        assertTrue(a.waitingForRoom());
        assertTrue(a.holds(G + 2));
        noRoom = false;
        a.doWork(now);
        assertEquals(List.of(G, G + 1, G + 2), gpsOut());
        for (Out o : out) {
            assertEquals(0, o.flags(), "GPS " + o.gps() + " whole and without reset");
        }
        assertFalse(a.waitingForRoom());
        assertEquals(0, c(IngestCounter.SECONDS_DROPPED_RING_FULL));
        assertAccounted();
    }

    @Test
    void aStopWithTheSinkFullLeavesTheRestForTheNextRun() throws Exception {
        assembler();
        both(G);
        noRoom = true;
        both(G + 1);
        both(G + 2);
        a.flush(now);
        assertEquals(List.of(G), gpsOut());
        assertEquals(G + 1, a.nextGps(), "the next run starts at the first second not handed on");
        assertEquals(0, c(IngestCounter.SECONDS_DROPPED_RING_FULL));
    }

    @Test
    void filesOfAnotherDurationAreCorrupt() throws Exception {
        assembler();
        a.onFile(STRAIN, G, 4, 0);
        assertEquals(1, c(IngestCounter.FILES_CORRUPT));
        assertEquals(-1, a.nextGps(), "a 4-s file does not set the start");
    }

    @Test
    void flushHandsOnEverythingHeldWithoutWaiting() throws Exception {
        assembler();
        both(G);
        put(G + 1);
        arrive(STRAIN, G + 1);
        put(G + 3);
        arrive(WITNESS, G + 3);
        assertEquals(1, out.size());
        a.flush(now);
        assertEquals(List.of(G, G + 1, G + 2, G + 3), gpsOut());
        assertTrue(out.get(1).has(FrameEvent.PARTIAL));
        assertEquals(SecondKind.GAP, out.get(2).kind());
        assertTrue(out.get(3).has(FrameEvent.PARTIAL));
        assertAccounted();
    }

    @Test
    void aStartGpsMakesEarlierFilesLateAndMissingOnesGaps() throws Exception {
        assembler();
        a.startAt(G + 2);
        both(G + 1);
        assertEquals(2, c(IngestCounter.FILES_LATE));
        now = 100 * MS;
        both(G + 4);
        at(600);
        assertEquals(List.of(G + 2, G + 3, G + 4), gpsOut());
        assertEquals(SecondKind.GAP, out.get(0).kind());
    }

    @Test
    void aRandomStreamOfArrivalsIsAlwaysFullyAccountedFor() throws Exception {
        java.util.Random r = new java.util.Random(42);
        for (GapPolicy policy : GapPolicy.values()) {
            out.clear();
            for (IngestCounter k : IngestCounter.values()) {
                counters.add(k, -counters.get(k));
            }
            now = 0;
            assembler(b -> b.gapPolicy(policy));
            for (long g = G; g < G + 40; g++) {
                put(g);
            }
            // each file arrives with probability 0.9, in GPS order shuffled within blocks of 3 s, some twice
            List<long[]> plan = new ArrayList<>();
            for (long g = G; g < G + 40; g += 3) {
                List<long[]> block = new ArrayList<>();
                for (long k = g; k < Math.min(g + 3, G + 40); k++) {
                    for (int s = 0; s < 2; s++) {
                        double p = r.nextDouble();
                        if (p >= 0.1) {
                            block.add(new long[] {s, k});
                        }
                        if (p > 0.95) {
                            block.add(new long[] {s, k});
                        }
                    }
                }
                java.util.Collections.shuffle(block, r);
                plan.addAll(block);
            }
            int arrivals = 0;
            for (long[] x : plan) {
                now += 150 * MS;
                a.onFile((int) x[0], x[1], 1, now);
                arrivals++;
                a.doWork(now);
            }
            a.flush(now + 10_000 * MS);
            assertEquals(arrivals, c(IngestCounter.FILES_SEEN));
            assertEquals(c(IngestCounter.FILES_SEEN), counters.filesAccounted(), policy + " " + counters);
            long first = out.get(0).gps();   // the first file to arrive set the start
            assertEquals(a.lastResolvedGps() - first + 1, counters.secondsAccounted(), policy + " " + counters);
            for (int i = 1; i < out.size(); i++) {
                assertTrue(out.get(i).gps() > out.get(i - 1).gps(), "strictly increasing GPS");
            }
            if (policy == GapPolicy.PAD) {
                for (int i = 1; i < out.size(); i++) {
                    assertEquals(out.get(i - 1).gps() + 1, out.get(i).gps(), "padding keeps the stream contiguous");
                }
            }
        }
    }
}
