package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The real CLI, as a process, through bin/strainline and the shaded jar. */
class CliIT {
    private static final Path SAMPLE = Cli.HOME.resolve("config/samples/H-H1_llhoft-1400000000-1.gwf");

    private static Cli.Result run(String... args) throws Exception {
        return Cli.run(args);
    }

    @Test
    void helpAndUsageErrors() throws Exception {
        Cli.Result help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("frame"), help.out());
        assertEquals(2, run("frame", "dump").code(), "missing FILE is a usage error");
        assertEquals(2, run("no-such-command").code());
    }

    @Test
    void dumpsTheBundledSampleAsJson() throws Exception {
        Cli.Result r = run("frame", "dump", "--json", "--values", SAMPLE.toString());
        assertEquals(0, r.code(), r.out());
        String json = r.out().trim();
        assertTrue(json.startsWith("{\"file\": "), json);
        assertTrue(json.contains("\"version\": 8, \"minor\": 1, \"byteOrder\": \"little-endian\", \"library\": \"unknown\""), json);
        assertTrue(json.contains("\"checksums\": {\"file\": \"OK\", \"badStructures\": 0}"), json);
        assertTrue(json.contains("\"gpsS\": 1400000000, \"gpsNs\": 0, \"durationS\": 1"), json);
        assertTrue(json.contains("{\"kind\": \"proc\", \"name\": \"H1:GDS-CALIB_STRAIN\", \"type\": \"REAL_8\", \"compress\": 257, "
                + "\"nData\": 16384, \"sampleRate\": 16384, \"first5\": ["), json);
        assertTrue(json.contains("\"name\": \"H1:GDS-CALIB_STATE_VECTOR\", \"type\": \"INT_4U\", \"compress\": 257, \"nData\": 16, "
                + "\"sampleRate\": 16, \"first5\": [3, 3, 3, 3, 3], \"last\": 3, \"sum\": 48, \"sumsq\": 144}"), json);
    }

    @Test
    void unreadableFileGivesAnErrorObjectAndExitCode1() throws Exception {
        Path bad = Files.createTempFile("not-a-frame", ".gwf");
        Files.writeString(bad, "IGWD\0\4 this is a version 4 header and nothing else");
        Cli.Result r = run("frame", "dump", "--json", bad.toString());
        assertEquals(1, r.code());
        assertEquals("{\"file\": \"" + bad + "\", \"error\": \"" + bad + " at offset 5: unsupported frame format version 4\"}",
                r.out().trim());
        Files.delete(bad);
    }

    @Test
    void configCheckPassesTheExamplesAndFailsABadFileNamingTheKeyAndTheReason() throws Exception {
        Path demo = Cli.HOME.resolve("config/demo.yaml");
        Cli.Result ok = Cli.run("config", "check", demo.toString());
        assertEquals(0, ok.code(), ok.out());
        assertTrue(ok.out().contains(demo + ": valid; H1 (2 streams, 23 channels, model deepclean-h1)"), ok.out());
        Path dir = Files.createTempDirectory("strainline-config");
        Path bad = dir.resolve("daemon.yaml");
        Files.writeString(bad, Files.readString(demo).replace("deepclean:\n", "deepclean:\n  gateSpanS: 0.4\n"));
        Cli.Result r = Cli.run("config", "check", bad.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains(bad + ": deepclean.gateSpanS: must be between 2 and 64, got 0.4"), r.out());
        Files.delete(bad);
        Files.delete(dir);
    }

    @Test
    void checkPassesGoodFilesAndFailsTheDamagedOne() throws Exception {
        assertEquals(0, run("frame", "check", SAMPLE.toString()).code());
        Path corpus = Paths.get(System.getProperty("gwf.corpus", "../../shared/gwf-corpus"));
        Assumptions.assumeTrue(Files.isDirectory(corpus), "GWF corpus not found at " + corpus + ": corpus checks skipped");
        Cli.Result ok = run("frame", "check", corpus.resolve("gwpy/HLV-HW100916-968654552-1.gwf").toString(),
                corpus.resolve("lalsuite/F-TEST-600000000-60.gwf").toString());
        assertEquals(0, ok.code(), ok.out());
        assertTrue(ok.out().contains("2 passed, 0 failed"), ok.out());
        Cli.Result bad = run("frame", "check", corpus.resolve("lalsuite/H-CAL_FAC-600000000-6000.gwf").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.out().contains("checksum mismatch in file"), bad.out());
        Cli.Result dump = run("frame", "dump", "--json", corpus.resolve("lalsuite/H-CAL_FAC-600000000-6000.gwf").toString());
        assertEquals(0, dump.code(), "a bad checksum is reported, the file still dumps");
        assertTrue(dump.out().contains("\"checksums\": {\"file\": \"BAD\""), dump.out());
    }
}
