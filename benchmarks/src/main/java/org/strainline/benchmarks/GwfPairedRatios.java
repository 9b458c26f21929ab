package org.strainline.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * The target ratios measured in interleaved pairs, to see through load that changes during a run
 * (other processes on a small machine move JMH's per-benchmark figures by tens of percent between
 * runs). Each round times a block of decode operations and a block of baseline operations of about
 * the same length back to back, alternating which goes first; the ratio of each round is the
 * baseline's time over the decode's (the pairs process the same payload, so this is the bandwidth
 * ratio) and the report gives the median and quartiles of the rounds.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.strainline.benchmarks.GwfPairedRatios [rounds]</pre>
 */
public final class GwfPairedRatios {
    private static final double BLOCK_S = 0.05;
    private static final double WARM_S = 3;

    private GwfPairedRatios() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        GwfDecodeBenchmark b = new GwfDecodeBenchmark();
        b.setup();
        System.out.println("| pair (same payload) | median bandwidth ratio | quartiles | rounds | target | verdict |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        pair("raw decode / memcpy", b::decodeRaw, () -> b.baselineMemcpy().length, rounds, 0.5);
        pair("gzip decode / bare Inflater", b::decodeGzip, b::baselineInflate, rounds, 0.9);
        pair("lldetchar decode / bare Inflater", b::decodeDetchar, b::baselineInflateDetchar, rounds, 0.9);
        b.tearDown();
    }

    private static void pair(String label, GwfAllocCheck.Op decode, GwfAllocCheck.Op baseline, int rounds, double target)
            throws Exception {
        long sink = 0;
        long until = System.nanoTime() + (long) (WARM_S * 1e9);
        long nDecode = 0;
        long nBase = 0;
        long tDecode = 0;
        long tBase = 0;
        while (System.nanoTime() < until) {
            long t0 = System.nanoTime();
            sink += decode.run();
            long t1 = System.nanoTime();
            sink += baseline.run();
            long t2 = System.nanoTime();
            tDecode += t1 - t0;
            tBase += t2 - t1;
            nDecode++;
            nBase++;
        }
        long mDecode = Math.max(1, (long) (BLOCK_S * 1e9 * nDecode / tDecode));
        long mBase = Math.max(1, (long) (BLOCK_S * 1e9 * nBase / tBase));
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long d;
            long bl;
            if ((r & 1) == 0) {
                d = block(decode, mDecode);
                bl = block(baseline, mBase);
            } else {
                bl = block(baseline, mBase);
                d = block(decode, mDecode);
            }
            // ns per op of each; bandwidth ratio = baseline time / decode time
            ratios[r] = ((double) bl / mBase) / ((double) d / mDecode);
        }
        Arrays.sort(ratios);
        double median = quantile(ratios, 0.5);
        System.out.println(String.format(Locale.ROOT, "| %s | %.2f | %.2f – %.2f | %d | ≥ %s | %s |", label, median,
                quantile(ratios, 0.25), quantile(ratios, 0.75), rounds, target, median >= target ? "met" : "MISSED")
                + (sink == 42 ? " " : ""));
    }

    private static long block(GwfAllocCheck.Op op, long n) throws Exception {
        long sink = 0;
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            sink += op.run();
        }
        long t = System.nanoTime() - t0;
        return sink == Long.MIN_VALUE ? t + 1 : t;
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
