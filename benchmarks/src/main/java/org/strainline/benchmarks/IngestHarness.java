package org.strainline.benchmarks;

import com.lmax.disruptor.EventHandler;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.strainline.gwf.Channel;
import org.strainline.gwf.ChannelName;
import org.strainline.gwf.Compression;
import org.strainline.gwf.Frame;
import org.strainline.gwf.FrameDecoder;
import org.strainline.gwf.GwfFile;
import org.strainline.gwf.GwfReader;
import org.strainline.gwf.GwfWriter;
import org.strainline.gwf.Vect;
import org.strainline.gwf.ZlibInflate;
import org.strainline.shm.ChannelSpec;
import org.strainline.shm.FrameEvent;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.Ingest;
import org.strainline.shm.IngestConfig;
import org.strainline.shm.Libdeflate;
import org.strainline.shm.ReadMode;
import org.strainline.shm.StreamSpec;
import org.strainline.shm.StreamWatcher;

/**
 * The ingest latency harness: real files on tmpfs, renamed into place by a writer as the field's
 * writers do, seen by real inotify. In one run, in alternating blocks, it measures
 * <ul>
 * <li><b>ours</b>: Strainline's ingest, from the {@code rename()} of the file that completes an H1
 *     second (the witness file; the strain file was renamed just before) to the second being
 *     published in the ring, decoded (CRCs verified), joined and checked;</li>
 * <li><b>peer</b>: the reader a user would write in Java: a {@link WatchService} on the directory,
 *     then {@link GwfReader#read} of the file: the time to detection, and to the file being read;</li>
 * <li><b>floor</b>: a bare inotify descriptor read in a blocked thread: the kernel's and the
 *     scheduler's share, which no reader can beat;</li>
 * </ul>
 * and, from ours, the time to decode and assemble one H1 second (both files) against a memcpy of
 * the same bytes and against the bare decoder on the same bytes in memory, and the idle CPU of an
 * ingest waiting for files (inotify, and the polling fallback) against a reader that spins on the
 * next file name.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.strainline.benchmarks.IngestHarness [seconds] [gzip|raw] [paceMicros] [mmap|copy]</pre>
 */
public final class IngestHarness {
    private static final long G = 1_400_000_000L;
    private static final String STRAIN = "H1:GDS-CALIB_STRAIN";
    private static final String STATE = "H1:GDS-CALIB_STATE_VECTOR";
    private static final String SP = "H-H1_llhoft";
    private static final String WP = "H-H1_lldetchar";
    private static final int ROUNDS = 5;

    private final int seconds;
    private final ReadMode readMode;
    private final int compression;
    private final long paceNs;
    private final Path root;
    private final List<String> witnesses = new ArrayList<>();
    private final List<ChannelSpec> witnessSpecs = new ArrayList<>();
    private final Frame strainTemplate;
    private final Frame witnessTemplate;

