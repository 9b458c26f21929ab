package org.strainline.daemon.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.sim.Injection;

/**
 * The figures, checks and summary of one run, computed from what it published: the sections the
 * demo and the validation report share. Each figure is printed, kept for {@code summary.json} (or
 * {@code report.json}) and, as a Markdown line, for the report.
 */
public final class Evaluation {
    private final PrintWriter out;
    private final Path figures;
    private final Published p;
    private final List<String> figureFiles = new ArrayList<>();
    private final List<String[]> checks = new ArrayList<>();
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();

    public Evaluation(PrintWriter out, Path figures, Published p) {
        this.out = out;
        this.figures = figures;
        this.p = p;
    }

    public Map<String, Object> json() {
        return json;
    }

    public List<String> figures() {
        return figureFiles;
    }

    public List<String[]> checks() {
        return checks;
    }

    /** The Markdown of the sections so far. */
    public StringBuilder markdown() {
        return md;
    }

    /** A check: printed at the end with PASS or FAIL; the run passes only if all pass. */
    public void check(boolean ok, String what) {
        checks.add(new String[] {ok ? "pass" : "fail", what});
    }

    /** A printed line, also a Markdown list item. */
    public void line(String s) {
        out.println(s);
        md.append("- ").append(s.strip()).append('\n');
    }

    /** A Markdown heading. */
    public void heading(String s) {
        md.append("\n## ").append(s).append("\n\n");
    }

    /** Records a figure written into the figures folder. */
    public Path figure(Path file) {
        figureFiles.add(file.getFileName().toString());
        md.append("\n![").append(file.getFileName()).append("](figures/").append(file.getFileName()).append(")\n\n");
        return file;
    }

    public Path figuresDir() {
        return figures;
    }

    /** Seconds per IFO: published once, twice, missing, by flag; {@code dropped}: seconds the ingest dropped per IFO. */
    public void seconds(Map<String, Long> dropped) {
        heading("Seconds");
        Map<String, Object> secs = new LinkedHashMap<>();
        for (String i : p.ifos()) {
            Published.Accounting a = p.accounting(i);
            int published = a.once() + a.twice();
            long drop = dropped.getOrDefault(i, 0L);
            line(String.format(Locale.ROOT, "%s: %d of %d seconds in the strain queue (%d cleaned by %s, %d raw while DeepClean warmed"
                            + " up, after a reset or at the end, %d gated, %d not ready, %d invalid), %d published twice, %d dropped", i,
                    published, p.duration(), published - a.uncleaned() - a.gated(), p.model(i), a.uncleaned(), a.gated(), a.notReady(),
                    a.invalid(), a.twice(), drop));
            check(a.once() == p.duration() && drop == 0, i + ": every one of the " + p.duration() + " seconds published exactly once ("
                    + a.once() + " once, " + a.twice() + " twice, " + a.missing() + " missing)");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("published", (double) published);
            m.put("twice", (double) a.twice());
            m.put("uncleaned", (double) a.uncleaned());
            m.put("gated", (double) a.gated());
            m.put("not_ready", (double) a.notReady());
            m.put("invalid", (double) a.invalid());
            m.put("dropped", (double) drop);
            secs.put(i, m);
        }
        json.put("seconds", secs);
        check(p.outOfRange() == 0, "no record outside the GPS span (" + p.outOfRange() + ")");
    }

