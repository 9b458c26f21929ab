package org.strainline.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.strainline.gwf.Compression;
import org.strainline.gwf.FrameDecoder;
import org.strainline.gwf.GwfException;
import org.strainline.gwf.GwfReader;

/**
 * The parts of {@link GwfDecodeBenchmark}'s operations measured apart, to tell where time and
 * allocation go: {@code open()} alone, {@code read()} alone (of a file opened once), and the whole
 * llhoft decode where every operation opens a different buffer, as a daemon mapping a new file
 * every second does; and, for comparison with the bulk copy through a typed view that the decoder
 * uses, the same payload copied from a direct buffer with a loop of absolute {@code getDouble}
 * (the copy that needs no view object).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class GwfDecodeParts {
    private ByteBuffer rawFile;
    private ByteBuffer gzipFile;
    private final ByteBuffer[] rawFiles = new ByteBuffer[2];
    private int next;
    private FrameDecoder openDecoder;
    private FrameDecoder rawDecoder;
    private FrameDecoder gzipDecoder;
    private FrameDecoder newBufferDecoder;
    private final double[] strain = new double[GwfFixtures.STRAIN_RATE];
    private final double[] state = new double[GwfFixtures.STATE_RATE];
    private ByteBuffer loopSrc;
    private final double[] loopDst = new double[GwfFixtures.LLHOFT_PAYLOAD_BYTES / 8];

    @Setup(Level.Trial)
    public void setup() throws Exception {
        byte[] raw = GwfFixtures.llhoft(Compression.RAW);
        rawFile = GwfFixtures.direct(raw);
        gzipFile = GwfFixtures.direct(GwfFixtures.llhoft(Compression.GZIP));
        rawFiles[0] = GwfFixtures.direct(raw);
        rawFiles[1] = GwfFixtures.direct(raw);
        openDecoder = new FrameDecoder(false, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
        rawDecoder = new FrameDecoder(false, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
        gzipDecoder = new FrameDecoder(false, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
        newBufferDecoder = new FrameDecoder(false, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
        rawDecoder.open(rawFile, GwfDecodeBenchmark.FILE_NAME);
        gzipDecoder.open(gzipFile, GwfDecodeBenchmark.FILE_NAME);
        loopSrc = ByteBuffer.allocateDirect(GwfFixtures.LLHOFT_PAYLOAD_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        loopSrc.put(0, raw, 0, GwfFixtures.LLHOFT_PAYLOAD_BYTES);
    }

    /** {@code open()} of the raw llhoft file: header, FrEndOfFile, TOC. */
    @Benchmark
    public int openOnly() throws GwfException {
        openDecoder.open(rawFile, GwfDecodeBenchmark.FILE_NAME);
        return openDecoder.frameCount();
    }

    /** {@code read()} of the raw strain (file opened once). */
    @Benchmark
    public int readRawStrain() throws GwfException {
        return rawDecoder.read(0, GwfDecodeBenchmark.STRAIN, strain, 0);
    }

    /** {@code read()} of the gzip strain (file opened once). */
    @Benchmark
    public int readGzipStrain() throws GwfException {
        return gzipDecoder.read(0, GwfDecodeBenchmark.STRAIN, strain, 0);
    }

    /** The raw llhoft decode, each operation on another buffer (same bytes): a new mapped file each time. */
    @Benchmark
    public int decodeRawNewBufferEachOp() throws GwfException {
        ByteBuffer file = rawFiles[next];
        next ^= 1;
        FrameDecoder d = newBufferDecoder;
        d.open(file, GwfDecodeBenchmark.FILE_NAME);
        int n = d.read(0, GwfDecodeBenchmark.STRAIN, strain, 0);
        return n + d.read(0, GwfDecodeBenchmark.STATE_VECTOR, state, 0);
    }

    /** The llhoft raw payload size copied direct buffer → double[] with absolute {@code getDouble}, no view. */
    @Benchmark
    public double[] copyGetDoubleLoop() {
        ByteBuffer b = loopSrc;
        double[] d = loopDst;
        for (int i = 0; i < d.length; i++) {
            d[i] = b.getDouble(8 * i);
        }
        return d;
    }
}
