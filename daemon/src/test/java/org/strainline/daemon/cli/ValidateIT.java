package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.Json;

/**
 * {@code strainline validate} over simulated frame directories, twice: each run passes its checks
 * and writes every section of the report with its figures, and the two runs give byte-identical
 * queues and the same report.json.
 */
class ValidateIT {
    private static final long G = 1_400_000_000L;

    private static String run(String... args) throws Exception {
        Process p = Cli.command(args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Every excerpt of a Chronicle queue, as bytes. */
    private static List<byte[]> excerpts(Path dir) {
        List<byte[]> l = new ArrayList<>();
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(net.openhft.chronicle.queue.RollCycles.FAST_HOURLY).readOnly(true).build()) {
            ExcerptTailer t = q.createTailer();
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    l.add(dc.wire().bytes().toByteArray());
                }
            }
        }
        return l;
    }

    @Test
    @SuppressWarnings("unchecked")
    void twoRunsOverTheSameDataGiveTheSameQueuesAndReportAndTheReportHasEverySection() throws Exception {
        Path tmp = Files.createTempDirectory("strainline-validate-it");
        try {
            Path data = tmp.resolve("data");
            run("simulate", "--out", data.toString(), "--start", Long.toString(G), "--duration", "120", "--seed", "3",
                    "--injections", "0.05", "--compression", "raw");
            Path inj = data.resolve("injections.json");
            String out1 = run("validate", "--data", data.toString(), "--injections", inj.toString(), "--report", tmp.resolve("r1").toString());
            System.out.println(out1);
            run("validate", "--data", data.toString(), "--injections", inj.toString(), "--report", tmp.resolve("r2").toString());

            assertEquals(Files.readString(tmp.resolve("r1/report.json")), Files.readString(tmp.resolve("r2/report.json")),
                    "the same report numbers");
            for (String q : new String[] {"queues/strain", "queues/alerts"}) {
                List<byte[]> a = excerpts(tmp.resolve("r1").resolve(q));
                List<byte[]> b = excerpts(tmp.resolve("r2").resolve(q));
                assertEquals(a.size(), b.size(), q + ": as many excerpts");
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(a.get(i), b.get(i), q + ": excerpt " + i + " byte for byte");
                }
                assertTrue(q.endsWith("alerts") || a.size() == 240, q + ": " + a.size() + " excerpts");
            }
            assertTrue(!excerpts(tmp.resolve("r1/queues/alerts")).isEmpty(), "some injection alerted");

            String md = Files.readString(tmp.resolve("r1/report.md"));
            assertTrue(!Files.readString(tmp.resolve("r1/daemon.log")).contains("no longer ordering"), "the strain queue kept its order");
            for (String h : new String[] {"# Strainline validation report", "## Seconds", "## Cleaning", "## Cleaning over time", "## Alerts",
                "## Injection recovery", "## Matched-filter SNR, raw against cleaned", "## Throughput", "## Checks"}) {
                assertTrue(md.contains(h + "\n"), "report.md has " + h);
            }
            for (String f : new String[] {"asd-H1.png", "asd-L1-60hz.png", "asd-ratio.png", "reduction-over-time.png", "efficiency.png",
                "statistic.png"}) {
                assertTrue(Files.size(tmp.resolve("r1/figures/" + f)) > 10_000, f);
                assertTrue(md.contains("(figures/" + f + ")"), "report.md shows " + f);
            }
            Map<String, Object> r = (Map<String, Object>) Json.read(Files.readString(tmp.resolve("r1/report.json")));
            Map<String, Object> snr = (Map<String, Object>) r.get("matched_snr");
            double signal = (Double) snr.get("largest_abs_signal_change");
            assertTrue(signal >= 0 && signal < 0.01, "the injected signals survive cleaning: " + signal);
            assertTrue(((List<Object>) snr.get("rows")).size() >= 4, "matched-filter SNRs measured per injection and IFO");
            Map<String, Object> rec = (Map<String, Object>) r.get("recovery");
            assertTrue(!((List<Object>) rec.get("by_network_snr")).isEmpty(), "efficiency per SNR bin");
            assertTrue(r.containsKey("false_alarms") && r.containsKey("cleaning_over_time"), r.keySet().toString());
            Map<String, Object> tp = (Map<String, Object>) Json.read(Files.readString(tmp.resolve("r1/throughput.json")));
            assertTrue((Double) tp.get("seconds_per_second") > 0.5, "throughput " + tp);
            assertTrue(out1.contains("all ") && out1.contains(" checks passed"), out1);
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
