package org.strainline.benchmarks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.strainline.gwf.ChannelName;
import org.strainline.gwf.Compression;
import org.strainline.gwf.FrameDecoder;
import org.strainline.gwf.GwfException;
import org.strainline.gwf.GwfReader;

/**
 * Hot-path decoding of one-second frames held in direct buffers (as a memory map would hold
 * them) with {@link FrameDecoder}: every operation is {@code open()} plus {@code read()} of every
 * channel into preallocated arrays. Baselines measured in the same run give the ratios the
 * targets are stated in:
 *
 * <ul>
 *   <li>{@code baselineMemcpy}: the raw payload bytes of an llhoft frame copied from a direct
 *       buffer into a {@code double[]} through a preallocated {@code asDoubleBuffer()} view (the
 *       least work a raw decode into {@code double[]} must do). This is the "memcpy" of the ratios.
 *   <li>{@code baselineArraycopy}: {@code System.arraycopy} of a {@code byte[]} of the same size
 *       (heap to heap; for reference).
 *   <li>{@code baselineInflate}: a bare {@link Inflater} ({@code reset()} per stream) expanding the
 *       zlib streams stored in the gzip llhoft file (strain and state vector) from a direct buffer
 *       into a preallocated direct buffer, as the decoder does before its copy.
 *   <li>{@code baselineInflateDetchar}: the same for the 20 streams of the lldetchar file.
 * </ul>
 *
 * Bandwidths are payload bytes (expanded data: {@link GwfFixtures#LLHOFT_PAYLOAD_BYTES},
 * {@link GwfFixtures#DETCHAR_PAYLOAD_BYTES}) per second; {@link GwfRatios} derives them from the
 * JSON results.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class GwfDecodeBenchmark {
    static final String FILE_NAME = "H-H1_llhoft-1400000000-1.gwf";
    static final ChannelName STRAIN = ChannelName.of(GwfFixtures.STRAIN);
    static final ChannelName STATE_VECTOR = ChannelName.of(GwfFixtures.STATE_VECTOR);

    // files, each with its own decoder (a decoder reopening the same buffer reuses its views)
    private ByteBuffer rawFile;
    private ByteBuffer gzipFile;
    private ByteBuffer detcharFile;
    private FrameDecoder rawDecoder;
    private FrameDecoder gzipDecoder;
    private FrameDecoder detcharDecoder;
    private FrameDecoder rawVerifyingDecoder;
    private FrameDecoder gzipVerifyingDecoder;

    // destinations
    private final double[] strain = new double[GwfFixtures.STRAIN_RATE];
    private final double[] state = new double[GwfFixtures.STATE_RATE];
    private ChannelName[] detcharNames;
    private float[][] detchar;

    // baselines
    private DoubleBuffer memcpyView;
    private double[] memcpyDst;
    private byte[] arraycopySrc;
    private byte[] arraycopyDst;
    private Inflater inflater;
    private ByteBuffer zStrain;
    private ByteBuffer zState;
    private ByteBuffer[] zDetchar;
    private ByteBuffer inflated;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        byte[] raw = GwfFixtures.llhoft(Compression.RAW);
        byte[] gzip = GwfFixtures.llhoft(Compression.GZIP);
        byte[] det = GwfFixtures.detchar();
        rawFile = GwfFixtures.direct(raw);
        gzipFile = GwfFixtures.direct(gzip);
        detcharFile = GwfFixtures.direct(det);
        rawDecoder = new FrameDecoder(false, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
        gzipDecoder = new FrameDecoder(false, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
        detcharDecoder = new FrameDecoder(false, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
        rawVerifyingDecoder = new FrameDecoder(true, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
        gzipVerifyingDecoder = new FrameDecoder(true, GwfReader.DEFAULT_MAX_VECTOR_BYTES);

        String[] names = GwfFixtures.detcharNames();
        int[] rates = GwfFixtures.detcharRates();
        detcharNames = new ChannelName[names.length];
        detchar = new float[names.length][];
        for (int k = 0; k < names.length; k++) {
            detcharNames[k] = ChannelName.of(names[k]);
            detchar[k] = new float[rates[k]];
        }

        ByteBuffer memcpySrc = ByteBuffer.allocateDirect(GwfFixtures.LLHOFT_PAYLOAD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        memcpySrc.put(0, raw, 0, GwfFixtures.LLHOFT_PAYLOAD_BYTES);
        memcpyView = memcpySrc.asDoubleBuffer();
        memcpyDst = new double[GwfFixtures.LLHOFT_PAYLOAD_BYTES / 8];
        arraycopySrc = java.util.Arrays.copyOf(raw, GwfFixtures.LLHOFT_PAYLOAD_BYTES);
        arraycopyDst = new byte[GwfFixtures.LLHOFT_PAYLOAD_BYTES];

        inflater = new Inflater();
        zStrain = GwfFixtures.storedPayload(gzip, GwfFixtures.STRAIN, Compression.GZIP);
        zState = GwfFixtures.storedPayload(gzip, GwfFixtures.STATE_VECTOR, Compression.GZIP);
        zDetchar = new ByteBuffer[names.length];
        for (int k = 0; k < names.length; k++) {
            zDetchar[k] = GwfFixtures.storedPayload(det, names[k], Compression.GZIP);
        }
        inflated = ByteBuffer.allocateDirect(Math.max(GwfFixtures.LLHOFT_PAYLOAD_BYTES, GwfFixtures.DETCHAR_PAYLOAD_BYTES));

        check();
    }

    /** Every benchmark once, checked against the data the files were made from. */
    private void check() throws Exception {
        double[] wantStrain = GwfFixtures.strain(42);
        for (FrameDecoder d : new FrameDecoder[] {rawDecoder, gzipDecoder, rawVerifyingDecoder, gzipVerifyingDecoder}) {
            java.util.Arrays.fill(strain, 0);
            java.util.Arrays.fill(state, 0);
            ByteBuffer file = d == rawDecoder || d == rawVerifyingDecoder ? rawFile : gzipFile;
            int n = llhoft(d, file);
            if (n != GwfFixtures.STRAIN_RATE + GwfFixtures.STATE_RATE || !java.util.Arrays.equals(strain, wantStrain)
                    || state[0] != GwfFixtures.STATE_OK || state[GwfFixtures.STATE_RATE - 1] != GwfFixtures.STATE_OK) {
                throw new IllegalStateException("llhoft decode does not give back the data written");
            }
        }
        gzipDecoder.open(gzipFile, FILE_NAME);
        gzipDecoder.read(0, STRAIN, strain, 0);
        if ((gzipDecoder.lastCompress() & 0xFF) != Compression.GZIP) {
            throw new IllegalStateException("strain of the gzip file is stored " + Compression.name(gzipDecoder.lastCompress()));
        }
        if (decodeDetchar() != GwfFixtures.DETCHAR_PAYLOAD_BYTES / 4) {
            throw new IllegalStateException("lldetchar decode gives the wrong number of samples");
        }
        for (int k = 0; k < detchar.length; k++) {
            if (!java.util.Arrays.equals(detchar[k], GwfFixtures.detcharData(k))) {
                throw new IllegalStateException("lldetchar channel " + k + " does not decode to the data written");
            }
        }
        if (baselineInflate() != GwfFixtures.LLHOFT_PAYLOAD_BYTES
                || baselineInflateDetchar() != GwfFixtures.DETCHAR_PAYLOAD_BYTES) {
            throw new IllegalStateException("the zlib streams do not expand to the payload size");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inflater.end();
    }

    private int llhoft(FrameDecoder d, ByteBuffer file) throws GwfException {
        d.open(file, FILE_NAME);
        int n = d.read(0, STRAIN, strain, 0);
        return n + d.read(0, STATE_VECTOR, state, 0);
    }

    // ------------------------------------------------------------------ the hot API

    /** (a) llhoft frame, raw vectors: open + strain + state vector into double[]. */
    @Benchmark
    public int decodeRaw() throws GwfException {
        return llhoft(rawDecoder, rawFile);
    }

    /** (b) llhoft frame, gzip vectors. */
    @Benchmark
    public int decodeGzip() throws GwfException {
        return llhoft(gzipDecoder, gzipFile);
    }

    /** (c) lldetchar frame: open + 20 gzip REAL_4 channels into float[]. */
    @Benchmark
    public int decodeDetchar() throws GwfException {
        FrameDecoder d = detcharDecoder;
        d.open(detcharFile, FILE_NAME);
        int n = 0;
        for (int k = 0; k < detcharNames.length; k++) {
            n += d.read(0, detcharNames[k], detchar[k], 0);
        }
        return n;
    }

    /** (a) with the CRC of the TOC, each channel and each vector verified. */
    @Benchmark
    public int decodeRawVerified() throws GwfException {
        return llhoft(rawVerifyingDecoder, rawFile);
    }

    /** (b) with checksums verified. */
    @Benchmark
    public int decodeGzipVerified() throws GwfException {
        return llhoft(gzipVerifyingDecoder, gzipFile);
    }

    // ------------------------------------------------------------------ baselines

    /** The llhoft raw payload size copied direct buffer → double[] through a preallocated view. */
    @Benchmark
    public double[] baselineMemcpy() {
        memcpyView.get(0, memcpyDst, 0, memcpyDst.length);
        return memcpyDst;
    }

    /** The llhoft raw payload size copied byte[] → byte[]. */
    @Benchmark
    public byte[] baselineArraycopy() {
        System.arraycopy(arraycopySrc, 0, arraycopyDst, 0, arraycopySrc.length);
        return arraycopyDst;
    }

    /** A bare Inflater expanding the llhoft file's two zlib streams (direct → direct). */
    @Benchmark
    public int baselineInflate() throws DataFormatException {
        ByteBuffer out = inflated;
        out.clear();
        inflate(zStrain, out);
        inflate(zState, out);
        return out.position();
    }

    /** A bare Inflater expanding the lldetchar file's 20 zlib streams (direct → direct). */
    @Benchmark
    public int baselineInflateDetchar() throws DataFormatException {
        ByteBuffer out = inflated;
        out.clear();
        for (ByteBuffer z : zDetchar) {
            inflate(z, out);
        }
        return out.position();
    }

    private void inflate(ByteBuffer z, ByteBuffer out) throws DataFormatException {
        Inflater inf = inflater;
        inf.reset();
        z.clear();
        inf.setInput(z);
        while (!inf.finished()) {
            if (inf.inflate(out) == 0 && (inf.needsInput() || inf.needsDictionary() || !out.hasRemaining())) {
                throw new DataFormatException("zlib stream ends early");
            }
        }
    }
}
