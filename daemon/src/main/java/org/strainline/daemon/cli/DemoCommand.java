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
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.queue.StrainQueue;
import org.strainline.daemon.report.Plots;
import org.strainline.daemon.report.Recovery;
import org.strainline.daemon.report.Spectra;
import org.strainline.daemon.sim.Injection;
import org.strainline.daemon.sim.Simulator;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfReader;
import org.strainline.kernels.Resampler;
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
        Observed seen = new Observed(duration * cfg.bbhnet().settings().inferenceRateHz() + 64);
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
        Report rep = report(o, d, cfg, r, seen, injections, recorded);
        double wall = (System.nanoTime() - t0) / 1e9;
        o.printf(Locale.ROOT, "%nfigures: %s%nsummary: %s%ndemo finished in %.0f s%n", String.join(", ", rep.figures),
                out.resolve("summary.json"), wall);
        rep.json.put("wall_s", wall);
        Files.writeString(out.resolve("summary.json"), Json.write(rep.json) + "\n");
        int failed = 0;
        o.println();
        for (String[] c : rep.checks) {
            o.println((c[0].equals("pass") ? "PASS  " : "FAIL  ") + c[1]);
            failed += c[0].equals("pass") ? 0 : 1;
        }
        o.println(failed == 0 ? "all " + rep.checks.size() + " checks passed" : failed + " of " + rep.checks.size() + " checks failed");
        o.flush();
        return failed == 0 ? 0 : Main.EXIT_FAILED;
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

    /** config/demo.yaml with this run's shared-memory root, queues, frames and model repository; written to out/daemon.yaml. */
    private DaemonConfig configure(Path template) throws IOException {
        String y = Files.readString(template, StandardCharsets.UTF_8);
        Path models = template.toAbsolutePath().getParent().resolve("../models/repository").normalize();
        y = y.replace("/dev/shm/strainline-demo", shm.toString())
                .replace("/tmp/strainline-demo/queues", out.resolve("queues").toString())
                .replace("/tmp/strainline-demo/frames", out.resolve("frames").toString())
                .replace("../models/repository", models.toString());
        Path file = out.resolve("daemon.yaml");
        Files.writeString(file, "# written by strainline demo from " + template + "\n" + y);
        DaemonConfig c = DaemonConfig.load(file);
        if (c.bbhnet() == null) {
            throw new IOException(template + ": the demo needs a bbhnet section");
        }
        return c;
    }

    /** The detection statistic as the daemon computed it (on its BBHnet thread, into preallocated arrays). */
    static final class Observed implements BbhnetStage.Sink {
        final double[] gpsS;
        final double[] stat;
        volatile int n;

        Observed(int capacity) {
            gpsS = new double[capacity];
            stat = new double[capacity];
        }

        @Override
        public void accept(long gpsNs, double logit, double integrated, boolean ready) {
            int i = n;
            if (ready && i < gpsS.length) {
                gpsS[i] = gpsNs / 1e9;
                stat[i] = integrated;
                n = i + 1;
            }
        }
    }

    /** What the queues said while the daemon ran. */
    final class Outcome implements AutoCloseable {
        final StrainQueue strainQ;
        final StrainQueue.Reader strain;
        final AlertQueue alertQ;
        final AlertQueue.Reader alertReader;
        final Map<String, double[]> cleaned = new LinkedHashMap<>();
        final Map<String, int[]> flags = new LinkedHashMap<>();
        final Map<String, int[]> records = new LinkedHashMap<>();   // per second: times published
        final Map<String, String> model = new LinkedHashMap<>();
        final List<AlertQueue.Alert> alerts = new ArrayList<>();
        final List<Injection> injections;
        int outOfRange;
        int rateHz;
        Replay.Summary replay;

        Outcome(DaemonConfig cfg, List<Injection> injections) {
            this.injections = injections;
            strainQ = new StrainQueue(cfg.publish().strainQueue(), "", true);
            strain = strainQ.reader("start");
            alertQ = new AlertQueue(cfg.publish().alertQueue(), true);
            alertReader = alertQ.reader(false);
            for (IfoSpec i : cfg.ingest().ifos()) {
                flags.put(i.ifo(), new int[duration]);
                records.put(i.ifo(), new int[duration]);
            }
        }

        /** Reads what is new in both queues; returns the number of records read. */
        int drain() {
            int n = 0;
            while (true) {
                StrainQueue.Record s = strain.next();
                if (s == null) {
                    break;
                }
                n++;
                int g = (int) (s.gpsS() - start);
                int[] rec = records.get(s.ifo());
                if (rec == null || g < 0 || g >= duration) {
                    outOfRange++;
                    continue;
                }
                rateHz = s.rateHz();
                double[] x = cleaned.computeIfAbsent(s.ifo(), k -> new double[duration * s.rateHz()]);
                float[] v = s.samples();
                for (int i = 0; i < v.length && i < s.rateHz(); i++) {
                    x[g * s.rateHz() + i] = v[i];
                }
                flags.get(s.ifo())[g] = s.flags();
                rec[g]++;
                if (s.model() != null) {
                    model.put(s.ifo(), s.model());
                }
            }
            AlertQueue.Alert a;
            while ((a = alertReader.next()) != null) {
                n++;
                alerts.add(a);
                Recovery one = Recovery.match(injections, List.of(a), 1.0, 0);
                String near = one.found() == 1 ? String.format(Locale.ROOT, "injection found (network SNR %.0f, dt %+.3f s)",
                        one.matches().stream().filter(m -> m.alert() != null).findFirst().get().injection().networkSnr(),
                        one.matches().stream().filter(m -> m.alert() != null).findFirst().get().dtS(0)) : "no injection near it";
                line(String.format(Locale.ROOT, "   alert: GPS %.3f, statistic %.2f, FAR %.2e Hz, latency %.2f s: %s",
                        a.gpsNs() / 1e9, a.statistic(), a.farHz(), a.processingLatencyNs() / 1e9, near));
            }
            return n;
        }

        int published(String ifo) {
            int n = 0;
            for (int c : records.get(ifo)) {
                n += c > 0 ? 1 : 0;
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
                r.replay = new Replay(new Replay.Options(recorded, shm, pace, false, -1, 120)).run(s -> replayed[0] = s.seconds());
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "demo-replay");
        replay.setDaemon(true);
        replay.start();
        long last = start + duration - 1;
        long lastProgress = System.nanoTime();
        long lastLine = 0;
        int[] seenCount = {0};
        while (true) {
            int n = r.drain();
            long now = System.nanoTime();
            if (n > 0) {
                lastProgress = now;
                seenCount[0] += n;
            }
            boolean done = !replay.isAlive();
            boolean caughtUp = true;
            for (IfoSpec i : cfg.ingest().ifos()) {
                caughtUp &= d.newestPublished(i.ifo()) >= last - 1;   // the last second waits for look-ahead that never comes
            }
            if (terminal ? now - lastLine > 500_000_000L : now - lastLine > 15_000_000_000L) {
                lastLine = now;
                String p = String.format(Locale.ROOT, "   replayed %d/%d s; published H1 %d, L1 %d; searched %d; alerts %d",
                        replayed[0], duration, r.published("H1"), r.published("L1"),
                        d.bbhnet().counter(BbhnetStage.Counter.SECONDS_SEARCHED), r.alerts.size());
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

    /** Figures, checks and summary of one run. */
    static final class Report {
        final List<String> figures = new ArrayList<>();
        final List<String[]> checks = new ArrayList<>();
        final Map<String, Object> json = new LinkedHashMap<>();

        void check(boolean ok, String what) {
            checks.add(new String[] {ok ? "pass" : "fail", what});
        }
    }

    private Report report(PrintWriter o, Daemon d, DaemonConfig cfg, Outcome r, Observed seen, List<Injection> injections,
                          Path recorded) throws IOException {
        Report rep = new Report();
        Path figs = out.resolve("figures");
        delete(figs);
        Files.createDirectories(figs);
        rep.json.put("start", (double) start);
        rep.json.put("duration_s", (double) duration);
        rep.json.put("speed", speed);

        // every second accounted for
        Map<String, Object> secs = new LinkedHashMap<>();
        for (IfoSpec ifo : cfg.ingest().ifos()) {
            String i = ifo.ifo();
            int[] rec = r.records.get(i);
            int once = 0;
            int twice = 0;
            int uncleaned = 0;
            int gated = 0;
            for (int g = 0; g < duration; g++) {
                once += rec[g] == 1 ? 1 : 0;
                twice += rec[g] > 1 ? 1 : 0;
                uncleaned += (r.flags.get(i)[g] & CleanedSecond.UNCLEANED) != 0 ? 1 : 0;
                gated += (r.flags.get(i)[g] & CleanedSecond.GATED) != 0 ? 1 : 0;
            }
            long dropped = 0;
            for (IngestCounter k : new IngestCounter[] {IngestCounter.SECONDS_DROPPED_GAP_POLICY, IngestCounter.SECONDS_DROPPED_RING_FULL}) {
                dropped += d.ingest().counters(i).get(k);
            }
            o.printf(Locale.ROOT, "%s: %d of %d seconds in the strain queue (%d cleaned by %s, %d raw while DeepClean warmed up or"
                            + " at the end, %d gated), %d published twice, %d dropped%n", i, once + twice, duration,
                    once + twice - uncleaned - gated, r.model.getOrDefault(i, "-"), uncleaned, gated, twice, dropped);
            rep.check(once == duration && twice == 0 && dropped == 0, i + ": every one of the " + duration
                    + " seconds published exactly once (" + once + " once, " + twice + " twice, " + (duration - once - twice)
                    + " missing)");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("published", (double) (once + twice));
            m.put("twice", (double) twice);
            m.put("uncleaned", (double) uncleaned);
            m.put("gated", (double) gated);
            m.put("dropped", (double) dropped);
            secs.put(i, m);
        }
        rep.json.put("seconds", secs);

        // cleaning: raw (through the daemon's resampler) against cleaned, over the longest cleaned span
        Map<String, Spectra> spectra = new LinkedHashMap<>();
        Map<String, Object> clean = new LinkedHashMap<>();
        for (IfoSpec ifo : cfg.ingest().ifos()) {
            String i = ifo.ifo();
            double[] c = r.cleaned.get(i);
            if (c == null) {
                rep.check(false, i + ": no cleaned strain in the queue");
                continue;
            }
            int rate = r.rateHz;
            int[] span = longestCleaned(r.flags.get(i), r.records.get(i));
            if (span[1] - span[0] < 2 * Spectra.SEGMENT_S) {
                rep.check(false, i + ": fewer than " + 2 * Spectra.SEGMENT_S + " contiguous cleaned seconds");
                continue;
            }
            double[] raw = raw(recorded, i, rate);
            Spectra s = Spectra.of(raw, c, span[0] * rate, (span[1] - span[0]) * rate, rate);
            spectra.put(i, s);
            double at60 = s.reductionAt(60);
            double band = 1 / s.ratio(58, 62);
            double away = s.ratio(20, 1000, 50, 70);
            double skirts = s.ratio(50, 70, 58, 62);
            double[] worst = s.worst(20, 1000, 58, 62);
            o.printf(Locale.ROOT, "%s: ASD at 60 Hz reduced %.1f x (58-62 Hz: %.1f x); cleaned/raw 20-1000 Hz away from 50-70 Hz"
                    + " %.4f, 50-58 + 62-70 Hz %.3f, the most in one bin outside 58-62 Hz %.2f at %.2f Hz (over %d s)%n", i, at60,
                    band, away, skirts, worst[1], worst[0], span[1] - span[0]);
            rep.check(at60 >= 10, String.format(Locale.ROOT, "%s: the 60 Hz line reduced at least 10 x (%.1f x)", i, at60));
            rep.check(Math.abs(away - 1) <= 0.02, String.format(Locale.ROOT,
                    "%s: the spectrum away from the line unchanged within 2%% (20-1000 Hz less 50-70 Hz: %.4f)", i, away));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reduction_60hz", at60);
            m.put("reduction_58_62hz", band);
            m.put("ratio_20_1000hz_outside_50_70hz", away);
            m.put("ratio_50_70hz_outside_58_62hz", skirts);
            m.put("worst_bin_outside_58_62hz", List.of(worst[0], worst[1]));
            m.put("span_s", (double) (span[1] - span[0]));
            clean.put(i, m);
            rep.figures.add(Plots.asd(figs.resolve("asd-" + i + "-60hz.png"), i, s, 40, 80, false).getFileName().toString());
            rep.figures.add(Plots.asd(figs.resolve("asd-" + i + ".png"), i, s, 10, rate / 2.0 * 0.9, true).getFileName().toString());
        }
        if (!spectra.isEmpty()) {
            rep.figures.add(Plots.asdRatio(figs.resolve("asd-ratio.png"), spectra, 10, r.rateHz / 2.0 * 0.9).getFileName().toString());
        }
        rep.json.put("cleaning", clean);

        // alerts against the injections
        Recovery rec = Recovery.match(injections, r.alerts, 1.0, 0);
        long searched = d.bbhnet().counter(BbhnetStage.Counter.SECONDS_SEARCHED);
        double expectedFalse = searched * cfg.bbhnet().farThresholdHz();
        o.printf(Locale.ROOT, "BBHnet: %d s searched, alert threshold %.2f (FAR %.2e Hz); %d alerts%n", searched, d.alertThreshold(),
                cfg.bbhnet().farThresholdHz(), r.alerts.size());
        List<Object> inj = new ArrayList<>();
        for (Recovery.Match m : rec.matches()) {
            Injection x = m.injection();
            if (m.alert() != null) {
                o.printf(Locale.ROOT, "   found   injection GPS %.3f (H1), network SNR %.0f: alert statistic %.2f, FAR %.2e Hz, dt %+.3f s%n",
                        x.gpsAt(0), x.networkSnr(), m.alert().statistic(), m.alert().farHz(), m.dtS(0));
            } else {
                o.printf(Locale.ROOT, "   MISSED  injection GPS %.3f (H1), network SNR %.0f%n", x.gpsAt(0), x.networkSnr());
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
            o.printf(Locale.ROOT, "   FALSE   alert GPS %.3f, statistic %.2f, FAR %.2e Hz (no injection within 1 s)%n", a.gpsNs() / 1e9,
                    a.statistic(), a.farHz());
        }
        o.printf(Locale.ROOT, "   found %d, missed %d, false %d (expected false alarms: %.3f)%n", rec.found(), rec.missed(),
                rec.falseAlarms().size(), expectedFalse);
        int need = (int) Math.ceil(0.8 * injections.size());
        rep.check(rec.found() >= need, "BBHnet found at least 80% of the injections (" + rec.found() + " of " + injections.size() + ")");
        rep.check(rec.falseAlarms().isEmpty(), String.format(Locale.ROOT,
                "no false alarms (%d; %.3f expected at the threshold's FAR)", rec.falseAlarms().size(), expectedFalse));
        rep.check(rec.found() == 0 || rec.maxAbsDtS() <= 0.5, String.format(Locale.ROOT,
                "alert times within 0.5 s of the injected mergers (worst %.3f s)", rec.maxAbsDtS()));
        Map<String, Object> al = new LinkedHashMap<>();
        al.put("searched_s", (double) searched);
        al.put("threshold", d.alertThreshold());
        al.put("far_threshold_hz", cfg.bbhnet().farThresholdHz());
        al.put("found", (double) rec.found());
        al.put("missed", (double) rec.missed());
        al.put("false", (double) rec.falseAlarms().size());
        al.put("expected_false", expectedFalse);
        al.put("injections", inj);
        rep.json.put("alerts", al);
        double[] injT = new double[injections.size()];
        for (int k = 0; k < injT.length; k++) {
            injT[k] = injections.get(k).gpsAt(0) - start;
        }
        double[] aT = new double[r.alerts.size()];
        double[] aS = new double[r.alerts.size()];
        for (int k = 0; k < aT.length; k++) {
            aT[k] = r.alerts.get(k).gpsNs() / 1e9 - start;
            aS[k] = r.alerts.get(k).statistic();
        }
        double[] t = new double[seen.n];
        for (int k = 0; k < t.length; k++) {
            t[k] = seen.gpsS[k] - start;
        }
        rep.figures.add(Plots.statistic(figs.resolve("statistic.png"), start, t, seen.stat, t.length, d.alertThreshold(), injT, aT, aS)
                .getFileName().toString());

        // latencies per stage
        List<Metrics.Series> series = d.metrics().latencies();
        o.println("latency per stage (ms; at " + speed + " x real time the 1-s DeepClean look-ahead costs " + lookahead() + " s of"
                + " wall time)");
        o.printf(Locale.ROOT, "   %-52s %8s %8s %8s %8s%n", "", "p50", "p99", "max", "count");
        Map<String, Object> lat = new LinkedHashMap<>();
        List<String> names = Plots.names(series);
        List<Histogram> stageH = new ArrayList<>();
        List<String> stageN = new ArrayList<>();
        List<Histogram> engineH = new ArrayList<>();
        List<String> engineN = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            Histogram h = series.get(k).histogram();
            if (h.getTotalCount() == 0) {
                continue;
            }
            double p50 = h.getValueAtPercentile(50) / 1e6;
            double p99 = h.getValueAtPercentile(99) / 1e6;
            double max = h.getMaxValue() / 1e6;
            o.printf(Locale.ROOT, "   %-52s %8.1f %8.1f %8.1f %8d%n", names.get(k), p50, p99, max, h.getTotalCount());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("p50_ms", p50);
            m.put("p99_ms", p99);
            m.put("max_ms", max);
            m.put("count", (double) h.getTotalCount());
            lat.put(names.get(k), m);
            if (series.get(k).name().equals("engine_run")) {
                engineH.add(h);
                engineN.add(names.get(k));
            } else {
                stageH.add(h);
                stageN.add(names.get(k));
            }
        }
        rep.json.put("latency", lat);
        rep.figures.add(Plots.latency(figs.resolve("latency-stages.png"), "Latency per stage", stageN, stageH).getFileName().toString());
        rep.figures.add(Plots.latency(figs.resolve("latency-engines.png"), "Engine run time per batch", engineN, engineH).getFileName()
                .toString());
        rep.check(r.outOfRange == 0, "no record outside the replayed GPS span (" + r.outOfRange + ")");
        return rep;
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

    /** The longest run of seconds published once and cleaned (not raw, gated, invalid or not ready): [from, to). */
    static int[] longestCleaned(int[] flags, int[] records) {
        int bad = CleanedSecond.UNCLEANED | CleanedSecond.GATED | CleanedSecond.INVALID | CleanedSecond.NOT_READY;
        int best = 0;
        int bestFrom = 0;
        int from = 0;
        for (int g = 0; g <= flags.length; g++) {
            boolean ok = g < flags.length && records[g] == 1 && (flags[g] & bad) == 0;
            if (!ok) {
                if (g - from > best) {
                    best = g - from;
                    bestFrom = from;
                }
                from = g + 1;
            }
        }
        return new int[] {bestFrom, bestFrom + best};
    }

    /** The recorded raw strain of an IFO, decimated to {@code rate} by the daemon's resampler design, from the first second on. */
    private double[] raw(Path recorded, String ifo, int rate) throws IOException {
        Resampler rs = new Resampler(16384, rate, 16384);
        double[] x = new double[duration * rate];
        String channel = ifo + ":GDS-CALIB_STRAIN";
        for (int g = 0; g < duration; g++) {
            Path f = recorded.resolve("kafka/" + ifo + "/" + ifo.charAt(0) + "-" + ifo + "_llhoft-" + (start + g) + "-1.gwf");
            Frame fr = GwfReader.read(f).frames().get(0);
            rs.process(fr.channel(channel).data().toDoubles(), 0, 16384, x, g * rate);
        }
        return x;
    }

    /** Sends the daemon's log (Logback) to a file; the terminal keeps errors only. */
    private static void redirectLog(Path file) {
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

    private static void delete(Path d) throws IOException {
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
