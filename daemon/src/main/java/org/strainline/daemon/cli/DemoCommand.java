package org.strainline.daemon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.strainline.daemon.Daemon;
import org.strainline.daemon.Json;
import org.strainline.daemon.Metrics;
import org.strainline.daemon.config.DaemonConfig;
import org.strainline.daemon.pipeline.BbhnetStage;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.queue.StrainQueue;
import org.strainline.daemon.report.Evaluation;
import org.strainline.daemon.report.Plots;
import org.strainline.daemon.report.Published;
import org.strainline.daemon.report.Recovery;
import org.strainline.daemon.report.StatisticSeries;
import org.strainline.daemon.sim.Injection;
import org.strainline.daemon.sim.Simulator;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.IngestCounter;
import org.strainline.shm.Replay;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strainline demo}: the whole mission on this machine. Simulated H1 + L1 data (witnesses,
 * the non-linear 60 Hz coupling, BBH injections) replayed into a shared-memory root at an
 * accelerated pace, the daemon on the demo configuration over it in this process, its queues
 * tailed, then a summary with checks and PNG figures.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Simulate H1 + L1 data with witnesses, the 60 Hz coupling and BBH injections; replay it into a shared-memory",
            "root at an accelerated pace; run the daemon on config/demo.yaml over it; tail its queues; stop it cleanly;",
            "print what it did (seconds, alerts against the injections, the 60 Hz reduction, latencies per stage) and",
            "write figures (PNG) and summary.json into --out. Exit 0 only if every check passed."})
