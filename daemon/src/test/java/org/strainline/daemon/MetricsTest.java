package org.strainline.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void latenciesAreExposedAsSummariesInSeconds() {
        Metrics m = new Metrics();
        Metrics.Latency h1 = m.latency("strain_published", "ifo=\"H1\"", "file -> strain");
        for (int i = 1; i <= 100; i++) {
            h1.record(i * 1_000_000L);   // 1 .. 100 ms
        }
        String text = m.exposition();
        assertTrue(text.contains("# TYPE strainline_strain_published_seconds summary\n"), text);
        assertTrue(text.contains("strainline_strain_published_seconds_count{ifo=\"H1\"} 100\n"), text);
        double p50 = value(text, "strainline_strain_published_seconds{ifo=\"H1\",quantile=\"0.5\"} ");
        double max = value(text, "strainline_strain_published_seconds{ifo=\"H1\",quantile=\"1.0\"} ");
        assertEquals(0.050, p50, 0.0005);
        assertEquals(0.100, max, 0.0005);
        assertEquals(5.05, value(text, "strainline_strain_published_seconds_sum{ifo=\"H1\"} "), 0.01);
    }

    private static double value(String text, String prefix) {
        int i = text.indexOf(prefix);
        assertTrue(i >= 0, prefix + " in " + text);
        int e = text.indexOf('\n', i);
        return Double.parseDouble(text.substring(i + prefix.length(), e));
    }

    @Test
    void anEmptySeriesHasNoQuantiles() {
        Metrics m = new Metrics();
        m.latency("alert_published", "", "file -> alert");
        String text = m.exposition();
        assertTrue(text.contains("strainline_alert_published_seconds{quantile=\"0.99\"} NaN\n"), text);
        assertTrue(text.contains("strainline_alert_published_seconds_count 0\n"), text);
    }

    @Test
    void countersAreReadWhenExposed() {
        Metrics m = new Metrics();
        AtomicLong n = new AtomicLong(3);
        m.family("alerts_total", "counter", "alerts", out -> out.accept(new Object[] {"", n.get()}));
        assertTrue(m.exposition().contains("# TYPE strainline_alerts_total counter\nstrainline_alerts_total 3\n"));
        n.set(4);
        assertTrue(m.exposition().contains("strainline_alerts_total 4\n"));
    }

    @Test
    void theLogLineCoversTheIntervalSinceTheLastOne() {
        Metrics m = new Metrics();
        Metrics.Latency l = m.latency("bbhnet_stage", "", "ring -> searched");
        assertEquals("no seconds processed", m.logLine());
        l.record(2_000_000);
        l.record(4_000_000);
        String line = m.logLine();
        assertTrue(line.startsWith("bbhnet_stage p50 2.0 ms, p99 4.0 ms, max 4.0 ms (2)"), line);
        assertEquals("no seconds processed", m.logLine(), "reset after each line");
        assertTrue(m.exposition().contains("strainline_bbhnet_stage_seconds_count 2\n"), "the exposition keeps the total");
    }

    @Test
    void recordingAllocatesNothing() {
        Metrics m = new Metrics();
        Metrics.Latency l = m.latency("deepclean_stage", "ifo=\"H1\"", "ring -> strain");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200_000; i++) {
            l.record(i * 1000L);   // warm up
        }
        long[] got = new long[5];
        for (int r = 0; r < got.length; r++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                l.record((i % 5000) * 10_000L);
            }
            got[r] = mx.getCurrentThreadAllocatedBytes() - before;
        }
        // one object a record would be >= 8,000,000 B over the 500,000; what the compiler's transitions (a
        // deoptimisation rematerialising an eliminated object) leave is a few hundred bytes, now and then
        long total = java.util.Arrays.stream(got).sum();
        assertTrue(total < 4096, "bytes allocated by 500,000 records: " + java.util.Arrays.toString(got));
    }

    @Test
    void theExpositionIsServedOverHttp() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (Metrics m = new Metrics()) {
            m.latency("strain_published", "ifo=\"L1\"", "file -> strain").record(7_000_000);
            assertEquals(port, m.start("127.0.0.1", port, 0));
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
            assertTrue(r.body().contains("strainline_strain_published_seconds_count{ifo=\"L1\"} 1\n"), r.body());
        }
    }

    /** A scrape reads the histograms in place: with eight series it allocates less than one histogram's copy would. */
    @Test
    void aScrapeAllocatesLessThanOneCopyOfAHistogram() {
        Metrics m = new Metrics();
        for (int j = 0; j < 8; j++) {
            Metrics.Latency l = m.latency("stage" + j, "ifo=\"H1\"", "a stage");
            for (int i = 1; i <= 1000; i++) {
                l.record(i * 997_000L);
            }
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 20; i++) {
            m.exposition();   // warm: the recorders' interval histograms exist after the first
        }
        int scrapes = 20;
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < scrapes; i++) {
            m.exposition();
        }
        long perScrape = (mx.getThreadAllocatedBytes(tid) - before) / scrapes;
        long histogram = new org.HdrHistogram.Histogram(3_600_000_000_000L, 3).getEstimatedFootprintInBytes();
        assertTrue(perScrape < histogram, "a scrape allocated " + perScrape + " B; one histogram is " + histogram + " B");
    }
}
