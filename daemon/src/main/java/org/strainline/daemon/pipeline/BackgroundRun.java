package org.strainline.daemon.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.sim.AligoPsd;
import org.strainline.daemon.sim.ColouredNoise;
import org.strainline.kernels.Resampler;

/**
 * Makes a {@link Background} by running the BBHnet stage, exactly as the daemon runs it, over
 * simulated Gaussian noise with the design PSD in H1 and L1 (independent realisations, so no time
 * slides are needed): the strain resampled to 4096 Hz as DeepClean hands it on, then the stage's
 * resampling, PSD, whitening, model and integration. Every full-integration value is kept; the
 * live time is the searched seconds.
 */
public final class BackgroundRun {
    private BackgroundRun() {
    }

    public static Background run(ModelCard card, Engine engine, BbhnetStage.Settings settings, int seconds, long seed)
            throws java.io.IOException {
        List<Double> values = new ArrayList<>();
        BbhnetStage stage = new BbhnetStage(card, engine, 4096, settings,
                (ns, logit, integrated, ready) -> {
                    if (ready) {
                        values.add(integrated);
                    }
                });
        ColouredNoise[] noise = {new ColouredNoise(16384, AligoPsd::psd, seed * 2 + 1), new ColouredNoise(16384, AligoPsd::psd, seed * 2 + 2)};
        Resampler[] rs = {new Resampler(16384, 4096, 16384), new Resampler(16384, 4096, 16384)};
        StrainEvent[] ev = {new StrainEvent(4096), new StrainEvent(4096)};
        double[] raw = new double[16384];
        double[] y = new double[4096];
        long g0 = 1_000_000_000L;
        int total = seconds + stage.warmSeconds();
        for (int g = 0; g < total; g++) {
            for (int i = 0; i < 2; i++) {
                noise[i].second(g0 + g, raw, 0);
                rs[i].process(raw, 0, 16384, y, 0);
                for (int k = 0; k < 4096; k++) {
                    ev[i].samples.put(k, (float) y[k]);
                }
                ev[i].ifo = i;
                ev[i].gpsS = g0 + g;
                ev[i].flags = 0;
                stage.onEvent(ev[i], g, true);
            }
        }
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        double live = stage.counter(BbhnetStage.Counter.SECONDS_SEARCHED);
        return new Background(live, v);
    }
}
