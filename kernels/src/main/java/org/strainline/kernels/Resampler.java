package org.strainline.kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Streaming rational resampling of one channel, {@code inRateHz → outRateHz} (decimation
 * 16384 → 4096 or 2048 for strain, interpolation 512 → 4096 and friends for witnesses), by a
 * polyphase linear-phase FIR: the input is (conceptually) up-sampled by {@code up}, low-pass
 * filtered at the lower of the two Nyquist frequencies and down-sampled by {@code down}, with
 * {@code up/down = out/in} in lowest terms; only the products that reach an output sample are
 * computed.
 *
 * <p><b>Design</b> (Kaiser window, {@link Fir}): pass band to 0.9 × the lower Nyquist frequency
 * (the new one when decimating, the old one when interpolating: above it the input holds nothing),
 * stop band from the lower Nyquist frequency on, 90 dB design attenuation (≥ 80 dB required; the
 * pass-band ripple of that design is ~0.0003 dB, well inside 0.1 dB), the cutoff half-way. The tap
 * count is rounded up so that the group delay is a whole number of input and of output samples.
 *
 * <p><b>Latency.</b> The filter is causal: output sample {@code m} stands for the input signal at
 * time {@code (m - }{@link #delaySamples()}{@code ) / outRateHz}; 58 samples (14.2 ms) for
 * 16384 → 4096, 58 samples (28.3 ms) for 16384 → 2048, 464 samples (113 ms) for 512 → 4096.
 *
 * <p><b>Streaming.</b> State (the last input samples and the phase) is carried across calls, so
 * any split of the input gives the same output as one call over all of it; the stream starts as
 * if preceded by zeros. A block of {@code n} inputs gives the outputs whose input index has been
 * reached: for 1-s blocks exactly {@code outRateHz}.
 *
 * <p>Allocation free. Owned by one thread.
 */
public final class Resampler implements StreamResampler {
    /** Pass band edge as a fraction of the lower Nyquist frequency. */
    public static final double PASSBAND = 0.9;
    /** Design stop-band attenuation. */
    public static final double ATTENUATION_DB = 90;

    private final int inRate;
    private final int outRate;
    private final int up;
    private final int down;
    private final double[] taps;
    private final double[][] phases;
    private final double[][] reversed;   // each phase in the order of the samples it meets
    private final int history;
    private final int maxBlock;
    private final double[] work;
    private final double[] acc;        // one call's outputs
    private final double[] classAcc;   // one residue class's outputs
    private final double[] lane;       // one class's inputs, de-interleaved by down
    private final int delay;
    private long inTotal;
    private long outTotal;

    /**
     * @param inRateHz  input rate
     * @param outRateHz output rate
     * @param maxBlock  the largest number of input samples given to one call
     */
    public Resampler(int inRateHz, int outRateHz, int maxBlock) {
        this(inRateHz, outRateHz, maxBlock, design(inRateHz, outRateHz));
    }

    /** A resampler with given taps (at rate {@code inRateHz * up}, unit gain at DC, odd length). */
    public Resampler(int inRateHz, int outRateHz, int maxBlock, double[] taps) {
        if (inRateHz <= 0 || outRateHz <= 0 || maxBlock <= 0) {
            throw new IllegalArgumentException("rates and block must be positive: " + inRateHz + " -> " + outRateHz + ", " + maxBlock);
        }
        int g = gcd(inRateHz, outRateHz);
        this.inRate = inRateHz;
        this.outRate = outRateHz;
        this.up = outRateHz / g;
        this.down = inRateHz / g;
        this.taps = taps.clone();
        this.phases = new double[up][];
        int longest = 0;
        for (int p = 0; p < up; p++) {
            int len = (taps.length - p + up - 1) / up;
            double[] ph = new double[Math.max(0, len)];
            for (int i = 0; i < ph.length; i++) {
                ph[i] = up * taps[p + i * up];
            }
            phases[p] = ph;
            longest = Math.max(longest, ph.length);
        }
        this.reversed = new double[up][];
        for (int p = 0; p < up; p++) {
            double[] ph = phases[p];
            double[] r = new double[ph.length];
            for (int i = 0; i < ph.length; i++) {
                r[ph.length - 1 - i] = ph[i];
            }
            reversed[p] = r;
        }
        this.history = Math.max(0, longest - 1);
        this.maxBlock = maxBlock;
        this.work = new double[history + maxBlock];
        int maxOut = (int) ((long) maxBlock * up / down) + 2;
        this.acc = new double[maxOut];
        this.classAcc = new double[maxOut / up + 2];
        this.lane = new double[maxOut / up + 2 + longest / down + 2];
        this.delay = (int) Math.round((taps.length - 1) / 2.0 / down);
    }

    /** The taps for {@code inRateHz → outRateHz}, at the filter rate {@code inRateHz * up}. */
    public static double[] design(int inRateHz, int outRateHz) {
        int g = gcd(inRateHz, outRateHz);
        int up = outRateHz / g;
        int down = inRateHz / g;
        double fs = (double) inRateHz * up;
        double nyq = Math.min(inRateHz, outRateHz) / 2.0;
        double width = (1 - PASSBAND) * nyq;
        int n = Fir.kaiserTaps(ATTENUATION_DB, width, fs);
        long step = 2L * up * down;   // a group delay of whole input and output samples
        long half = ((n - 1) / 2 + step / 2 - 1) / (step / 2) * (step / 2);
        n = (int) (2 * half + 1);
        return Fir.lowpass(n, (PASSBAND + 1) / 2 * nyq, fs, Fir.kaiserBeta(ATTENUATION_DB));
    }

    static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    @Override
    public int inRateHz() {
        return inRate;
    }

    @Override
    public int outRateHz() {
        return outRate;
    }

    public int up() {
        return up;
    }

    public int down() {
        return down;
    }

    /** The taps (a copy), at the filter rate {@code inRateHz * up}. */
    public double[] taps() {
        return taps.clone();
    }

    /** The added latency in output samples: the group delay. */
    @Override
    public int delaySamples() {
        return delay;
    }


    /** Forgets the past: the stream starts again as if preceded by zeros. */
    @Override
    public void reset() {
        java.util.Arrays.fill(work, 0);
        inTotal = 0;
        outTotal = 0;
    }

    /** How many outputs the next {@code n} inputs will give. */
    @Override
    public int outputsFor(int n) {
        long reach = inTotal + n;   // inputs 0 .. reach-1 known after the call
        long lastM = Math.floorDiv(reach * up - 1, down);   // the largest m with m*down/up < reach
        return (int) Math.max(0, lastM + 1 - outTotal);
    }

    private void take(int n) {
        if (n > maxBlock) {
            throw new IllegalArgumentException("block of " + n + " samples; at most " + maxBlock);
        }
    }

    /**
     * After the block is in {@code work[history ..]}: the outputs {@code outTotal .. + count} into
     * {@link #acc}. The outputs of one residue class {@code m mod up} share a phase and step
     * {@code down} inputs apart; with the class's inputs de-interleaved by {@code down}, the
     * outputs are computed eight at a time, each tap loaded once for the eight (the original one
     * dot product per output waited on its loads; this runs ~3 times faster on the 512 → 4096
     * witnesses). Every output sums its products in the same order
     * (taps {@code q, q + down, …} for {@code q = 0 .. down - 1}) however the stream is split.
     */
    private void outputs(int count, long blockStart) {
        for (int r = 0; r < up && r < count; r++) {
            long m0 = outTotal + r;                      // the class's first output
            int classCount = (count - r + up - 1) / up;
            long j = m0 * down;
            double[] ph = reversed[(int) (j % up)];      // ph[i] weighs work[base + i]
            int len = ph.length;
            int base0 = (int) (history + (j / up - blockStart)) - len + 1;
            java.util.Arrays.fill(classAcc, 0, classCount, 0);
            for (int q = 0; q < down && q < len; q++) {
                int nTaps = (len - q + down - 1) / down;
                int laneLen = classCount + nTaps - 1;
                double[] src;
                int off;
                if (down == 1) {
                    src = work;
                    off = base0;
                } else {
                    for (int u = 0, at = base0 + q; u < laneLen; u++, at += down) {
                        lane[u] = work[at];
                    }
                    src = lane;
                    off = 0;
                }
                accumulate(classAcc, classCount, src, off, ph, q, nTaps);
            }
            for (int t = 0, o = r; t < classCount; t++, o += up) {
                acc[o] = classAcc[t];
            }
        }
    }

    /**
     * {@code acc[t] += sum over s < nTaps of ph[s * down + q] * src[off + t + s]} for
     * {@code t < count}, eight outputs at a time in registers (independent sums the core overlaps).
     */
    private void accumulate(double[] acc, int count, double[] src, int off, double[] ph, int q, int nTaps) {
        int t = 0;
        for (; t + 7 < count; t += 8) {
            double a0 = acc[t];
            double a1 = acc[t + 1];
            double a2 = acc[t + 2];
            double a3 = acc[t + 3];
            double a4 = acc[t + 4];
            double a5 = acc[t + 5];
            double a6 = acc[t + 6];
            double a7 = acc[t + 7];
            for (int s = 0, i = off + t, k = q; s < nTaps; s++, i++, k += down) {
                double c = ph[k];
                a0 += c * src[i];
                a1 += c * src[i + 1];
                a2 += c * src[i + 2];
                a3 += c * src[i + 3];
                a4 += c * src[i + 4];
                a5 += c * src[i + 5];
                a6 += c * src[i + 6];
                a7 += c * src[i + 7];
            }
            acc[t] = a0;
            acc[t + 1] = a1;
            acc[t + 2] = a2;
            acc[t + 3] = a3;
            acc[t + 4] = a4;
            acc[t + 5] = a5;
            acc[t + 6] = a6;
            acc[t + 7] = a7;
        }
        for (; t < count; t++) {
            double a = acc[t];
            for (int s = 0, i = off + t, k = q; s < nTaps; s++, i++, k += down) {
                a += ph[k] * src[i];
            }
            acc[t] = a;
        }
    }

    private void keepHistory(int n) {
        System.arraycopy(work, n, work, 0, history);
    }

    /**
     * Resamples {@code n} float64 samples of {@code in} (native order, absolute sample index
     * {@code inIndex}) into {@code out} from {@code outIndex} as float32; returns the number written.
     */
    @Override
    public int process(ByteBuffer in, int inIndex, int n, FloatBuffer out, int outIndex) {
        int count = run(in, inIndex, n);
        for (int k = 0; k < count; k++) {
            out.put(outIndex + k, (float) acc[k]);
        }
        finish(n, count);
        return count;
    }

    /** As {@link #process(ByteBuffer, int, int, FloatBuffer, int)}, into float64 {@code out[outOff ..]}. */
    public int process(ByteBuffer in, int inIndex, int n, double[] out, int outOff) {
        int count = run(in, inIndex, n);
        System.arraycopy(acc, 0, out, outOff, count);
        finish(n, count);
        return count;
    }

    /** Resamples {@code in[inOff .. inOff + n)} into {@code out} from {@code outOff}; returns the number written. */
    @Override
    public int process(double[] in, int inOff, int n, double[] out, int outOff) {
        int count = run(in, inOff, n);
        System.arraycopy(acc, 0, out, outOff, count);
        finish(n, count);
        return count;
    }

    /** As {@link #process(double[], int, int, double[], int)}, into float32 {@code out} from {@code outIndex}. */
    public int process(double[] in, int inOff, int n, FloatBuffer out, int outIndex) {
        int count = run(in, inOff, n);
        for (int k = 0; k < count; k++) {
            out.put(outIndex + k, (float) acc[k]);
        }
        finish(n, count);
        return count;
    }

    private int run(ByteBuffer in, int inIndex, int n) {
        take(n);
        for (int i = 0; i < n; i++) {
            work[history + i] = in.getDouble((inIndex + i) << 3);
        }
        int count = outputsFor(n);
        outputs(count, inTotal);
        return count;
    }

    private int run(double[] in, int inOff, int n) {
        take(n);
        System.arraycopy(in, inOff, work, history, n);
        int count = outputsFor(n);
        outputs(count, inTotal);
        return count;
    }

    private void finish(int n, int count) {
        keepHistory(n);
        inTotal += n;
        outTotal += count;
    }
}
