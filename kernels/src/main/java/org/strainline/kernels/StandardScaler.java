package org.strainline.kernels;

import java.nio.FloatBuffer;

/**
 * Per-channel standard scaling with a model's training statistics: {@code (x - mean) / std} on the
 * way in, {@code y * std + mean} for the prediction on the way out. Allocation free; immutable.
 */
public final class StandardScaler {
    private final float[] mean;
    private final float[] invStd;
    private final float[] std;

    public StandardScaler(double[] mean, double[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException(mean.length + " means for " + std.length + " standard deviations");
        }
        this.mean = new float[mean.length];
        this.std = new float[std.length];
        this.invStd = new float[std.length];
        for (int i = 0; i < mean.length; i++) {
            if (!(std[i] > 0) || !Double.isFinite(std[i]) || !Double.isFinite(mean[i])) {
                throw new IllegalArgumentException("channel " + i + ": mean " + mean[i] + ", std " + std[i]
                        + " (std must be positive and finite)");
            }
            this.mean[i] = (float) mean[i];
            this.std[i] = (float) std[i];
            this.invStd[i] = (float) (1.0 / std[i]);
        }
    }

    public int channels() {
        return mean.length;
    }

    /** Scales {@code n} samples of channel {@code c} in place, from {@code offset}. */
    public void scale(FloatBuffer x, int offset, int n, int c) {
        float m = mean[c];
        float k = invStd[c];
        for (int i = offset, end = offset + n; i < end; i++) {
            x.put(i, (x.get(i) - m) * k);
        }
    }

    /** Undoes {@link #scale} for {@code n} samples of channel {@code c} in place. */
    public void unscale(FloatBuffer x, int offset, int n, int c) {
        float m = mean[c];
        float s = std[c];
        for (int i = offset, end = offset + n; i < end; i++) {
            x.put(i, x.get(i) * s + m);
        }
    }
}
