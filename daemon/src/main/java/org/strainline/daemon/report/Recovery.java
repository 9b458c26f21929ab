package org.strainline.daemon.report;

import java.util.ArrayList;
import java.util.List;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.sim.Injection;

/**
 * Alerts matched against an injection list: an injection is found when an alert's event time lies
 * within {@code windowS} of its merger time at the reference detector (the alert's time is the
 * first detector's merger time); every other alert is a false alarm.
 */
public final class Recovery {
    /** One injection and the alert that found it (null: missed). */
    public record Match(Injection injection, AlertQueue.Alert alert) {
        /** Alert time less injection time at the reference detector (NaN when missed). */
        public double dtS(int detector) {
            return alert == null ? Double.NaN : alert.gpsNs() / 1e9 - injection.gpsAt(detector);
        }
    }

    private final List<Match> matches = new ArrayList<>();
    private final List<AlertQueue.Alert> falseAlarms = new ArrayList<>();
    private final int detector;

    private Recovery(int detector) {
        this.detector = detector;
    }

    /** Matches {@code alerts} to {@code injections} (each alert to at most one injection, the nearest). */
    public static Recovery match(List<Injection> injections, List<AlertQueue.Alert> alerts, double windowS, int detector) {
        Recovery r = new Recovery(detector);
        boolean[] used = new boolean[alerts.size()];
        for (Injection inj : injections) {
            int best = -1;
            double bestDt = windowS;
            for (int a = 0; a < alerts.size(); a++) {
                double dt = Math.abs(alerts.get(a).gpsNs() / 1e9 - inj.gpsAt(detector));
                if (!used[a] && dt <= bestDt) {
                    best = a;
                    bestDt = dt;
                }
            }
            if (best >= 0) {
                used[best] = true;
            }
            r.matches.add(new Match(inj, best < 0 ? null : alerts.get(best)));
        }
        for (int a = 0; a < alerts.size(); a++) {
            if (!used[a]) {
                r.falseAlarms.add(alerts.get(a));
            }
        }
        return r;
    }

    public List<Match> matches() {
        return matches;
    }

    public List<AlertQueue.Alert> falseAlarms() {
        return falseAlarms;
    }

    public int found() {
        int n = 0;
        for (Match m : matches) {
            n += m.alert() == null ? 0 : 1;
        }
        return n;
    }

    public int missed() {
        return matches.size() - found();
    }

    /** The largest |alert − injection| time over the found injections (0 when none). */
    public double maxAbsDtS() {
        double m = 0;
        for (Match x : matches) {
            if (x.alert() != null) {
                m = Math.max(m, Math.abs(x.dtS(detector)));
            }
        }
        return m;
    }
}
