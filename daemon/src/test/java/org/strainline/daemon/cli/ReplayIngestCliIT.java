package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.strainline.gwf.Channel;
import org.strainline.gwf.Compression;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfWriter;
import org.strainline.gwf.Vect;

/** {@code strainline replay} feeding {@code strainline ingest}, both as real processes, through a real tmpfs tree. */
class ReplayIngestCliIT {
    private static final long G = 1_400_000_000L;

    private static ProcessBuilder cli(String... args) {
        return Cli.command(args);
    }

    private static String output(Process p) throws Exception {
        return Cli.finish(p).out();
    }

    private static Path tmpfs(String name) throws Exception {
        Path shm = Paths.get("/dev/shm");
        return Files.createTempDirectory(Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                : Paths.get(System.getProperty("java.io.tmpdir")), name);
    }

    private static void delete(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void replayedSecondsAreIngestedOneByOne() throws Exception {
        Path src = tmpfs("strainline-cli-src");
        Path root = tmpfs("strainline-cli-root");
        try {
            Path k = Files.createDirectories(src.resolve("kafka/H1"));
            for (long g = G; g < G + 5; g++) {
                if (g == G + 3) {
                    continue;    // a missing second
                }
                double[] h = new double[16384];
                for (int i = 0; i < h.length; i++) {
                    h[i] = Math.sin(i * 1e-3) * 1e-21;
                }
                int[] sv = new int[16];
                java.util.Arrays.fill(sv, 3);
                Frame f = new Frame("H1", 0, g, g, 0, 1.0)
                        .addChannel(Channel.proc("H1:GDS-CALIB_STRAIN", Vect.of("H1:GDS-CALIB_STRAIN", h, 16384, 0, "strain")))
                        .addChannel(Channel.adc("H1:GDS-CALIB_STATE_VECTOR", Vect.of("H1:GDS-CALIB_STATE_VECTOR", sv, 16, 0, "")));
                GwfWriter.toPath(k.resolve("H-H1_llhoft-" + g + "-1.gwf"), ByteOrder.LITTLE_ENDIAN, Compression.GZIP, f);
            }
            Files.createDirectories(root.resolve("kafka/H1"));
            Process ingest = cli("ingest", "--stream", "H1/llhoft=" + root.resolve("kafka/H1") + ",H-H1_llhoft,"
                    + "H1:GDS-CALIB_STRAIN@16384,H1:GDS-CALIB_STATE_VECTOR@16", "--start", Long.toString(G),
                    "--lateness-ms", "200", "--seconds", "5", "--timeout", "60").start();
            Process replay = cli("replay", "--from", src.toString(), "--to", root.toString(), "--speed", "10").start();
            String r = output(replay);
            assertEquals(0, replay.exitValue(), r);
            assertTrue(r.contains("replay: 5/5 s replayed (GPS 1400000000..1400000004), 4 files written (4 copied"), r);
            String out = output(ingest);
            assertEquals(0, ingest.exitValue(), out);
            assertTrue(out.contains("H1 1400000000 NEXT ok detect->ring "), out);
            assertTrue(out.contains("H1 1400000002 NEXT ok "), out);
            assertTrue(out.contains("H1 1400000003 GAP INVALID|NOT_READY|GAP "), out);
            assertTrue(out.contains("H1 1400000004 NEXT ok "), out);
            assertTrue(out.contains("ingest: H1 files_seen=4 files_decoded=4 "), out);
            assertTrue(out.contains(" seconds_published=5 "), out);
        } finally {
            delete(src);
            delete(root);
        }
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        Process p = cli("replay", "--from", "/nonexistent", "--to", "/tmp", "--speed", "fast").start();
        String out = output(p);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("speed 'fast' is not a positive number or 'max'"), out);
        p = cli("ingest", "--stream", "H1/x=/nonexistent,H-H1_llhoft,H1:X@16").start();
        out = output(p);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("ingest.ifos.H1.streams.x: directory /nonexistent does not exist"), out);
        p = cli("ingest", "--stream", "H1/x=/tmp,H-H1_llhoft,H1:X").start();
        out = output(p);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("expected NAME@RATE_HZ"), out);
    }
}
