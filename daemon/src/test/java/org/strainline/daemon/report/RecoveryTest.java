package org.strainline.daemon.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.sim.Injection;
import org.strainline.daemon.sim.Simulator;

class RecoveryTest {
    private static AlertQueue.Alert alert(double gps) {
        return new AlertQueue.Alert(Math.round(gps * 1e9), 10, 1e-5, "H1,L1", "", 0, 0);
    }

    @Test
    void eachInjectionTakesTheNearestAlertInItsWindowAndTheRestAreFalse() throws Exception {
        Path f = Files.createTempFile("injections", ".json");
        try {
            Files.writeString(f, "[{\"gps\": 1400000100.0, \"mass1\": 30, \"mass2\": 30, \"network_snr\": 20},"
                    + " {\"gps\": 1400000200.0, \"mass1\": 30, \"mass2\": 30, \"network_snr\": 20},"
                    + " {\"gps\": 1400000300.0, \"mass1\": 30, \"mass2\": 30, \"network_snr\": 20}]");
            List<Injection> inj = Simulator.injections(f, List.of("H1", "L1"), 1);
            double h1 = inj.get(0).gpsAt(0);
            AlertQueue.Alert near = alert(h1 + 0.1);
            AlertQueue.Alert nearer = alert(h1 - 0.05);
            AlertQueue.Alert second = alert(inj.get(1).gpsAt(0) + 0.9);
            AlertQueue.Alert far = alert(inj.get(2).gpsAt(0) + 1.5);
            Recovery r = Recovery.match(inj, List.of(near, nearer, second, far), 1.0, 0);
            assertEquals(2, r.found());
            assertEquals(1, r.missed());
            assertSame(nearer, r.matches().get(0).alert(), "the nearest alert");
            assertSame(second, r.matches().get(1).alert());
            assertNull(r.matches().get(2).alert(), "1.5 s is outside the window");
            assertEquals(List.of(near, far), r.falseAlarms());
            assertEquals(0.9, r.maxAbsDtS(), 1e-6);
            assertEquals(-0.05, r.matches().get(0).dtS(0), 1e-6);
        } finally {
            Files.delete(f);
        }
    }
}
