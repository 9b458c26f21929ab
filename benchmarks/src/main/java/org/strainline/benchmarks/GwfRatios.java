package org.strainline.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JMH result file ({@code -rf json}) of {@link GwfDecodeBenchmark} and
 * {@link GwfDecodeParts} and prints, as Markdown tables, each benchmark's time, payload bandwidth
 * and allocation, then the ratios the targets are stated in and whether each is met.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.strainline.benchmarks.GwfRatios results.json</pre>
 *
 * Exits 0 whatever the verdicts (noisy machines); {@code --strict} makes a missed target exit 1.
 */
public final class GwfRatios {
    /**
     * Allocation per operation left once the harness's background is taken off, below which no
     * object is allocated per operation: the smallest object is 16 B, so 8 B leaves room for the
     * noise of the background estimate.
     */
    static final double ZERO_ALLOC_BYTES = 8.0;

    private static final String ALLOC = "gc.alloc.rate.norm";

    private GwfRatios() {
    }

    /** One benchmark's figures. */
    static final class Result {
        final String name;
        final double ns;
        final double nsError;
        final double allocBytes;

        Result(String name, double ns, double nsError, double allocBytes) {
            this.name = name;
            this.ns = ns;
            this.nsError = nsError;
            this.allocBytes = allocBytes;
        }

        /** Relative half-width of the 99.9% interval (0 when JMH gave none). */
        double relError() {
            return Double.isNaN(nsError) || ns == 0 ? 0 : nsError / ns;
        }
    }

    /** Payload bytes one operation of a benchmark processes, or 0 when a bandwidth means nothing. */
    static long payloadBytes(String method) {
        switch (method) {
            case "decodeRaw":
            case "decodeGzip":
            case "decodeRawVerified":
            case "decodeGzipVerified":
            case "decodeRawNewBufferEachOp":
            case "baselineMemcpy":
            case "baselineArraycopy":
            case "baselineInflate":
            case "copyGetDoubleLoop":
                return GwfFixtures.LLHOFT_PAYLOAD_BYTES;
            case "decodeDetchar":
            case "baselineInflateDetchar":
                return GwfFixtures.DETCHAR_PAYLOAD_BYTES;
            case "readRawStrain":
            case "readGzipStrain":
                return GwfFixtures.STRAIN_RATE * 8L;
            default:
                return 0;
        }
    }

    public static void main(String[] args) throws IOException {
        boolean strict = false;
        String file = null;
        for (String a : args) {
            if (a.equals("--strict")) {
                strict = true;
            } else {
                file = a;
            }
        }
        if (file == null) {
            System.err.println("usage: GwfRatios [--strict] jmh-result.json");
            System.exit(2);
        }
        Map<String, Result> results = read(Paths.get(file));
        StringBuilder out = new StringBuilder();
        int missed = report(results, out);
        System.out.print(out);
        if (strict && missed > 0) {
            System.exit(1);
        }
    }

    /** Results by benchmark method name. */
    static Map<String, Result> read(Path file) throws IOException {
        Object json = new Json(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).value();
        Map<String, Result> m = new LinkedHashMap<>();
        for (Object o : (List<?>) json) {
            Map<?, ?> b = (Map<?, ?>) o;
            String full = (String) b.get("benchmark");
            String method = full.substring(full.lastIndexOf('.') + 1);
            Map<?, ?> primary = (Map<?, ?>) b.get("primaryMetric");
            String unit = (String) primary.get("scoreUnit");
            double scale = unit.startsWith("us/") ? 1e3 : unit.startsWith("ms/") ? 1e6 : unit.startsWith("s/") ? 1e9 : 1;
            double alloc = Double.NaN;
            Object secondary = b.get("secondaryMetrics");
            if (secondary instanceof Map && ((Map<?, ?>) secondary).get(ALLOC) instanceof Map) {
                alloc = number(((Map<?, ?>) ((Map<?, ?>) secondary).get(ALLOC)).get("score"));
            }
            m.put(method, new Result(method, number(primary.get("score")) * scale,
                    number(primary.get("scoreError")) * scale, alloc));
        }
        return m;
    }

    private static double number(Object o) {
        if (o instanceof Number) {
            return ((Number) o).doubleValue();
        }
        return o == null ? Double.NaN : Double.parseDouble(o.toString());
    }

