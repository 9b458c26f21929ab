package org.strainline.daemon;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The daemon's latencies and counters: per-stage latency recorders (HdrHistogram {@link Recorder}s,
 * which record without allocating, from any thread), counter families read at exposition time,
 * the Prometheus text format at {@code http://ADDRESS:PORT/metrics}, and one summary line per
 * interval in the log.
 */
public final class Metrics implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Metrics.class.getName());
    private static final long MAX_NS = TimeUnit.HOURS.toNanos(1);

    /** One latency: recorded on the hot path, read by exposition and the log line. */
    public static final class Latency {
        private final String name;
        private final String labels;
        private final String help;
        private final Recorder recorder = new Recorder(MAX_NS, 3);
        private Histogram interval;
        private final Histogram total = new Histogram(MAX_NS, 3);
        private final Histogram sinceLog = new Histogram(MAX_NS, 3);

        Latency(String name, String labels, String help) {
            this.name = name;
            this.labels = labels;
            this.help = help;
        }

        /** Records one latency in nanoseconds (clamped to 0 .. 1 h); allocation free. */
        public void record(long ns) {
            recorder.recordValue(ns < 0 ? 0 : Math.min(ns, MAX_NS));
        }

        private synchronized void pull() {
            interval = recorder.getIntervalHistogram(interval);
            total.add(interval);
            sinceLog.add(interval);
        }

        /** Everything recorded so far. */
        public synchronized Histogram total() {
            pull();
            return total.copy();
        }

        synchronized String logAndReset() {
            pull();
            String s = sinceLog.getTotalCount() == 0 ? null : String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d)",
                    sinceLog.getValueAtPercentile(50) / 1e6, sinceLog.getValueAtPercentile(99) / 1e6, sinceLog.getMaxValue() / 1e6,
                    sinceLog.getTotalCount());
            sinceLog.reset();
            return s;
        }
    }

    /** A time counter (nanoseconds in, seconds out), added to from its owner's thread without allocating. */
    public static final class TimeCounter {
        private final String labels;
        private final java.util.concurrent.atomic.AtomicLong ns = new java.util.concurrent.atomic.AtomicLong();

        TimeCounter(String labels) {
            this.labels = labels;
        }

        public void addNanos(long v) {
            ns.addAndGet(v);
        }

        public long nanos() {
            return ns.get();
        }
    }

    /** A family of counters or gauges, written at exposition time. */
    @FunctionalInterface
    public interface Family {
        /** Appends {@code labels value} pairs: {@code sample.accept(new Object[] {"ifo=\"H1\"", 5})}. */
        void samples(Consumer<Object[]> sample);
    }

    private record Fam(String name, String type, String help, Family f) {
    }

    private final Map<String, List<Latency>> latencies = new LinkedHashMap<>();
    private final List<Fam> families = new ArrayList<>();
    private final Map<String, List<TimeCounter>> timeCounters = new LinkedHashMap<>();
    private final Map<String, String> timeCounterHelp = new LinkedHashMap<>();
    private HttpServer server;
    private java.util.concurrent.ExecutorService serverThreads;
    private ScheduledExecutorService logger;

    /** A latency series {@code strainline_<name>_seconds{labels}} (a Prometheus summary). */
    public synchronized Latency latency(String name, String labels, String help) {
        Latency l = new Latency(name, labels, help);
        latencies.computeIfAbsent(name, k -> new ArrayList<>()).add(l);
        return l;
    }

    /** A time counter series {@code strainline_<name>_seconds_total{labels}}. */
    public synchronized TimeCounter timeCounter(String name, String labels, String help) {
        TimeCounter c = new TimeCounter(labels);
        timeCounters.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
        timeCounterHelp.putIfAbsent(name, help);
        return c;
    }

    /** One latency series as recorded so far: its name, labels and histogram (nanoseconds). */
    public record Series(String name, String labels, Histogram histogram) {
    }

    /** Every latency series, in registration order, with what it has recorded so far. */
    public synchronized List<Series> latencies() {
        List<Series> out = new ArrayList<>();
        for (List<Latency> ls : latencies.values()) {
            for (Latency l : ls) {
                out.add(new Series(l.name, l.labels, l.total()));
            }
        }
        return out;
    }

    /** A counter ({@code type} "counter") or gauge family {@code strainline_<name>}. */
    public synchronized void family(String name, String type, String help, Family f) {
        families.add(new Fam(name, type, help, f));
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public synchronized String exposition() {
        StringBuilder b = new StringBuilder(4096);
        for (Map.Entry<String, List<Latency>> e : latencies.entrySet()) {
            String n = "strainline_" + e.getKey() + "_seconds";
            b.append("# HELP ").append(n).append(' ').append(e.getValue().get(0).help).append('\n');
            b.append("# TYPE ").append(n).append(" summary\n");
            for (Latency l : e.getValue()) {
                synchronized (l) {
                    l.pull();
                    write(b, n, l, l.total);   // read in place: a copy of each histogram (~350 kB) per scrape adds up
                }
            }
        }
        for (Map.Entry<String, List<TimeCounter>> e : timeCounters.entrySet()) {
            String n = "strainline_" + e.getKey() + "_seconds_total";
            b.append("# HELP ").append(n).append(' ').append(timeCounterHelp.get(e.getKey())).append('\n');
            b.append("# TYPE ").append(n).append(" counter\n");
            for (TimeCounter c : e.getValue()) {
                b.append(n).append(c.labels.isEmpty() ? "" : "{" + c.labels + "}").append(' ').append(seconds(c.nanos())).append('\n');
            }
        }
        for (Fam f : families) {
            String n = "strainline_" + f.name;
            b.append("# HELP ").append(n).append(' ').append(f.help).append('\n');
            b.append("# TYPE ").append(n).append(' ').append(f.type).append('\n');
            f.f.samples(s -> b.append(n).append(((String) s[0]).isEmpty() ? "" : "{" + s[0] + "}").append(' ').append(s[1])
                    .append('\n'));
        }
        return b.toString();
    }

    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};

    private static void write(StringBuilder b, String n, Latency l, Histogram h) {
        String sep = l.labels.isEmpty() ? "" : ",";
        for (double q : QUANTILES) {
            long v = q == 1.0 ? h.getMaxValue() : h.getValueAtPercentile(q * 100);
            b.append(n).append('{').append(l.labels).append(sep).append("quantile=\"").append(q).append("\"} ")
                    .append(h.getTotalCount() == 0 ? "NaN" : seconds(v)).append('\n');
        }
        String braces = l.labels.isEmpty() ? "" : "{" + l.labels + "}";
        b.append(n).append("_sum").append(braces).append(' ').append(seconds((long) (h.getMean() * h.getTotalCount()))).append('\n');
        b.append(n).append("_count").append(braces).append(' ').append(h.getTotalCount()).append('\n');
    }

    private static String seconds(long ns) {
        return String.format(Locale.ROOT, "%.9f", ns / 1e9);
    }

    /** The latencies since the previous line, one clause per series. */
    public synchronized String logLine() {
        StringBuilder b = new StringBuilder();
        for (List<Latency> ls : latencies.values()) {
            for (Latency l : ls) {
                String s = l.logAndReset();
                if (s != null) {
                    b.append(b.length() == 0 ? "" : "; ").append(l.name).append(l.labels.isEmpty() ? "" : "{" + l.labels + "}")
                            .append(' ').append(s);
                }
            }
        }
        return b.length() == 0 ? "no seconds processed" : b.toString();
    }

    /**
     * Serves {@code /metrics} on {@code address:port} (port 0: not served) and logs {@link
     * #logLine()} every {@code logIntervalS} (0: never). Returns the port bound.
     */
    public synchronized int start(String address, int port, double logIntervalS) throws IOException {
        int bound = 0;
        if (port > 0) {
            server = HttpServer.create(new InetSocketAddress(address, port), 4);
            server.createContext("/metrics", ex -> {
                byte[] body = exposition().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            });
            serverThreads = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "strainline-metrics-http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(serverThreads);
            server.start();
            bound = server.getAddress().getPort();
            LOG.log(System.Logger.Level.INFO, "metrics: Prometheus text at http://" + address + ":" + bound + "/metrics");
        }
        if (logIntervalS > 0) {
            logger = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "strainline-metrics-log");
                t.setDaemon(true);
                return t;
            });
            long ms = Math.round(logIntervalS * 1000);
            logger.scheduleAtFixedRate(() -> LOG.log(System.Logger.Level.INFO, "metrics: " + logLine()), ms, ms,
                    TimeUnit.MILLISECONDS);
        }
        return bound;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            serverThreads.shutdownNow();
            server = null;
        }
        if (logger != null) {
            logger.shutdownNow();
            logger = null;
        }
    }
}
