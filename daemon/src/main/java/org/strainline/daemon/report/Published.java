package org.strainline.daemon.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.queue.StrainQueue;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfReader;
import org.strainline.kernels.StreamResampler;
import org.strainline.shm.StreamSpec;

/**
 * What a run published over a GPS span, second by second: per IFO the cleaned strain, each
 * second's flags and how many times it was published, and the alerts.
 */
public final class Published {
    private final long start;
    private final int duration;
    final Map<String, double[]> cleaned = new LinkedHashMap<>();
    final Map<String, int[]> flags = new LinkedHashMap<>();
    final Map<String, int[]> records = new LinkedHashMap<>();
    final Map<String, String> model = new LinkedHashMap<>();
    final List<AlertQueue.Alert> alerts = new ArrayList<>();
    private int outOfRange;
    private int rateHz;

    public Published(long start, int duration, List<String> ifos) {
        this.start = start;
        this.duration = duration;
        for (String i : ifos) {
            flags.put(i, new int[duration]);
            records.put(i, new int[duration]);
        }
    }

    /** One strain record; false (and counted) when it lies outside the span or names another IFO. */
    public boolean add(StrainQueue.Record s) {
        int g = (int) (s.gpsS() - start);
        int[] rec = records.get(s.ifo());
        if (rec == null || g < 0 || g >= duration) {
            outOfRange++;
            return false;
        }
        rateHz = s.rateHz();
        double[] x = cleaned.computeIfAbsent(s.ifo(), k -> new double[duration * s.rateHz()]);
        float[] v = s.samples();
        for (int i = 0; i < v.length && i < s.rateHz(); i++) {
            x[g * s.rateHz() + i] = v[i];
        }
        flags.get(s.ifo())[g] = s.flags();
        rec[g]++;
        if (s.model() != null) {
            model.put(s.ifo(), s.model());
        }
        return true;
    }

    public void add(AlertQueue.Alert a) {
        alerts.add(a);
    }

    public long start() {
        return start;
    }

    public int duration() {
        return duration;
    }

    public List<String> ifos() {
        return new ArrayList<>(records.keySet());
    }

    public List<AlertQueue.Alert> alerts() {
        return alerts;
    }

    public int outOfRange() {
        return outOfRange;
    }

    /** The rate of the published strain (0 before any record). */
    public int rateHz() {
        return rateHz;
    }

    /** Seconds of an IFO published at least once. */
    public int published(String ifo) {
        int n = 0;
        for (int c : records.get(ifo)) {
            n += c > 0 ? 1 : 0;
        }
        return n;
    }

    /** The second counts of one IFO. */
    public record Accounting(int once, int twice, int missing, int uncleaned, int gated, int notReady, int invalid) {
    }

    public Accounting accounting(String ifo) {
        int[] rec = records.get(ifo);
        int[] f = flags.get(ifo);
        int once = 0;
        int twice = 0;
        int uncleaned = 0;
        int gated = 0;
        int notReady = 0;
        int invalid = 0;
        for (int g = 0; g < duration; g++) {
            once += rec[g] == 1 ? 1 : 0;
            twice += rec[g] > 1 ? 1 : 0;
            if (rec[g] > 0) {
                uncleaned += (f[g] & CleanedSecond.UNCLEANED) != 0 ? 1 : 0;
                gated += (f[g] & CleanedSecond.GATED) != 0 ? 1 : 0;
                notReady += (f[g] & CleanedSecond.NOT_READY) != 0 ? 1 : 0;
                invalid += (f[g] & CleanedSecond.INVALID) != 0 ? 1 : 0;
            }
        }
        return new Accounting(once, twice, duration - once - twice, uncleaned, gated, notReady, invalid);
    }

    /** The cleaned strain of an IFO (null: none published). */
    public double[] cleaned(String ifo) {
        return cleaned.get(ifo);
    }

    public String model(String ifo) {
        return model.getOrDefault(ifo, "-");
    }

    /** The longest run of seconds of an IFO published once and cleaned: [from, to) as offsets from the start. */
    public int[] longestCleaned(String ifo) {
        return longestCleaned(flags.get(ifo), records.get(ifo));
    }

    /** The longest run of seconds published once and cleaned (not raw, gated, invalid or not ready): [from, to). */
    public static int[] longestCleaned(int[] flags, int[] records) {
        int bad = CleanedSecond.UNCLEANED | CleanedSecond.GATED | CleanedSecond.INVALID | CleanedSecond.NOT_READY;
        int best = 0;
        int bestFrom = 0;
        int from = 0;
        for (int g = 0; g <= flags.length; g++) {
            boolean ok = g < flags.length && records[g] == 1 && (flags[g] & bad) == 0;
            if (!ok) {
                if (g - from > best) {
                    best = g - from;
                    bestFrom = from;
                }
                from = g + 1;
            }
        }
        return new int[] {bestFrom, bestFrom + best};
    }

    /**
     * The raw strain of the span from the stream's frame files ({@code DIR/PREFIX-GPS-1.gwf}),
     * through the daemon's resampler design to {@code rate}; a missing file reads as zeros.
     */
    public double[] raw(StreamSpec stream, String channel, int rate) throws IOException {
        int in = 0;
        for (org.strainline.shm.ChannelSpec c : stream.channels()) {
            if (c.name().equals(channel)) {
                in = c.rateHz();
            }
        }
        if (in == 0) {
            throw new IOException(stream.name() + ": no channel " + channel);
        }
        StreamResampler rs = StreamResampler.of(in, rate, in);
        double[] x = new double[duration * rate];
        double[] zeros = new double[in];
        for (int g = 0; g < duration; g++) {
            Path f = stream.directory().resolve(stream.prefix() + "-" + (start + g) + "-1.gwf");
            double[] v = zeros;
            if (Files.isRegularFile(f)) {
                Frame fr = GwfReader.read(f).frames().get(0);
                v = fr.channel(channel).data().toDoubles();
            }
            rs.process(v, 0, in, x, g * rate);
        }
        return x;
    }
}
