package org.strainline.kernels;

import java.nio.FloatBuffer;

/**
 * Streaming zero-phase band-pass (DeepClean's post-filter of the predicted noise): a Butterworth
 * filter ({@link Sos#butterBandpass}, default order 8, 58–62 Hz) run forward and backward over a
 * rolling span made of {@code history} past samples, the new block, and {@code lookahead} samples
 * after it; the span's two ends are Hann-tapered over {@code taper} samples, and the block's part
 * of the result is the output. The output therefore lags the input by {@code lookahead} samples,
 * and each block's output is exactly {@code scipy.signal.sosfiltfilt} of the same tapered span
 * (to rounding); away from the span's ends it approaches the offline filter of the whole record
 * as fast as the filter's transients decay (longer history and look-ahead: closer).
 *
 * <p>The stream starts as if preceded by zeros. Allocation free; owned by one thread.
 */
public final class ZeroPhaseBandpass {
    private final Sos sos;
    private final int history;
    private final int lookahead;
    private final int taper;
    private final int block;
    private final double[] recent;
    private final double[] span;
    private final double[] filtered;
    private final double[] ramp;
    private final Sos.Work work;

    /**
     * @param sos       the filter
     * @param history   past samples in each span
     * @param lookahead samples after the block in each span (the added latency)
     * @param taper     Hann taper length at each end of the span
     * @param block     samples per call
     */
    public ZeroPhaseBandpass(Sos sos, int history, int lookahead, int taper, int block) {
        int len = history + block + lookahead;
        if (history < 0 || lookahead < 0 || block <= 0 || taper < 0 || 2 * taper > len) {
            throw new IllegalArgumentException("history " + history + ", lookahead " + lookahead + ", taper " + taper
                    + ", block " + block + ": the two tapers must fit in the span");
        }
        this.sos = sos;
        this.history = history;
        this.lookahead = lookahead;
        this.taper = taper;
        this.block = block;
        this.recent = new double[len];
        this.span = new double[len];
        this.filtered = new double[len];
        this.ramp = new double[taper];
        for (int i = 0; i < taper; i++) {
            ramp[i] = 0.5 * (1 - Math.cos(Math.PI * i / taper));
        }
        this.work = sos.work(len);
    }

    public int lookahead() {
        return lookahead;
    }

    public int block() {
        return block;
    }

    /** Forgets the past (zeros). */
    public void reset() {
        java.util.Arrays.fill(recent, 0);
    }

    /**
     * Takes {@code block} new samples from {@code in} (from {@code inOffset}) and writes the
     * filtered block that ends {@code lookahead} samples before them into {@code out}.
     */
    public void process(FloatBuffer in, int inOffset, FloatBuffer out, int outOffset) {
        int len = recent.length;
        System.arraycopy(recent, block, recent, 0, len - block);
        for (int i = 0; i < block; i++) {
            recent[len - block + i] = in.get(inOffset + i);
        }
        System.arraycopy(recent, 0, span, 0, len);
        for (int i = 0; i < taper; i++) {
            span[i] *= ramp[i];
            span[len - 1 - i] *= ramp[i];
        }
        sos.filtfilt(span, 0, len, filtered, 0, work);
        for (int i = 0; i < block; i++) {
            out.put(outOffset + i, (float) filtered[history + i]);
        }
    }
}
