package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.queue.StrainQueue;

/**
 * {@code strainline run} as a process, fed by {@code strainline replay} through a real tmpfs
 * tree, publishing to a real Chronicle queue read back here: every second once, in order, and the
 * same after a kill -9 and a restart.
 */
class RunIT {
    private static final long G = 1_400_000_000L;
    private static final int N = 30;
    private Path tmp;
    private Path shm;

    @BeforeEach
    void dirs() throws IOException {
        tmp = Files.createTempDirectory("strainline-run");
        Path dev = Paths.get("/dev/shm");
        shm = Files.createTempDirectory(Files.isDirectory(dev) ? dev : tmp, "strainline-run-shm");
    }

    @AfterEach
    void clean() throws IOException {
        for (Path d : new Path[] {tmp, shm}) {
            try (Stream<Path> s = Files.walk(d)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Path config() throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("ingest:\n  start: oldest\n  latenessMs: 500\n  ifos:\n");
        for (String ifo : new String[] {"H1", "L1"}) {
            String o = ifo.substring(0, 1);
            y.append("    - ifo: ").append(ifo).append("\n      stateChannel: ").append(ifo).append(":GDS-CALIB_STATE_VECTOR\n")
                    .append("      streams:\n")
                    .append("        - name: llhoft\n          directory: ").append(shm.resolve("kafka/" + ifo)).append('\n')
                    .append("          prefix: ").append(o).append('-').append(ifo).append("_llhoft\n")
                    .append("          channels: [").append(ifo).append(":GDS-CALIB_STRAIN@16384, ").append(ifo)
                    .append(":GDS-CALIB_STATE_VECTOR@16]\n")
                    .append("        - name: lldetchar\n          directory: ").append(shm.resolve("lldetchar/" + ifo)).append('\n')
                    .append("          prefix: ").append(o).append('-').append(ifo).append("_lldetchar\n          channels: [");
            List<String> w = org.strainline.daemon.sim.Simulator.witnesses(ifo);
            for (int i = 0; i < w.size(); i++) {
                y.append(i > 0 ? ", " : "").append(w.get(i)).append(w.get(i).contains("MAINSMON") ? "@1024" : "@512");
            }
            y.append("]\n");
        }
        y.append("models:\n  repository: ").append(Cli.HOME.resolve("models/repository").toAbsolutePath()).append('\n');
        y.append("deepclean:\n  engines: [tensorrt, onnxruntime]\n  models: {H1: deepclean-h1, L1: deepclean-l1}\n");
        y.append("publish:\n  strainQueue: ").append(tmp.resolve("queue")).append('\n');
        Path c = tmp.resolve("daemon.yaml");
        Files.writeString(c, y.toString());
        for (String ifo : new String[] {"H1", "L1"}) {
            Files.createDirectories(shm.resolve("kafka/" + ifo));
            Files.createDirectories(shm.resolve("lldetchar/" + ifo));
        }
        return c;
    }

    private static Process daemon(Path config, Path log) throws IOException {
        return Cli.command("run", "--config", config.toString()).redirectOutput(log.toFile()).start();
    }

    private static void awaitLog(Path log, String text, long ms) throws Exception {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("'" + text + "' not in the daemon's log: " + (Files.exists(log) ? Files.readString(log) : ""));
    }

    private Map<String, List<StrainQueue.Record>> published() {
        Map<String, List<StrainQueue.Record>> m = new HashMap<>();
        try (StrainQueue q = new StrainQueue(tmp.resolve("queue"), "", true)) {
            for (StrainQueue.Record r : q.readAll()) {
                m.computeIfAbsent(r.ifo(), k -> new ArrayList<>()).add(r);
            }
        }
        return m;
    }

    private int count(String ifo) {
        if (!Files.exists(tmp.resolve("queue"))) {
            return 0;
        }
        return published().getOrDefault(ifo, List.of()).size();
    }

    private void assertEverySecondOnce(Map<String, List<StrainQueue.Record>> m) {
        for (String ifo : new String[] {"H1", "L1"}) {
            List<StrainQueue.Record> l = m.get(ifo);
            assertEquals(N, l.size(), ifo + ": one record per second");
            for (int i = 0; i < N; i++) {
                assertEquals(G + i, l.get(i).gpsS(), ifo + ": in order, none missing, none twice");
            }
        }
    }

    @Test
    void theDaemonPublishesEverySecondOnceAndStopsCleanlyOnSigterm() throws Exception {
        Path src = tmp.resolve("src");
        assertEquals(0, Cli.run("simulate", "--out", src.toString(), "--start", Long.toString(G), "--duration",
                Integer.toString(N), "--seed", "31").code());
        Path config = config();
        Cli.Result check = Cli.run("config", "check", config.toString());
        assertEquals(0, check.code(), check.out());
        assertTrue(check.out().contains("valid; H1 (2 streams, 23 channels, model deepclean-h1)"), check.out());
        Path log = tmp.resolve("run.log");
        Process d = daemon(config, log);
        awaitLog(log, "strainline running", 60_000);
        assertEquals(0, Cli.run("replay", "--from", src.toString(), "--to", shm.toString(), "--speed", "10").code());
        long end = System.currentTimeMillis() + 90_000;
        while ((count("H1") < N - 1 || count("L1") < N - 1) && System.currentTimeMillis() < end) {
            Thread.sleep(200);
        }
        d.destroy();   // SIGTERM
        assertTrue(d.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s");
        assertEquals(0, d.exitValue(), Files.readString(log));
        Map<String, List<StrainQueue.Record>> m = published();
        assertEverySecondOnce(m);
        for (String ifo : new String[] {"H1", "L1"}) {
            StrainQueue.Record late = m.get(ifo).get(N - 5);
            assertEquals(0, late.flags() & (CleanedSecond.UNCLEANED | CleanedSecond.GATED), ifo + ": cleaned once warm");
            assertEquals(ifo + ":GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ", late.channel());
            assertTrue(late.model().startsWith("deepclean-" + ifo.toLowerCase()), late.model());
        }
        Cli.Result tail = Cli.run("tail", "--dir", tmp.resolve("queue").toString(), "--from", Long.toString(G + N - 1));
        assertEquals(0, tail.code(), tail.out());
        assertEquals(2, tail.out().lines().filter(l -> l.startsWith("{\"gps\": " + (G + N - 1))).count(), tail.out());
    }

    @Test
    void afterAKillMinusNineTheRestartedDaemonPublishesNoSecondTwiceAndNoneIsMissing() throws Exception {
        Path src = tmp.resolve("src");
        assertEquals(0, Cli.run("simulate", "--out", src.toString(), "--start", Long.toString(G), "--duration",
                Integer.toString(N), "--seed", "32").code());
        Path config = config();
        Path log1 = tmp.resolve("run1.log");
        Process d1 = daemon(config, log1);
        awaitLog(log1, "strainline running", 60_000);
        Process replay = Cli.command("replay", "--from", src.toString(), "--to", shm.toString(), "--speed", "4").start();
        long end = System.currentTimeMillis() + 60_000;
        while (count("H1") < 8 && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        d1.destroyForcibly();   // kill -9, mid-stream
        assertTrue(d1.waitFor(10, TimeUnit.SECONDS));
        int before = count("H1");
        assertTrue(before >= 8 && before < N, "killed mid-stream, after " + before + " seconds");
        Path log2 = tmp.resolve("run2.log");
        Process d2 = daemon(config, log2);
        awaitLog(log2, "resuming after it", 60_000);
        assertEquals(0, Cli.finish(replay).code());
        end = System.currentTimeMillis() + 90_000;
        while ((count("H1") < N - 1 || count("L1") < N - 1) && System.currentTimeMillis() < end) {
            Thread.sleep(200);
        }
        d2.destroy();
        assertTrue(d2.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, d2.exitValue(), Files.readString(log2));
        assertEverySecondOnce(published());
    }
}