final class DemoCommand implements Callable<Integer> {
    /** BBHnet searches once it has a 64-s PSD span and its first windows: no injection before this offset. */
    static final int FIRST_INJECTION_S = 90;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "/tmp/strainline-demo", paramLabel = "DIR",
            description = "where the recorded data, queues, cleaned frames, figures and summary go (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--shm", defaultValue = "/dev/shm/strainline-demo", paramLabel = "DIR",
            description = "the shared-memory root the data are replayed into and the daemon watches (default: ${DEFAULT-VALUE})")
    Path shm;

    @Option(names = "--duration", defaultValue = "600", paramLabel = "SECONDS",
            description = "seconds of data (at least " + (FIRST_INJECTION_S + 20) + "; default: ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--speed", defaultValue = "3", paramLabel = "N|max",
            description = "replay pace, times real time (default: ${DEFAULT-VALUE})")
    String speed;

    @Option(names = "--start", defaultValue = "1400000000", paramLabel = "GPS", description = "first GPS second (default: ${DEFAULT-VALUE})")
    long start;

    @Option(names = "--seed", defaultValue = "51", description = "simulation seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--config", paramLabel = "FILE",
            description = "the daemon configuration its paths are taken from (default: config/demo.yaml of this installation)")
    Path config;

    @Option(names = "--keep-shm", description = "leave the replayed files in --shm (default: removed at the end)")
    boolean keepShm;

    private PrintWriter err;
    private boolean terminal;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        terminal = System.console() != null;
        if (duration < FIRST_INJECTION_S + 20) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration " + duration + ": at least "
                    + (FIRST_INJECTION_S + 20) + " s (BBHnet needs a 64-s PSD span before it searches)");
        }
        double pace;
        try {
            pace = Replay.Options.parseSpeed(speed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path template = config != null ? config : home().resolve("config/demo.yaml");
        if (!Files.isRegularFile(template)) {
            throw new CommandLine.ParameterException(spec.commandLine(), template + ": no such configuration (pass --config)");
        }
        long t0 = System.nanoTime();
        out = out.toAbsolutePath();
        shm = shm.toAbsolutePath();
        if (!Files.isDirectory(shm.getParent())) {
            shm = out.resolve("shm");
        }
        for (String d : new String[] {"recorded", "queues", "frames"}) {
            delete(out.resolve(d));
        }
        delete(shm);
        Files.createDirectories(out);

        // 1. the data
        List<String> ifos = List.of("H1", "L1");
        Path recorded = out.resolve("recorded");
        Path requested = out.resolve("injections-requested.json");
        Files.writeString(requested, Json.write(plan()) + "\n");
        List<Injection> injections = Simulator.injections(requested, ifos, seed);
        step(o, "simulating " + duration + " s of H1 + L1 (strain, state vector, " + Simulator.witnesses("H1").size() + " + "
                + Simulator.witnesses("L1").size() + " witnesses, 60 Hz coupling, " + injections.size() + " BBH injections) into "
                + recorded);
        long ts = System.nanoTime();
        Simulator.Result sim = Simulator.run(new Simulator.Config(recorded, ifos, start, duration, seed, injections, Set.of(),
                Set.of(), Simulator.Config.DEFAULT_COUPLING, Simulator.Config.DEFAULT_MODULATION, Simulator.compression("raw"),
                Simulator.Config.DEFAULT_ENVIRONMENT_SEED));
        double simS = (System.nanoTime() - ts) / 1e9;
        o.printf(Locale.ROOT, "   %d files, %.0f MB in %.1f s (%.0f x real time)%n", sim.files(), sim.bytes() / 1e6, simS,
                duration / simS);

        // 2. the daemon on the demo configuration, with this run's paths
        DaemonConfig cfg = configure(template);
        redirectLog(out.resolve("daemon.log"));
        for (IfoSpec ifo : cfg.ingest().ifos()) {
            for (org.strainline.shm.StreamSpec st : ifo.streams()) {
                Files.createDirectories(st.directory());
            }
        }
        StatisticSeries seen = new StatisticSeries(duration * cfg.bbhnet().settings().inferenceRateHz() + 64);
        step(o, "starting the daemon (" + out.resolve("daemon.yaml") + "; its log: " + out.resolve("daemon.log") + ")");
        Daemon d = Daemon.start(cfg, seen);
        Outcome r;
        try {
            r = run(o, d, cfg, recorded, pace, injections);
        } finally {
            d.close();
        }
        r.drain();
        r.close();
        if (!keepShm) {
            delete(shm);
        }

        // 3. what it did
        step(o, "results");
        Evaluation ev = report(o, d, cfg, r, seen, injections, recorded);
        double wall = (System.nanoTime() - t0) / 1e9;
        o.printf(Locale.ROOT, "%nfigures: %s%nsummary: %s%ndemo finished in %.0f s%n", String.join(", ", ev.figures()),
                out.resolve("summary.json"), wall);
        ev.json().put("wall_s", wall);
        Files.writeString(out.resolve("summary.json"), Json.write(ev.json()) + "\n");
        return ev.printChecks() == 0 ? 0 : Main.EXIT_FAILED;
    }

    /** The installation's root: bin/strainline passes it; else two levels above the jar; else the working directory. */
    static Path home() {
        String p = System.getProperty("strainline.home");
        if (p != null) {
            return Paths.get(p);
        }
        try {
            Path jar = Paths.get(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path h = jar.getParent() == null ? null : jar.getParent().getParent();
            if (h != null && h.getParent() != null && Files.isDirectory(h.getParent().resolve("config"))) {
                return h.getParent();
            }
        } catch (Exception e) {
            // fall through
        }
        return Paths.get("").toAbsolutePath();
    }

    /** Injections from {@link #FIRST_INJECTION_S} on, 16 to 70 s apart, network SNR 20 to 30 (what the CPU-sized demo model finds at a FAR of one a day), masses 25 to 45 Msun. */
    List<Object> plan() {
        double spacing = Math.max(16, Math.min(70, (duration - FIRST_INJECTION_S - 10) / 6.0));
        double[] snr = {20, 25, 30, 22, 28, 24, 26, 21};
        double[][] masses = {{36, 30}, {40, 28}, {25, 22}, {45, 35}, {30, 30}, {42, 24}, {33, 27}, {38, 36}};
        List<Object> l = new ArrayList<>();
        int i = 0;
        for (double t = FIRST_INJECTION_S; t <= duration - 10; t += spacing, i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gps", start + Math.floor(t) + 0.1 + 0.1 * (i % 8));
            m.put("mass1", masses[i % masses.length][0]);
            m.put("mass2", masses[i % masses.length][1]);
            m.put("network_snr", snr[i % snr.length]);
            l.add(m);
        }
        return l;
    }

    /** config/demo.yaml with this run's shared-memory root, queues and frames; written to out/daemon.yaml. */
    private DaemonConfig configure(Path template) throws IOException {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("/dev/shm/strainline-demo", shm.toString());
        paths.put("/tmp/strainline-demo/queues", out.resolve("queues").toString());
        paths.put("/tmp/strainline-demo/frames", out.resolve("frames").toString());
        DaemonConfig c = rewrite(template, out.resolve("daemon.yaml"), "strainline demo", paths);
        if (c.bbhnet() == null) {
            throw new IOException(template + ": the demo needs a bbhnet section");
        }
        return c;
    }

    /**
     * A configuration template with each key of {@code replace} replaced by its value (in order)
     * and its relative model repository made absolute, written to {@code file} and loaded.
     */
    static DaemonConfig rewrite(Path template, Path file, String by, Map<String, String> replace) throws IOException {
        String y = Files.readString(template, StandardCharsets.UTF_8);
        for (Map.Entry<String, String> e : replace.entrySet()) {
            y = y.replace(e.getKey(), e.getValue());
        }
        Path models = template.toAbsolutePath().getParent().resolve("../models/repository").normalize();
        y = y.replace("../models/repository", models.toString());
        Files.writeString(file, "# written by " + by + " from " + template + "\n" + y);
        return DaemonConfig.load(file);
    }

    /** What the queues said while the daemon ran. */
    final class Outcome implements AutoCloseable {
        final StrainQueue strainQ;
        final StrainQueue.Reader strain;
        final AlertQueue alertQ;
        final AlertQueue.Reader alertReader;
        final Published published;
        final List<Injection> injections;

        Outcome(DaemonConfig cfg, List<Injection> injections) {
            this.injections = injections;
            strainQ = new StrainQueue(cfg.publish().strainQueue(), "", true);
            strain = strainQ.reader("start");
            alertQ = new AlertQueue(cfg.publish().alertQueue(), true);
            alertReader = alertQ.reader(false);
            List<String> ifos = new ArrayList<>();
            for (IfoSpec i : cfg.ingest().ifos()) {
                ifos.add(i.ifo());
            }
            published = new Published(start, duration, ifos);
        }

        /** Reads what is new in both queues; returns the number of records read. */
        int drain() {
            int n = 0;
            for (StrainQueue.Record s = strain.next(); s != null; s = strain.next()) {
                n++;
                published.add(s);
            }
            for (AlertQueue.Alert a = alertReader.next(); a != null; a = alertReader.next()) {
                n++;
                published.add(a);
                Recovery one = Recovery.match(injections, List.of(a), 1.0, 0);
                Recovery.Match hit = one.matches().stream().filter(m -> m.alert() != null).findFirst().orElse(null);
                String near = hit == null ? "no injection near it" : String.format(Locale.ROOT,
                        "injection found (network SNR %.0f, dt %+.3f s)", hit.injection().networkSnr(), hit.dtS(0));
                line(String.format(Locale.ROOT, "   alert: GPS %.3f, statistic %.2f, FAR %.2e Hz, latency %.2f s: %s",
                        a.gpsNs() / 1e9, a.statistic(), a.farHz(), a.processingLatencyNs() / 1e9, near));
            }
            return n;
        }

        @Override
        public void close() {
            strainQ.close();
            alertQ.close();
        }
    }

    private Outcome run(PrintWriter o, Daemon d, DaemonConfig cfg, Path recorded, double pace, List<Injection> injections)
            throws Exception {
        Outcome r = new Outcome(cfg, injections);
        step(o, "replaying into " + shm + " at " + (Double.isInfinite(pace) ? "full speed" : pace + " x real time")
                + "; the daemon cleans, searches and publishes as the files arrive");
        Throwable[] failed = {null};
        long[] replayed = {0};
        Thread replay = new Thread(() -> {
            try {
                new Replay(new Replay.Options(recorded, shm, pace, false, -1, 120)).run(s -> replayed[0] = s.seconds());
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "demo-replay");
        replay.setDaemon(true);
        replay.start();
        long last = start + duration - 1;
        long lastProgress = System.nanoTime();
        long lastLine = 0;
        while (true) {
            int n = r.drain();
            long now = System.nanoTime();
            if (n > 0) {
                lastProgress = now;
            }
            boolean done = !replay.isAlive();
            boolean caughtUp = d.publishedByAll() >= last - 1;   // the last second waits for look-ahead that never comes
            if (terminal ? now - lastLine > 500_000_000L : now - lastLine > 15_000_000_000L) {
                lastLine = now;
                String p = String.format(Locale.ROOT, "   replayed %d/%d s; published H1 %d, L1 %d; searched %d; alerts %d",
                        replayed[0], duration, r.published.published("H1"), r.published.published("L1"),
                        d.bbhnet().counter(BbhnetStage.Counter.SECONDS_SEARCHED), r.published.alerts().size());
                if (terminal) {
                    err.print("\r" + p + "   ");
                    err.flush();
                } else {
                    o.println(p);
                    o.flush();
                }
            }
            if (done && (caughtUp || now - lastProgress > 60_000_000_000L)) {
                break;
            }
            Thread.sleep(100);
        }
        if (terminal) {
            err.println();
        }
        if (failed[0] != null) {
            throw new IOException("replay failed: " + failed[0], failed[0]);
        }
        step(o, "stopping the daemon (it hands on the seconds it holds, flushes the queues)");
        return r;
    }

    private void line(String s) {
        PrintWriter o = spec.commandLine().getOut();
        if (terminal) {
            err.print("\r\033[K");
            err.flush();
        }
        o.println(s);
        o.flush();
    }

    private static void step(PrintWriter o, String s) {
        o.println("== " + s);
        o.flush();
    }

    private Evaluation report(PrintWriter o, Daemon d, DaemonConfig cfg, Outcome r, StatisticSeries seen, List<Injection> injections,
                              Path recorded) throws IOException {
        Path figs = out.resolve("figures");
        delete(figs);
        Files.createDirectories(figs);
        Evaluation ev = new Evaluation(o, figs, r.published);
        ev.json().put("start", (double) start);
        ev.json().put("duration_s", (double) duration);
        ev.json().put("speed", speed);
        Map<String, Long> dropped = dropped(d, cfg);
        Map<String, double[]> raw = raw(r.published, cfg, ifo -> recorded.resolve("kafka/" + ifo.ifo()));   // as replayed
        ev.seconds(dropped);
        ev.cleaning(raw);
        Recovery rec = ev.alerts(injections, d.bbhnet().counter(BbhnetStage.Counter.SECONDS_SEARCHED), cfg.bbhnet().farThresholdHz(),
                d.alertThreshold(), 0.8);
        ev.check(rec.falseAlarms().isEmpty(), String.format(Locale.ROOT, "no false alarms (%d; %.3f expected at the threshold's FAR)",
                rec.falseAlarms().size(), (Double) ((Map<?, ?>) ev.json().get("alerts")).get("expected_false")));
        ev.statistic(seen, d.alertThreshold(), injections);
        latencies(ev, d.metrics().latencies());
        return ev;
    }

    /** The seconds each IFO's ingest dropped (gap policy, full ring). */
    static Map<String, Long> dropped(Daemon d, DaemonConfig cfg) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (IfoSpec ifo : cfg.ingest().ifos()) {
            long n = 0;
            for (IngestCounter k : new IngestCounter[] {IngestCounter.SECONDS_DROPPED_GAP_POLICY, IngestCounter.SECONDS_DROPPED_RING_FULL}) {
                n += d.ingest().counters(ifo.ifo()).get(k);
            }
            m.put(ifo.ifo(), n);
        }
        return m;
    }

    /** Each IFO's raw strain, from its first (llhoft) stream's files in {@code dir(ifo)}, at the published rate. */
    static Map<String, double[]> raw(Published p, DaemonConfig cfg, java.util.function.Function<IfoSpec, Path> dir) throws IOException {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (IfoSpec ifo : cfg.ingest().ifos()) {
            if (p.rateHz() > 0) {
                org.strainline.shm.StreamSpec st = ifo.streams().get(0);
                m.put(ifo.ifo(), p.raw(new org.strainline.shm.StreamSpec(st.name(), dir.apply(ifo), st.prefix(), st.channels()),
                        ifo.ifo() + ":GDS-CALIB_STRAIN", p.rateHz()));
            }
        }
        return m;
    }

    /** p50/p99/max per latency series, and their distributions as figures. */
    private void latencies(Evaluation ev, List<Metrics.Series> series) throws IOException {
        ev.heading("Latency");
        ev.line("latency per stage (ms; at " + speed + " x real time the 1-s DeepClean look-ahead costs " + lookahead() + " s of"
                + " wall time)");
        ev.line(String.format(Locale.ROOT, "   %-52s %8s %8s %8s %8s", "", "p50", "p99", "max", "count"));
        Map<String, Object> lat = Evaluation.latencies(series);
        List<String> names = Plots.names(series);
        List<Histogram> stageH = new ArrayList<>();
        List<String> stageN = new ArrayList<>();
        List<Histogram> engineH = new ArrayList<>();
        List<String> engineN = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            Map<?, ?> m = (Map<?, ?>) lat.get(names.get(k));
            if (m == null) {
                continue;
            }
            ev.line(String.format(Locale.ROOT, "   %-52s %8.1f %8.1f %8.1f %8.0f", names.get(k), m.get("p50_ms"), m.get("p99_ms"),
                    m.get("max_ms"), m.get("count")));
            boolean engine = series.get(k).name().equals("engine_run");
            (engine ? engineH : stageH).add(series.get(k).histogram());
            (engine ? engineN : stageN).add(names.get(k));
        }
        ev.json().put("latency", lat);
        ev.figure(Plots.latency(ev.figuresDir().resolve("latency-stages.png"), "Latency per stage", stageN, stageH));
        ev.figure(Plots.latency(ev.figuresDir().resolve("latency-engines.png"), "Engine run time per batch", engineN, engineH));
    }

    private String lookahead() {
        double p;
        try {
            p = Replay.Options.parseSpeed(speed);
        } catch (IllegalArgumentException e) {
            p = 1;
        }
        return Double.isInfinite(p) ? "no" : String.format(Locale.ROOT, "%.2f", 1 / p);
    }

    /** Sends the daemon's log (Logback) to a file; the terminal keeps errors only. */
    static void redirectLog(Path file) {
        org.slf4j.ILoggerFactory f = org.slf4j.LoggerFactory.getILoggerFactory();
        if (!(f instanceof ch.qos.logback.classic.LoggerContext)) {
            return;
        }
        ch.qos.logback.classic.LoggerContext ctx = (ch.qos.logback.classic.LoggerContext) f;
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.encoder.PatternLayoutEncoder enc = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger: %msg%n");
        enc.start();
        ch.qos.logback.core.FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> fa = new ch.qos.logback.core.FileAppender<>();
        fa.setContext(ctx);
        fa.setName("DEMO");
        fa.setFile(file.toString());
        fa.setAppend(false);
        fa.setEncoder(enc);
        fa.start();
        java.util.Iterator<ch.qos.logback.core.Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = root.iteratorForAppenders();
        while (it.hasNext()) {
            ch.qos.logback.core.Appender<ch.qos.logback.classic.spi.ILoggingEvent> a = it.next();
            ch.qos.logback.classic.filter.ThresholdFilter t = new ch.qos.logback.classic.filter.ThresholdFilter();
            t.setLevel("ERROR");
            t.start();
            a.addFilter(t);
        }
        root.addAppender(fa);
    }

    static void delete(Path d) throws IOException {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
