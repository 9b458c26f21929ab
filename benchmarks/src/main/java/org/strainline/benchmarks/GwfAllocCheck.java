package org.strainline.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Exact per-operation allocation of the benchmark operations, counted on the calling thread alone
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}) after a warm-up that
 * lets the JIT compile them. JMH's {@code -prof gc} figure ({@code gc.alloc.rate.norm}) also
 * counts what the harness's own threads allocate, spread over the operations of an iteration: for
 * operations of a millisecond that background alone reads as tens of bytes per operation. This
 * tells the two apart.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.strainline.benchmarks.GwfAllocCheck [warm-up seconds]</pre>
 */
public final class GwfAllocCheck {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One benchmark operation. */
    @FunctionalInterface
    interface Op {
        int run() throws Exception;
    }

    private GwfAllocCheck() {
    }

    public static void main(String[] args) throws Exception {
        double warmS = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        GwfDecodeBenchmark b = new GwfDecodeBenchmark();
        b.setup();
        GwfDecodeParts p = new GwfDecodeParts();
        p.setup();
        System.out.println("| operation | allocated B/op (this thread) | ops counted |");
        System.out.println("|---|---:|---:|");
        check("decodeRaw", b::decodeRaw, warmS);
        check("decodeGzip", b::decodeGzip, warmS);
        check("decodeDetchar", b::decodeDetchar, warmS);
        check("decodeRawVerified", b::decodeRawVerified, warmS);
        check("decodeGzipVerified", b::decodeGzipVerified, warmS);
        check("baselineMemcpy", () -> b.baselineMemcpy().length, warmS);
        check("baselineInflate", b::baselineInflate, warmS);
        check("openOnly", p::openOnly, warmS);
        check("readRawStrain", p::readRawStrain, warmS);
        check("readGzipStrain", p::readGzipStrain, warmS);
        check("decodeRawNewBufferEachOp", p::decodeRawNewBufferEachOp, warmS);
        b.tearDown();
    }

    private static void check(String name, Op op, double warmS) throws Exception {
        long sink = 0;
        long until = System.nanoTime() + (long) (warmS * 1e9);
        long warmOps = 0;
        while (System.nanoTime() < until || warmOps < 1000) {
            sink += op.run();
            warmOps++;
        }
        // as many operations as the warm-up did in about a second (at least 100)
        long n = Math.max(100, (long) (warmOps / warmS));
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (long i = 0; i < n; i++) {
            sink += op.run();
        }
        long after = THREADS.getCurrentThreadAllocatedBytes();
        // the cost of reading the counter itself
        long c0 = THREADS.getCurrentThreadAllocatedBytes();
        long c1 = THREADS.getCurrentThreadAllocatedBytes();
        double perOp = Math.max(0, (after - before) - (c1 - c0)) / (double) n;
        System.out.println(String.format(Locale.ROOT, "| %s | %.3f | %d |", name, perOp, n) + (sink == 42 ? " " : ""));
    }
}
