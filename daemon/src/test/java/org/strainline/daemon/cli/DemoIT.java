package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.Json;

/**
 * {@code strainline demo} in its short mode, as a newcomer runs it: two minutes of simulated H1 + L1
 * data with two injections, replayed at 3 x real time into a real tmpfs root, the daemon on
 * config/demo.yaml over it; every check it reports passes, its figures are real PNGs, and its
 * summary says what it printed.
 */
class DemoIT {
    @Test
    @SuppressWarnings("unchecked")
    void theShortDemoPassesEveryCheckAndWritesItsFigures() throws Exception {
        Path out = Files.createTempDirectory("strainline-demo-it");
        Path dev = Paths.get("/dev/shm");
        Path shm = (Files.isDirectory(dev) ? dev : out).resolve("strainline-demo-it-" + ProcessHandle.current().pid());
        try {
            Process p = Cli.command("demo", "--duration", "120", "--out", out.toString(), "--shm", shm.toString()).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the demo finished");
            System.out.println(text);
            assertEquals(0, p.exitValue(), "exit 0: every check passed\n" + text);
            assertTrue(text.contains("all 10 checks passed"), text);
            assertFalse(text.contains("FAIL"), text);
            assertTrue(text.contains("replayed "), "progress lines while it runs");
            assertFalse(Files.exists(shm), "the shared-memory root is removed at the end");

            Map<String, Object> s = (Map<String, Object>) Json.read(Files.readString(out.resolve("summary.json")));
            Map<String, Object> seconds = (Map<String, Object>) s.get("seconds");
            for (String ifo : List.of("H1", "L1")) {
                Map<String, Object> m = (Map<String, Object>) seconds.get(ifo);
                assertEquals(120.0, m.get("published"), ifo + " seconds published");
                assertEquals(0.0, m.get("twice"), ifo + " seconds published twice");
                Map<String, Object> c = (Map<String, Object>) ((Map<String, Object>) s.get("cleaning")).get(ifo);
                assertTrue((Double) c.get("reduction_60hz") >= 10, ifo + " 60 Hz reduction " + c.get("reduction_60hz"));
                assertEquals(1.0, (Double) c.get("ratio_20_1000hz_outside_50_70hz"), 0.02, ifo + " away from the line");
            }
            Map<String, Object> alerts = (Map<String, Object>) s.get("alerts");
            List<Object> inj = (List<Object>) alerts.get("injections");
            assertEquals(2, inj.size(), "two injections in two minutes");
            assertEquals(2.0, alerts.get("found"), "both found");
            assertEquals(0.0, alerts.get("false"), "no false alarm");
            for (Object o : inj) {
                Map<String, Object> m = (Map<String, Object>) o;
                assertTrue(Math.abs((Double) m.get("dt_s")) < 0.5, "alert near the merger: " + m);
            }
            assertTrue(((Map<String, Object>) s.get("latency")).containsKey("strain_published ifo=H1"), "latencies per stage");

            for (String f : List.of("asd-H1-60hz", "asd-H1", "asd-L1-60hz", "asd-L1", "asd-ratio", "statistic", "latency-stages",
                    "latency-engines")) {
                Path png = out.resolve("figures/" + f + ".png");
                assertTrue(Files.size(png) > 10_000, png + " has content");
                BufferedImage img = ImageIO.read(png.toFile());
                assertEquals(1000, img.getWidth(), png + " is a PNG image");
                assertTrue(text.contains(f + ".png"), "the summary names " + f);
            }
        } finally {
            for (Path d : new Path[] {shm, out}) {
                if (Files.exists(d)) {
                    try (Stream<Path> st = Files.walk(d)) {
                        st.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
                    }
                }
            }
        }
    }
}
