package org.strainline.kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Streaming resampling of one channel, state carried across calls: a block of {@code n} inputs
 * gives the outputs whose input has been reached (for 1-s blocks exactly the output rate), and the
 * stream starts as if preceded by zeros. Output sample {@code m} stands for the input signal at
 * time {@code (m - delaySamples()) / outRateHz}.
 */
public interface StreamResampler {
    int inRateHz();

    int outRateHz();

    /** The added latency in output samples: the group delay. */
    int delaySamples();

    /** The added latency in seconds. */
    default double delaySeconds() {
        return (double) delaySamples() / outRateHz();
    }

    /** Forgets the past: the stream starts again as if preceded by zeros. */
    void reset();

    /** How many outputs the next {@code n} inputs will give. */
    int outputsFor(int n);

    /**
     * Resamples {@code n} float64 samples of {@code in} (native order, absolute sample index
     * {@code inIndex}) into {@code out} from {@code outIndex} as float32; returns the number written.
     */
    int process(ByteBuffer in, int inIndex, int n, FloatBuffer out, int outIndex);

    /** Resamples {@code in[inOff .. inOff + n)} into {@code out} from {@code outOff}; returns the number written. */
    int process(double[] in, int inOff, int n, double[] out, int outOff);

    /**
     * The resampler the pipeline uses for {@code inRateHz → outRateHz}: the two-stage design where
     * there is one ({@link TwoStageResampler#design}: the same pass band, stop band from the same
     * frequency and the same delay, for a third to a half of the work), else the one-stage
     * {@link Resampler}.
     */
    static StreamResampler of(int inRateHz, int outRateHz, int maxBlock) {
        TwoStageResampler two = TwoStageResampler.design(inRateHz, outRateHz, maxBlock);
        return two != null ? two : new Resampler(inRateHz, outRateHz, maxBlock);
    }
}
