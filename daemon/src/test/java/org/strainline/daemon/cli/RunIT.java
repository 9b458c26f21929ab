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
    private DaemonTree t;

    @BeforeEach
    void dirs() throws IOException {
        t = new DaemonTree("strainline-run");
    }

    @AfterEach
    void clean() throws IOException {
        t.close();
    }

    @Test
    void theDaemonPublishesEverySecondOnceAndStopsCleanlyOnSigterm() throws Exception {
        Path src = t.tmp.resolve("src");
        assertEquals(0, Cli.run("simulate", "--out", src.toString(), "--start", Long.toString(G), "--duration",
                Integer.toString(N), "--seed", "31").code());
        Path config = t.config(null);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.writeString(config, "metrics:\n  port: " + port + "\n  logIntervalS: 1\n", java.nio.file.StandardOpenOption.APPEND);
        // H1's DeepClean and ingest threads on a CPU of their own, every other thread on another (one CPU: both on it;
        // this run has no BBHnet, its key is only checked)
        String[] allowed = cpusAllowed(Path.of("/proc/self/status")).split("[,-]");
        String h1Cpu = allowed[0];
        String otherCpu = allowed[allowed.length - 1];
        Files.writeString(config, "cpus:\n  others: \"" + otherCpu + "\"\n  ingest: {H1: \"" + h1Cpu + "\", L1: \"" + otherCpu + "\"}\n  bbhnet: \"" + otherCpu
                + "\"\n  deepclean: {H1: \"" + h1Cpu + "\", L1: \"" + otherCpu + "\"}\n", java.nio.file.StandardOpenOption.APPEND);
        Path frames = t.tmp.resolve("frames");
        Files.writeString(config, Files.readString(config).replace("publish:\n", "publish:\n  frames:\n    directory: " + frames + "\n"));
        Cli.Result check = Cli.run("config", "check", config.toString());
        assertEquals(0, check.code(), check.out());
        assertTrue(check.out().contains("valid; H1 (2 streams, 23 channels, model deepclean-h1)"), check.out());
        Path log = t.tmp.resolve("run.log");
        Process d = DaemonTree.daemon(config, log);
        DaemonTree.awaitLog(log, "strainline running", 60_000);
        assertEquals(0, Cli.run("replay", "--from", src.toString(), "--to", t.shm.toString(), "--speed", "10").code());
        t.awaitPublished(N - 1, 90_000);
        // every second in; the last one goes out at shutdown (DeepClean's look-ahead), so N - 1 out
        String scraped = DaemonTree.scrape(port);
        long until = System.currentTimeMillis() + 10_000;
        while (!scraped.contains("strainline_deepclean_total{ifo=\"L1\",outcome=\"seconds_in\"} " + N)
                && System.currentTimeMillis() < until) {
            Thread.sleep(100);
            scraped = DaemonTree.scrape(port);
        }
        // each thread on the CPUs its setting names, read back from the kernel while the daemon runs
        Map<String, String> cpusOf = threadCpus(d.pid());
        assertEquals(h1Cpu, cpusOf.get("strainline-H1-c"), cpusOf.toString());
        assertEquals(h1Cpu, cpusOf.get("strainline-H1-i"), "H1's ingest thread beside its DeepClean: " + cpusOf);
        for (String thread : new String[] {"strainline-L1-c", "strainline-L1-i", "strainline-metr", "VM Thread", "C2 CompilerThre"}) {
            assertEquals(otherCpu, cpusOf.get(thread), thread + ": " + cpusOf);
        }
        // the data path at the process's priority, the threads off it (cpus.backgroundNice, 5 by default) 5 nice levels below
        DaemonTree.awaitLog(log, "nice levels below the process (cpus.backgroundNice)", 20_000);
        Map<String, Integer> niceOf = threadNice(d.pid());
        int base = niceOf.get("java");
        for (String thread : new String[] {"strainline-H1-c", "strainline-L1-c", "strainline-H1-i", "strainline-L1-i", "VM Thread"}) {
            assertEquals(base, niceOf.get(thread), thread + ": " + niceOf);
        }
        for (String thread : new String[] {"strainline-metr", "C2 CompilerThre", "C1 CompilerThre", "VM Periodic Tas"}) {
            assertEquals(Math.min(19, base + 5), niceOf.get(thread), thread + ": " + niceOf);
        }
        d.destroy();   // SIGTERM
        assertTrue(d.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s");
        assertEquals(0, d.exitValue(), Files.readString(log));
        for (String ifo : new String[] {"H1", "L1"}) {
            assertTrue(scraped.contains("strainline_ingest_total{ifo=\"" + ifo + "\",outcome=\"seconds_published\"} " + N), scraped);
            assertTrue(scraped.contains("strainline_published_gps{ifo=\"" + ifo + "\"} " + (G + N - 2)), scraped);
            assertTrue(scraped.contains("strainline_strain_published_seconds_count{ifo=\"" + ifo + "\"} " + (N - 1)), scraped);
            assertTrue(scraped.contains("strainline_deepclean_stage_seconds_count{ifo=\"" + ifo + "\"} " + (N - 1)), scraped);
            assertTrue(scraped.contains("strainline_deepclean_total{ifo=\"" + ifo + "\",outcome=\"seconds_in\"} " + N), scraped);
            // the ingest's latencies stage by stage, one per second taken
            for (String series : new String[] {"second_taken", "ingest_detect", "ingest_decode", "ingest_assemble", "ring_handoff"}) {
                assertTrue(scraped.contains("strainline_" + series + "_seconds_count{ifo=\"" + ifo + "\"} " + N), series + ": " + scraped);
            }
            // and DeepClean's around its engine, one per second published after an engine run
            for (String series : new String[] {"deepclean_prepare", "deepclean_finish", "strain_processing", "strain_overhead", "strain_append",
                    "frames_write"}) {
                assertTrue(java.util.regex.Pattern.compile("strainline_" + series + "_seconds_count\\{ifo=\"" + ifo + "\"\\} [1-9]")
                        .matcher(scraped).find(), series + ": " + scraped);
            }
        }
        assertTrue(scraped.contains("# TYPE strainline_strain_published_seconds summary"), scraped);
        assertTrue(scraped.contains("strainline_engine_run_seconds_count{model=\"deepclean-h1/1\",engine=\"onnxruntime\"} "), scraped);
        assertTrue(scraped.contains("# TYPE strainline_jvm_gc_collections_total counter"), scraped);
        assertTrue(Files.readString(log).contains("metrics: strain_published{ifo=\"H1\"} p50 "), "one summary line per interval");
        String stopLog = Files.readString(log);
        assertTrue(stopLog.contains("ingest stopped: ") && stopLog.contains("strainline stopped: H1 "),
                "a clean stop is in the log (nothing closes the appender before the stop hook is done): " + stopLog);
        assertTrue(!stopLog.contains("SLF4J(W)"), "Logback is bound as the SLF4J provider: " + stopLog);
        for (String ifo : new String[] {"H1", "L1"}) {   // each stage's own code run before the first live second
            assertTrue(java.util.regex.Pattern.compile(ifo + " deepclean: rehearsed on 300 s of noise with no engine \\([1-9][0-9]* cleaned\\)")
                    .matcher(stopLog).find(), stopLog);
        }
        for (String ifo : new String[] {"h1", "l1"}) {   // the jar carries the C shim: runs allocate nothing
            assertTrue(stopLog.contains("deepclean-" + ifo + "/1 calls ONNX Runtime through the C API"), stopLog);
            assertTrue(stopLog.contains("deepclean-" + ifo + "/1 on ONNX Runtime runs model.span.onnx (made from this model.onnx): fed the"
                    + " stream's span"), "the daemon feeds DeepClean the span: " + stopLog);
            // the configuration gives no inference rate: the CPU engine's default (TensorRT would take 512)
            assertTrue(stopLog.contains(ifo.toUpperCase(java.util.Locale.ROOT) + " deepclean: 64 windows a second on onnxruntime"
                    + " (deepclean.inferenceRateHz not set: 512 on TensorRT, 64 on a CPU engine)"), stopLog);
        }
        assertTrue(java.util.regex.Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  "
                + "org\\.strainline\\.daemon\\.Daemon: strainline running: 2 IFO\\(s\\)").matcher(stopLog).find(),
                "one line per record, time level logger: message: " + stopLog);
        Map<String, List<StrainQueue.Record>> m = t.published();
        t.assertEverySecondOnce(G, N);
        for (String ifo : new String[] {"H1", "L1"}) {
            // every second published is also a frame file, the same samples under the published channel
            List<StrainQueue.Record> records = m.get(ifo);
            for (StrainQueue.Record r : records) {
                Path f = frames.resolve(ifo + "/" + ifo.charAt(0) + "-" + ifo + "_llhoft_cleaned-" + r.gpsS() + "-1.gwf");
                assertTrue(Files.exists(f), f.toString());
            }
            StrainQueue.Record r = records.get(N - 5);
            org.strainline.gwf.Frame fr = org.strainline.gwf.GwfReader.read(
                    frames.resolve(ifo + "/" + ifo.charAt(0) + "-" + ifo + "_llhoft_cleaned-" + r.gpsS() + "-1.gwf")).frames().get(0);
            org.junit.jupiter.api.Assertions.assertArrayEquals(r.samples(), fr.channel(r.channel()).data().toFloats(), ifo);
        }
        for (String ifo : new String[] {"H1", "L1"}) {
            StrainQueue.Record late = m.get(ifo).get(N - 5);
            assertEquals(0, late.flags() & (CleanedSecond.UNCLEANED | CleanedSecond.GATED), ifo + ": cleaned once warm");
            assertEquals(ifo + ":GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ", late.channel());
            assertTrue(late.model().startsWith("deepclean-" + ifo.toLowerCase()), late.model());
        }
        Cli.Result tail = Cli.run("tail", "--dir", t.strainQueue().toString(), "--from", Long.toString(G + N - 1));
        assertEquals(0, tail.code(), tail.out());
        assertEquals(2, tail.out().lines().filter(l -> l.startsWith("{\"gps\": " + (G + N - 1))).count(), tail.out());
    }

    private static String cpusAllowed(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        throw new AssertionError("no Cpus_allowed_list in " + status);
    }

    /** Each thread of a process by its kernel name (the first of a name), with its nice value. */
    private static Map<String, Integer> threadNice(long pid) throws IOException {
        Map<String, Integer> m = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    m.putIfAbsent(Files.readString(task.resolve("comm")).strip(),
                            Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a thread that ended in between
                }
            }
        }
        return m;
    }

    /** Each thread of a process by its kernel name (the first of a name), with the CPUs it may run on. */
    private static Map<String, String> threadCpus(long pid) throws IOException {
        Map<String, String> m = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    m.putIfAbsent(Files.readString(task.resolve("comm")).strip(), cpusAllowed(task.resolve("status")));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a thread that ended in between
                }
            }
        }
        return m;
    }

    @Test
    void afterAKillMinusNineTheRestartedDaemonPublishesNoSecondTwiceAndNoneIsMissing() throws Exception {
        Path src = t.tmp.resolve("src");
        assertEquals(0, Cli.run("simulate", "--out", src.toString(), "--start", Long.toString(G), "--duration",
                Integer.toString(N), "--seed", "32").code());
        Path config = t.config(null);
        Path log1 = t.tmp.resolve("run1.log");
        Process d1 = DaemonTree.daemon(config, log1);
        DaemonTree.awaitLog(log1, "strainline running", 60_000);
        Process replay = Cli.command("replay", "--from", src.toString(), "--to", t.shm.toString(), "--speed", "4").start();
        long end = System.currentTimeMillis() + 60_000;
        while (t.count("H1") < 8 && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        d1.destroyForcibly();   // kill -9, mid-stream
        assertTrue(d1.waitFor(10, TimeUnit.SECONDS));
        int before = t.count("H1");
        assertTrue(before >= 8 && before < N, "killed mid-stream, after " + before + " seconds");
        Path log2 = t.tmp.resolve("run2.log");
        Process d2 = DaemonTree.daemon(config, log2);
        DaemonTree.awaitLog(log2, "resuming after it", 60_000);
        assertEquals(0, Cli.finish(replay).code());
        t.awaitPublished(N - 1, 90_000);
        d2.destroy();
        assertTrue(d2.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, d2.exitValue(), Files.readString(log2));
        t.assertEverySecondOnce(G, N);
    }

    /**
     * Started with SIGHUP ignored (nohup, or a parent that ignores it), the JVM silently keeps it
     * ignored: the daemon says so at start, and a SIGHUP neither rescans nor stops it.
     */
    @Test
    void underNohupTheDaemonSaysSighupCannotRescanAndKeepsRunning() throws Exception {
        Path config = t.config(null);
        Path log = t.tmp.resolve("run.log");
        ProcessBuilder pb = Cli.command("run", "--config", config.toString());
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", "-c", "trap '' HUP; exec \"$0\" \"$@\""));
        cmd.addAll(pb.command());
        Process d = pb.command(cmd).redirectOutput(log.toFile()).start();
        try {
            DaemonTree.awaitLog(log, "strainline running", 60_000);
            // the handler goes in once the daemon runs: its line follows the running line
            DaemonTree.awaitLog(log, "SIGHUP is ignored by this process (started under nohup", 10_000);
            new ProcessBuilder("kill", "-HUP", Long.toString(d.pid())).start().waitFor();
            Thread.sleep(1000);
            assertTrue(d.isAlive(), "SIGHUP does not stop it: " + Files.readString(log));
            assertTrue(!Files.readString(log).contains("SIGHUP: rescanning"), Files.readString(log));
        } finally {
            d.destroy();
            assertTrue(d.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(0, d.exitValue(), Files.readString(log));
    }
}
