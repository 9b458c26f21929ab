package org.strainline.daemon.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.strainline.daemon.Json;

/**
 * The background of the detection statistic: values of the integrated BBHnet statistic over data
 * without signals, and the live time they cover, from which a false-alarm rate follows:
 * {@code FAR(x) = N(background >= x) / T}, floored at {@code 1 / T} (a background of T seconds
 * cannot tell rarer rates apart).
 *
 * <p>File ({@code background.json} beside the model, format version 1):
 * {@code {"format": 1, "live_time_s": T, "rate_hz": r, "statistics": [the largest values, descending]}};
 * only the largest values are kept, enough for any FAR above {@code 1 / T} to be computed exactly.
 */
public final class Background {
    private final double liveTimeS;
    private final double[] descending;

    public Background(double liveTimeS, double[] values) {
        if (!(liveTimeS > 0)) {
            throw new IllegalArgumentException("background live time must be positive, got " + liveTimeS);
        }
        this.liveTimeS = liveTimeS;
        this.descending = values.clone();
        java.util.Arrays.sort(descending);
        for (int i = 0, j = descending.length - 1; i < j; i++, j--) {
            double t = descending[i];
            descending[i] = descending[j];
            descending[j] = t;
        }
    }

    public double liveTimeS() {
        return liveTimeS;
    }

    /** The false-alarm rate (Hz) of a statistic value: N(background >= x) / T, at least 1 / T. */
    public double far(double x) {
        int lo = 0;
        int hi = descending.length;   // count of values >= x: first index with value < x
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (descending[mid] >= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return Math.max(lo, 1) / liveTimeS;
    }

    /** The smallest statistic whose FAR is at most {@code farHz} (the largest background value when farHz < 1 / T). */
    public double threshold(double farHz) {
        int n = (int) Math.floor(farHz * liveTimeS);   // values allowed above the threshold
        if (n <= 0 || descending.length == 0) {
            return descending.length == 0 ? Double.NEGATIVE_INFINITY : Math.nextUp(descending[0]);
        }
        return n >= descending.length ? Double.NEGATIVE_INFINITY : Math.nextUp(descending[n]);
    }

    /** Writes the file, keeping the largest {@code keep} values. */
    public void write(Path file, double rateHz, int keep) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", 1.0);
        m.put("live_time_s", liveTimeS);
        m.put("rate_hz", rateHz);
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < Math.min(keep, descending.length); i++) {
            l.add(descending[i]);
        }
        m.put("statistics", l);
        Files.writeString(file, Json.write(m) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Where the background of {@code ifo} searched alone lies beside the network's {@code network}
     * file: {@code background.json} -> {@code background-H1.json} (written by {@code strainline
     * background}, read by the daemon).
     */
    public static Path aloneFile(Path network, String ifo) {
        return network.resolveSibling(network.getFileName().toString().replaceFirst("(\\.json)?$", "-" + ifo + ".json"));
    }

    /** Reads a background file. */
    public static Background read(Path file) throws IOException {
        Object doc;
        try {
            doc = Json.read(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
        if (!(doc instanceof Map) || !Double.valueOf(1.0).equals(((Map<?, ?>) doc).get("format"))) {
            throw new IOException(file + ": not a background file of format 1");
        }
        Map<?, ?> m = (Map<?, ?>) doc;
        Object t = m.get("live_time_s");
        Object s = m.get("statistics");
        if (!(t instanceof Double) || !(s instanceof List)) {
            throw new IOException(file + ": live_time_s and statistics are required");
        }
        List<?> l = (List<?>) s;
        double[] v = new double[l.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (Double) l.get(i);
        }
        return new Background((Double) t, v);
    }
}
