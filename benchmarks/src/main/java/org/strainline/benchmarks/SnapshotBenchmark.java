package org.strainline.benchmarks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.strainline.kernels.SnapshotState;

/**
 * The CPU snapshot: one operation is {@code update} with the {@code batch * stride} new samples of
 * every channel, then {@code windows(batch, stride)} into the engine's input tensor
 * {@code (batch, C, K)} — what a stage does per inference call. {@code memcpy} copies the same
 * number of bytes (the tensor's) from one direct buffer to another: the physical limit the
 * windows are measured against.
 *
 * <ul>
 * <li>deepclean: C = 21 witnesses, K = 4096 (1 s at 4096 Hz), stride 8 (512 Hz inference);</li>
 * <li>bbhnet: C = 2 (H1, L1), K = 3072 (1.5 s at 2048 Hz), stride 4 (512 Hz inference).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SnapshotBenchmark {
    @Param({"deepclean", "bbhnet"})
    public String shape;

    @Param({"64", "256", "512"})
    public int batch;

    private int channels;
    private int window;
    private int stride;
    private SnapshotState state;
    private FloatBuffer fresh;
    private FloatBuffer tensor;
    private FloatBuffer source;

    @Setup
    public void setup() {
        boolean dc = shape.equals("deepclean");
        channels = dc ? 21 : 2;
        window = dc ? 4096 : 3072;
        stride = dc ? 8 : 4;
        state = new SnapshotState(channels, window, batch, stride, 0);
        int n = batch * stride;
        fresh = direct(channels * n);
        Random r = new Random(1);
        for (int i = 0; i < fresh.capacity(); i++) {
            fresh.put(i, (float) r.nextGaussian());
        }
        int floats = batch * channels * window;
        tensor = direct(floats);
        source = direct(floats);
        for (int i = 0; i < 4 * window / n + 2; i++) {
            state.update(fresh, 0, n);
        }
    }

    static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Bytes written to the tensor per operation. */
    public long tensorBytes() {
        return 4L * batch * channels * window;
    }

    @Benchmark
    public FloatBuffer updateAndWindows() {
        state.update(fresh, 0, batch * stride);
        state.windows(batch, stride, tensor, 0);
        return tensor;
    }

    @Benchmark
    public FloatBuffer memcpy() {
        tensor.put(0, source, 0, batch * channels * window);
        return tensor;
    }
}
