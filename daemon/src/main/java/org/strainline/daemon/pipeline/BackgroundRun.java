package org.strainline.daemon.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.ModelCard;

/**
 * Makes a {@link Background} by running the BBHnet stage, exactly as the daemon runs it, over
 * strain the daemon published (its strain queue over data without signals, cleaned by DeepClean as
 * online), with L1 slid against H1 by whole seconds so that nothing astrophysical lines up: for a
 * shift of {@code k} s, H1 second {@code g} is searched with L1 second {@code g + k}. Each shift is
 * its own search (the PSD span fills again); every full-integration value is kept and the live
 * time is the searched seconds summed over the shifts. {@link #alone} makes the background of one
 * IFO searched by itself (the other's input zero), as the stage searches an IFO whose partner is
 * absent or not ready.
 */
public final class BackgroundRun {
    private BackgroundRun() {
    }

    /** One IFO's published seconds: GPS -> samples at the stage's input rate, and the record flags. */
    public static final class Strain {
        final TreeMap<Long, float[]> samples = new TreeMap<>();
        final Map<Long, Integer> flags = new java.util.HashMap<>();

        public void put(long gps, int flagBits, float[] x) {
            samples.put(gps, x);
            flags.put(gps, flagBits);
        }

        public int seconds() {
            return samples.size();
        }
    }

    /** Receives progress after each shift: the shift, the seconds searched in it. */
    @FunctionalInterface
    public interface Progress {
        void shift(int shiftS, long searchedS);
    }

    public static Background run(ModelCard card, Engine engine, BbhnetStage.Settings settings, int inputRateHz,
                                 Strain h1, Strain l1, int[] shiftsS, Progress progress) throws IOException {
        List<Double> values = new ArrayList<>();
        double live = 0;
        StrainEvent ev = new StrainEvent(inputRateHz);
        long seq = 0;
        for (int shift : shiftsS) {
            BbhnetStage stage = new BbhnetStage(card, engine, inputRateHz, settings, fullValues(values));
            for (Map.Entry<Long, float[]> e : h1.samples.entrySet()) {
                long g = e.getKey();
                float[] other = l1.samples.get(g + shift);
                if (other == null) {
                    continue;   // the stage sees the GPS jump and starts again
                }
                feed(stage, ev, 0, g, h1.flags.get(g), e.getValue(), seq++);
                feed(stage, ev, 1, g, l1.flags.get(g + shift), other, seq++);
            }
            long searched = stage.counter(BbhnetStage.Counter.SECONDS_SEARCHED);
            live += searched;
            progress.shift(shift, searched);
        }
        if (live == 0) {
            throw new IOException("no second could be searched: the strain holds no stretch of "
                    + "H1 and (shifted) L1 together long enough for the PSD span");
        }
        return background(live, values);
    }

    /**
     * The background of IFO {@code ifo} (0 = H1, 1 = L1) searched alone: every one of its seconds
     * goes on without a partner at once, as when the other IFO is down.
     */
    public static Background alone(ModelCard card, Engine engine, BbhnetStage.Settings settings, int inputRateHz, Strain x,
                                   int ifo) throws IOException {
        List<Double> values = new ArrayList<>();
        BbhnetStage stage = new BbhnetStage(card, engine, inputRateHz,
                new BbhnetStage.Settings(settings.inferenceRateHz(), settings.integrationS(), settings.joinSeconds(),
                        settings.inputDelayS(), 0, true),
                fullValues(values));
        stage.partnerReach(() -> Long.MIN_VALUE, () -> Long.MIN_VALUE);   // the partner never comes
        StrainEvent ev = new StrainEvent(inputRateHz);
        long seq = 0;
        for (Map.Entry<Long, float[]> e : x.samples.entrySet()) {
            feed(stage, ev, ifo, e.getKey(), x.flags.get(e.getKey()), e.getValue(), seq++);
        }
        long live = stage.counter(BbhnetStage.Counter.SECONDS_SEARCHED_SINGLE);
        if (live == 0) {
            throw new IOException("no second of " + (ifo == 0 ? "H1" : "L1") + " could be searched: no stretch of it "
                    + "long enough for the PSD span");
        }
        return background(live, values);
    }

    /** The stage's sink that keeps every full-integration value. */
    private static BbhnetStage.Sink fullValues(List<Double> values) {
        return (ns, logit, integrated, ready) -> {
            if (ready) {
                values.add(integrated);
            }
        };
    }

    private static Background background(double liveS, List<Double> values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return new Background(liveS, v);
    }

    private static void feed(BbhnetStage stage, StrainEvent ev, int ifo, long gps, int flags, float[] x, long seq) {
        ev.samples.put(0, x, 0, x.length);
        ev.ifo = ifo;
        ev.gpsS = gps;
        ev.flags = flags;
        ev.inputPublishedNs = 0;
        ev.fileMtimeUnixNs = 0;
        stage.onEvent(ev, seq, true);
    }
}