    /**
     * Cleaning quality per IFO over its longest cleaned span, against the raw strain through the
     * same resampler: the line at 60 Hz, the band, the spectrum away from it; ASD figures.
     */
    public Map<String, Spectra> cleaning(Map<String, double[]> rawByIfo) throws IOException {
        heading("Cleaning");
        Map<String, Spectra> spectra = new LinkedHashMap<>();
        Map<String, Object> clean = new LinkedHashMap<>();
        int rate = p.rateHz();
        for (String i : p.ifos()) {
            double[] c = p.cleaned(i);
            int[] span = p.longestCleaned(i);
            if (c == null || span[1] - span[0] < 2 * Spectra.SEGMENT_S) {
                check(false, i + ": at least " + (int) (2 * Spectra.SEGMENT_S) + " contiguous cleaned seconds (" + (span[1] - span[0]) + ")");
                continue;
            }
            Spectra s = Spectra.of(rawByIfo.get(i), c, span[0] * rate, (span[1] - span[0]) * rate, rate);
            spectra.put(i, s);
            double at60 = s.reductionAt(60);
            double band = 1 / s.ratio(58, 62);
            double away = s.ratio(20, 1000, 50, 70);
            double skirts = s.ratio(50, 70, 58, 62);
            double[] worst = s.worst(20, 1000, 58, 62);
            line(String.format(Locale.ROOT, "%s: ASD at 60 Hz reduced %.1f x (58-62 Hz: %.1f x); cleaned/raw 20-1000 Hz away from 50-70 Hz"
                    + " %.4f, 50-58 + 62-70 Hz %.3f, the most in one bin outside 58-62 Hz %.2f at %.2f Hz (over %d s)", i, at60, band,
                    away, skirts, worst[1], worst[0], span[1] - span[0]));
            check(at60 >= 10, String.format(Locale.ROOT, "%s: the 60 Hz line reduced at least 10 x (%.1f x)", i, at60));
            check(Math.abs(away - 1) <= 0.02, String.format(Locale.ROOT,
                    "%s: the spectrum away from the line unchanged within 2%% (20-1000 Hz less 50-70 Hz: %.4f)", i, away));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reduction_60hz", at60);
            m.put("reduction_58_62hz", band);
            m.put("ratio_20_1000hz_outside_50_70hz", away);
            m.put("ratio_50_70hz_outside_58_62hz", skirts);
            m.put("worst_bin_outside_58_62hz", List.of(worst[0], worst[1]));
            m.put("span_s", (double) (span[1] - span[0]));
            clean.put(i, m);
            figure(Plots.asd(figures.resolve("asd-" + i + "-60hz.png"), i, s, 40, 80, false));
            figure(Plots.asd(figures.resolve("asd-" + i + ".png"), i, s, 10, rate / 2.0 * 0.9, true));
        }
        if (!spectra.isEmpty()) {
            figure(Plots.asdRatio(figures.resolve("asd-ratio.png"), spectra, 10, rate / 2.0 * 0.9));
        }
        json.put("cleaning", clean);
        return spectra;
    }

    /**
     * The alerts against the injections (an alert within 1 s of an injection's H1 merger finds it):
     * found, missed, false, against what the threshold's FAR predicts over the searched time.
     */
    public Recovery alerts(List<Injection> injections, long searchedS, double farThresholdHz, double threshold, double minFound) {
        heading("Alerts");
        Recovery rec = Recovery.match(injections, p.alerts(), 1.0, 0);
        double expectedFalse = searchedS * farThresholdHz;
        line(String.format(Locale.ROOT, "BBHnet: %d s searched, alert threshold %.2f (FAR %.2e Hz); %d alerts", searchedS, threshold,
                farThresholdHz, p.alerts().size()));
        List<Object> inj = new ArrayList<>();
        for (Recovery.Match m : rec.matches()) {
            Injection x = m.injection();
            if (m.alert() != null) {
                line(String.format(Locale.ROOT, "   found   injection GPS %.3f (H1), network SNR %.1f: alert statistic %.2f, FAR %.2e Hz,"
                        + " dt %+.3f s", x.gpsAt(0), x.networkSnr(), m.alert().statistic(), m.alert().farHz(), m.dtS(0)));
            } else {
                line(String.format(Locale.ROOT, "   MISSED  injection GPS %.3f (H1), network SNR %.1f", x.gpsAt(0), x.networkSnr()));
            }
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("gps_h1", x.gpsAt(0));
            j.put("network_snr", x.networkSnr());
            j.put("found", m.alert() != null);
            if (m.alert() != null) {
                j.put("statistic", m.alert().statistic());
                j.put("far_hz", m.alert().farHz());
                j.put("dt_s", m.dtS(0));
            }
            inj.add(j);
        }
        for (AlertQueue.Alert a : rec.falseAlarms()) {
            line(String.format(Locale.ROOT, "   FALSE   alert GPS %.3f, statistic %.2f, FAR %.2e Hz (no injection within 1 s)", a.gpsNs() / 1e9,
                    a.statistic(), a.farHz()));
        }
        line(String.format(Locale.ROOT, "   found %d, missed %d, false %d (expected false alarms: %.3f)", rec.found(), rec.missed(),
                rec.falseAlarms().size(), expectedFalse));
        Map<String, Object> al = new LinkedHashMap<>();
        al.put("searched_s", (double) searchedS);
        al.put("threshold", threshold);
        al.put("far_threshold_hz", farThresholdHz);
        al.put("found", (double) rec.found());
        al.put("missed", (double) rec.missed());
        al.put("false", (double) rec.falseAlarms().size());
        al.put("expected_false", expectedFalse);
        al.put("injections", inj);
        json.put("alerts", al);
        if (minFound > 0) {
            int need = (int) Math.ceil(minFound * injections.size());
            check(rec.found() >= need, String.format(Locale.ROOT, "BBHnet found at least %.0f%% of the injections (%d of %d)", 100 * minFound,
                    rec.found(), injections.size()));
        }
        check(rec.found() == 0 || rec.maxAbsDtS() <= 0.5, String.format(Locale.ROOT,
                "alert times within 0.5 s of the injected mergers (worst %.3f s)", rec.maxAbsDtS()));
        return rec;
    }

