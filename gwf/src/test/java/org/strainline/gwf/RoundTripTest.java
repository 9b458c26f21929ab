package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RoundTripTest {
    static final int[] CODES = {Compression.RAW, Compression.GZIP, Compression.DIFF_GZIP, Compression.ZERO_SUPPRESS_2,
        Compression.ZERO_SUPPRESS_OTHERWISE_GZIP, Compression.ZERO_SUPPRESS_4, Compression.ZERO_SUPPRESS_8};

    static List<Arguments> cases() {
        List<Arguments> l = new ArrayList<>();
        for (VectType t : VectType.values()) {
            for (int code : CODES) {
                for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                    l.add(Arguments.of(t, code, o));
                }
            }
        }
        return l;
    }

    /** The stored method FrameL's rules give for a request (before the "not smaller: keep raw" rule). */
    static int expectedBase(VectType t, int code) {
        if (t == VectType.STRING || code == Compression.RAW) {
            return Compression.RAW;
        }
        int zs = t.wordBytes() == 2 ? 5 : t.wordBytes() == 4 ? 8 : t.wordBytes() == 8 ? 10 : 1;
        switch (code) {
            case Compression.GZIP: return 1;
            case Compression.DIFF_GZIP: return t.isFloating() ? 1 : 3;
            case Compression.ZERO_SUPPRESS_OTHERWISE_GZIP: return t.isFloating() ? 1 : zs;
            default: return zs;
        }
    }

    @ParameterizedTest(name = "{0} compression {1} {2}")
    @MethodSource("cases")
    void everyTypeAndCompressionRoundTripsBitExactly(VectType t, int code, ByteOrder order) throws Exception {
        int n = 1000;
        Object values = TestFrames.values(t, n, 42);
        Vect v = Vect.ofArray("X1:TEST-" + t, t, values, new long[] {n}, new double[] {1.0 / 512}, new double[] {0.25},
                new String[] {"s"}, "counts");
        Frame f = new Frame("X1", 7, 3, 1400000000L, 500_000_000L, 1.0)
                .addChannel(Channel.proc(v.name(), v).withCompression(code));
        byte[] bytes = GwfWriter.toBytes(order, Compression.RAW, f);
        GwfFile file = new GwfReader(ChecksumPolicy.VERIFY).read(ByteBuffer.wrap(bytes), "roundtrip");
        assertEquals(8, file.version());
        assertEquals(order, file.byteOrder());
        assertTrue(file.checksums().allOk());
        assertEquals(ChecksumReport.Status.OK, file.checksums().file());
        Frame g = file.frames().get(0);
        assertEquals(1400000000L, g.gpsS());
        assertEquals(500_000_000L, g.gpsNs());
        Channel c = g.channel(v.name());
        Vect r = c.data();
        assertEquals(t, r.type());
        assertEquals(n, r.nData());
        assertEquals(512.0, r.sampleRate());
        assertEquals(0.25, r.startX()[0]);
        assertEquals("counts", r.unitY());
        int base = r.compress() & 0xFF;
        int expected = expectedBase(t, code);
        assertTrue(base == expected || base == Compression.RAW, "stored " + r.compress() + ", expected " + expected);
        if (t != VectType.STRING && t.elementBytes() > 1 && code != Compression.RAW) {
            assertEquals(expected, base, "the test data compress, so the requested method is stored");
        }
        assertEquals(order == ByteOrder.LITTLE_ENDIAN ? 0x100 : 0, r.compress() & 0x100);
        assertBitsEqual(values, r.toArray());
        if (t != VectType.STRING) {
            // the hot path decodes the same values
            double[] viaReader = r.toDoubles();
            double[] viaDecoder = new double[viaReader.length];
            FrameDecoder d = new FrameDecoder();
            d.open(ByteBuffer.wrap(bytes), "roundtrip");
            assertEquals(viaReader.length, d.read(0, ChannelName.of(v.name()), viaDecoder, 0));
            assertBitsEqual(viaReader, viaDecoder);
        }
    }

    static void assertBitsEqual(Object expected, Object actual) {
        assertEquals(expected.getClass(), actual.getClass());
        int n = Array.getLength(expected);
        assertEquals(n, Array.getLength(actual));
        for (int i = 0; i < n; i++) {
            Object a = Array.get(expected, i);
            Object b = Array.get(actual, i);
            if (a instanceof Double) {
                assertEquals(Double.doubleToRawLongBits((Double) a), Double.doubleToRawLongBits((Double) b), "index " + i);
            } else if (a instanceof Float) {
                assertEquals(Float.floatToRawIntBits((Float) a), Float.floatToRawIntBits((Float) b), "index " + i);
            } else {
                assertEquals(a, b, "index " + i);
            }
        }
    }

    /** The shape of an lldetchar frame: ~20 channels at 256-16384 Hz, several frames, all kinds. */
    @Test
    void multiFrameManyRatesFileRoundTripsThroughReaderTocAndDecoder() throws Exception {
        int[] rates = {16384, 4096, 2048, 512, 256};
        Frame[] frames = new Frame[3];
        for (int k = 0; k < frames.length; k++) {
            Frame f = new Frame("H1", 1, k, 1400000000L + k, 0, 1.0);
            f.addHistory("strainline", 1400000000L, "round trip test");
            for (int i = 0; i < 20; i++) {
                int rate = rates[i % rates.length];
                float[] d = (float[]) TestFrames.values(VectType.REAL_4, rate, 100 * k + i);
                Vect v = Vect.of(String.format("H1:ASC-CH%02d", i), d, rate, 0, "ct");
                Channel c = i % 3 == 0 ? Channel.adc(v.name(), v) : i % 3 == 1 ? Channel.proc(v.name(), v) : Channel.sim(v.name(), v);
                f.addChannel(c.withCompression(CODES[i % CODES.length]));
            }
            frames[k] = f;
        }
        byte[] bytes = GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, frames);
        GwfFile file = new GwfReader().read(ByteBuffer.wrap(bytes), "lldetchar");
        assertEquals(3, file.frames().size());
        Toc toc = file.toc();
        assertEquals(3, toc.frameCount());
        List<String> all = new ArrayList<>(toc.adcNames());
        all.addAll(toc.procNames());
        all.addAll(toc.simNames());
        assertEquals(20, all.size());
        List<String> sortedAdc = new ArrayList<>(toc.adcNames());
        java.util.Collections.sort(sortedAdc);
        assertEquals(sortedAdc, toc.adcNames(), "TOC names are sorted");
        assertEquals("strainline", file.frames().get(0).history().get(0).getString("name"));
        FrameDecoder d = new FrameDecoder();
        d.open(ByteBuffer.wrap(bytes), "lldetchar");
        assertEquals(3, d.frameCount());
        for (int k = 0; k < 3; k++) {
            Frame g = file.frames().get(k);
            assertEquals(1400000000L + k, g.gpsS());
            assertEquals((1400000000L + k) * 1_000_000_000L, d.gpsStartNs(k));
            assertEquals(20, g.channels().size());
            for (int i = 0; i < 20; i++) {
                String name = String.format("H1:ASC-CH%02d", i);
                int rate = rates[i % rates.length];
                float[] expected = (float[]) TestFrames.values(VectType.REAL_4, rate, 100 * k + i);
                Channel c = g.channel(name);
                assertEquals(rate, c.sampleRate());
                assertBitsEqual(expected, c.data().toFloats());
                float[] out = new float[rate];
                assertEquals(rate, d.read(k, ChannelName.of(name), out, 0));
                assertBitsEqual(expected, out);
                assertEquals(rate, d.lastSampleRate());
            }
        }
    }

    @Test
    void decoderWritesDirectBuffersInTheirOwnOrder() throws Exception {
        double[] x = (double[]) TestFrames.values(VectType.REAL_8, 4096, 5);
        Frame f = new Frame("H1", 0, 0, 1400000000L, 0, 1.0)
                .addChannel(Channel.proc("H1:GDS-CALIB_STRAIN", Vect.of("H1:GDS-CALIB_STRAIN", x, 4096, 0, "strain")));
        byte[] bytes = GwfWriter.toBytes(f);
        FrameDecoder d = new FrameDecoder();
        d.open(ByteBuffer.wrap(bytes), "direct");
        for (ByteOrder o : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            ByteBuffer f64 = ByteBuffer.allocateDirect(8 * 4096).order(o);
            assertEquals(4096, d.read(0, ChannelName.of("H1:GDS-CALIB_STRAIN"), f64, true));
            ByteBuffer f32 = ByteBuffer.allocateDirect(4 * 4096).order(o);
            assertEquals(4096, d.read(0, ChannelName.of("H1:GDS-CALIB_STRAIN"), f32, false));
            for (int i = 0; i < 4096; i++) {
                assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(f64.getDouble(8 * i)));
                assertEquals(Float.floatToRawIntBits((float) x[i]), Float.floatToRawIntBits(f32.getFloat(4 * i)));
            }
        }
        double[] small = new double[10];
        GwfException e = org.junit.jupiter.api.Assertions.assertThrows(GwfException.class,
                () -> d.read(0, ChannelName.of("H1:GDS-CALIB_STRAIN"), small, 0));
        assertTrue(e.getMessage().contains("the destination holds 10"), e.getMessage());
        GwfException missing = org.junit.jupiter.api.Assertions.assertThrows(GwfException.class,
                () -> d.read(0, ChannelName.of("H1:NOPE"), small, 0));
        assertEquals(GwfException.Kind.NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().matches("^direct: channel 'H1:NOPE' not found$"), missing.getMessage());
        assertArrayEquals(new double[10], small);
    }
}
