package org.strainline.daemon.cli;

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
import java.util.stream.Stream;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.queue.StrainQueue;

/**
 * A daemon under test as a process: a tmpfs tree fed by {@code strainline replay}, its
 * configuration (H1 + L1 as {@code strainline simulate} writes them), its queues, its logs.
 */
final class DaemonTree implements AutoCloseable {
    final Path tmp;
    final Path shm;

    DaemonTree(String name) throws IOException {
        tmp = Files.createTempDirectory(name);
        Path dev = Paths.get("/dev/shm");
        shm = Files.createTempDirectory(Files.isDirectory(dev) ? dev : tmp, name + "-shm");
    }

    @Override
    public void close() throws IOException {
        synchronized (STARTED) {
            for (Process p : STARTED) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
            STARTED.clear();
        }
        for (Path d : new Path[] {shm, tmp}) {
            if (Files.exists(d)) {
                try (Stream<Path> s = Files.walk(d)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    Path strainQueue() {
        return tmp.resolve("queue");
    }

    Path alertQueue() {
        return tmp.resolve("alerts");
    }

    /** Writes the configuration; {@code bbhnet} is the body of its bbhnet section, or null for none. */
    Path config(String bbhnet) throws IOException {
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
        if (bbhnet != null) {
            y.append("bbhnet:\n").append(bbhnet.indent(2));
        }
        y.append("publish:\n  strainQueue: ").append(strainQueue()).append('\n');
        y.append("  alertQueue: ").append(alertQueue()).append('\n');
        Path c = tmp.resolve("daemon.yaml");
        Files.writeString(c, y.toString());
        for (String ifo : new String[] {"H1", "L1"}) {
            Files.createDirectories(shm.resolve("kafka/" + ifo));
            Files.createDirectories(shm.resolve("lldetchar/" + ifo));
        }
        return c;
    }

    static Process daemon(Path config, Path log) throws IOException {
        Process p = Cli.command("run", "--config", config.toString()).redirectOutput(log.toFile()).start();
        STARTED.add(p);
        return p;
    }

    /** Daemons started by tests: any still running when a tree closes (a test failed midway) is killed. */
    private static final List<Process> STARTED = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    static void awaitLog(Path log, String text, long ms) throws Exception {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("'" + text + "' not in the daemon's log: " + (Files.exists(log) ? Files.readString(log) : ""));
    }

    Map<String, List<StrainQueue.Record>> published() {
        Map<String, List<StrainQueue.Record>> m = new HashMap<>();
        if (!Files.exists(strainQueue())) {
            return m;
        }
        try (StrainQueue q = new StrainQueue(strainQueue(), "", true)) {
            for (StrainQueue.Record r : q.readAll()) {
                m.computeIfAbsent(r.ifo(), k -> new ArrayList<>()).add(r);
            }
        }
        return m;
    }

    /** Waits (up to {@code ms}) until both H1 and L1 have {@code seconds} records in the strain queue. */
    /** The daemon's Prometheus exposition on {@code port}. */
    static String scrape(int port) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        org.junit.jupiter.api.Assertions.assertEquals(200, r.statusCode());
        org.junit.jupiter.api.Assertions.assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    /** Waits until both IFOs have {@code seconds} records in the strain queue; fails after {@code ms}. */
    void awaitPublished(int seconds, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while ((count("H1") < seconds || count("L1") < seconds) && System.currentTimeMillis() < end) {
            Thread.sleep(200);
        }
        org.junit.jupiter.api.Assertions.assertTrue(count("H1") >= seconds && count("L1") >= seconds, "within " + ms + " ms: "
                + seconds + " second(s) in the strain queue per IFO, got H1 " + count("H1") + ", L1 " + count("L1"));
    }

    /** Each IFO's records in the strain queue are the seconds {@code g0 .. g0 + n - 1}, in order, each once. */
    void assertEverySecondOnce(long g0, int n) {
        Map<String, List<StrainQueue.Record>> m = published();
        for (String ifo : new String[] {"H1", "L1"}) {
            List<StrainQueue.Record> l = m.getOrDefault(ifo, List.of());
            org.junit.jupiter.api.Assertions.assertEquals(n, l.size(), ifo + ": one record per second");
            for (int i = 0; i < n; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(g0 + i, l.get(i).gpsS(), ifo + ": in order, none missing, none twice");
            }
        }
    }

    int count(String ifo) {
        return published().getOrDefault(ifo, List.of()).size();
    }

    List<AlertQueue.Alert> alerts() {
        if (!Files.exists(alertQueue())) {
            return List.of();
        }
        try (AlertQueue q = new AlertQueue(alertQueue(), true)) {
            return q.readAll();
        }
    }

    /** Copies a directory tree (a model repository, a version) file by file. */
    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.naturalOrder())::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }
}
