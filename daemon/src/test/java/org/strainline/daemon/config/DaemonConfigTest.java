package org.strainline.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.strainline.daemon.pipeline.DeepCleanStage;

/** The committed demo configuration loads as documented, and bad values fail naming the key. */
class DaemonConfigTest {
    private static final Path DEMO = Paths.get("..", "config", "demo.yaml");

    @TempDir
    Path tmp;

    private Path variant(String from, String to) throws IOException {
        String text = Files.readString(DEMO);
        assertTrue(text.contains(from), "the demo configuration has " + from);
        Path f = tmp.resolve("daemon.yaml");
        Files.writeString(f, text.replace(from, to));
        return f;
    }

    private String problem(String from, String to) throws IOException {
        Path f = variant(from, to);
        IOException e = assertThrows(IOException.class, () -> DaemonConfig.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void theDemoConfigurationLoadsWithTheDocumentedDefaults() throws IOException {
        DaemonConfig c = DaemonConfig.load(DEMO);
        assertEquals(2, c.ingest().ifos().size());
        assertEquals("H1", c.ingest().ifos().get(0).ifo());
        assertEquals(DEMO.toAbsolutePath().getParent().resolve("../models/repository"), c.repository());
        DeepCleanStage.Settings d = DeepCleanStage.Settings.defaults();
        assertEquals(new DeepCleanStage.Settings(32, d.aggregationLatencyS(), d.bandLowHz(), d.bandHighHz(), d.historyS(),
                d.lookaheadS(), d.taperS(), d.gateSpanS(), d.crossfadeS(), d.joinS()), c.deepclean().settings(),
                "the demo runs 32 windows a second and the stage defaults otherwise");
        assertEquals(64, d.inferenceRateHz());
        assertEquals(0.5, d.joinS());
        assertFalse(c.publish().dataClock(), "records stamped with the wall clock");
        assertEquals(1, c.deepclean().threads());
        assertNotNull(c.bbhnet(), "the demo runs BBHnet");
        assertEquals(1.157e-5, c.bbhnet().farThresholdHz());
        assertEquals("_DEEPCLEAN_PRODUCTION_OUT_DQ", c.publish().channelSuffix());
        assertEquals(Paths.get("/tmp/strainline-demo/frames"), c.publish().frames().directory());
        assertEquals(300, c.publish().frames().retainSeconds());
        assertEquals("H-H1_llhoft_cleaned", c.publish().frames().prefixFor("H1"));
        assertEquals("L-L1_llhoft_cleaned", c.publish().frames().prefixFor("L1"));
    }

    @Test
    void aFramePrefixWithoutTheIfoIsRefused() throws IOException {
        String m = problem("    retainSeconds: 300\n", "    retainSeconds: 300\n    prefix: H-cleaned\n");
        assertTrue(m.contains("publish.frames.prefix: must be OBS-TAG"), m);
        assertTrue(problem("    retainSeconds: 300\n", "    retainSeconds: 0\n").contains("publish.frames.retainSeconds: must be >= 1"));
    }

    @Test
    void theOnlineConfigurationLoadsWithTheServicePaths() throws IOException {
        DaemonConfig c = DaemonConfig.load(Paths.get("..", "config", "online.yaml"));
        assertEquals(Paths.get("/dev/shm/kafka/H1"), c.ingest().ifos().get(0).streams().get(0).directory());
        assertEquals(Paths.get("/var/lib/strainline/queues/strain"), c.publish().strainQueue());
        assertEquals(Paths.get("/var/lib/strainline/queues/alerts"), c.publish().alertQueue());
        assertEquals(Paths.get("/opt/strainline/models/repository"), c.repository());
        assertNotNull(c.bbhnet());
        assertEquals(new DaemonConfig.MetricsConfig(9464, "127.0.0.1", 60), c.metrics());
    }

    @Test
    void theReplayConfigurationReadsRecordedFramesFromTheOldest() throws IOException {
        DaemonConfig c = DaemonConfig.load(Paths.get("..", "config", "replay.yaml"));
        assertEquals(org.strainline.shm.StartPolicy.OLDEST, c.ingest().start());
        assertEquals(Paths.get("/data/strainline-replay/frames/lldetchar/L1"), c.ingest().ifos().get(1).streams().get(1).directory());
        assertEquals(Paths.get("/data/strainline-replay/queues/strain"), c.publish().strainQueue());
        assertEquals(DEMO.toAbsolutePath().getParent().resolve("../models/repository"), c.repository());
    }

    @Test
    void withoutAMetricsSectionNothingIsServedAndALineAMinuteIsLogged() throws IOException {
        assertEquals(new DaemonConfig.MetricsConfig(0, "127.0.0.1", 60), DaemonConfig.load(DEMO).metrics());
    }

    @Test
    void aMetricsPortOutOfRangeIsRefused() throws IOException {
        String m = problem("publish:\n", "metrics:\n  port: 70000\npublish:\n");
        assertTrue(m.contains("metrics.port: must be 0 (off) or a TCP port, got 70000"), m);
        assertTrue(problem("publish:\n", "metrics:\n  logIntervalS: -1\npublish:\n").contains("metrics.logIntervalS"));
    }

    @Test
    void aJoinLongerThanTheLookaheadIsRefused() throws IOException {
        String m = problem("deepclean:\n", "deepclean:\n  joinS: 0.75\n");
        assertTrue(m.contains("deepclean.joinS") && m.contains("must be between 0 and lookaheadS (0.5), got 0.75"), m);
        assertTrue(problem("deepclean:\n", "deepclean:\n  joinS: -0.1\n").contains("deepclean.joinS"));
    }

    @Test
    void aJoinWithinTheLookaheadIsTaken() throws IOException {
        DaemonConfig c = DaemonConfig.load(variant("deepclean:\n", "deepclean:\n  joinS: 0.25\n"));
        assertEquals(0.25, c.deepclean().settings().joinS());
        assertEquals(0.0, DaemonConfig.load(variant("deepclean:\n", "deepclean:\n  joinS: 0\n")).deepclean().settings().joinS());
    }

    @Test
    void theDataClockIsTakenAndAnyOtherClockRefused() throws IOException {
        assertTrue(DaemonConfig.load(variant("publish:\n", "publish:\n  clock: data\n")).publish().dataClock());
        assertFalse(DaemonConfig.load(variant("publish:\n", "publish:\n  clock: wall\n")).publish().dataClock());
        String m = problem("publish:\n", "publish:\n  clock: gps\n");
        assertTrue(m.contains("publish.clock: must be wall or data, got gps"), m);
    }

    @Test
    void hotSwapCanaryAndFp16HaveTheirDefaultsAndAreTakenWhenSet() throws IOException {
        DaemonConfig d = DaemonConfig.load(DEMO);
        assertEquals(new DaemonConfig.ModelWatch(true, 2), d.modelWatch(), "the repository watched, a 2-s settle");
        assertFalse(d.deepclean().canary());
        assertFalse(d.deepclean().fp16());
        assertFalse(d.bbhnet().fp16());
        assertFalse(DaemonConfig.load(Paths.get("..", "config", "replay.yaml")).modelWatch().enabled(), "a validation runs what it started with");
        DaemonConfig c = DaemonConfig.load(variant("  repository: ../models/repository\ndeepclean:\n",
                "  repository: ../models/repository\n  watch: false\n  settleS: 0.5\ndeepclean:\n  canary: true\n  fp16: true\n"));
        assertEquals(new DaemonConfig.ModelWatch(false, 0.5), c.modelWatch());
        assertTrue(c.deepclean().canary());
        assertTrue(c.deepclean().fp16());
        String m = problem("deepclean:\n", "deepclean:\n  canary: sometimes\n");
        assertTrue(m.contains("deepclean.canary: expected true or false, got sometimes"), m);
        m = problem("  repository: ../models/repository\n", "  repository: ../models/repository\n  settleS: -1\n");
        assertTrue(m.contains("models.settleS: must be between 0 and 600 s, got -1"), m);
    }

    @Test
    void eachIfoHasAnIngestThreadUnlessOneIsAskedForAndItsCpusMayBeGivenPerIfo() throws IOException {
        assertTrue(DaemonConfig.load(DEMO).ingest().threadPerIfo(), "a thread per IFO by default");
        DaemonConfig one = DaemonConfig.load(variant("ingest:\n", "ingest:\n  threadPerIfo: false\n"));
        assertFalse(one.ingest().threadPerIfo());
        DaemonConfig c = DaemonConfig.load(variant("publish:\n", "cpus:\n  ingest: {H1: \"0\", L1: \"1\"}\npublish:\n"));
        org.strainline.shm.ThreadPlacement p = c.cpus().placement();
        assertEquals("0", p.cpusFor("strainline-H1-ingest").toString());
        assertEquals("1", p.cpusFor("strainline-L1-ingest").toString());
        assertEquals(null, p.cpusFor("strainline-H1-consumer-1"), "the DeepClean threads not placed by it");

        String m = problem("publish:\n", "cpus:\n  ingest: {V1: \"0\"}\npublish:\n");
        assertTrue(m.contains("cpus.ingest.V1: unknown key (known: [H1, L1])"), m);
        Path both = variant("ingest:\n", "ingest:\n  threadPerIfo: false\n");
        Files.writeString(both, Files.readString(both).replace("publish:\n", "cpus:\n  ingest: {H1: \"0\"}\npublish:\n"));
        m = assertThrows(IOException.class, () -> DaemonConfig.load(both)).getMessage();
        assertTrue(m.contains("cpus.ingest: a CPU list per IFO needs a thread per IFO"), m);
        m = problem("ingest:\n", "ingest:\n  threadPerIfo: yes please\n");
        assertTrue(m.contains("ingest.threadPerIfo: expected true or false"), m);
    }

    @Test
    void withoutAnInferenceRateDeepCleanTakes512OnTensorRtAndTheCpuDefaultElsewhere() throws IOException {
        DaemonConfig given = DaemonConfig.load(DEMO);
        assertTrue(given.deepclean().rateGiven());
        assertEquals(32, given.deepclean().inferenceRateHz("tensorrt"), "a rate in the file holds on every engine");
        assertEquals(32, given.deepclean().inferenceRateHz("onnxruntime"));
        DaemonConfig unset = DaemonConfig.load(variant("  inferenceRateHz: 32\n", ""));
        assertFalse(unset.deepclean().rateGiven());
        assertEquals(512, unset.deepclean().inferenceRateHz("tensorrt"));
        assertEquals(64, unset.deepclean().inferenceRateHz("onnxruntime"));
        assertEquals(64, unset.deepclean().settings().inferenceRateHz());
    }

    @Test
    void numbersOutOfTheirRangeAreRefusedByKeyAtCheckTime() throws IOException {
        String[][] cases = {
            {"deepclean:\n", "deepclean:\n  aggregationLatencyS: 1.5\n  lookaheadS: 0.5\n",
                "deepclean.aggregationLatencyS: must be between 0 and 1, got 1.5"},
            {"deepclean:\n", "deepclean:\n  gateSpanS: 0.4\n", "deepclean.gateSpanS: must be between 2 and 64, got 0.4"},
            {"deepclean:\n", "deepclean:\n  gateSpanS: 2.5\n", "deepclean.gateSpanS: must be a whole number of seconds"},
            {"deepclean:\n", "deepclean:\n  historyS: 0\n", "deepclean.historyS: must be between 0.5 and 60, got 0"},
            {"deepclean:\n", "deepclean:\n  taperS: 5\n", "deepclean.taperS: must be between 0 and 4, got 5"},
            {"deepclean:\n", "deepclean:\n  crossfadeS: -1\n", "deepclean.crossfadeS: must be between 0 and 8, got -1"},
            {"bbhnet:\n", "bbhnet:\n  threads: 0\n", "bbhnet.threads: must be between 1 and 256, got 0"},
            {"bbhnet:\n", "bbhnet:\n  integrationS: 0\n", "bbhnet.integrationS: must be between 0.25 and 16, got 0"},
            {"bbhnet:\n", "bbhnet:\n  refractoryS: -8\n", "bbhnet.refractoryS: must be between 0 and 3600, got -8"},
            {"ingest:\n", "ingest:\n  startGps: 1400000000\n", "ingest.startGps: unknown key (known: "},
        };
        for (String[] c : cases) {
            String m = problem(c[0], c[1]);
            assertTrue(m.contains(c[2]), c[1] + " -> " + m);
        }
    }

    @Test
    void withoutACpusSectionNoThreadIsPlaced() throws IOException {
        DaemonConfig c = DaemonConfig.load(DEMO);
        assertEquals(DaemonConfig.Cpus.NONE, c.cpus());
        assertFalse(c.cpus().placement().configured());
    }

    @Test
    void cpusArePlacedByThreadNameAndBadListsAreRefusedByKey() throws IOException {
        DaemonConfig c = DaemonConfig.load(variant("publish:\n",
                "cpus:\n  others: \"1\"\n  ingest: 1\n  bbhnet: 0-1\n  deepclean: {H1: \"0\", L1: \"1,3\"}\npublish:\n"));
        DaemonConfig.Cpus cpus = c.cpus();
        assertEquals(org.strainline.shm.CpuSet.parse("1"), cpus.others());
        assertEquals(org.strainline.shm.CpuSet.parse("1"), cpus.ingest(), "a bare number is a CPU list of one");
        assertEquals("0-1", cpus.bbhnet().toString());
        assertEquals("1,3", cpus.deepclean().get("L1").toString());
        org.strainline.shm.ThreadPlacement p = cpus.placement();
        assertEquals("0", p.cpusFor("strainline-H1-consumer-1").toString());
        assertEquals("1,3", p.cpusFor("strainline-L1-consumer-2").toString(), "a consumer thread started later too");
        assertEquals("1", p.cpusFor("strainline-ingest").toString());
        assertEquals("1", p.cpusFor("strainline-H1-ingest").toString(), "one list for every IFO's ingest thread");
        assertEquals("1", p.cpusFor("strainline-L1-ingest").toString());
        assertEquals("0-1", p.cpusFor("strainline-bbhnet-1").toString());
        assertEquals(null, p.cpusFor("strainline-metrics-http"), "others are pinned with the process, not by name");

        String m = problem("publish:\n", "cpus:\n  deepclean: {V1: \"0\"}\npublish:\n");
        assertTrue(m.contains("cpus.deepclean.V1: unknown key (known: [H1, L1])"), m);
        m = problem("publish:\n", "cpus:\n  ingest: \"1-0\"\npublish:\n");
        assertTrue(m.contains("cpus.ingest: not a CPU list: \"1-0\" (range 1-0 runs backwards)"), m);
        m = problem("publish:\n", "cpus:\n  others: \"first\"\npublish:\n");
        assertTrue(m.contains("cpus.others: not a CPU list: \"first\""), m);
        m = problem("publish:\n", "cpus:\n  gpu: \"0\"\npublish:\n");
        assertTrue(m.contains("cpus.gpu: unknown key"), m);
    }

    @Test
    void backgroundThreadsGoFiveNiceLevelsDownUnlessTheConfigurationSaysOtherwise() throws IOException {
        assertEquals(5, DaemonConfig.load(variant("publish:\n", "publish:\n")).cpus().backgroundNice(), "no cpus section: 5");
        assertEquals(5, DaemonConfig.load(variant("publish:\n", "cpus:\n  others: \"1\"\npublish:\n")).cpus().backgroundNice());
        assertEquals(0, DaemonConfig.load(variant("publish:\n", "cpus:\n  backgroundNice: 0\npublish:\n")).cpus().backgroundNice(),
                "0: off");
        assertEquals(12, DaemonConfig.load(variant("publish:\n", "cpus:\n  backgroundNice: 12\npublish:\n")).cpus().backgroundNice());
        String m = problem("publish:\n", "cpus:\n  backgroundNice: 20\npublish:\n");
        assertTrue(m.contains("cpus.backgroundNice: must be between 0 and 19, got 20"), m);
        m = problem("publish:\n", "cpus:\n  backgroundNice: 2.5\npublish:\n");
        assertTrue(m.contains("cpus.backgroundNice: must be a whole number of nice levels"), m);
    }

    @Test
    void anUnknownKeyIsRefusedByName() throws IOException {
        String m = problem("deepclean:\n", "deepclean:\n  joins: 0.25\n");
        assertTrue(m.contains("joins"), m);
    }

    @Test
    void zeroThreadsAreRefused() throws IOException {
        String m = problem("  threads: 1\n", "  threads: 0\n");
        assertTrue(m.contains("deepclean.threads") && m.contains("must be >= 1, got 0"), m);
    }

    @Test
    void withoutABbhnetSectionTheDaemonRunsDeepCleanOnly() throws IOException {
        String text = Files.readString(DEMO);
        Path f = tmp.resolve("daemon.yaml");
        Files.writeString(f, text.substring(0, text.indexOf("bbhnet:\n")));
        assertEquals(null, DaemonConfig.load(f).bbhnet());
    }

    @Test
    void aMissingFileIsSaidSo() {
        IOException e = assertThrows(IOException.class, () -> DaemonConfig.load(tmp.resolve("none.yaml")));
        assertTrue(e.getMessage().endsWith("none.yaml: no such file"), e.getMessage());
    }
}
