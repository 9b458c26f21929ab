package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.pipeline.Background;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.queue.StrainQueue;

/**
 * The whole daemon, DeepClean then BBHnet, as a process over simulated H1 + L1 frames with two
 * binary-black-hole injections, replayed through a real tmpfs tree into real queues: each
 * injection is alerted once, near its time, with nothing else alerted, and a kill -9 between the
 * two, with the restart re-reading the first one to warm up, alerts neither twice.
 */
class AlertsIT {
    private static final long G = 1_400_000_000L;
    private static final int N = 116;
    private static final double[] TIMES = {G + 88.4, G + 104.6};
    private DaemonTree t;

    @BeforeEach
    void dirs() throws IOException {
        t = new DaemonTree("strainline-alerts");
    }

    @AfterEach
    void clean() throws IOException {
        t.close();
    }

    private Path simulate(long seed) throws Exception {
        Path inj = t.tmp.resolve("injections.json");
        Files.writeString(inj, "[{\"gps\": " + TIMES[0] + ", \"mass1\": 36, \"mass2\": 30, \"network_snr\": 20},"
                + " {\"gps\": " + TIMES[1] + ", \"mass1\": 40, \"mass2\": 28, \"network_snr\": 20}]");
        Path src = t.tmp.resolve("src");
        assertEquals(0, Cli.run("simulate", "--out", src.toString(), "--start", Long.toString(G), "--duration",
                Integer.toString(N), "--seed", Long.toString(seed), "--injections", inj.toString()).code());
        return src;
    }

    private static final String BBHNET = "model: bbhnet\nengines: [tensorrt, onnxruntime]\nfarThresholdHz: 1.157e-5\n";

    /**
     * {@code live}: how many of the alerts came from a daemon that kept up with the replay, so that
     * their processing latency is bounded; after a restart the daemon first re-reads its warm-up
     * span (64 s of PSD), and an alert in that span comes as late as the catching up takes.
     */
    private static void assertOneAlertPerInjection(List<AlertQueue.Alert> alerts, int live, String log) throws IOException {
        java.nio.file.Path repo = Cli.HOME.resolve("models/repository/bbhnet");
        String version;
        try (java.util.stream.Stream<Path> s = Files.list(repo)) {
            version = s.map(p -> p.getFileName().toString()).max(java.util.Comparator.comparingInt(Integer::parseInt)).orElseThrow();
        }
        Background background = Background.read(repo.resolve(version).resolve("background.json"));
        assertEquals(TIMES.length, alerts.size(), "one alert per injection, nothing else: " + alerts);
        for (int i = 0; i < TIMES.length; i++) {
            AlertQueue.Alert a = alerts.get(i);
            double dt = a.gpsNs() / 1e9 - TIMES[i];
            assertTrue(Math.abs(dt) < 0.5, "alert " + i + " at " + a.gpsNs() / 1e9 + " for the injection at " + TIMES[i]);
            assertEquals(1 / background.liveTimeS(), a.farHz(), 1e-15, "louder than the whole background: FAR at its floor, 1/T: " + a + "\n" + log);
            assertEquals("H1,L1", a.ifos(), log);
            assertEquals("H1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ,L1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ", a.channels());
            double processing = a.processingLatencyNs() / 1e9;
            assertTrue(processing > 0 && (i >= live || processing < 10), "publish - frame file written: " + processing + " s");
        }
    }

