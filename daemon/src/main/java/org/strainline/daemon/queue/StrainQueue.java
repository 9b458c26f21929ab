package org.strainline.daemon.queue;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.strainline.daemon.pipeline.CleanedSecond;

/**
 * The {@code strain} queue: one Chronicle Queue excerpt per IFO per second of cleaned (or raw,
 * flagged) strain, in the binary layout of {@code docs/queues.md} (layout version 1). Writers
 * append on their own thread (Chronicle appenders are thread-confined; each thread gets its own);
 * {@link #lastGps} reads the newest second published per IFO, so a restarted daemon resumes after
 * it and publishes no second twice.
 */
public final class StrainQueue implements AutoCloseable {
    /** The record layout's version (the first field of every excerpt). */
    public static final short LAYOUT = 1;

    private final ChronicleQueue queue;
    private final String channelSuffix;
    private final ThreadLocal<ExcerptAppender> appenders;
    /** Each writing thread's staging of a second's samples as bytes, for one bulk copy into the excerpt. */
    private final ThreadLocal<Staging> staging = new ThreadLocal<>();

    /** A second's samples as bytes in native order, and a float view of them. */
    private record Staging(byte[] bytes, FloatBuffer floats) {
        static Staging of(int floats) {
            byte[] b = new byte[4 * floats];
            return new Staging(b, java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer());
        }
    }

    /**
     * @param dir           the queue's directory
     * @param channelSuffix appended to the strain channel's name, e.g. {@code _DEEPCLEAN_PRODUCTION_OUT_DQ}
     */
    public StrainQueue(Path dir, String channelSuffix) {
        this(dir, channelSuffix, false);
    }

    /** A queue opened for reading only (tools), or for writing. */
    public StrainQueue(Path dir, String channelSuffix, boolean readOnly) {
        this.queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_HOURLY).readOnly(readOnly).build();
        this.channelSuffix = channelSuffix;
        this.appenders = ThreadLocal.withInitial(queue::createAppender);
    }

    public ChronicleQueue queue() {
        return queue;
    }

    /**
     * Appends one second. {@code strainChannel} is the raw strain's name (the excerpt carries it
     * with the suffix); {@code publishedUnixNs} the wall-clock time of publishing.
     */
    public void append(CleanedSecond s, String strainChannel, long publishedUnixNs) {
        ExcerptAppender a = appenders.get();
        try (DocumentContext dc = a.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeShort(LAYOUT);
            b.writeByte((byte) s.ifo().charAt(0));
            b.writeByte((byte) s.ifo().charAt(1));
            b.writeInt(s.flags());
            b.writeLong(s.gpsS());
            b.writeInt(s.rateHz());
            b.writeInt(s.rateHz());
            b.writeLong(publishedUnixNs);
            writeText(b, s.model());
            writeText(b, strainChannel);
            writeText(b, channelSuffix);
            // the samples in one bulk copy, the bytes writeFloat would write (native order), through a staging
            // array kept per thread: a float at a time cost ~0.1 ms a second
            int n = s.rateHz();
            Staging st = staging(n);
            st.floats().put(0, s.samples(), 0, n);
            b.write(st.bytes(), 0, 4 * n);
        }
    }

    private Staging staging(int floats) {
        Staging st = staging.get();
        if (st == null || st.floats().capacity() < floats) {
            st = Staging.of(floats);
            staging.set(st);
        }
        return st;
    }

    private static void writeText(Bytes<?> b, String s) {
        if (s == null) {
            b.writeShort((short) 0);
            return;
        }
        b.writeShort((short) s.length());
        for (int i = 0; i < s.length(); i++) {
            b.writeByte((byte) s.charAt(i));
        }
    }

    private static String readText(Bytes<?> b) {
        int n = b.readShort();
        byte[] a = new byte[n];
        b.read(a);
        return new String(a, StandardCharsets.US_ASCII);
    }

    /** One excerpt, read back. */
    public record Record(long index, String ifo, int flags, long gpsS, int rateHz, long publishedUnixNs, String model,
                         String channel, float[] samples) {
    }

    static Record read(long index, Bytes<?> b) {
        short layout = b.readShort();
        if (layout != LAYOUT) {
            throw new IllegalStateException("strain excerpt " + Long.toHexString(index) + " has layout " + layout
                    + "; this build reads layout " + LAYOUT);
        }
        String ifo = "" + (char) b.readByte() + (char) b.readByte();
        int flags = b.readInt();
        long gps = b.readLong();
        int rate = b.readInt();
        int n = b.readInt();
        long pub = b.readLong();
        String model = readText(b);
        String channel = readText(b) + readText(b);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = b.readFloat();
        }
        return new Record(index, ifo, flags, gps, rate, pub, model.isEmpty() ? null : model, channel, x);
    }

    /**
     * The newest GPS second published per IFO (scanning back from the end), for resuming after a
     * restart: the scan goes on until it has found each of {@code ifos} (or reached the queue's
     * start), however far back an IFO that has been down for a while last published, so that its
     * seconds still on disk are not published again.
     */
    public Map<String, Long> lastGps(java.util.Collection<String> ifos) {
        Map<String, Long> last = new HashMap<>();
        ExcerptTailer t = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        while (!last.keySet().containsAll(ifos)) {
            try (DocumentContext dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                Bytes<?> b = dc.wire().bytes();
                b.readShort();
                String ifo = "" + (char) b.readByte() + (char) b.readByte();
                b.readInt();
                last.putIfAbsent(ifo, b.readLong());
            }
        }
        return last;
    }

    /** A reader of the queue from the start, or the end, or the first second at or after a GPS time. */
    public final class Reader {
        private final ExcerptTailer tailer = queue.createTailer();
        private final long fromGps;

        Reader(String from) {
            if ("end".equals(from)) {
                tailer.toEnd();
                fromGps = Long.MIN_VALUE;
            } else if (from == null || "start".equals(from)) {
                fromGps = Long.MIN_VALUE;
            } else {
                fromGps = Long.parseLong(from);
            }
        }

        /** The next record, or null when there is none yet. */
        public Record next() {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return null;
                    }
                    Record r = read(dc.index(), dc.wire().bytes());
                    if (r.gpsS() >= fromGps) {
                        return r;
                    }
                }
            }
        }
    }

    /** A reader from {@code start}, {@code end} or a GPS second. */
    public Reader reader(String from) {
        return new Reader(from);
    }

    /** Reads every excerpt from the start (for tools and tests). */
    public java.util.List<Record> readAll() {
        java.util.List<Record> l = new java.util.ArrayList<>();
        ExcerptTailer t = queue.createTailer();
        while (true) {
            try (DocumentContext dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                l.add(read(dc.index(), dc.wire().bytes()));
            }
        }
        return l;
    }

    /** A JSON object of a record (the samples summarised), as {@code strainline tail} prints it. */
    public static Map<String, Object> json(Record r, boolean samples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gps", r.gpsS());
        m.put("ifo", r.ifo());
        m.put("channel", r.channel());
        m.put("sample_rate", r.rateHz());
        m.put("flags", CleanedSecond.names(r.flags()));
        m.put("model", r.model());
        m.put("published_unix_ns", r.publishedUnixNs());
        if (samples) {
            double[] d = new double[r.samples().length];
            for (int i = 0; i < d.length; i++) {
                d[i] = r.samples()[i];
            }
            m.put("samples", d);
        } else {
            m.put("n", r.samples().length);
        }
        return m;
    }

    @Override
    public void close() {
        queue.close();
    }
}
