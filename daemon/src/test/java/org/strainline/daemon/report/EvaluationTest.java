package org.strainline.daemon.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.queue.StrainQueue;

/** The checks the demo and the validation report end with: a failed one is counted, printed and written. */
class EvaluationTest {
    private static StrainQueue.Record record(String ifo, long gps, int flags) {
        return new StrainQueue.Record(0, ifo, flags, gps, 4, 0, "deepclean-h1/1", ifo + ":GDS-CALIB_STRAIN", new float[4]);
    }

    @Test
    void aMissingSecondFailsItsCheckAndTheCountOfFailuresSaysSo() {
        Published p = new Published(100, 3, List.of("H1"));
        p.add(record("H1", 100, CleanedSecond.UNCLEANED));
        p.add(record("H1", 102, 0));
        p.add(record("H1", 200, 0));   // outside the span
        StringWriter text = new StringWriter();
        Evaluation ev = new Evaluation(new PrintWriter(text, true), Path.of("."), p);
        ev.seconds(Map.of("H1", 0L));
        ev.check(true, "something that held");
        int failed = ev.printChecks();
        assertEquals(2, failed, "the missing second and the record outside the span");
        String out = text.toString();
        assertTrue(out.contains("FAIL  H1: every one of the 3 seconds published exactly once (2 once, 0 twice, 1 missing)"), out);
        assertTrue(out.contains("FAIL  no record outside the GPS span (1)"), out);
        assertTrue(out.contains("PASS  something that held"), out);
        assertTrue(out.contains("2 of 3 checks failed"), out);
        assertTrue(ev.markdown().toString().contains("- **FAIL** H1: every one"), ev.markdown().toString());
        Map<?, ?> h1 = (Map<?, ?>) ((Map<?, ?>) ev.json().get("seconds")).get("H1");
        assertEquals(2.0, h1.get("published"));
        assertEquals(1.0, h1.get("uncleaned"));
    }

    @Test
    void everyCheckHeldIsZeroFailures() {
        Published p = new Published(100, 1, List.of("H1"));
        p.add(record("H1", 100, 0));
        StringWriter text = new StringWriter();
        Evaluation ev = new Evaluation(new PrintWriter(text, true), Path.of("."), p);
        ev.seconds(Map.of("H1", 0L));
        assertEquals(0, ev.printChecks());
        assertTrue(text.toString().contains("all 2 checks passed"), text.toString());
    }
}
