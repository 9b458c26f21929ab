package org.strainline.gwf;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the codec with Jazzer: any input may be refused with
 * {@link GwfException}, nothing else may escape (no {@code IndexOutOfBoundsException},
 * {@code NegativeArraySizeException}, {@code OutOfMemoryError}, and no hang).
 *
 * <p>Every file of the corpus ({@code -Dgwf.corpus}) is a seed: without {@code JAZZER_FUZZ} the
 * target runs once on each of them (regression mode); with {@code JAZZER_FUZZ=1} (set for
 * failsafe in this module's pom) Jazzer mutates them for a bounded time. The pom also keeps the
 * generated corpus, findings and reproducers under {@code target/jazzer}. A crash file can be
 * replayed by putting it in {@code src/test/resources/org/strainline/gwf/GwfFuzzITInputs/readAndDecode/},
 * which then runs as a regression input in every build.
 *
 * <p>The target reads with {@link GwfReader} ({@link ChecksumPolicy#REPORT}) and decodes every
 * vector of every channel and every auxiliary vector, queries the TOC, and, where the hot-path
 * {@code FrameDecoder} is present, opens the same bytes with it and reads every channel it can
 * name.
 */
class GwfFuzzIT {
    /** Largest channel the hot-path read accepts here (values); larger ones are refused with GwfException. */
    private static final int MAX_VALUES = 1 << 20;
    /** Frames of a TOC queried; a fuzzed TOC may claim millions. */
    private static final int MAX_FRAMES = 64;
    /** Channel names of one list looked up. */
    private static final int MAX_NAMES = 64;

    @BeforeAll
    static void requireCorpus() {
        Path dir = corpusDir();
        if (dir == null || !Files.isDirectory(dir)) {
            String message = "GWF corpus not found at " + (dir == null ? "<unset>" : dir.toAbsolutePath())
                    + " (system property gwf.corpus): GwfFuzzIT needs its files as seeds and is skipped";
            // the build log does not show why a whole class was skipped, so say it here too
            System.err.println(message);
            assumeTrue(false, message);
        }
    }

    /** The corpus folder: system property gwf.corpus (set by the build), else beside the checkout. */
    private static Path corpusDir() {
        String p = System.getProperty("gwf.corpus", "../../shared/gwf-corpus");
        return p.isEmpty() ? null : Path.of(p);
    }

    /**
     * The seeds: every corpus file, and of each file with more than one frame (or a TOC) a small
     * excerpt that holds its first frame only, so that the fuzzer has small complete files of every
     * kind to mutate (libFuzzer cuts seeds longer than its -max_len, which the pom sets).
     */
    static Stream<Arguments> corpus() throws IOException {
        Path dir = corpusDir();
        if (dir == null || !Files.isDirectory(dir)) {
            return Stream.empty();
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".gwf"))
                    .sorted()
                    .collect(Collectors.toList());
        }
        List<Arguments> seeds = new ArrayList<>();
        for (Path f : files) {
            String name = dir.relativize(f).toString();
            byte[] bytes = Files.readAllBytes(f);
            seeds.add(Arguments.of(Named.of(name, bytes)));
            byte[] first = firstFrame(bytes);
            if (first != null) {
                seeds.add(Arguments.of(Named.of(name + " (first frame only)", first)));
            }
        }
        return seeds.stream();
    }

    /**
     * The file cut after its first FrEndOfFrame, keeping the dictionary records (FrSH, FrSE) that
     * come later, and closed with its own FrEndOfFile (nFrames, nBytes and seekTOC patched; the
     * checksums no longer match, which REPORT only records); null where that is not shorter or the
     * file is not a v6-v8 frame file. Works on the bytes alone.
     */
    static byte[] firstFrame(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        int size = file.length;
        if (size < 40 || file[0] != 'I' || file[1] != 'G' || file[2] != 'W' || file[3] != 'D' || file[4] != 0) {
            return null;
        }
        int version = file[5];
        if (version < 6 || version > 8) {
            return null;
        }
        b.order((file[12] & 0xFF) == 0x12 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int eofLen = version >= 8 ? 46 : 42;
        int eof = size - eofLen;
        if (eof < 40 || b.getLong(eof) != eofLen) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(file, 0, 40);
        int endOfFrameId = -1;
        boolean cut = false;
        for (int pos = 40; pos < eof; ) {
            long len = eof - pos < 14 ? -1 : b.getLong(pos);
            if (len < 14 || len > eof - pos) {
                return null;
            }
            int classId = version >= 8 ? file[pos + 9] & 0xFF : b.getShort(pos + 8) & 0xFFFF;
            if (classId == 1 && len >= 18) {
                int n = b.getShort(pos + 14) & 0xFFFF;
                if (16 + n + 2 <= len) {
                    String type = new String(file, pos + 16, n, StandardCharsets.ISO_8859_1).replace("\0", "");
                    if (type.equals("FrEndOfFrame")) {
                        endOfFrameId = b.getShort(pos + 16 + n) & 0xFFFF;
                    }
                }
            }
            if (!cut || classId == 1 || classId == 2) {
                out.write(file, pos, (int) len);
            }
            cut |= classId == endOfFrameId;
            pos += (int) len;
        }
        int end = out.size();
        if (!cut || end + eofLen >= size) {
            return null;
        }
        out.write(file, eof, eofLen);
        ByteBuffer o = ByteBuffer.wrap(out.toByteArray()).order(b.order());
        o.putInt(end + 14, 1);
        o.putLong(end + 18, o.capacity());
        o.putLong(version >= 8 ? end + 26 : end + 34, 0);
        return o.array();
    }

    @MethodSource("corpus")
    @FuzzTest(maxDuration = "2m")
    void readAndDecode(byte[] input) throws Throwable {
        Set<String> channels = new LinkedHashSet<>();
        readFully(input, channels);
        HotPath.exercise(input, channels);
    }

    // ------------------------------------------------------------------ whole-file reader

    /** Reads and decodes everything; adds the names of the channels seen to {@code channels}. */
    private static void readFully(byte[] input, Set<String> channels) {
        GwfFile file;
        try {
            file = new GwfReader(ChecksumPolicy.REPORT).read(ByteBuffer.wrap(input), "fuzz-input");
        } catch (GwfException refused) {
            return;
        }
        file.checksums().allOk();
        file.warnings().size();
        file.dictionary().size();
        for (Frame frame : file.frames()) {
            for (Channel channel : frame.channels()) {
                channels.add(channel.name());
                channel.sampleRate();
                channel.timeOffset();
                for (Vect v = channel.data(); v != null; v = v.next()) {
                    decode(v);
                }
            }
            for (Vect aux : frame.auxData()) {
                decode(aux);
            }
            frame.detectors().forEach(Struct::toString);
            frame.history().forEach(Struct::toString);
            frame.events().forEach(Struct::toString);
        }
        queryToc(file.toc());
    }

    /** Decodes a vector to its own array type and to float64; either may refuse the data with GwfException. */
    private static void decode(Vect v) {
        v.toString();
        v.sampleRate();
        try {
            v.toArray();
            if (v.type() != VectType.STRING) {
                v.toDoubles();
            }
        } catch (GwfException refused) {
            // bad data are refused
        }
    }

    private static void queryToc(Toc toc) {
        if (toc == null) {
            return;
        }
        int frames = Math.min(toc.frameCount(), MAX_FRAMES);
        for (int f = 0; f < frames; f++) {
            toc.gpsS(f);
            toc.gpsNs(f);
            toc.durationS(f);
            toc.frameOffset(f);
        }
        toc.dictionary();
        toc.serNames();
        toc.detectorNames();
        List<List<String>> lists = List.of(toc.adcNames(), toc.procNames(), toc.simNames());
        Channel.Kind[] kinds = {Channel.Kind.ADC, Channel.Kind.PROC, Channel.Kind.SIM};
        for (int k = 0; k < kinds.length; k++) {
            List<String> names = lists.get(k);
            for (String name : names.subList(0, Math.min(names.size(), MAX_NAMES))) {
                for (int f = 0; f < frames; f++) {
                    toc.channelPosition(kinds[k], name, f);
                }
            }
        }
    }

    // ------------------------------------------------------------------ hot path

    /**
     * The hot-path decoder, reached by reflection so that this test compiles and runs whether or
     * not {@code FrameDecoder} is there. Expected shape: {@code new FrameDecoder(boolean
     * verifyChecksums, long maxVectorBytes)}, {@code open(ByteBuffer, String)}, {@code frameCount()},
     * {@code toc()}, {@code read(int frame, ChannelName, double[]/float[], int off)} and
     * {@code read(int frame, ChannelName, ByteBuffer, boolean asDouble)}, with
     * {@code ChannelName.of(String)}. Where the class exists in another shape, a notice is printed
     * once and only the whole-file reader is fuzzed.
     */
    static final class HotPath {
        private static final Constructor<?> NEW;
        private static final Method OPEN;
        private static final Method FRAME_COUNT;
        private static final Method TOC;
        private static final Method READ_DOUBLES;
        private static final Method READ_FLOATS;
        private static final Method READ_BUFFER;
        private static final Method CHANNEL_NAME;

        static {
            Constructor<?> ctor = null;
            Method open = null;
            Method frameCount = null;
            Method toc = null;
            Method readDoubles = null;
            Method readFloats = null;
            Method readBuffer = null;
            Method channelName = null;
            try {
                Class<?> decoder = Class.forName("org.strainline.gwf.FrameDecoder");
                Class<?> name = Class.forName("org.strainline.gwf.ChannelName");
                ctor = decoder.getConstructor(boolean.class, long.class);
                open = decoder.getMethod("open", ByteBuffer.class, String.class);
                frameCount = decoder.getMethod("frameCount");
                toc = decoder.getMethod("toc");
                readDoubles = decoder.getMethod("read", int.class, name, double[].class, int.class);
                readFloats = decoder.getMethod("read", int.class, name, float[].class, int.class);
                readBuffer = decoder.getMethod("read", int.class, name, ByteBuffer.class, boolean.class);
                channelName = name.getMethod("of", String.class);
            } catch (ClassNotFoundException absent) {
                ctor = null;
            } catch (NoSuchMethodException other) {
                System.err.println("GwfFuzzIT: FrameDecoder has an API this test does not know ("
                        + other.getMessage() + "); the hot path is not fuzzed. Update GwfFuzzIT.HotPath.");
                ctor = null;
            }
            NEW = ctor;
            OPEN = open;
            FRAME_COUNT = frameCount;
            TOC = toc;
            READ_DOUBLES = readDoubles;
            READ_FLOATS = readFloats;
            READ_BUFFER = readBuffer;
            CHANNEL_NAME = channelName;
        }

        private static final double[] DOUBLES = new double[MAX_VALUES];
        private static final float[] FLOATS = new float[MAX_VALUES];
        private static final ByteBuffer DIRECT = ByteBuffer.allocateDirect(8 * MAX_VALUES).order(ByteOrder.LITTLE_ENDIAN);

        /**
         * Opens the input with a fresh decoder (so that a finding reproduces from its input alone)
         * and reads every channel it can name (from its TOC and from the whole-file reader) in
         * every way, in the first, second and last frame and in two frames that are not there;
         * then once more with checksums verified.
         */
        static void exercise(byte[] input, Set<String> channels) throws Throwable {
            if (NEW == null) {
                return;
            }
            for (boolean verify : new boolean[] {false, true}) {
                try {
                    Object decoder = NEW.newInstance(verify, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
                    OPEN.invoke(decoder, ByteBuffer.wrap(input), "fuzz-input");
                    readAll(decoder, channels, verify);
                } catch (InvocationTargetException e) {
                    if (!(e.getCause() instanceof GwfException)) {
                        throw e.getCause();
                    }
                }
            }
        }

        /** Reads the channels; {@code quick}: frame 0 into double[] only (the pass with checksums verified). */
        private static void readAll(Object decoder, Set<String> channels, boolean quick) throws Throwable {
            int frames = (Integer) FRAME_COUNT.invoke(decoder);
            Toc toc = (Toc) TOC.invoke(decoder);
            Set<String> names = new LinkedHashSet<>(channels);
            if (toc != null) {
                if (!quick) {
                    queryToc(toc);
                }
                names.addAll(toc.adcNames());
                names.addAll(toc.procNames());
                names.addAll(toc.simNames());
            }
            names.add("no such channel");
            int[] which = quick ? new int[] {0} : new int[] {0, 1, frames - 1, -1, frames};
            int n = 0;
            for (String name : names) {
                if (n++ == MAX_NAMES) {
                    break;
                }
                Object channel = CHANNEL_NAME.invoke(null, name);
                for (int f : Arrays.stream(which).distinct().toArray()) {
                    readOne(decoder, f, channel, quick);
                }
            }
        }

        private static void readOne(Object decoder, int frame, Object channel, boolean quick) throws Throwable {
            try {
                READ_DOUBLES.invoke(decoder, frame, channel, DOUBLES, 0);
                if (quick) {
                    return;
                }
                READ_FLOATS.invoke(decoder, frame, channel, FLOATS, 0);
                DIRECT.clear();
                READ_BUFFER.invoke(decoder, frame, channel, DIRECT, true);
                DIRECT.clear();
                READ_BUFFER.invoke(decoder, frame, channel, DIRECT, false);
            } catch (InvocationTargetException e) {
                if (!(e.getCause() instanceof GwfException)) {
                    throw e.getCause();
                }
            }
        }
    }
}
