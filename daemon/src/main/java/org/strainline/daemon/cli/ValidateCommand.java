package org.strainline.daemon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.strainline.daemon.Daemon;
import org.strainline.daemon.Json;
import org.strainline.daemon.config.DaemonConfig;
import org.strainline.daemon.pipeline.BbhnetStage;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.queue.StrainQueue;
import org.strainline.daemon.report.Evaluation;
import org.strainline.daemon.report.MatchedSnr;
import org.strainline.daemon.report.Plots;
import org.strainline.daemon.report.Published;
import org.strainline.daemon.report.Recovery;
import org.strainline.daemon.report.Spectra;
import org.strainline.daemon.report.StatisticSeries;
import org.strainline.daemon.sim.Injection;
import org.strainline.daemon.sim.Simulator;
import org.strainline.kernels.Welch;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.IngestCounter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strainline validate}: the pipeline over recorded frame directories as fast as they can
 * be read, then a report (Markdown, PNG, JSON) of cleaning quality, injection recovery, false
 * alarms and throughput. The queues are stamped with the data's clock, so the same input gives
 * byte-identical queues and the same {@code report.json}; throughput, which depends on the
 * machine, goes to {@code throughput.json} only.
 */
@Command(name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Run the pipeline over recorded frame directories (ROOT/kafka/<IFO>, ROOT/lldetchar/<IFO>) as fast as",
            "possible and write a report into --report: report.md with its figures, report.json (deterministic: the same",
            "input gives the same file and byte-identical queues), throughput.json. Exit 0 only if every check passed."})
