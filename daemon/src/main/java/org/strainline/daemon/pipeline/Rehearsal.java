package org.strainline.daemon.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.NullEngine;
import org.strainline.shm.FrameEvent;
import org.strainline.shm.IfoSpec;

/**
 * A stage's own code run over made-up seconds before the first live one, on a copy of the stage
 * with an engine that runs nothing ({@link NullEngine}): code that runs once a second reaches the
 * JIT's thresholds only after minutes, and until then the first live seconds pay for the
 * interpreter and for the compilations (the first minute's slowest second was 10–16 ms beyond the
 * engine, the next minutes' 3–7 ms; BBHnet's first searched minute 60 ms). The live stage and its
 * engine are not touched; the copy and its data are dropped afterwards.
 */
public final class Rehearsal {
    /**
     * What a rehearsal did: seconds fed; seconds the stage handed on (DeepClean) or processed
     * (BBHnet); of those, seconds cleaned (DeepClean) or searched (BBHnet); and its time.
     */
    public record Result(int seconds, long out, long done, long ns) {
    }

    private Rehearsal() {
    }

    /**
     * DeepClean over {@code seconds} seconds of white noise in every channel of {@code spec}, with
     * {@code live}'s model, settings and engine shapes.
     */
    public static Result deepClean(IfoSpec spec, ModelCard card, Engine live, DeepCleanStage.Settings s, int seconds)
            throws IOException {
        long t0 = System.nanoTime();
        long[] out = {0, 0};
        DeepCleanStage st = new DeepCleanStage(spec, card, new NullEngine(live), s, c -> {
            out[0]++;
            if ((c.flags() & CleanedSecond.UNCLEANED) == 0) {
                out[1]++;
            }
        });
        FrameEvent e = new FrameEvent(spec);
        Random r = new Random(7);
        for (int i = 0; i < e.channelCount(); i++) {
            ByteBuffer d = e.channel(i).data();
            for (int k = 0; k < e.channel(i).samples(); k++) {
                d.putDouble(8 * k, r.nextGaussian());
            }
        }
        for (int g = 0; g < seconds; g++) {
            e.rehearse(1_000_000_000L + g);
            st.onEvent(e, g, true);
        }
        return new Result(seconds, out[0], out[1], System.nanoTime() - t0);
    }

    /**
     * BBHnet over {@code seconds} seconds of white noise from both IFOs at {@code inputRateHz}, with
     * {@code live}'s model and engine shapes: past the PSD's span the later seconds are searched.
     */
    public static Result bbhnet(ModelCard card, Engine live, int inputRateHz, BbhnetStage.Settings s, int seconds)
            throws IOException {
        long t0 = System.nanoTime();
        BbhnetStage st = new BbhnetStage(card, new NullEngine(live), inputRateHz, s, (ns, logit, integrated, ready) -> { });
        StrainEvent e = new StrainEvent(inputRateHz);
        Random r = new Random(11);
        long seq = 0;
        for (int g = 0; g < seconds; g++) {
            for (int ifo = 0; ifo < 2; ifo++) {
                for (int k = 0; k < inputRateHz; k++) {
                    e.samples.put(k, (float) r.nextGaussian());
                }
                e.ifo = ifo;
                e.gpsS = 1_000_000_000L + g;
                e.flags = 0;
                st.onEvent(e, seq++, true);
            }
        }
        return new Result(seconds, st.counter(BbhnetStage.Counter.SECONDS_JOINED), st.counter(BbhnetStage.Counter.SECONDS_SEARCHED),
                System.nanoTime() - t0);
    }
}