    private IngestHarness(int seconds, int compression, long paceNs, ReadMode readMode) throws IOException {
        this.seconds = seconds;
        this.readMode = readMode;
        this.compression = compression;
        this.paceNs = paceNs;
        Path shm = Paths.get("/dev/shm");
        this.root = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir")),
                "strainline-harness");
        String[] loops = {"CHARD", "CSOFT", "DHARD", "DSOFT", "INP1", "MICH", "PRC1", "PRC2", "SRC1", "SRC2"};
        witnesses.add("H1:PEM-CS_MAINSMON_EBAY_1_DQ");
        witnessSpecs.add(new ChannelSpec("H1:PEM-CS_MAINSMON_EBAY_1_DQ", 1024));
        for (String l : loops) {
            for (String py : new String[] {"_P", "_Y"}) {
                witnesses.add("H1:ASC-" + l + py + "_OUT_DQ");
                witnessSpecs.add(new ChannelSpec("H1:ASC-" + l + py + "_OUT_DQ", 512));
            }
        }
        Random r = new Random(1);
        double[] h = new double[16384];
        for (int i = 0; i < h.length; i++) {
            h[i] = r.nextGaussian() * 1e-21;
        }
        int[] sv = new int[16];
        Arrays.fill(sv, 3);
        Frame s = new Frame("H1", 0, 0, G, 0, 1.0)
                .addChannel(Channel.proc(STRAIN, Vect.of(STRAIN, h, 16384, 0, "strain")))
                .addChannel(Channel.adc(STATE, Vect.of(STATE, sv, 16, 0, "")));
        Frame w = new Frame("H1", 0, 0, G, 0, 1.0);
        for (ChannelSpec c : witnessSpecs) {
            double[] x = new double[c.rateHz()];
            for (int i = 0; i < x.length; i++) {
                x[i] = c.rateHz() == 1024 ? Math.sin(2 * Math.PI * 60 * i / 1024.0) + 0.01 * r.nextGaussian()
                        : Math.sin(2 * Math.PI * 0.3 * i / 512.0) + 0.1 * r.nextGaussian();
            }
            w.addChannel(Channel.adc(c.name(), Vect.of(c.name(), x, c.rateHz(), 0, "")));
        }
        // read back: their vectors carry the compressed payload, which restamped copies pass on as they are
        this.strainTemplate = reread(s);
        this.witnessTemplate = reread(w);
    }

    private Frame reread(Frame f) throws IOException {
        byte[] b = GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, compression, f);
        return new GwfReader().read(ByteBuffer.wrap(b), "template").frames().get(0);
    }

    private byte[] strainBytes(long g) throws IOException {
        return GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, compression, strainTemplate.restamped(g, 0));
    }

    private byte[] witnessBytes(long g) throws IOException {
        return GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, compression, witnessTemplate.restamped(g, 0));
    }

    private IfoSpec spec(Path s, Path w) {
        return new IfoSpec("H1", List.of(
                new StreamSpec("llhoft", s, SP, List.of(new ChannelSpec(STRAIN, 16384), new ChannelSpec(STATE, 16))),
                new StreamSpec("lldetchar", w, WP, witnessSpecs)), STATE, 3);
    }

    /** The writer side of one second: both files written under temporary names, then renamed at the tick. */
    private final class Writer {
        final Path sdir;
        final Path wdir;
        long nextTick;

        Writer(Path sdir, Path wdir) {
            this.sdir = sdir;
            this.wdir = wdir;
        }

        /** Writes second g; stores the nanoTime just before the rename that completes it in {@code at[i]} first. */
        void second(long g, long[] at, int i) throws IOException {
            Path st = sdir.resolve(".s.tmp");
            Path wt = wdir.resolve(".w.tmp");
            Files.write(st, strainBytes(g));
            Files.write(wt, witnessBytes(g));
            long now = System.nanoTime();
            if (nextTick == 0 || nextTick < now) {
                nextTick = now + paceNs;
            }
            while ((now = System.nanoTime()) < nextTick) {
                LockSupport.parkNanos(nextTick - now);
            }
            nextTick += paceNs;
            Files.move(st, sdir.resolve(SP + "-" + g + "-1.gwf"), StandardCopyOption.ATOMIC_MOVE);
            at[i] = System.nanoTime();   // before the rename: the reader may see the file before move() returns
            Files.move(wt, wdir.resolve(WP + "-" + g + "-1.gwf"), StandardCopyOption.ATOMIC_MOVE);
            if (g - G >= 32) {
                Files.deleteIfExists(sdir.resolve(SP + "-" + (g - 32) + "-1.gwf"));
                Files.deleteIfExists(wdir.resolve(WP + "-" + (g - 32) + "-1.gwf"));
            }
        }
    }

    // ------------------------------------------------------------------ contenders

    /** A reader of its own copy of the stream: the writer feeds it, it counts what it has seen. */
    private abstract class Contender implements AutoCloseable {
        final Writer writer;
        final long[] renameNs = new long[seconds + 4096];
        final AtomicLong seen = new AtomicLong();
        long next = G;

        Contender(String name) throws IOException {
            writer = new Writer(Files.createDirectories(root.resolve(name + "/kafka/H1")),
                    Files.createDirectories(root.resolve(name + "/lldetchar/H1")));
        }

        /** Writes {@code n} more seconds, then waits (up to 10 s) until the reader has seen them all. */
        void run(int n) throws Exception {
            for (int k = 0; k < n; k++) {
                long g = next++;
                writer.second(g, renameNs, (int) (g - G));
            }
            long want = next - G;
            long end = System.currentTimeMillis() + 10_000;
            while (seen.get() < want && System.currentTimeMillis() < end) {
                Thread.sleep(1);
            }
        }

        @Override
        public abstract void close() throws IOException;
    }

    /** Ours: per second, the rename time, the publish time and the decode-and-assemble time. */
    private final class Ours extends Contender {
        final Ingest ingest;
        final long[] latencyNs = new long[seconds + 4096];
        final long[] assembleNs = new long[seconds + 4096];
        final long[] seenNs = new long[seconds + 4096];

        Ours() throws IOException {
            super("ours");
            ingest = new Ingest(IngestConfig.builder(List.of(spec(writer.sdir, writer.wdir))).watchMode(StreamWatcher.Mode.INOTIFY)
                    .readMode(readMode).build());
            EventHandler<FrameEvent> h = (e, seq, end) -> {
                int i = (int) (e.gpsS() - G);
                if (i >= 0 && i < renameNs.length && e.flags() == 0) {
                    latencyNs[i] = e.publishedNs() - renameNs[i];
                    seenNs[i] = e.streamDetectedNs(1) - renameNs[i];
                    long work = 0;
                    long lastDecoded = 0;
                    for (int k = 0; k < e.streamCount(); k++) {
                        work += e.streamDecodedNs(k) - e.streamDetectedNs(k);
                        lastDecoded = Math.max(lastDecoded, e.streamDecodedNs(k));
                    }
                    assembleNs[i] = work + (e.publishedNs() - lastDecoded);
                }
                seen.incrementAndGet();
            };
            ingest.ring("H1").handleEventsWith(h);
            ingest.start();
        }

        @Override
        public void close() {
            ingest.close();
        }
    }

    /** The peer: WatchService + GwfReader.read, timed at detection and after the read. */
    private final class Peer extends Contender {
        final WatchService ws;
        final Thread thread;
        final long[] detectNs = new long[seconds + 4096];
        final long[] readNs = new long[seconds + 4096];
        volatile boolean running = true;

        Peer() throws IOException {
            super("peer");
            Path w = writer.wdir;
            ws = FileSystems.getDefault().newWatchService();
            w.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
            thread = new Thread(() -> {
                while (running) {
                    WatchKey key;
                    try {
                        key = ws.take();
                    } catch (Exception e) {
                        return;
                    }
                    long t = System.nanoTime();
                    for (WatchEvent<?> ev : key.pollEvents()) {
                        Object ctx = ev.context();
                        if (ctx == null) {
                            continue;
                        }
                        String name = ctx.toString();
                        if (!name.startsWith(WP + "-")) {
                            continue;
                        }
                        int i = (int) (Long.parseLong(name.substring(WP.length() + 1, WP.length() + 11)) - G);
                        if (i >= 0 && i < detectNs.length) {
                            detectNs[i] = t - renameNs[i];
                            try {
                                GwfReader.read(w.resolve(name));
                                readNs[i] = System.nanoTime() - renameNs[i];
                            } catch (IOException e) {
                                readNs[i] = -1;
                            }
                        }
                        seen.incrementAndGet();
                    }
                    key.reset();
                }
            }, "peer-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            running = false;
            ws.close();
        }
    }

    /** The floor: a thread blocked in poll(2) on a bare inotify descriptor. */
    private final class Floor extends Contender {
        final Thread thread;
        final long[] detectNs = new long[seconds + 4096];
        final int fd;
        volatile boolean running = true;

        Floor() throws IOException {
            super("floor");
            Path w = writer.wdir;
            fd = Inotify.inotify_init1(0x800);
            Inotify.inotify_add_watch(fd, w.toString(), 0x80);
            Memory pfd = new Memory(8);
            pfd.setInt(0, fd);
            pfd.setShort(4, (short) 1);
            Memory buf = new Memory(64 * 1024);
            byte[] name = new byte[256];
            thread = new Thread(() -> {
                while (running) {
                    if (Inotify.poll(pfd, 1, 100) <= 0) {
                        continue;
                    }
                    long t = System.nanoTime();
                    long got;
                    while ((got = Inotify.read(fd, buf, buf.size())) > 0) {
                        for (int off = 0; off + 16 <= got; off += 16 + buf.getInt(off + 12)) {
                            int len = buf.getInt(off + 12);
                            buf.read(off + 16, name, 0, Math.min(len, name.length));
                            if (len > WP.length() + 11 && startsWith(name, WP_BYTES)) {
                                long gps = 0;
                                for (int k = WP.length() + 1; k < WP.length() + 11; k++) {
                                    gps = gps * 10 + (name[k] - '0');
                                }
                                int i = (int) (gps - G);
                                if (i >= 0 && i < detectNs.length) {
                                    detectNs[i] = t - renameNs[i];
                                }
                                seen.incrementAndGet();
                            }
                        }
                    }
                }
            }, "floor-inotify");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Inotify.close(fd);
        }
    }

    private static final byte[] WP_BYTES = (WP + "-").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private static boolean startsWith(byte[] name, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (name[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The few libc calls of the floor. */
    static final class Inotify {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        private Inotify() {
        }

        static native int inotify_init1(int flags);

        static native int inotify_add_watch(int fd, String path, int mask);

        static native int poll(Pointer fds, long n, int timeoutMs);

        static native long read(int fd, Pointer buf, long count);

        static native int close(int fd);
    }

    // ------------------------------------------------------------------ idle CPU

    private static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** CPU used by an ingest thread over {@code ms} with no files arriving, in percent of one core. */
    private double idleIngest(StreamWatcher.Mode mode, long ms) throws Exception {
        Path s = Files.createDirectories(root.resolve("idle-" + mode + "/kafka/H1"));
        Path w = Files.createDirectories(root.resolve("idle-" + mode + "/lldetchar/H1"));
        try (Ingest ingest = new Ingest(IngestConfig.builder(List.of(spec(s, w))).watchMode(mode).pollIntervalMs(20).build())) {
            ingest.start();
            Thread.sleep(500);
            long tid = ingest.thread().getId();
            long c0 = MX.getThreadCpuTime(tid);
            long t0 = System.nanoTime();
            Thread.sleep(ms);
            return 100.0 * (MX.getThreadCpuTime(tid) - c0) / (System.nanoTime() - t0);
        }
    }

    /** A reader that spins on the next file's name, as the systems we replace do. */
    private double idleSpinner(long ms) throws Exception {
        Path d = Files.createDirectories(root.resolve("idle-spin"));
        Path next = d.resolve(SP + "-" + G + "-1.gwf");
        long[] cpu = new long[2];
        Thread t = new Thread(() -> {
            long c0 = MX.getCurrentThreadCpuTime();
            long end = System.nanoTime() + ms * 1_000_000L;
            while (System.nanoTime() < end) {
                if (Files.exists(next)) {
                    cpu[1]++;
                }
            }
            cpu[0] = MX.getCurrentThreadCpuTime() - c0;
        });
        long t0 = System.nanoTime();
        t.start();
        t.join();
        return 100.0 * cpu[0] / (System.nanoTime() - t0);
    }

    // ------------------------------------------------------------------ in-memory baselines

    /**
     * Median ns of a memcpy of both files' bytes, of the bare decoder reading every channel of both
     * with the JDK's Inflater, and the same with libdeflate (-1 where the host lacks it), then the
     * bytes of both files.
     */
    private long[] baselines() throws IOException {
        long[] jdk = baselines(null);
        Libdeflate lib = Libdeflate.open();
        long libNs = -1;
        if (lib != null) {
            try (lib) {
                libNs = baselines(lib)[1];
            }
        }
        return new long[] {jdk[0], jdk[1], libNs, jdk[2]};
    }

    private long[] baselines(ZlibInflate inflater) throws IOException {
        byte[] sb = strainBytes(G);
        byte[] wb = witnessBytes(G);
        ByteBuffer s = ByteBuffer.allocateDirect(sb.length).put(sb).flip();
        ByteBuffer w = ByteBuffer.allocateDirect(wb.length).put(wb).flip();
        ByteBuffer dst = ByteBuffer.allocateDirect(sb.length + wb.length);
        FrameDecoder dec = new FrameDecoder().inflateWith(inflater);
        ChannelName[] sn = {ChannelName.of(STRAIN), ChannelName.of(STATE)};
        ChannelName[] wn = new ChannelName[witnesses.size()];
        for (int i = 0; i < wn.length; i++) {
            wn[i] = ChannelName.of(witnesses.get(i));
        }
        ByteBuffer out = ByteBuffer.allocateDirect(16384 * 8).order(ByteOrder.nativeOrder());
        long[] copy = new long[2000];
        long[] decode = new long[2000];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < copy.length; i++) {
                long t0 = System.nanoTime();
                dst.clear();
                dst.put(0, s, 0, sb.length).put(sb.length, w, 0, wb.length);
                long t1 = System.nanoTime();
                dec.open(s, "s");
                for (ChannelName c : sn) {
                    out.clear();
                    dec.read(0, c, out, true);
                }
                dec.open(w, "w");
                for (ChannelName c : wn) {
                    out.clear();
                    dec.read(0, c, out, true);
                }
                long t2 = System.nanoTime();
                copy[i] = t1 - t0;
                decode[i] = t2 - t1;
            }
        }
        Arrays.sort(copy);
        Arrays.sort(decode);
        return new long[] {copy[copy.length / 2], decode[decode.length / 2], sb.length + wb.length};
    }

    // ------------------------------------------------------------------ report

    private static long[] valid(long[] a) {
        return Arrays.stream(a).filter(x -> x > 0).sorted().toArray();
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p / 100.0 * sorted.length))] / 1e3;
    }

    private static String row(String what, long[] sorted, double floorP50) {
        return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.2f |", what, sorted.length,
                pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), pct(sorted, 99.9), pct(sorted, 50) / floorP50);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "Ingest harness, %s, %d CPUs, %s, %s, one H1 second = strain 16384 Hz + state 16 Hz"
                        + " (llhoft) + 21 witnesses at 1024/512 Hz (lldetchar), a second every %d us, %d seconds per contender%n%n",
                java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
                (compression == Compression.GZIP ? "gzip" : "raw") + " frames read by " + readMode, paceNs / 1000, seconds);
        double idleInotify = idleIngest(StreamWatcher.Mode.INOTIFY, 10_000);
        double idlePoll = idleIngest(StreamWatcher.Mode.POLL, 10_000);
        double spin = idleSpinner(3_000);
        System.out.println("| idle reader, no files arriving | CPU (% of one core) | ratio to the spinning reader |");
        System.out.println("|---|---:|---:|");
        System.out.printf(Locale.ROOT, "| ours, inotify | %.4f | %.5f |%n", idleInotify, idleInotify / spin);
        System.out.printf(Locale.ROOT, "| ours, polling fallback every 20 ms | %.4f | %.5f |%n", idlePoll, idlePoll / spin);
        System.out.printf(Locale.ROOT, "| a reader spinning on Files.exists(next name) | %.1f | 1 |%n%n", spin);

        int per = seconds / ROUNDS;
        try (Ours ours = new Ours(); Peer peer = new Peer(); Floor floor = new Floor()) {
            // warm-up: each contender a block that is not counted (JIT)
            ours.run(Math.min(2000, per));
            peer.run(Math.min(500, per));
            floor.run(Math.min(500, per));
            int oursFrom = (int) (ours.next - G);
            int peerFrom = (int) (peer.next - G);
            int floorFrom = (int) (floor.next - G);
            for (int r = 0; r < ROUNDS; r++) {
                ours.run(per);
                peer.run(per);
                floor.run(per);
            }
            long[] ol = valid(Arrays.copyOfRange(ours.latencyNs, oursFrom, (int) (ours.next - G)));
            long[] oa = valid(Arrays.copyOfRange(ours.assembleNs, oursFrom, (int) (ours.next - G)));
            long[] os = valid(Arrays.copyOfRange(ours.seenNs, oursFrom, (int) (ours.next - G)));
            long[] pd = valid(Arrays.copyOfRange(peer.detectNs, peerFrom, (int) (peer.next - G)));
            long[] pr = valid(Arrays.copyOfRange(peer.readNs, peerFrom, (int) (peer.next - G)));
            long[] fd = valid(Arrays.copyOfRange(floor.detectNs, floorFrom, (int) (floor.next - G)));
            double floorP50 = pct(fd, 50);
            System.out.println("| from the rename() that completes a second to ... | n | p50 (us) | p90 | p99 | p99.9 | p50 / floor p50 |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            System.out.println(row("**ours: the second published in the ring** (decoded, CRCs verified, joined, checked)", ol, floorP50));
            System.out.println(row("ours: the ingest thread has read the file's inotify record", os, floorP50));
            System.out.println(row("floor: a bare inotify read wakes up", fd, floorP50));
            System.out.println(row("peer: WatchService reports the file", pd, floorP50));
            System.out.println(row("peer: WatchService + GwfReader.read of the file", pr, floorP50));
            long[] base = baselines();
            System.out.println();
            System.out.println("| one H1 second (both files, " + base[3] + " bytes) | p50 (us) | p99 (us) | ratio |");
            System.out.println("|---|---:|---:|---:|");
            long bare = base[2] > 0 ? base[2] : base[1];
            System.out.printf(Locale.ROOT, "| ours: decode (mmap, CRCs) + checks + join + publish | %.0f | %.0f | %.2f x memcpy, %.2f x the bare decoder with the same inflater |%n",
                    pct(oa, 50), pct(oa, 99), pct(oa, 50) * 1e3 / base[0], pct(oa, 50) * 1e3 / bare);
            System.out.printf(Locale.ROOT, "| memcpy of the same bytes (direct to direct) | %.1f | | 1 |%n", base[0] / 1e3);
            System.out.printf(Locale.ROOT, "| bare FrameDecoder, same bytes in memory, every channel, JDK Inflater | %.0f | | %.2f x memcpy |%n",
                    base[1] / 1e3, (double) base[1] / base[0]);
            if (base[2] > 0) {
                System.out.printf(Locale.ROOT, "| bare FrameDecoder, same bytes in memory, every channel, libdeflate | %.0f | | %.2f x memcpy, %.2f x the JDK Inflater |%n",
                        base[2] / 1e3, (double) base[2] / base[0], (double) base[2] / base[1]);
            } else {
                System.out.println("| bare FrameDecoder with libdeflate | - | | not on this host: " + Libdeflate.unavailable() + " |");
            }
            System.out.println();
            System.out.println("ingest counters: " + ours.ingest.summary());
        } finally {
            try (Stream<Path> s = Files.walk(root)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int comp = args.length > 1 && args[1].equals("raw") ? Compression.RAW : Compression.GZIP;
        long pace = args.length > 2 ? Long.parseLong(args[2]) * 1000 : 4_000_000L;
        ReadMode mode = args.length > 3 ? ReadMode.valueOf(args[3].toUpperCase(Locale.ROOT)) : ReadMode.MMAP;
        new IngestHarness(n, comp, pace, mode).run();
    }
}
