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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.strainline.kernels.OverlapAggregator;
import org.strainline.kernels.Resampler;
import org.strainline.kernels.Sos;
import org.strainline.kernels.StreamResampler;
import org.strainline.kernels.Welch;
import org.strainline.kernels.Whitener;
import org.strainline.kernels.ZeroPhaseBandpass;

/**
 * One second of data through each CPU kernel, per operation: strain resampling 16384 → 4096 and
 * → 2048 Hz, one witness 512 → 4096 Hz, overlap aggregation of a second of DeepClean windows
 * (512 × 4096, 0.5-s latency), the zero-phase 58–62 Hz band-pass of a second (4 s history, 1 s
 * look-ahead), BBHnet's 64-s median Welch PSD (2.5-s segments at 2048 Hz), and whitening of one
 * second (a 3-s span: the second plus 1 s either side, 1-s filter, 32 Hz high-pass).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignalBenchmark {
    private Resampler to4096;
    private Resampler to2048;
    private Resampler witness;
    private StreamResampler to4096TwoStage;
    private StreamResampler witnessTwoStage;
    private ByteBuffer strain;
    private ByteBuffer witnessIn;
    private FloatBuffer out;
    private OverlapAggregator aggregator;
    private FloatBuffer predictions;
    private long windowEnd;
    private ZeroPhaseBandpass bandpass;
    private FloatBuffer second4096;
    private Welch welch;
    private double[] psdIn;
    private double[] psd;
    private Whitener whitener;
    private double[] whiteOut;

    @Setup
    public void setup() {
        Random r = new Random(1);
        to4096 = new Resampler(16384, 4096, 16384);
        to2048 = new Resampler(16384, 2048, 16384);
        witness = new Resampler(512, 4096, 512);
        to4096TwoStage = StreamResampler.of(16384, 4096, 16384);
        witnessTwoStage = StreamResampler.of(512, 4096, 512);
        strain = ByteBuffer.allocateDirect(8 * 16384).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 16384; i++) {
            strain.putDouble(8 * i, r.nextGaussian());
        }
        witnessIn = ByteBuffer.allocateDirect(8 * 512).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 512; i++) {
            witnessIn.putDouble(8 * i, r.nextGaussian());
        }
        out = SnapshotBenchmark.direct(4096);
        aggregator = new OverlapAggregator(4096, 8, 2048);
        predictions = SnapshotBenchmark.direct(512 * 4096);
        for (int i = 0; i < predictions.capacity(); i++) {
            predictions.put(i, (float) r.nextGaussian());
        }
        windowEnd = 0;
        bandpass = new ZeroPhaseBandpass(Sos.butterBandpass(8, 58, 62, 4096), 4 * 4096, 4096, 2048, 4096);
        second4096 = SnapshotBenchmark.direct(4096);
        for (int i = 0; i < 4096; i++) {
            second4096.put(i, (float) r.nextGaussian());
        }
        welch = new Welch(5120, 2048, Welch.Average.MEDIAN, 64);
        psdIn = new double[64 * 2048];
        for (int i = 0; i < psdIn.length; i++) {
            psdIn[i] = r.nextGaussian();
        }
        psd = new double[welch.bins()];
        welch.psd(psdIn, 0, psdIn.length, psd);
        whitener = new Whitener(2048, 3 * 2048, 1.0, 32);
        whitener.setPsd(psd, psd.length, welch.df());
        whiteOut = new double[whitener.outputLength()];
    }

    @Benchmark
    public FloatBuffer resampleStrainTo4096() {
        to4096.process(strain, 0, 16384, out, 0);
        return out;
    }

    @Benchmark
    public FloatBuffer resampleStrainTo2048() {
        to2048.process(strain, 0, 16384, out, 0);
        return out;
    }

    @Benchmark
    public FloatBuffer resampleWitness512To4096() {
        witness.process(witnessIn, 0, 512, out, 0);
        return out;
    }

    /** What the pipeline runs: {@link StreamResampler#of}, two stages. */
    @Benchmark
    public FloatBuffer resampleStrainTo4096TwoStage() {
        to4096TwoStage.process(strain, 0, 16384, out, 0);
        return out;
    }

    @Benchmark
    public FloatBuffer resampleWitness512To4096TwoStage() {
        witnessTwoStage.process(witnessIn, 0, 512, out, 0);
        return out;
    }

    @Benchmark
    public FloatBuffer aggregateSecondOfDeepCleanWindows() {
        windowEnd += 4096;
        aggregator.add(predictions, 0, 512, windowEnd, out, 0);
        return out;
    }

    @Benchmark
    public FloatBuffer zeroPhaseBandpassSecond() {
        bandpass.process(second4096, 0, out, 0);
        return out;
    }

    @Benchmark
    public double[] welchMedian64s() {
        welch.psd(psdIn, 0, psdIn.length, psd);
        return psd;
    }

    @Benchmark
    public double[] whitenSecond() {
        whitener.whiten(psdIn, 0, whiteOut, 0);
        return whiteOut;
    }

    @Benchmark
    public double[] setPsdForWhitening() {
        whitener.setPsd(psd, psd.length, welch.df());
        return psd;
    }
}
