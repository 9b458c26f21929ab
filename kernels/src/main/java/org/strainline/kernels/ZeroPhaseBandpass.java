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
 * <p>Consecutive blocks come from different spans, and a block's end, near its span's tapered end,
 * is the least accurate part: without more, each block boundary is a small jump in the output, and
 * a narrow-band signal with a jump every block grows sidebands at every multiple of the block rate
 * (a 1 Hz comb from 60 Hz up and down: noise added far outside the band). With a {@code join} of
 * J samples (at most the look-ahead), the first J samples of each block are blended, half-Hann,
 * from the previous span's estimate of them (its look-ahead part, continuous with its block) to
 * this span's: the output is continuous across blocks. J = 0 leaves each block exactly the span's
 * filter output.
 *
 * <p>An {@code extension} of E samples carries the span past the look-ahead with provisional
 * values given with each block (DeepClean: the predictions not yet fully aggregated, which come
 * at no latency): the span's tapered end, and the filter transients it starts, move E samples
 * further from the block, for the same latency. They are used for that call only.
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
    private final int join;
    private final double[] joinRamp;
    private final double[] ahead;
    private final int extension;
    private boolean haveAhead;

    /**
     * @param sos       the filter
     * @param history   past samples in each span
     * @param lookahead samples after the block in each span (the added latency)
     * @param taper     Hann taper length at each end of the span
     * @param block     samples per call
     */
    public ZeroPhaseBandpass(Sos sos, int history, int lookahead, int taper, int block) {
        this(sos, history, lookahead, taper, block, 0);
    }

    /**
     * @param join samples at the start of each block blended from the previous span's estimate
     *             (0 to {@code min(lookahead, block)})
     */
    public ZeroPhaseBandpass(Sos sos, int history, int lookahead, int taper, int block, int join) {
        this(sos, history, lookahead, taper, block, join, 0);
    }

    /**
     * @param extension provisional samples after the look-ahead in each span, given with each
     *                  block ({@link #process(FloatBuffer, int, FloatBuffer, int, FloatBuffer, int)})
     */
    public ZeroPhaseBandpass(Sos sos, int history, int lookahead, int taper, int block, int join, int extension) {
        if (extension < 0) {
            throw new IllegalArgumentException("extension " + extension + " must be >= 0");
        }
        this.extension = extension;
        if (join < 0 || join > lookahead || join > block) {
            throw new IllegalArgumentException("join " + join + " must be between 0 and the look-ahead (" + lookahead
                    + ") and the block (" + block + ")");
        }
        this.join = join;
        this.joinRamp = new double[join];
        for (int i = 0; i < join; i++) {
            joinRamp[i] = 0.5 * (1 - Math.cos(Math.PI * (i + 0.5) / join));
        }
        this.ahead = new double[join];
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
        this.span = new double[len + extension];
        this.filtered = new double[len + extension];
        this.ramp = new double[taper];
        for (int i = 0; i < taper; i++) {
            ramp[i] = 0.5 * (1 - Math.cos(Math.PI * i / taper));
        }
        this.work = sos.work(len + extension);
    }

    public int lookahead() {
        return lookahead;
    }

    public int block() {
        return block;
    }

    public int join() {
        return join;
    }

    public int extension() {
        return extension;
    }

    /** Forgets the past (zeros). */
    public void reset() {
        java.util.Arrays.fill(recent, 0);
        haveAhead = false;
    }

    /**
     * Takes {@code block} new samples from {@code in} (from {@code inOffset}) and writes the
     * filtered block that ends {@code lookahead} samples before them into {@code out}.
     */
    public void process(FloatBuffer in, int inOffset, FloatBuffer out, int outOffset) {
        if (extension > 0) {
            throw new IllegalStateException("this band-pass takes " + extension + " provisional samples with each block");
        }
        process(in, inOffset, null, 0, out, outOffset);
    }

    /**
     * As {@link #process(FloatBuffer, int, FloatBuffer, int)}, with the {@link #extension()}
     * provisional samples that follow the newest block in {@code ext} (from {@code extOffset}).
     */
    public void process(FloatBuffer in, int inOffset, FloatBuffer ext, int extOffset, FloatBuffer out, int outOffset) {
        int len = recent.length;
        System.arraycopy(recent, block, recent, 0, len - block);
        for (int i = 0; i < block; i++) {
            recent[len - block + i] = in.get(inOffset + i);
        }
        System.arraycopy(recent, 0, span, 0, len);
        for (int i = 0; i < extension; i++) {
            span[len + i] = ext.get(extOffset + i);
        }
        int total = len + extension;
        for (int i = 0; i < taper; i++) {
            span[i] *= ramp[i];
            span[total - 1 - i] *= ramp[i];
        }
        // only the block and what follows it is kept: the backward pass stops at the block
        sos.filtfilt(span, 0, total, filtered, 0, work, history);
        for (int i = 0; i < block; i++) {
            double y = filtered[i];
            if (i < join && haveAhead) {
                y = ahead[i] + joinRamp[i] * (y - ahead[i]);
            }
            out.put(outOffset + i, (float) y);
        }
        for (int i = 0; i < join; i++) {
            ahead[i] = filtered[block + i];
        }
        haveAhead = join > 0;
    }
}
