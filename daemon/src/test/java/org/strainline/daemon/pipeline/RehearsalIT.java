package org.strainline.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.ModelRepository;
import org.strainline.daemon.engine.OnnxRuntimeEngine;
import org.strainline.shm.IfoSpec;

/**
 * The rehearsals on the committed models, shaped like the real engines (ONNX Runtime, the span
 * for DeepClean): every rehearsed second goes through the stage's own code, DeepClean hands on one
 * second per second fed less its lag and cleans those past its warm-up (so the path after the
 * engine ran), BBHnet joins every second and searches those past its PSD span; and the engine the rehearsal copies is never run.
 */
class RehearsalIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");

    /** An engine that counts its runs. */
    private static final class Counting extends org.strainline.daemon.engine.ForwardingEngine {
        int runs;

        Counting(org.strainline.daemon.engine.Engine inner) {
            super(inner);
        }

        @Override
        public void run() throws org.strainline.daemon.engine.EngineException {
            runs++;
            inner.run();
        }
    }

    @Test
    void deepCleanIsRehearsedOnItsOwnCodeWithoutRunningTheEngine() throws Exception {
        ModelCard card = new ModelRepository(REPO).resolve("deepclean-h1", null);
        DeepCleanStage.Settings s = DeepCleanStage.Settings.defaults();
        int stride = card.sampleRateHz() / s.inferenceRateHz();
        try (Counting live = new Counting(new OnnxRuntimeEngine(card, s.inferenceRateHz(), 1, 0, true, stride))) {
            assertTrue(live.spanStride() > 0, "the span, as in the daemon");
            IfoSpec spec = DeepCleanStageIT.h1(Path.of("/nonexistent"));   // the shape only: no file is read
            DeepCleanStage probe = new DeepCleanStage(spec, card, new org.strainline.daemon.engine.NullEngine(live), s, c -> { });
            int seconds = probe.warmSeconds() + 20;
            Rehearsal.Result r = Rehearsal.deepClean(spec, card, live, s, seconds);
            assertEquals(seconds, r.seconds());
            assertEquals(seconds - probe.lagSeconds(), r.out(), "one second handed on per second fed, less the stage's lag");
            assertTrue(r.done() >= 19, "the seconds past the warm-up cleaned (the path after the engine): " + r.done());
            assertEquals(0, live.runs, "the live engine is not run");
            assertTrue(r.ns() > 0);
        }
    }

    @Test
    void bbhnetIsRehearsedPastItsPsdSpanWithoutRunningTheEngine() throws Exception {
        ModelCard card = new ModelRepository(REPO).resolve("bbhnet", null);
        BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
        try (Counting live = new Counting(new OnnxRuntimeEngine(card, s.inferenceRateHz(), 1, 0))) {
            BbhnetStage probe = new BbhnetStage(card, new org.strainline.daemon.engine.NullEngine(live), 4096, s, (ns, l, i, rd) -> { });
            int seconds = probe.warmSeconds() + 20;
            Rehearsal.Result r = Rehearsal.bbhnet(card, live, 4096, s, seconds);
            assertEquals(seconds, r.out(), "every second joined");
            assertTrue(r.done() >= 19 && r.done() <= 21, "the seconds past the PSD span searched: " + r.done() + " of " + seconds);
            assertEquals(0, live.runs, "the live engine is not run");
        }
    }
}