final class ValidateCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("(.+)-(\\d{10})-1\\.gwf");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "ROOT", description = "the recorded frames, in the field's layout")
    Path data;

    @Option(names = "--injections", paramLabel = "FILE", description = "the injections in the data (injections.json as simulate writes it)")
    Path injectionsFile;

    @Option(names = "--report", defaultValue = "strainline-report", paramLabel = "DIR",
            description = "where the report, its figures and the run's queues go (default: ${DEFAULT-VALUE})")
    Path report;

    @Option(names = "--config", paramLabel = "FILE",
            description = "the configuration whose streams, models and settings are used, its paths under /data/strainline-replay"
                    + " replaced (default: config/replay.yaml of this installation)")
    Path config;

    @Option(names = "--seed", defaultValue = "1", description = "draws what the injection file leaves out (sky position, ...) (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Path template = config != null ? config : DemoCommand.home().resolve("config/replay.yaml");
        if (!Files.isRegularFile(template)) {
            throw new CommandLine.ParameterException(spec.commandLine(), template + ": no such configuration (pass --config)");
        }
        if (!Files.isDirectory(data)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--data " + data + ": not a directory");
        }
        data = data.toAbsolutePath();
        report = report.toAbsolutePath();
        for (String d : new String[] {"queues", "cleaned", "figures"}) {
            DemoCommand.delete(report.resolve(d));
        }
        Files.createDirectories(report.resolve("figures"));
        DaemonConfig cfg = configure(template, data, report, "daemon.yaml");
        IfoSpec first = cfg.ingest().ifos().get(0);
        long[] span = span(first.streams().get(0).directory(), first.streams().get(0).prefix());
        if (span == null) {
            throw new IOException(first.streams().get(0).directory() + ": no frame files " + first.streams().get(0).prefix()
                    + "-GPS-1.gwf");
        }
        long start = span[0];
        int duration = (int) (span[1] - span[0] + 1);
        List<String> ifos = new ArrayList<>();
        for (IfoSpec i : cfg.ingest().ifos()) {
            ifos.add(i.ifo());
        }
        List<Injection> injections = injectionsFile == null ? List.of() : Simulator.injections(injectionsFile, ifos, seed);
        o.printf(Locale.ROOT, "== validate: %s, GPS %d + %d s, %s, %d injections%n", data, start, duration, String.join(",", ifos),
                injections.size());
        o.flush();

        DemoCommand.redirectLog(report.resolve("daemon.log"));
        StatisticSeries seen = cfg.bbhnet() == null ? null
                : new StatisticSeries(duration * cfg.bbhnet().settings().inferenceRateHz() + 64);
        long t0 = System.nanoTime();
        Daemon d = runToEnd(o, cfg, seen, span[1]);
        double wall = (System.nanoTime() - t0) / 1e9;

        Published p = published(cfg, start, duration, ifos);
        if (cfg.bbhnet() != null) {
            try (AlertQueue q = new AlertQueue(cfg.publish().alertQueue(), true)) {
                for (AlertQueue.Alert a : q.readAll()) {
                    p.add(a);
                }
            }
        }
        Evaluation ev = new Evaluation(o, report.resolve("figures"), p);
        ev.json().put("data", data.toString());
        ev.json().put("start", (double) start);
        ev.json().put("duration_s", (double) duration);
        Map<String, Long> dropped = DemoCommand.dropped(d, cfg);
        Map<String, double[]> raw = DemoCommand.raw(p, cfg, ifo -> ifo.streams().get(0).directory());
        ev.seconds(dropped);
        Map<String, Spectra> spectra = ev.cleaning(raw);
        overTime(ev, p, raw);
        if (cfg.bbhnet() != null) {
            long searched = d.bbhnet().counter(BbhnetStage.Counter.SECONDS_SEARCHED);
            long unpaired = d.bbhnet().counter(BbhnetStage.Counter.SECONDS_ALONE) + d.bbhnet().counter(BbhnetStage.Counter.SECONDS_LATE);
            ev.check(unpaired == 0, "BBHnet joined every second both IFOs published (" + unpaired + " alone or late)");
            Recovery rec = ev.alerts(injections, searched, cfg.bbhnet().farThresholdHz(), d.alertThreshold(), 0);
            falseAlarms(ev, rec, searched);
            efficiency(ev, rec);
            ev.statistic(seen, d.alertThreshold(), injections);
            double[][] st = {java.util.Arrays.copyOf(seen.gpsS(), seen.size()), java.util.Arrays.copyOf(seen.values(), seen.size())};
            org.strainline.daemon.Npy.write(report.resolve("statistic.npy"), st, false);   // (GPS, integrated statistic)
        }
        if (!injections.isEmpty() && !spectra.isEmpty()) {
            Map<String, double[]> twinRaw = new LinkedHashMap<>();
            Published twin = twin(o, template, start, duration, ifos, twinRaw);
            matchedSnr(ev, p, raw, injections, ifos, twin, twinRaw);
        }

        Map<String, Object> tp = new LinkedHashMap<>();
        tp.put("wall_s", wall);
        tp.put("data_s", (double) duration);
        tp.put("ifos", (double) ifos.size());
        tp.put("seconds_per_second", duration / wall);
        tp.put("latency", Evaluation.latencies(d.metrics().latencies()));   // as fast as the files read: queueing in the backlog included
        Files.writeString(report.resolve("throughput.json"), Json.write(tp) + "\n");
        ev.heading("Throughput");
        ev.line(String.format(Locale.ROOT, "%d s of %s data in %.1f s: %.2f s of data per second (both IFOs; this machine, %d cores)",
                duration, String.join(" + ", ifos), wall, duration / wall, Runtime.getRuntime().availableProcessors()));
        Files.writeString(report.resolve("report.json"), Json.write(ev.json()) + "\n");
        int failed = ev.printChecks();
        StringBuilder md = new StringBuilder();
        md.append("# Strainline validation report\n\n")
                .append(String.format(Locale.ROOT, "Data: `%s`, GPS %d to %d (%d s), %s; %d injections%s. Configuration: `%s` (clock: data).%n",
                        data, start, span[1] + 1, duration, String.join(", ", ifos), injections.size(),
                        injectionsFile == null ? "" : " from `" + injectionsFile + "`", report.resolve("daemon.yaml")))
                .append(ev.markdown());
        Files.writeString(report.resolve("report.md"), md.toString(), StandardCharsets.UTF_8);
        o.println("report: " + report.resolve("report.md"));
        o.flush();
        return failed == 0 ? 0 : Main.EXIT_FAILED;
    }

    /**
     * The configuration template with its /data/strainline-replay paths moved to {@code frames} and
     * {@code out}, and clock: data; written to {@code name} in the report.
     */
    private DaemonConfig configure(Path template, Path frames, Path out, String name) throws IOException {
        if (!Files.readString(template, StandardCharsets.UTF_8).contains("\npublish:\n")) {
            throw new IOException(template + ": no publish section");
        }
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("/data/strainline-replay/frames", frames.toString());
        paths.put("/data/strainline-replay/queues", out.resolve("queues").toString());
        paths.put("/data/strainline-replay/cleaned", out.resolve("cleaned").toString());
        paths.put("\npublish:\n", "\npublish:\n  clock: data\n");
        return DemoCommand.rewrite(template, report.resolve(name), "strainline validate", paths);
    }

    /** Starts the daemon and stops it once every IFO has published the second before {@code last} (or nothing moved for 60 s). */
    private static Daemon runToEnd(PrintWriter o, DaemonConfig cfg, StatisticSeries seen, long last)
            throws Exception {
        Daemon d = Daemon.start(cfg, seen);
        try {
            long lastMoved = System.nanoTime();
            long seenGps = Long.MIN_VALUE;
            while (true) {
                long low = d.publishedByAll();
                if (low >= last - 1) {
                    break;   // the last second waits for look-ahead that never comes: closing hands it on
                }
                if (low != seenGps) {
                    seenGps = low;
                    lastMoved = System.nanoTime();
                } else if (System.nanoTime() - lastMoved > 60_000_000_000L) {
                    o.println("   no progress for 60 s at GPS " + low + "; stopping");
                    break;
                }
                Thread.sleep(50);
            }
        } finally {
            d.close();
        }
        return d;
    }

    private static Published published(DaemonConfig cfg, long start, int duration, List<String> ifos) {
        Published p = new Published(start, duration, ifos);
        try (StrainQueue q = new StrainQueue(cfg.publish().strainQueue(), "", true)) {
            for (StrainQueue.Record r : q.readAll()) {
                p.add(r);
            }
        }
        return p;
    }

    /**
     * The noise-only twin of simulated data (re-simulated from the recipe in the injection file)
     * through DeepClean alone; its raw strain into {@code twinRaw}. Null when the data are not a
     * simulation this build can repeat.
     */
    private Published twin(PrintWriter o, Path template, long start, int duration, List<String> ifos, Map<String, double[]> twinRaw)
            throws Exception {
        Path root = report.resolve("twin");
        DemoCommand.delete(root);
        Simulator.Config c = injectionsFile == null ? null : Simulator.twin(injectionsFile, root.resolve("frames"));
        if (c == null || c.startGps() != start || c.durationS() != duration) {
            return null;
        }
        o.println("== the same data without the injections (re-simulated from " + injectionsFile + "), through DeepClean");
        o.flush();
        Simulator.run(c);
        DaemonConfig t = configure(template, root.resolve("frames"), root, "twin.yaml");
        DaemonConfig dc = new DaemonConfig(t.file(), t.ingest(), t.repository(), t.deepclean(), null,
                new DaemonConfig.Publish(t.publish().strainQueue(), t.publish().alertQueue(), t.publish().channelSuffix(), null, true),
                t.metrics(), t.modelWatch(), t.cpus());
        runToEnd(o, dc, null, start + duration - 1);
        Published p = published(dc, start, duration, ifos);
        twinRaw.putAll(DemoCommand.raw(p, dc, ifo -> ifo.streams().get(0).directory()));
        DemoCommand.delete(root.resolve("frames"));
        return p;
    }

    /** The first and last GPS second of the stream's files (null: none). */
    static long[] span(Path dir, String prefix) throws IOException {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && m.group(1).equals(prefix)) {
                    long g = Long.parseLong(m.group(2));
                    lo = Math.min(lo, g);
                    hi = Math.max(hi, g);
                }
            }
        }
        return lo == Long.MAX_VALUE ? null : new long[] {lo, hi};
    }

    /** The 60 Hz reduction and the spectrum away from the line per 64-s chunk of cleaned data, per IFO. */
    private static void overTime(Evaluation ev, Published p, Map<String, double[]> raw) throws IOException {
        int chunk = 64;
        int rate = p.rateHz();
        List<String> names = new ArrayList<>();
        List<double[]> xs = new ArrayList<>();
        List<double[]> ys = new ArrayList<>();
        Map<String, Object> js = new LinkedHashMap<>();
        ev.heading("Cleaning over time");
        for (String i : p.ifos()) {
            int[] span = p.longestCleaned(i);
            if (p.cleaned(i) == null || span[1] - span[0] < chunk) {
                continue;
            }
            int n = (span[1] - span[0]) / chunk;
            double[] t = new double[n];
            double[] red = new double[n];
            List<Object> rows = new ArrayList<>();
            StringBuilder line = new StringBuilder(i + ": ASD at 60 Hz reduced, per " + chunk + " s:");
            for (int k = 0; k < n; k++) {
                int from = (span[0] + k * chunk) * rate;
                Spectra s = Spectra.of(raw.get(i), p.cleaned(i), from, chunk * rate, rate);
                t[k] = span[0] + (k + 0.5) * chunk;
                red[k] = s.reductionAt(60);
                double away = s.ratio(20, 1000, 50, 70);
                rows.add(List.of(t[k], red[k], away));
                line.append(String.format(Locale.ROOT, " %.1f", red[k]));
            }
            ev.line(line.toString());
            names.add(i);
            xs.add(t);
            ys.add(red);
            js.put(i, rows);
        }
        ev.json().put("cleaning_over_time", js);
        ev.figure(Plots.lines(ev.figuresDir().resolve("reduction-over-time.png"), "ASD at 60 Hz, raw / cleaned, per 64 s",
                "time from the start (s)", "reduction (x)", names, xs, ys, true));
    }

    /** False alarms per day over the searched time (with a 90% upper limit when there are none). */
    private static void falseAlarms(Evaluation ev, Recovery rec, long searchedS) {
        int n = rec.falseAlarms().size();
        double perDay = searchedS == 0 ? Double.NaN : n * 86400.0 / searchedS;
        double upper = searchedS == 0 ? Double.NaN : (n == 0 ? 2.303 : n + 1.645 * Math.sqrt(n) + 1) * 86400.0 / searchedS;
        ev.line(String.format(Locale.ROOT, "false alarms: %d in %d s searched: %.2f per day (90%% upper limit %.1f per day)", n, searchedS,
                perDay, upper));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", (double) n);
        m.put("per_day", perDay);
        m.put("upper_90_per_day", upper);
        ev.json().put("false_alarms", m);
    }

    private static final double[] SNR_EDGES = {0, 8, 12, 16, 20, 25, 30, 1e9};

    /** Found over injected per network-SNR bin. */
    private static void efficiency(Evaluation ev, Recovery rec) throws IOException {
        int bins = SNR_EDGES.length - 1;
        int[] found = new int[bins];
        int[] all = new int[bins];
        double sumDt = 0;
        double sumDt2 = 0;
        int nDt = 0;
        for (Recovery.Match m : rec.matches()) {
            double snr = m.injection().networkSnr();
            for (int b = 0; b < bins; b++) {
                if (snr >= SNR_EDGES[b] && snr < SNR_EDGES[b + 1]) {
                    all[b]++;
                    found[b] += m.alert() != null ? 1 : 0;
                }
            }
            if (m.alert() != null) {
                double dt = m.dtS(0);
                sumDt += dt;
                sumDt2 += dt * dt;
                nDt++;
            }
        }
        ev.heading("Injection recovery");
        List<Object> rows = new ArrayList<>();
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            if (all[b] == 0) {
                continue;
            }
            String label = SNR_EDGES[b + 1] > 1e8 ? String.format(Locale.ROOT, ">= %.0f", SNR_EDGES[b])
                    : String.format(Locale.ROOT, "%.0f-%.0f", SNR_EDGES[b], SNR_EDGES[b + 1]);
            double eff = (double) found[b] / all[b];
            ev.line(String.format(Locale.ROOT, "network SNR %s: %d of %d found (%.0f%%)", label, found[b], all[b], 100 * eff));
            rows.add(List.of(label, (double) found[b], (double) all[b]));
            x.add(SNR_EDGES[b + 1] > 1e8 ? SNR_EDGES[b] + 2.5 : (SNR_EDGES[b] + SNR_EDGES[b + 1]) / 2);
            y.add(eff);
        }
        double mean = nDt == 0 ? Double.NaN : sumDt / nDt;
        double sd = nDt < 2 ? Double.NaN : Math.sqrt(Math.max(0, (sumDt2 - nDt * mean * mean) / (nDt - 1)));
        ev.line(String.format(Locale.ROOT, "timing: alert - injected H1 merger, mean %+.3f s, standard deviation %.3f s, worst |dt| %.3f s"
                + " (%d found)", mean, sd, rec.maxAbsDtS(), nDt));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("by_network_snr", rows);
        m.put("dt_mean_s", mean);
        m.put("dt_sd_s", sd);
        m.put("dt_worst_s", rec.maxAbsDtS());
        ev.json().put("recovery", m);
        ev.figure(Plots.lines(ev.figuresDir().resolve("efficiency.png"), "Injections found per network SNR bin", "network SNR",
                "fraction found", List.of("BBHnet"), List.of(toArray(x)), List.of(toArray(y)), true));
    }

    private static double[] toArray(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /**
     * Each injection's matched-filter SNR (its own waveform, 16 Hann-windowed seconds centred on the
     * merger, against a median-Welch PSD of the 96 s around it with segments of the same length,
     * 20-1000 Hz, maximised over phase and a 50-ms lag) in raw and in cleaned strain, each against
     * its own PSD: what a search sees, where cleaning also changed the noise in the band. With the
     * noise-only twin, the signal itself: the cleaned strain less the twin's cleaned strain, against
     * the raw less the twin's raw, whose SNR ratio is free of noise; cleaning must change it by at
     * most 1%.
     */
    private static void matchedSnr(Evaluation ev, Published p, Map<String, double[]> raw, List<Injection> injections,
                                   List<String> ifos, Published twin, Map<String, double[]> twinRaw) throws IOException {
        ev.heading("Matched-filter SNR, raw against cleaned");
        int rate = p.rateHz();
        int n = 16 * rate;
        int psdSpan = 96 * rate;
        Welch w = new Welch(n, rate, Welch.Average.MEDIAN, psdSpan / (n / 2) + 1);
        double[] psdRaw = new double[w.bins()];
        double[] psdClean = new double[w.bins()];
        double worstSignal = 0;
        double worstSeen = 0;
        double sumSeen = 0;
        int measured = 0;
        int signalMeasured = 0;
        int skipped = 0;
        int lag = rate / 20;
        List<Object> rows = new ArrayList<>();
        double[] dc = new double[n];
        double[] dr = new double[n];
        for (Injection inj : injections) {
            for (int i = 0; i < ifos.size(); i++) {
                String ifo = ifos.get(i);
                double[] c = p.cleaned(ifo);
                int[] span = p.longestCleaned(ifo);
                long from = Math.round((inj.gpsAt(i) - p.start()) * rate) - n / 2;   // the merger in the middle
                long lo = (long) span[0] * rate;
                long hi = (long) span[1] * rate;
                long psdFrom = Math.max(lo, Math.min(from + n / 2 - psdSpan / 2, hi - psdSpan));
                if (c == null || from < lo || from + n > hi || psdFrom < lo) {
                    skipped++;
                    continue;
                }
                long first = Math.floorDiv(from, rate);
                int secs = (int) (Math.floorDiv(from + n - 1, rate) - first) + 1;
                double[] tmpl = new double[secs * rate];
                inj.render(i, p.start() + first, secs, rate, tmpl);
                double[] h = new double[n];
                System.arraycopy(tmpl, (int) (from - first * rate), h, 0, n);
                w.psd(raw.get(ifo), (int) psdFrom, psdSpan, psdRaw);
                w.psd(c, (int) psdFrom, psdSpan, psdClean);
                double rRaw = MatchedSnr.snr(raw.get(ifo), (int) from, h, n, rate, psdRaw, 20, 1000, lag);
                double rClean = MatchedSnr.snr(c, (int) from, h, n, rate, psdClean, 20, 1000, lag);
                double seen = rClean / rRaw - 1;
                worstSeen = Math.min(worstSeen, seen);
                sumSeen += seen;
                measured++;
                double signal = Double.NaN;
                double[] tc = twin == null ? null : twin.cleaned(ifo);
                int[] tspan = twin == null ? null : twin.longestCleaned(ifo);
                if (tc != null && from >= (long) tspan[0] * rate && from + n <= (long) tspan[1] * rate) {
                    for (int k = 0; k < n; k++) {
                        dc[k] = c[(int) from + k] - tc[(int) from + k];
                        dr[k] = raw.get(ifo)[(int) from + k] - twinRaw.get(ifo)[(int) from + k];
                    }
                    signal = MatchedSnr.snr(dc, 0, h, n, rate, psdRaw, 20, 1000, lag) / MatchedSnr.snr(dr, 0, h, n, rate, psdRaw, 20, 1000, lag)
                            - 1;
                    worstSignal = Math.max(worstSignal, Math.abs(signal));
                    signalMeasured++;
                }
                ev.line(String.format(Locale.ROOT, "injection GPS %.3f %s (SNR %.1f injected): raw %.2f, cleaned %.2f (%+.2f%%)%s",
                        inj.gpsAt(i), ifo, inj.snr(i), rRaw, rClean, 100 * seen,
                        Double.isNaN(signal) ? "" : String.format(Locale.ROOT, "; the signal alone %+.4f%%", 100 * signal)));
                rows.add(List.of(inj.gpsAt(i), ifo, inj.snr(i), rRaw, rClean, Double.isNaN(signal) ? "NaN" : (Object) signal));
            }
        }
        ev.line(String.format(Locale.ROOT, "%d measured (%d not inside a cleaned span); against each stream's own PSD the SNR changed by"
                + " %+.2f%% on average (the most lost %.2f%%): the noise in the band is what cleaning changes, so this scatters"
                + " with the noise", measured, skipped, measured == 0 ? 0 : 100 * sumSeen / measured, -100 * worstSeen));
        if (signalMeasured > 0) {
            ev.line(String.format(Locale.ROOT, "the signal alone (cleaned less the noise-only twin's cleaned, against raw less the twin's raw):"
                    + " largest change %.4f%% over %d", 100 * worstSignal, signalMeasured));
        } else {
            ev.line("the signal alone: not measured (no noise-only twin: the data are not a simulation recorded in the injection file)");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("columns", List.of("gps", "ifo", "injected_snr", "raw", "cleaned", "signal_change"));
        m.put("rows", rows);
        m.put("mean_change_own_psd", measured == 0 ? Double.NaN : sumSeen / measured);
        m.put("largest_loss_own_psd", -worstSeen);
        m.put("largest_abs_signal_change", signalMeasured == 0 ? Double.NaN : worstSignal);
        ev.json().put("matched_snr", m);
        if (signalMeasured > 0) {
            ev.check(worstSignal <= 0.01, String.format(Locale.ROOT, "cleaning changes no injected signal's matched-filter SNR by more than"
                    + " 1%% (largest %.4f%%, %d measured)", 100 * worstSignal, signalMeasured));
        }
    }
}