    /** Writes the tables; returns the number of targets missed. */
    static int report(Map<String, Result> r, StringBuilder out) {
        out.append("| benchmark | ns/op (± 99.9% CI) | payload B/op | GB/s | alloc B/op |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        for (Result x : r.values()) {
            long bytes = payloadBytes(x.name);
            out.append(String.format(Locale.ROOT, "| %s | %,.0f ± %,.0f | %s | %s | %s |%n", x.name, x.ns,
                    Double.isNaN(x.nsError) ? 0 : x.nsError, bytes == 0 ? "-" : String.format(Locale.ROOT, "%,d", bytes),
                    bytes == 0 ? "-" : String.format(Locale.ROOT, "%.2f", bytes / x.ns),
                    Double.isNaN(x.allocBytes) ? "n/a (no -prof gc)" : String.format(Locale.ROOT, "%.3f", x.allocBytes)));
        }
        out.append('\n');
        out.append("| ratio | value | target | verdict |\n");
        out.append("|---|---:|---:|---|\n");
        int missed = 0;
        missed += ratio(out, r, "raw decode / memcpy (bandwidth)", "decodeRaw", "baselineMemcpy", 0.5);
        missed += ratio(out, r, "raw decode / byte[] arraycopy (bandwidth)", "decodeRaw", "baselineArraycopy", Double.NaN);
        missed += ratio(out, r, "getDouble loop copy / memcpy (bandwidth)", "copyGetDoubleLoop", "baselineMemcpy", Double.NaN);
        missed += ratio(out, r, "gzip decode / bare Inflater (bandwidth)", "decodeGzip", "baselineInflate", 0.9);
        missed += ratio(out, r, "lldetchar decode / bare Inflater (bandwidth)", "decodeDetchar", "baselineInflateDetchar", 0.9);
        slowdown(out, r, "raw decode, CRCs verified / not verified (time)", "decodeRawVerified", "decodeRaw");
        slowdown(out, r, "gzip decode, CRCs verified / not verified (time)", "decodeGzipVerified", "decodeGzip");
        slowdown(out, r, "raw decode, new buffer each op / same buffer (time)", "decodeRawNewBufferEachOp", "decodeRaw");
        double bg = backgroundBytesPerNs(r);
        for (String hot : new String[] {"decodeRaw", "decodeGzip", "decodeDetchar", "decodeRawVerified", "decodeGzipVerified",
                                        "decodeRawNewBufferEachOp"}) {
            Result x = r.get(hot);
            if (x == null || Double.isNaN(x.allocBytes)) {
                continue;
            }
            double excess = Double.isNaN(bg) ? x.allocBytes : x.allocBytes - bg * x.ns;
            boolean ok = excess < ZERO_ALLOC_BYTES;
            boolean target = !hot.equals("decodeRawNewBufferEachOp");
            missed += ok || !target ? 0 : 1;
            out.append(String.format(Locale.ROOT, "| %s allocation, less the harness's | %.1f B/op (%.3f measured) | %s | %s |%n",
                    hot, Math.max(0, excess), x.allocBytes, target ? "0 B/op" : "-",
                    target ? (ok ? "met" : "MISSED") : "info"));
        }
        if (!Double.isNaN(bg)) {
            out.append(String.format(Locale.ROOT, "%nHarness background allocation (from the baselines, which allocate nothing "
                    + "themselves): %.1f kB/s; subtracted as rate × time per op. Exact per-thread figures: GwfAllocCheck.%n",
                    bg * 1e6));
        }
        return missed;
    }

    /**
     * JMH's {@code gc.alloc.rate.norm} counts every thread's allocation, so the harness's own
     * (a few kB per second, whatever the benchmark) shows up as bytes per operation in proportion to
     * the operation's time. The baselines allocate nothing in their thread; their figure per
     * nanosecond estimates that background (median). NaN when no baseline ran with -prof gc.
     */
    static double backgroundBytesPerNs(Map<String, Result> r) {
        List<Double> rates = new ArrayList<>();
        for (String b : new String[] {"baselineMemcpy", "baselineArraycopy", "baselineInflate", "baselineInflateDetchar"}) {
            Result x = r.get(b);
            if (x != null && !Double.isNaN(x.allocBytes) && x.ns > 0) {
                rates.add(x.allocBytes / x.ns);
            }
        }
        if (rates.isEmpty()) {
            return Double.NaN;
        }
        rates.sort(null);
        int n = rates.size();
        return n % 2 == 1 ? rates.get(n / 2) : (rates.get(n / 2 - 1) + rates.get(n / 2)) / 2;
    }

    /** A row of the time of {@code num} over the time of {@code den}. */
    private static void slowdown(StringBuilder out, Map<String, Result> r, String label, String num, String den) {
        Result a = r.get(num);
        Result b = r.get(den);
        if (a == null || b == null) {
            return;
        }
        double value = a.ns / b.ns;
        out.append(String.format(Locale.ROOT, "| %s | %.2f× ± %.2f | - | info |%n", label, value,
                value * (a.relError() + b.relError())));
    }

    /** One bandwidth ratio row (same payload → inverse time ratio); returns 1 when a target is missed. */
    private static int ratio(StringBuilder out, Map<String, Result> r, String label, String num, String den, double target) {
        Result a = r.get(num);
        Result b = r.get(den);
        if (a == null || b == null) {
            return 0;
        }
        long pa = payloadBytes(num);
        long pb = payloadBytes(den);
        // bandwidth ratio: (pa / a.ns) / (pb / b.ns); for timing-only rows (no payload) the time ratio
        double value = pa > 0 && pb > 0 ? (pa / a.ns) / (pb / b.ns) : a.ns / b.ns;
        double err = value * (a.relError() + b.relError());
        boolean hasTarget = !Double.isNaN(target);
        boolean ok = !hasTarget || value >= target;
        out.append(String.format(Locale.ROOT, "| %s | %.2f ± %.2f | %s | %s |%n", label, value, err,
                hasTarget ? "≥ " + target : "-", hasTarget ? (ok ? "met" : "MISSED") : "info"));
        return ok ? 0 : 1;
    }

    /** Just enough JSON for JMH's result files. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    Map<String, Object> m = new LinkedHashMap<>();
                    i++;
                    ws();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[': {
                    List<Object> l = new ArrayList<>();
                    i++;
                    ws();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"':
                    return string();
                case 't':
                    i += 4;
                    return Boolean.TRUE;
                case 'f':
                    i += 5;
                    return Boolean.FALSE;
                case 'n':
                    i += 4;
                    return null;
                default: {
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (start == i) {
                        throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
                    }
                    return Double.parseDouble(s.substring(start, i));
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n': b.append('\n'); break;
                        case 't': b.append('\t'); break;
                        case 'r': b.append('\r'); break;
                        case 'b': b.append('\b'); break;
                        case 'f': b.append('\f'); break;
                        case 'u':
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                            break;
                        default: b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
            }
            i++;
        }
    }
}