    /** The daemon on {@code config}, the recorded frames replayed into it at twice real time, stopped once all is published: its log. */
    private String replayThroughDaemon(Path src, Path config) throws Exception {
        Path log = t.tmp.resolve("run.log");
        Process d = DaemonTree.daemon(config, log);
        DaemonTree.awaitLog(log, "strainline running", 60_000);
        assertEquals(0, Cli.run("replay", "--from", src.toString(), "--to", t.shm.toString(), "--speed", "2").code());
        t.awaitPublished(N - 1, 120_000);
        d.destroy();
        assertTrue(d.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s");
        String text = Files.readString(log);
        assertEquals(0, d.exitValue(), text);
        // BBHnet's own code ran past its PSD span before the first live second
        assertTrue(java.util.regex.Pattern.compile("bbhnet: rehearsed on [0-9]+ s of noise with no engine \\([1-9][0-9]* searched\\)")
                .matcher(text).find(), text);
        return text;
    }

    @Test
    void eachInjectionIsAlertedOnceNearItsTime() throws Exception {
        Path src = simulate(51);
        Path config = t.config(BBHNET);
        Cli.Result check = Cli.run("config", "check", config.toString());
        assertEquals(0, check.code(), check.out());
        String text = replayThroughDaemon(src, config);
        assertOneAlertPerInjection(t.alerts(), 2, text);
        assertTrue(text.contains("bbhnet: bbhnet/") && text.contains(" on onnxruntime, threshold "), text);
        assertTrue(text.contains("bbhnet stopped: seconds_joined=") && text.contains(" seconds_alone=0 seconds_late=0 ")
                && text.contains(" resets=0 ") && text.contains(" engine_errors=0"), "every second searched: " + text);
        Cli.Result tail = Cli.run("tail", "--queue", "alerts", "--dir", t.alertQueue().toString());
        assertEquals(0, tail.code(), tail.out());
        assertEquals(2, tail.out().lines().filter(l -> l.startsWith("{\"gpstime\": " + G / 1000)).count(), tail.out());
        assertTrue(tail.out().contains("\"latency_processing_s\": "), tail.out());
        // end to end, as a downstream reader sees it: every second of both IFOs once, through tail too
        t.assertEverySecondOnce(G, N);
        Cli.Result strain = Cli.run("tail", "--queue", "strain", "--dir", t.strainQueue().toString());
        assertEquals(0, strain.code());
        for (String ifo : new String[] {"H1", "L1"}) {
            assertEquals(N, strain.out().lines().filter(l -> l.contains("\"ifo\": \"" + ifo + "\"")).count(), ifo + " records in tail");
        }
        // and the 60 Hz line reduced in the cleaned strain, against the raw strain of the same span
        Map<String, List<StrainQueue.Record>> m = t.published();
        for (String ifo : new String[] {"H1", "L1"}) {
            int from = 20;   // past DeepClean's warm-up
            int n = N - 1 - from;
            double[] raw = new double[(N - 1) * 4096];
            double[] cleaned = new double[(N - 1) * 4096];
            org.strainline.kernels.StreamResampler r = org.strainline.kernels.StreamResampler.of(16384, 4096, 16384);
            for (int g = 0; g < N - 1; g++) {
                org.strainline.gwf.Frame f = org.strainline.gwf.GwfReader.read(src.resolve("kafka/" + ifo + "/" + ifo.charAt(0) + "-"
                        + ifo + "_llhoft-" + (G + g) + "-1.gwf")).frames().get(0);
                r.process(f.channel(ifo + ":GDS-CALIB_STRAIN").data().toDoubles(), 0, 16384, raw, g * 4096);
                float[] x = m.get(ifo).get(g).samples();
                for (int i = 0; i < 4096; i++) {
                    cleaned[g * 4096 + i] = x[i];
                }
                if (g >= from) {
                    assertEquals(0, m.get(ifo).get(g).flags() & (CleanedSecond.UNCLEANED | CleanedSecond.GATED),
                            ifo + " " + (G + g) + " cleaned");
                }
            }
            org.strainline.daemon.report.Spectra sp = org.strainline.daemon.report.Spectra.of(raw, cleaned, from * 4096, n * 4096, 4096);
            int k = (int) Math.round(60 / sp.df());
            assertTrue(sp.raw(k) / sp.cleaned(k) > 5, ifo + ": the 60 Hz line reduced " + sp.raw(k) / sp.cleaned(k) + " x");
        }
    }

    /**
     * L1's frames missing around the second injection (its seconds padded and flagged): H1 is
     * searched alone from then on (until L1's PSD span is full again, past the data), and the
     * injection is alerted from H1 alone (its IFOs and channels say so, its FAR from H1's own
     * background), the first one from both as before.
     */
    @Test
    void anInjectionWhileL1IsDownIsAlertedFromH1Alone() throws Exception {
        Path src = simulate(53);
        for (long g = G + 95; g <= G + 110; g++) {
            Files.delete(src.resolve("kafka/L1/L-L1_llhoft-" + g + "-1.gwf"));
            Files.delete(src.resolve("lldetchar/L1/L-L1_lldetchar-" + g + "-1.gwf"));
        }
        Path config = t.config(BBHNET);
        String text = replayThroughDaemon(src, config);
        List<AlertQueue.Alert> alerts = t.alerts();
        assertEquals(2, alerts.size(), "one alert per injection: " + alerts + "\n" + text);
        assertEquals("H1,L1", alerts.get(0).ifos());
        AlertQueue.Alert alone = alerts.get(1);
        assertTrue(Math.abs(alone.gpsNs() / 1e9 - TIMES[1]) < 0.5, "alert at " + alone.gpsNs() / 1e9 + " for " + TIMES[1]);
        assertEquals("H1", alone.ifos());
        assertEquals("H1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ", alone.channels());
        Path repo = Cli.HOME.resolve("models/repository/bbhnet");
        String version;
        try (java.util.stream.Stream<Path> st = Files.list(repo)) {
            version = st.map(p -> p.getFileName().toString()).max(java.util.Comparator.comparingInt(Integer::parseInt)).orElseThrow();
        }
        Background h1 = Background.read(repo.resolve(version).resolve("background-H1.json"));
        assertEquals(h1.far(alone.statistic()), alone.farHz(), 1e-15, "FAR from H1's own background");
        // DeepClean's second g needs input second g + 1 (its look-ahead): L1's cleaned strain stops at G + 94
        assertTrue(text.contains("bbhnet: from GPS " + (G + 94) + " searching H1 alone"), text);
    }

    @Test
    void aRestartBetweenTwoInjectionsAlertsNeitherTwice() throws Exception {
        Path src = simulate(52);
        Path config = t.config(BBHNET);
        Path log1 = t.tmp.resolve("run1.log");
        Process d1 = DaemonTree.daemon(config, log1);
        DaemonTree.awaitLog(log1, "strainline running", 60_000);
        Process replay = Cli.command("replay", "--from", src.toString(), "--to", t.shm.toString(), "--speed", "2").start();
        long end = System.currentTimeMillis() + 120_000;
        while (t.alerts().isEmpty() && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        d1.destroyForcibly();   // kill -9 after the first alert
        assertTrue(d1.waitFor(10, TimeUnit.SECONDS));
        assertEquals(1, t.alerts().size(), "killed between the two injections: " + Files.readString(log1));
        Path log2 = t.tmp.resolve("run2.log");
        Process d2 = DaemonTree.daemon(config, log2);
        DaemonTree.awaitLog(log2, "last alert at GPS", 60_000);
        assertEquals(0, Cli.finish(replay).code());
        t.awaitPublished(N - 1, 120_000);
        d2.destroy();
        assertTrue(d2.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, d2.exitValue(), Files.readString(log2));
        assertOneAlertPerInjection(t.alerts(), 1, Files.readString(log1) + "\n--- restarted ---\n" + Files.readString(log2));
        // the restart re-read its warm-up span (BBHnet's PSD) but published none of it again, and lost none
        t.assertEverySecondOnce(G, N);
    }
}
