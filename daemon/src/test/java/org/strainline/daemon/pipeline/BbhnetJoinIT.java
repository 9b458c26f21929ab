package org.strainline.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.ModelRepository;
import org.strainline.daemon.engine.OnnxRuntimeEngine;

/**
 * The BBHnet join through the real strain ring: a second waits for its partner while the
 * partner's pipeline holds that second, goes on alone once the partner's stream has passed it or
 * once the join budget is spent with the partner not taken in (also with no further event: the
 * ring's wait times out), or when this IFO runs {@code joinSeconds} ahead; a partner second after
 * its GPS went on is counted late. Every second is processed once.
 */
class BbhnetJoinIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");
    private static final long G = 1_400_000_000L;

    private OnnxRuntimeEngine engine;
    private ModelCard card;
    private StrainRing ring;
    private final CleanedSecond[] sec = {new CleanedSecond("H1", 4096), new CleanedSecond("L1", 4096)};
    private final Random random = new Random(3);

    @BeforeEach
    void open() throws Exception {
        card = new ModelRepository(REPO).resolve("bbhnet", null);
        engine = new OnnxRuntimeEngine(card, 4, 1, 0);
    }

    @AfterEach
    void close() {
        if (ring != null) {
            ring.stop(10_000);
        }
        engine.close();
    }

    private BbhnetStage stage(double budgetS, int joinSeconds) throws Exception {
        BbhnetStage.Settings d = BbhnetStage.Settings.defaults();
        BbhnetStage s = new BbhnetStage(card, engine, 4096, new BbhnetStage.Settings(d.inferenceRateHz(), d.integrationS(),
                joinSeconds, d.inputDelayS(), budgetS, true), (ns, logit, integrated, ready) -> { });
        ring = new StrainRing(4096, 128, 2);
        ring.handleEventsWith(s);
        return s;
    }

    private void offer(int ifo, long gps) throws InterruptedException {
        for (int k = 0; k < 4096; k++) {
            sec[ifo].samples().put(k, (float) random.nextGaussian());
        }
        sec[ifo].set(gps, 0, "deepclean");
        while (!ring.offer(sec[ifo], ifo)) {
            Thread.sleep(1);
        }
    }

    private static void await(BbhnetStage s, BbhnetStage.Counter c, long want, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (s.counter(c) < want && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
        assertEquals(want, s.counter(c), c + " after " + ms + " ms");
    }

    @Test
    void eachSearchedSecondIsTimedFromTheNewestFileEitherIfoWaitedForAndCarriesTheEnginesOnItsPathAndItsOwnSteps() throws Exception {
        BbhnetStage.Settings d = BbhnetStage.Settings.defaults();
        java.util.Map<Long, Long> searched = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Map<Long, long[]> engineOnPath = new java.util.concurrent.ConcurrentHashMap<>();   // {reported, BBHnet's run}
        long[] lastRun = {0, 0, 0};   // the last run's length, start and end (nanoTime)
        java.util.Map<Long, long[]> steps = new java.util.concurrent.ConcurrentHashMap<>();   // {handoff, prepare, finish, run start, run end, reported at}
        java.util.Map<Long, Long> lastOffer = new java.util.concurrent.ConcurrentHashMap<>();   // before the second's last IFO was offered
        org.strainline.daemon.engine.Engine timed = new org.strainline.daemon.engine.ForwardingEngine(engine) {
            @Override
            public void run() throws org.strainline.daemon.engine.EngineException {
                long t0 = System.nanoTime();
                inner.run();
                lastRun[2] = System.nanoTime();
                lastRun[1] = t0;
                lastRun[0] = lastRun[2] - t0;
            }
        };
        long[] stepsOf = new long[3];
        BbhnetStage s = new BbhnetStage(card, timed, 4096, d, new BbhnetStage.Sink() {
            @Override
            public void accept(long gpsNs, double logit, double integrated, boolean ready) {
            }

            @Override
            public void steps(long handoffNs, long prepareNs, long finishNs) {
                stepsOf[0] = handoffNs;
                stepsOf[1] = prepareNs;
                stepsOf[2] = finishNs;
            }

            @Override
            public void searched(long gps, long newestFileUnixNs, long engineNs) {
                steps.put(gps, new long[] {stepsOf[0], stepsOf[1], stepsOf[2], lastRun[1], lastRun[2], System.nanoTime()});
                stepsOf[1] = -1;   // each second reports its own
                assertEquals(null, searched.put(gps, newestFileUnixNs), "second " + gps + " searched once");
                engineOnPath.put(gps, new long[] {engineNs, lastRun[0]});
            }
        });
        ring = new StrainRing(4096, 128, 2);
        ring.handleEventsWith(s);
        ring.start();
        long t = 1_700_000_000_000_000_000L;
        int n = 80;   // past the 64-s PSD span: the later seconds are searched
        for (long g = G; g < G + n; g++) {
            // H1's cleaned second comes in last in even seconds, L1's in odd ones; their DeepClean runs took 11 and 23 ms
            int[] order = g % 2 == 0 ? new int[] {1, 0} : new int[] {0, 1};
            for (int ifo : order) {
                // the files each cleaned second waited for: H1's newer in even seconds, L1's in odd ones
                sec[ifo].takenFileMtimeUnixNs = t + (g - G) * 1_000_000_000L + ((g % 2 == 0) == (ifo == 0) ? 7_000_000 : 3_000_000);
                sec[ifo].engineStartNs = 1_000_000L;
                sec[ifo].engineEndNs = 1_000_000L + (ifo == 0 ? 11_000_000L : 23_000_000L);
                lastOffer.put(g, System.nanoTime());
                offer(ifo, g);
            }
        }
        await(s, BbhnetStage.Counter.SECONDS_JOINED, n, 20_000);
        long end = System.currentTimeMillis() + 10_000;
        while (!searched.containsKey(G + n - 1) && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
        assertTrue(searched.size() >= 10, "seconds searched: " + searched.size());
        for (java.util.Map.Entry<Long, Long> e : searched.entrySet()) {
            long g = e.getKey();
            assertEquals(t + (g - G) * 1_000_000_000L + 7_000_000, e.getValue(), "second " + g + ": the newer of the two IFOs' files");
            long[] eng = engineOnPath.get(g);
            long deepclean = g % 2 == 0 ? 11_000_000L : 23_000_000L;   // the IFO that came in last
            long bbhnet = eng[0] - deepclean;
            assertTrue(bbhnet >= eng[1] && bbhnet < eng[1] + 1_000_000L, "second " + g + ": engine time on the path " + eng[0]
                    + " ns = the last IFO's DeepClean run " + deepclean + " + BBHnet's run (" + eng[1] + " ns measured around it)");
            // the stage's own steps: the handoff and the preparation lie between the last offer and the run, the finish after it
            long[] st = steps.get(g);
            String at = "second " + g + ": handoff " + st[0] + ", prepare " + st[1] + ", finish " + st[2] + " ns";
            assertTrue(st[0] >= 0 && st[1] > 0 && st[2] >= 0, at);
            assertTrue(st[0] + st[1] <= st[3] - lastOffer.get(g), at + " within the " + (st[3] - lastOffer.get(g)) + " ns from the offer to the run");
            assertTrue(st[2] <= st[5] - st[4], at + " within the " + (st[5] - st[4]) + " ns from the run to the report");
        }
    }

    @Test
    void aSecondWhosePartnerIsNotTakenInGoesOnAloneOnceTheBudgetIsSpent() throws Exception {
        BbhnetStage s = stage(0.3, 64);
        AtomicLong l1Reach = new AtomicLong(G + 4);   // L1's ingest has taken in up to G + 4 (its frames stop there)
        s.partnerReach(() -> G + 1000, l1Reach::get);
        ring.start();
        for (long g = G; g <= G + 4; g++) {
            offer(0, g);
            offer(1, g);
        }
        await(s, BbhnetStage.Counter.SECONDS_JOINED, 5, 5_000);
        long t0 = System.nanoTime();
        offer(0, G + 5);   // no L1 second will come: after the budget it goes on, with no further event to wake the stage
        await(s, BbhnetStage.Counter.SECONDS_ALONE, 1, 5_000);
        double waited = (System.nanoTime() - t0) / 1e9;
        assertTrue(waited >= 0.3 && waited < 2, "went on alone after " + waited + " s (budget 0.3 s)");
        offer(1, G + 5);   // L1's second after all, too late
        await(s, BbhnetStage.Counter.SECONDS_LATE, 1, 5_000);
        // now L1's pipeline holds G + 6: H1's G + 6 waits for it past the budget
        l1Reach.set(G + 6);
        offer(0, G + 6);
        Thread.sleep(800);
        assertEquals(1, s.counter(BbhnetStage.Counter.SECONDS_ALONE), "a partner on its way is waited for");
        offer(1, G + 6);
        await(s, BbhnetStage.Counter.SECONDS_JOINED, 6, 5_000);
    }

    @Test
    void aSecondThePartnersStreamHasPassedGoesOnAloneAtOnce() throws Exception {
        BbhnetStage s = stage(30, 64);   // a budget far longer than the test: only the stream passing can send it on
        ring.start();
        offer(0, G);
        offer(1, G);
        offer(0, G + 1);
        offer(1, G + 2);   // L1 has no G + 1 (a gap there)
        await(s, BbhnetStage.Counter.SECONDS_ALONE, 1, 5_000);
        offer(0, G + 2);
        await(s, BbhnetStage.Counter.SECONDS_JOINED, 2, 5_000);
        assertEquals(0, s.counter(BbhnetStage.Counter.SECONDS_LATE));
    }

    @Test
    void anIfoRunningJoinSecondsAheadSendsItsOldestOnAloneAndShutdownTheRest() throws Exception {
        BbhnetStage s = stage(30, 8);   // without partnerReach: the partner is always taken to be coming
        ring.start();
        for (long g = G; g <= G + 20; g++) {
            offer(0, g);
        }
        // seconds more than 8 behind the newest (G + 20) go on: G .. G + 11
        await(s, BbhnetStage.Counter.SECONDS_ALONE, 12, 5_000);
        offer(1, G + 12);
        await(s, BbhnetStage.Counter.SECONDS_JOINED, 1, 5_000);
        ring.stop(10_000);
        ring = null;
        assertEquals(12 + 8, s.counter(BbhnetStage.Counter.SECONDS_ALONE), "at shutdown what waits goes on alone");
        assertEquals(21, s.counter(BbhnetStage.Counter.SECONDS_ALONE) + s.counter(BbhnetStage.Counter.SECONDS_JOINED),
                "every second once");
    }
}
