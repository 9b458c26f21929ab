package org.strainline.gwf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;

/** Shared fixtures: the corpus folder and deterministic test data. */
final class TestFrames {
    private TestFrames() {
    }

    /** The corpus folder, or the test is skipped with a message. */
    static Path corpus() {
        String p = System.getProperty("gwf.corpus", "../../shared/gwf-corpus");
        Path dir = Paths.get(p);
        Assumptions.assumeTrue(Files.isDirectory(dir),
                "GWF corpus not found at " + dir.toAbsolutePath() + ": corpus tests skipped");
        return dir;
    }

    static List<Path> corpusFiles() throws java.io.IOException {
        List<Path> l = new ArrayList<>();
        try (var s = Files.walk(corpus())) {
            s.filter(p -> p.toString().endsWith(".gwf")).sorted().forEach(l::add);
        }
        return l;
    }

    /**
     * An array of the Java type for {@code t}, with compressible but non-trivial values (and
     * extremes). Floating-point values stay positive: a sign flip between neighbours is a difference
     * of exactly the most negative word, which zero-suppress cannot store (FrameL then gzips).
     */
    static Object values(VectType t, int n, long seed) {
        Random r = new Random(seed);
        switch (t) {
            case CHAR:
            case CHAR_U: {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) (i % 7 == 0 ? r.nextInt() : i / 3);
                }
                return a;
            }
            case INT_2S:
            case INT_2U: {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (short) (1000 * Math.sin(i / 10.0) + r.nextInt(5));
                }
                a[0] = Short.MIN_VALUE + 1; // a difference of exactly MIN is not zero-suppressible
                a[n - 1] = Short.MAX_VALUE;
                return a;
            }
            case INT_4S:
            case INT_4U: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (int) (100000 * Math.sin(i / 10.0)) + r.nextInt(50);
                }
                a[n - 1] = Integer.MAX_VALUE;
                return a;
            }
            case INT_8S:
            case INT_8U: {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (long) (1e12 * Math.sin(i / 10.0)) + r.nextInt(50);
                }
                a[n - 1] = Long.MAX_VALUE;
                return a;
            }
            case REAL_4:
            case HALF_COMPLEX_8:
            case COMPLEX_8: {
                float[] a = new float[t.isComplex() ? 2 * n : n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = 100f + (float) Math.rint(100 * Math.sin(i / 20.0)) / 4f;
                }
                a[1] = Float.NaN;
                a[2] = Float.POSITIVE_INFINITY;
                return a;
            }
            case REAL_8:
            case HALF_COMPLEX_16:
            case COMPLEX_16: {
                double[] a = new double[t.isComplex() ? 2 * n : n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = 200.0 + Math.rint(1000 * Math.sin(i / 20.0)) / 8.0;
                }
                a[1] = Double.NaN;
                a[2] = Double.NEGATIVE_INFINITY;
                a[3] = Double.MIN_VALUE;
                return a;
            }
            case STRING: {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = "s" + i;
                }
                return a;
            }
            default:
                throw new IllegalArgumentException(t.toString());
        }
    }
}
