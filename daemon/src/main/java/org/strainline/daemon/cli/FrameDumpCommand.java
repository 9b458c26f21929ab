package org.strainline.daemon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.strainline.daemon.Json;
import org.strainline.gwf.Channel;
import org.strainline.gwf.ChecksumPolicy;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfException;
import org.strainline.gwf.GwfFile;
import org.strainline.gwf.GwfReader;
import org.strainline.gwf.Vect;
import org.strainline.gwf.VectType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code strainline frame dump}: what a frame file holds, per frame and channel. */
@Command(name = "dump",
        mixinStandardHelpOptions = true,
        description = {"Print version, byte order, writing library, checksum results and, per frame, "
                + "the GPS start, duration and channels of GWF files.",
            "Exit code 1 if a file cannot be read."})
final class FrameDumpCommand implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON object per file, one per line.")
    boolean json;

    @Option(names = "--values", description = "Also print the first five values, the last value, the sum and the sum of squares.")
    boolean values;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "GWF files.")
    List<Path> files;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int rc = 0;
        for (Path p : files) {
            Map<String, Object> doc;
            try {
                doc = describe(p, values);
            } catch (IOException | RuntimeException e) {
                doc = new LinkedHashMap<>();
                doc.put("file", p.toString());
                doc.put("error", e instanceof GwfException ? e.getMessage() : String.valueOf(e.getMessage()));
                rc = Main.EXIT_FAILED;
            }
            if (json) {
                out.println(Json.write(doc));
            } else {
                printText(out, doc);
            }
        }
        out.flush();
        return rc;
    }

    static Map<String, Object> describe(Path p, boolean withValues) throws IOException {
        GwfFile f = new GwfReader(ChecksumPolicy.REPORT).readFile(p);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", p.toString());
        doc.put("version", f.version());
        doc.put("minor", f.minor());
        doc.put("byteOrder", f.byteOrder() == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian");
        doc.put("library", f.libraryName());
        Map<String, Object> ck = new LinkedHashMap<>();
        ck.put("file", f.checksums().file().name());
        ck.put("badStructures", f.checksums().badStructures());
        doc.put("checksums", ck);
        List<Object> frames = new ArrayList<>();
        for (Frame fr : f.frames()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("gpsS", fr.gpsS());
            fm.put("gpsNs", fr.gpsNs());
            fm.put("durationS", fr.durationS());
            List<Object> chans = new ArrayList<>();
            for (Channel c : fr.channels()) {
                chans.add(channel(c, withValues));
            }
            fm.put("channels", chans);
            frames.add(fm);
        }
        doc.put("frames", frames);
        return doc;
    }

    private static Map<String, Object> channel(Channel c, boolean withValues) throws GwfException {
        Map<String, Object> m = new LinkedHashMap<>();
        Vect v = c.data();
        m.put("kind", c.kind().label());
        m.put("name", c.name());
        m.put("type", v == null ? null : v.type().typeName());
        m.put("compress", v == null ? null : v.compress());
        m.put("nData", v == null ? 0 : v.nData());
        m.put("sampleRate", c.sampleRate());
        if (withValues && v != null) {
            if (v.type() == VectType.STRING) {
                String[] s = (String[]) v.toArray();
                m.put("first5", Arrays.asList(Arrays.copyOf(s, Math.min(5, s.length))));
                m.put("last", s.length == 0 ? null : s[s.length - 1]);
            } else {
                double[] d = v.toDoubles();
                boolean cx = v.type().isComplex();
                int n = cx ? d.length / 2 : d.length;
                List<Object> first = new ArrayList<>();
                for (int i = 0; i < Math.min(5, n); i++) {
                    first.add(cx ? new double[] {d[2 * i], d[2 * i + 1]} : (Object) d[i]);
                }
                m.put("first5", first);
                m.put("last", n == 0 ? null : cx ? new double[] {d[2 * n - 2], d[2 * n - 1]} : (Object) d[n - 1]);
                if (cx) {
                    double re = 0;
                    double im = 0;
                    double sq = 0;
                    for (int i = 0; i < n; i++) {
                        re += d[2 * i];
                        im += d[2 * i + 1];
                        sq += d[2 * i] * d[2 * i] + d[2 * i + 1] * d[2 * i + 1];
                    }
                    m.put("sum", new double[] {re, im});
                    m.put("sumsq", sq);
                } else {
                    double s = 0;
                    double sq = 0;
                    for (double x : d) {
                        s += x;
                        sq += x * x;
                    }
                    m.put("sum", s);
                    m.put("sumsq", sq);
                }
            }
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static void printText(PrintWriter out, Map<String, Object> doc) {
        out.println(doc.get("file"));
        if (doc.containsKey("error")) {
            out.println("  error: " + doc.get("error"));
            return;
        }
        Map<String, Object> ck = (Map<String, Object>) doc.get("checksums");
        out.printf("  version %s (minor %s), %s, written by %s; file checksum %s, %s bad structure checksums%n",
                doc.get("version"), doc.get("minor"), doc.get("byteOrder"), doc.get("library"), ck.get("file"),
                ck.get("badStructures"));
        List<Object> frames = (List<Object>) doc.get("frames");
        for (int i = 0; i < frames.size(); i++) {
            Map<String, Object> fm = (Map<String, Object>) frames.get(i);
            List<Object> chans = (List<Object>) fm.get("channels");
            out.printf("  frame %d: GPS %s.%09d, %s s, %d channels%n", i, fm.get("gpsS"), (Long) fm.get("gpsNs"),
                    Json.write(fm.get("durationS")), chans.size());
            for (Object o : chans) {
                Map<String, Object> c = (Map<String, Object>) o;
                out.printf("    %-4s %-40s %-10s compress %-4s nData %-8s rate %s%n", c.get("kind"), c.get("name"),
                        c.get("type"), c.get("compress"), c.get("nData"), Json.write(c.get("sampleRate")));
                if (c.containsKey("first5")) {
                    out.printf("         first5 %s last %s sum %s sumsq %s%n", Json.write(c.get("first5")),
                            Json.write(c.get("last")), Json.write(c.get("sum")), Json.write(c.get("sumsq")));
                }
            }
        }
    }
}
