package org.strainline.daemon.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.gwf.ChecksumPolicy;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfFile;
import org.strainline.gwf.GwfReader;

class CleanedFramesTest {
    private static final String STRAIN = "H1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ";
    private static final String FLAGS = "H1:GDS-CALIB_STRAIN_DEEPCLEAN_FLAGS";
    private static final long G = 1_400_000_000L;

    @TempDir
    Path tmp;

    private CleanedFrames frames(Path dir, int retain) throws Exception {
        return new CleanedFrames(dir, "H-H1_llhoft_cleaned", STRAIN, FLAGS, 4096, "strainline: DeepClean deepclean-h1/1", retain);
    }

    private static CleanedSecond second(long gps, int flags) {
        CleanedSecond s = new CleanedSecond("H1", 4096);
        s.set(gps, flags, "deepclean-h1/1");
        for (int i = 0; i < 4096; i++) {
            s.samples().put(i, (float) (1e-21 * Math.sin(i + gps)));
        }
        return s;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void eachSecondIsAFrameFileUnderItsLlhoftStyleName() throws Exception {
        Path dir = tmp.resolve("H1");
        CleanedFrames f = frames(dir, 300);
        CleanedSecond s = second(G + 7, CleanedSecond.GATED);
        assertTrue(f.write(s));
        assertEquals(List.of("H-H1_llhoft_cleaned-1400000007-1.gwf"), names(dir), "no temporary file left");
        GwfFile file = new GwfReader(ChecksumPolicy.VERIFY).readFile(dir.resolve("H-H1_llhoft_cleaned-1400000007-1.gwf"));
        Frame fr = file.frames().get(0);
        assertEquals(G + 7, fr.gpsS());
        assertEquals(1.0, fr.durationS());
        float[] want = new float[4096];
        s.samples().get(0, want);
        assertArrayEquals(want, fr.channel(STRAIN).data().toFloats());
        assertEquals(4096.0, fr.channel(STRAIN).sampleRate());
        assertEquals(CleanedSecond.GATED, ((int[]) fr.channel(FLAGS).data().toArray())[0]);
        assertEquals(1, f.written());
    }

    @Test
    void onlyTheNewestRetainedSecondsAreKept() throws Exception {
        Path dir = tmp.resolve("H1");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("H-H1_llhoft_cleaned-1399999000-1.gwf"), "from an earlier run");
        Files.writeString(dir.resolve("other-file.txt"), "not ours");
        CleanedFrames f = frames(dir, 4);
        for (long g = G; g < G + 10; g++) {
            assertTrue(f.write(second(g, 0)));
        }
        assertTrue(f.write(second(G + 12, 0)), "after a gap");
        assertEquals(List.of("H-H1_llhoft_cleaned-1400000009-1.gwf", "H-H1_llhoft_cleaned-1400000012-1.gwf", "other-file.txt"),
                names(dir));
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsCountedNotThrown() throws Exception {
        Path dir = tmp.resolve("H1");
        CleanedFrames f = frames(dir, 10);
        Files.delete(dir);
        Files.writeString(tmp.resolve("H1"), "a file where the directory was");
        assertFalse(f.write(second(G, 0)));
        assertFalse(f.write(second(G + 1, 0)));
        assertEquals(2, f.failed());
        assertEquals(0, f.written());
    }

    @Test
    void writingASecondAllocatesNothing() throws Exception {
        Path dir = tmp.resolve("H1");
        CleanedFrames f = frames(dir, 20);
        CleanedSecond s = second(G, 0);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 300; i++) {
            s.set(G + i, 0, "deepclean-h1/1");
            f.write(s);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 300; i < 1300; i++) {
            s.set(G + i, 0, "deepclean-h1/1");
            assertTrue(f.write(s));
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes < 1000, "bytes allocated by 1000 files (one object a file would be >= 16,000): " + bytes);
        assertEquals(20, names(dir).size());
    }
}
