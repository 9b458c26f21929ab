package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.strainline.gwf.ChannelName;
import org.strainline.gwf.Compression;
import org.strainline.gwf.FrameDecoder;
import org.strainline.gwf.GwfException;

/**
 * libdeflate against the JDK's Inflater: the same bytes for every stream (synthetic ones at every
 * level, and every vector of the real GWF corpus through the frame decoder), a reason and no
 * crash for corrupt ones, and no allocation per call.
 */
class LibdeflateTest {
    private static Libdeflate open() {
        Libdeflate z = Libdeflate.open();
        Assumptions.assumeTrue(z != null, "libdeflate cannot be used here (" + Libdeflate.unavailable()
                + "): the ingest uses the JDK's Inflater and these checks are skipped");
        return z;
    }

    private static byte[] deflate(byte[] plain, int level) {
        Deflater d = new Deflater(level);
        d.setInput(plain);
        d.finish();
        byte[] out = new byte[plain.length + plain.length / 100 + 1024];
        int n = d.deflate(out);
        assertTrue(d.finished());
        d.end();
        return java.util.Arrays.copyOf(out, n);
    }

    private static ByteBuffer direct(byte[] b) {
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        return d;
    }

    /** Plain data like a frame's: a smooth signal in doubles, small integers, noise. */
    private static byte[] plain(int kind, int n, long seed) {
        Random r = new Random(seed);
        ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (kind) {
                case 0 -> b.putDouble(1e-21 * Math.sin(i * 0.01) + 1e-23 * r.nextGaussian());
                case 1 -> b.putLong(i % 16 == 0 ? 3 : 1);
                default -> b.putLong(r.nextLong());
            }
        }
        return b.array();
    }

    @Test
    void everyStreamExpandsToTheBytesTheJdkExpandsItTo() throws Exception {
        try (Libdeflate z = open()) {
            for (int kind = 0; kind < 3; kind++) {
                for (int level : new int[] {0, 1, 6, 9}) {
                    byte[] plain = plain(kind, 16384, kind * 31 + level);
                    byte[] packed = deflate(plain, level);
                    // stored at an offset in a larger buffer, as in a mapped frame file, with bytes after it
                    ByteBuffer src = ByteBuffer.allocateDirect(packed.length + 100);
                    src.position(37);
                    src.put(packed).put(new byte[] {1, 2, 3});
                    src.position(37).limit(37 + packed.length + 3);
                    ByteBuffer dst = ByteBuffer.allocateDirect(plain.length + 64);
                    dst.position(16);
                    assertNull(z.inflate(src, dst, plain.length), "kind " + kind + ", level " + level);
                    assertEquals(37, src.position(), "positions as they were");
                    assertEquals(16, dst.position());
                    byte[] got = new byte[plain.length];
                    dst.get(16, got);
                    assertArrayEquals(plain, got, "kind " + kind + ", level " + level);
                    byte[] jdk = new byte[plain.length];
                    Inflater inf = new Inflater();
                    inf.setInput(packed);
                    assertEquals(plain.length, inf.inflate(jdk));
                    inf.end();
                    assertArrayEquals(jdk, got);
                }
            }
        }
    }

    @Test
    void aCorruptStreamGivesItsReasonAndNeverMoreThanTheBytesAskedFor() throws Exception {
        try (Libdeflate z = open()) {
            byte[] plain = plain(0, 4096, 5);
            byte[] packed = deflate(plain, 1);
            ByteBuffer dst = ByteBuffer.allocateDirect(plain.length * 2);
            String shorter = z.inflate(direct(packed), dst, plain.length + 8);
            assertNotNull(shorter);
            assertTrue(shorter.contains("fewer bytes than nData"), shorter);
            String longer = z.inflate(direct(packed), dst, plain.length - 8);
            assertTrue(longer.contains("more than nData"), longer);
            // a half-written file: the stream cut short
            String cut = z.inflate(direct(java.util.Arrays.copyOf(packed, packed.length / 2)), dst, plain.length);
            assertTrue(cut.startsWith("bad zlib payload"), cut);
            // a flipped byte in the data, and in the Adler-32 trailer
            byte[] flipped = packed.clone();
            flipped[packed.length / 2] ^= 0x5a;
            assertNotNull(z.inflate(direct(flipped), dst, plain.length), "a flipped byte is caught");
            byte[] trailer = packed.clone();
            trailer[packed.length - 1] ^= 1;
            assertTrue(z.inflate(direct(trailer), dst, plain.length).startsWith("bad zlib payload"), "the checksum is checked");
            // random bytes never crash it
            Random r = new Random(11);
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[1 + r.nextInt(2000)];
                r.nextBytes(junk);
                z.inflate(direct(junk), dst, 1 + r.nextInt(plain.length));
            }
            assertTrue(z.inflate(direct(packed), ByteBuffer.allocateDirect(10), plain.length).contains("exceeds the buffer"));
        }
    }

    @Test
    void aCallAllocatesNothing() throws Exception {
        try (Libdeflate z = open()) {
            byte[] plain = plain(0, 16384, 9);
            ByteBuffer src = direct(deflate(plain, 1));
            ByteBuffer dst = ByteBuffer.allocateDirect(plain.length);
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().getId();
            for (int i = 0; i < 2000; i++) {
                z.inflate(src, dst, plain.length);   // compiled
            }
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 2000; i++) {
                if (z.inflate(src, dst, plain.length) != null) {
                    throw new AssertionError("failed");
                }
            }
            long bytes = mx.getThreadAllocatedBytes(tid) - before;
            assertTrue(bytes < 2000, bytes + " bytes allocated by 2000 calls");
        }
    }

    @Test
    void everyVectorOfTheCorpusDecodesToTheSameSamplesAsWithTheJdk() throws Exception {
        Path dir = Paths.get(System.getProperty("gwf.corpus", "../../shared/gwf-corpus"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "GWF corpus not found at " + dir.toAbsolutePath() + ": corpus check skipped");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> p.toString().endsWith(".gwf")).sorted().forEach(files::add);
        }
        int zlibVectors = 0;
        int compared = 0;
        try (Libdeflate z = open()) {
            for (Path f : files) {
                if (Files.size(f) > 64L << 20) {
                    continue;
                }
                ByteBuffer buf = direct(Files.readAllBytes(f));
                FrameDecoder jdk = new FrameDecoder();
                FrameDecoder fast = new FrameDecoder().inflateWith(z);
                try {
                    jdk.open(buf, f.toString());
                } catch (GwfException e) {
                    continue;   // files the decoder refuses are the codec tests' business
                }
                fast.open(buf, f.toString());
                List<String> names = new ArrayList<>();
                names.addAll(jdk.toc().adcNames());
                names.addAll(jdk.toc().procNames());
                names.addAll(jdk.toc().simNames());
                int frames = Math.min(jdk.frameCount(), 3);
                for (int fr = 0; fr < frames; fr++) {
                    for (String name : names) {
                        ChannelName c = ChannelName.of(name);
                        String a = decode(jdk, fr, c);
                        String b = decode(fast, fr, c);
                        assertEquals(a, b, f.getFileName() + " frame " + fr + " " + name);
                        compared++;
                        int method = jdk.lastCompress() & 0xFF;
                        if (method == Compression.GZIP || method == Compression.DIFF_GZIP) {
                            zlibVectors++;
                        }
                    }
                }
            }
        }
        System.out.println("libdeflate vs JDK: " + compared + " vectors of " + files.size() + " files, " + zlibVectors + " of them zlib");
        assertTrue(zlibVectors > 0, "the corpus has zlib vectors to compare");
    }

    /** A vector's samples as a digest, or the decoder's reason for refusing it. */
    private static String decode(FrameDecoder d, int frame, ChannelName c) {
        try {
            long n = d.find(frame, c);
            ByteBuffer out = ByteBuffer.allocateDirect((int) n * 8).order(ByteOrder.nativeOrder());
            d.readFound(out, true);
            out.flip();
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(out);
            return n + " values, crc " + crc.getValue();
        } catch (GwfException e) {
            return "refused: " + e.getMessage();
        }
    }
}
