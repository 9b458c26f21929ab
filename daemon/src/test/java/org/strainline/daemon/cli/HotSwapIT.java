package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.queue.StrainQueue;

/**
 * Hot swap under load, as a process: {@code strainline run} on a copy of the repository, fed by
 * {@code strainline replay}; a new version of the H1 model renamed into place mid-stream is loaded
 * off the hot path, warmed up beside the running one and swapped in between two seconds: every
 * second is published exactly once, the version flips once at a second boundary, and the first
 * seconds of the new version are already cleaned. A broken L1 version copied in file by file is
 * reported and counted, L1 keeps running its old version, and SIGHUP rescans (and fails again)
 * instead of stopping the JVM.
 */
class HotSwapIT {
    private static final long G = 1_400_000_000L;
    private static final int N = 70;

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aNewVersionIsSwappedInBetweenTwoSecondsAndABrokenOneLeavesTheOldRunning() throws Exception {
        try (DaemonTree t = new DaemonTree("strainline-swap")) {
            Path repo = t.tmp.resolve("repository");
            for (String m : new String[] {"deepclean-h1", "deepclean-l1"}) {
                DaemonTree.copy(Cli.HOME.resolve("models/repository/" + m), repo.resolve(m));
            }
            Path src = t.tmp.resolve("src");
            assertEquals(0, Cli.run("simulate", "--out", src.toString(), "--ifos", "H1,L1", "--start", Long.toString(G),
                    "--duration", Integer.toString(N), "--seed", "41").code());
            Path config = t.config(null);
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Files.writeString(config, Files.readString(config)
                    .replace(Cli.HOME.resolve("models/repository").toAbsolutePath().toString(), repo + "\n  settleS: 0.5")
                    + "metrics:\n  port: " + port + "\n");
            Path log = t.tmp.resolve("run.log");
            Process d = DaemonTree.daemon(config, log);
            DaemonTree.awaitLog(log, "strainline running", 60_000);
            Process replay = Cli.command("replay", "--from", src.toString(), "--to", t.shm.toString(), "--speed", "2")
                    .redirectOutput(t.tmp.resolve("replay.log").toFile()).start();
            t.awaitPublished(15, 90_000);

            // H1: version 2 (its strain scaling 1.25 x version 1's, so its seconds differ), made aside and renamed into place
            Path staging = t.tmp.resolve("staging-h1-2");
            DaemonTree.copy(repo.resolve("deepclean-h1/1"), staging);
            String card = Files.readString(staging.resolve("model.yaml"));
            java.util.regex.Matcher std = java.util.regex.Pattern.compile("(?m)^  strain_std: (\\S+)$").matcher(card);
            assertTrue(std.find(), "the card has scaling.strain_std");
            card = card.replaceFirst("(?m)^version: 1$", "version: 2")
                    .replace("  strain_std: " + std.group(1), "  strain_std: " + Double.parseDouble(std.group(1)) * 1.25);
            Files.writeString(staging.resolve("model.yaml"), card);
            Files.move(staging, repo.resolve("deepclean-h1/2"), StandardCopyOption.ATOMIC_MOVE);
            DaemonTree.awaitLog(log, "H1 deepclean: deepclean-h1/2 takes over as production from deepclean-h1/1", 60_000);

            // L1: a version 3 copied in file by file, its model.onnx cut short
            Path l3 = Files.createDirectories(repo.resolve("deepclean-l1/3"));
            byte[] onnx = Files.readAllBytes(repo.resolve("deepclean-l1/1/model.onnx"));
            Files.write(l3.resolve("model.onnx"), java.util.Arrays.copyOf(onnx, onnx.length / 3));
            Files.writeString(l3.resolve("model.yaml"), Files.readString(repo.resolve("deepclean-l1/1/model.yaml"))
                    .replaceFirst("(?m)^version: 1$", "version: 3"));
            DaemonTree.awaitLog(log, "L1 deepclean: deepclean-l1/3 cannot be loaded", 30_000);
            assertTrue(Files.readString(log).contains("deepclean-l1/1 keeps running"), Files.readString(log));
            Thread.sleep(1500);   // past the settle time: no rescan pending
            int failures = occurrences(Files.readString(log), "L1 deepclean: deepclean-l1/3 cannot be loaded");

            // SIGHUP: a rescan (the broken version fails again), not a shutdown
            new ProcessBuilder("kill", "-HUP", Long.toString(d.pid())).start().waitFor();
            DaemonTree.awaitLog(log, "SIGHUP: rescanning the model repository", 10_000);
            long until = System.currentTimeMillis() + 20_000;
            while (occurrences(Files.readString(log), "L1 deepclean: deepclean-l1/3 cannot be loaded") <= failures
                    && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
            assertEquals(failures + 1, occurrences(Files.readString(log), "L1 deepclean: deepclean-l1/3 cannot be loaded"),
                    Files.readString(log));
            assertTrue(d.isAlive(), "SIGHUP does not stop the daemon: " + Files.readString(log));
            String scraped = DaemonTree.scrape(port);
            assertTrue(scraped.contains("\nstrainline_model_load_failures_total " + (failures + 1) + "\n"),
                    "each failed load counted: " + scraped);

            assertTrue(replay.waitFor(120, TimeUnit.SECONDS), "the replay finished");
            t.awaitPublished(N - 1, 90_000);
            d.destroy();
            assertTrue(d.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s");
            assertEquals(0, d.exitValue(), Files.readString(log));

            Map<String, List<StrainQueue.Record>> m = t.published();
            for (String ifo : new String[] {"H1", "L1"}) {
                List<StrainQueue.Record> l = m.get(ifo);
                assertEquals(N, l.size(), ifo + ": one record per second");
                for (int i = 0; i < N; i++) {
                    assertEquals(G + i, l.get(i).gpsS(), ifo + ": in order, none missing, none twice");
                }
            }
            // H1: version 1's seconds, then version 2's, one switch at a second boundary, cleaned on both sides of it
            List<String> versions = new ArrayList<>();
            int first2 = -1;
            List<StrainQueue.Record> h1 = m.get("H1");
            for (int i = 0; i < N; i++) {
                String v = h1.get(i).model();
                if (v != null && (versions.isEmpty() || !versions.get(versions.size() - 1).equals(v))) {
                    versions.add(v);
                    if (v.equals("deepclean-h1/2")) {
                        first2 = i;
                    }
                }
            }
            assertEquals(List.of("deepclean-h1/1", "deepclean-h1/2"), versions, "one switch, from 1 to 2");
            assertTrue(first2 >= 15, "the switch came after the new version appeared: " + first2);
            for (int i = first2 - 3; i < Math.min(N - 1, first2 + 5); i++) {
                StrainQueue.Record r = h1.get(i);
                assertEquals(0, r.flags() & CleanedSecond.UNCLEANED, "H1 GPS " + r.gpsS() + " is cleaned around the switch");
                assertEquals(i < first2 ? "deepclean-h1/1" : "deepclean-h1/2", r.model(), "H1 GPS " + r.gpsS());
            }
            for (StrainQueue.Record r : m.get("L1")) {
                assertTrue(r.model() == null || r.model().equals("deepclean-l1/1"), "L1 stays on version 1: " + r.model());
            }
            String all = Files.readString(log);
            assertTrue(all.contains("H1 deepclean: deepclean-h1/2 loaded and warmed up in "), all);
            assertTrue(all.contains("H1 deepclean: deepclean-h1/2 warming up beside deepclean-h1/1 as production"), all);
        }
    }
    @Test
    void aCanaryRunsBesidePinnedProductionAndIsPublishedApart() throws Exception {
        int n = 30;
        try (DaemonTree t = new DaemonTree("strainline-canary")) {
            Path repo = t.tmp.resolve("repository");
            for (String m : new String[] {"deepclean-h1", "deepclean-l1"}) {
                DaemonTree.copy(Cli.HOME.resolve("models/repository/" + m), repo.resolve(m));
            }
            DaemonTree.copy(repo.resolve("deepclean-h1/1"), repo.resolve("deepclean-h1/2"));
            Path card = repo.resolve("deepclean-h1/2/model.yaml");
            Files.writeString(card, Files.readString(card).replaceFirst("(?m)^version: 1$", "version: 2"));
            Path src = t.tmp.resolve("src");
            assertEquals(0, Cli.run("simulate", "--out", src.toString(), "--ifos", "H1,L1", "--start", Long.toString(G),
                    "--duration", Integer.toString(n), "--seed", "43").code());
            Path config = t.config(null);
            Files.writeString(config, Files.readString(config)
                    .replace(Cli.HOME.resolve("models/repository").toAbsolutePath().toString(), repo.toString())
                    .replace("models: {H1: deepclean-h1, L1: deepclean-l1}", "models: {H1: 'deepclean-h1:1', L1: deepclean-l1}\n  canary: true")
                    .replace("publish:\n", "publish:\n  frames:\n    directory: " + t.tmp.resolve("frames") + "\n"));
            Path log = t.tmp.resolve("run.log");
            Process d = DaemonTree.daemon(config, log);
            DaemonTree.awaitLog(log, "strainline running", 60_000);
            assertEquals(0, Cli.run("replay", "--from", src.toString(), "--to", t.shm.toString(), "--speed", "4").code());
            t.awaitPublished(n - 1, 90_000);
            d.destroy();
            assertTrue(d.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s");
            assertEquals(0, d.exitValue(), Files.readString(log));
            String all = Files.readString(log);
            assertTrue(all.contains("H1 deepclean: canary deepclean-h1/2, published to " + t.strainQueue() + "-canary"), all);
            assertTrue(all.contains("L1 deepclean: canary none yet (no version above 1)"), all);
            List<StrainQueue.Record> production = t.published().get("H1");
            List<StrainQueue.Record> canary = new ArrayList<>();
            try (StrainQueue q = new StrainQueue(Path.of(t.strainQueue() + "-canary"), "", true)) {
                canary.addAll(q.readAll());
            }
            assertEquals(n, production.size());
            assertEquals(n, canary.size(), "the canary has every second too (H1 only: L1 has no canary)");
            for (int i = 0; i < n; i++) {
                StrainQueue.Record p = production.get(i);
                StrainQueue.Record c = canary.get(i);
                assertEquals("H1", c.ifo());
                assertEquals(G + i, c.gpsS(), "the canary's seconds in order, once each");
                assertEquals("H1:GDS-CALIB_STRAIN_DEEPCLEAN_CANARY_OUT_DQ", c.channel());
                assertEquals("H1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ", p.channel());
                if ((p.flags() & CleanedSecond.UNCLEANED) == 0) {
                    assertEquals("deepclean-h1/1", p.model(), "production is the pinned version");
                    assertEquals("deepclean-h1/2", c.model(), "the canary is the newest version above it");
                    // the same weights in both versions: the same cleaned strain
                    org.junit.jupiter.api.Assertions.assertArrayEquals(p.samples(), c.samples(), "GPS " + p.gpsS());
                }
                if (i == n - 5) {
                    // and as GWF files beside production's, under the canary's channel name
                    Path f = t.tmp.resolve("frames/H1-canary/H-H1_llhoft_cleaned_canary-" + c.gpsS() + "-1.gwf");
                    assertTrue(Files.exists(f), f.toString());
                    org.strainline.gwf.Frame fr = org.strainline.gwf.GwfReader.read(f).frames().get(0);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(c.samples(),
                            fr.channel("H1:GDS-CALIB_STRAIN_DEEPCLEAN_CANARY_OUT_DQ").data().toFloats(), "the canary frame holds the canary's samples");
                    assertTrue(Files.exists(t.tmp.resolve("frames/H1/H-H1_llhoft_cleaned-" + c.gpsS() + "-1.gwf")), "production's frame");
                    Path l1 = t.tmp.resolve("frames/L1-canary");
                    try (Stream<Path> files = Files.exists(l1) ? Files.list(l1) : Stream.empty()) {
                        assertEquals(0, files.filter(x -> x.toString().endsWith(".gwf")).count(), "no canary frames for L1, which has no canary");
                    }
                }
            }
        }
    }
}