    /** The detection statistic figure, with the threshold, the injections and the alerts. */
    public void statistic(StatisticSeries series, double threshold, List<Injection> injections) throws IOException {
        int n = series.size();
        double[] gpsS = series.gpsS();
        double[] stat = series.values();
        double[] injT = new double[injections.size()];
        for (int k = 0; k < injT.length; k++) {
            injT[k] = injections.get(k).gpsAt(0) - p.start();
        }
        List<AlertQueue.Alert> alerts = p.alerts();
        double[] aT = new double[alerts.size()];
        double[] aS = new double[alerts.size()];
        for (int k = 0; k < aT.length; k++) {
            aT[k] = alerts.get(k).gpsNs() / 1e9 - p.start();
            aS[k] = alerts.get(k).statistic();
        }
        double[] t = new double[n];
        for (int k = 0; k < n; k++) {
            t[k] = gpsS[k] - p.start();
        }
        figure(Plots.statistic(figures.resolve("statistic.png"), p.start(), t, stat, n, threshold, injT, aT, aS));
    }

    /** p50, p99, max (ms) and count of each latency series that recorded anything, by its printed name. */
    public static Map<String, Object> latencies(List<org.strainline.daemon.Metrics.Series> series) {
        Map<String, Object> lat = new LinkedHashMap<>();
        List<String> names = Plots.names(series);
        for (int k = 0; k < series.size(); k++) {
            org.HdrHistogram.Histogram h = series.get(k).histogram();
            if (h.getTotalCount() > 0) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("p50_ms", h.getValueAtPercentile(50) / 1e6);
                m.put("p99_ms", h.getValueAtPercentile(99) / 1e6);
                m.put("max_ms", h.getMaxValue() / 1e6);
                m.put("count", (double) h.getTotalCount());
                lat.put(names.get(k), m);
            }
        }
        return lat;
    }

    /** Prints the checks; returns how many failed. */
    public int printChecks() {
        int failed = 0;
        out.println();
        md.append("\n## Checks\n\n");
        for (String[] c : checks) {
            boolean ok = c[0].equals("pass");
            out.println((ok ? "PASS  " : "FAIL  ") + c[1]);
            md.append("- ").append(ok ? "PASS " : "**FAIL** ").append(c[1]).append('\n');
            failed += ok ? 0 : 1;
        }
        String s = failed == 0 ? "all " + checks.size() + " checks passed" : failed + " of " + checks.size() + " checks failed";
        out.println(s);
        md.append('\n').append(s).append('\n');
        out.flush();
        return failed;
    }
}
