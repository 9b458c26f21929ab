package org.strainline.daemon.queue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The {@code alerts} queue: one excerpt per event, layout version 1 ({@code docs/queues.md}),
 * with the detection statistic, its false-alarm rate and the latency breakdown. The newest event's
 * time is read at start-up so that a restarted daemon never alerts the same event twice.
 */
public final class AlertQueue implements AutoCloseable {
    public static final short LAYOUT = 1;
    /** GPS = Unix - 315964800 s + 18 leap seconds (since 2017). */
    static final long GPS_MINUS_UNIX_NS = (-315_964_800L + 18) * 1_000_000_000L;

    private final ChronicleQueue queue;
    private final ThreadLocal<ExcerptAppender> appenders;

    public AlertQueue(Path dir, boolean readOnly) {
        this.queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_HOURLY).readOnly(readOnly).build();
        this.appenders = ThreadLocal.withInitial(queue::createAppender);
    }

    /** One alert, as written and read. */
    public record Alert(long gpsNs, double statistic, double farHz, String ifos, String channels, long publishedUnixNs,
                        long fileMtimeUnixNs) {
        /** publish - event GPS (ns). */
        public long totalLatencyNs() {
            return publishedUnixNs + GPS_MINUS_UNIX_NS - gpsNs;
        }

        /** frame file time - event GPS (ns). */
        public long writeLatencyNs() {
            return fileMtimeUnixNs + GPS_MINUS_UNIX_NS - gpsNs;
        }

        /** publish - frame file time (ns). */
        public long processingLatencyNs() {
            return publishedUnixNs - fileMtimeUnixNs;
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gpstime", gpsNs / 1e9);
            m.put("detection_statistic", statistic);
            m.put("far", farHz);
            m.put("ifos", ifos);
            m.put("channels", channels);
            m.put("latency_total_s", totalLatencyNs() / 1e9);
            m.put("latency_write_s", writeLatencyNs() / 1e9);
            m.put("latency_processing_s", processingLatencyNs() / 1e9);
            return m;
        }
    }

    public void append(Alert a) {
        try (DocumentContext dc = appenders.get().writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeShort(LAYOUT);
            b.writeLong(a.gpsNs());
            b.writeDouble(a.statistic());
            b.writeDouble(a.farHz());
            b.writeLong(a.publishedUnixNs());
            b.writeLong(a.fileMtimeUnixNs());
            text(b, a.ifos());
            text(b, a.channels());
        }
    }

    private static void text(Bytes<?> b, String s) {
        b.writeShort((short) s.length());
        for (int i = 0; i < s.length(); i++) {
            b.writeByte((byte) s.charAt(i));
        }
    }

    private static String text(Bytes<?> b) {
        byte[] a = new byte[b.readShort()];
        b.read(a);
        return new String(a, StandardCharsets.US_ASCII);
    }

    static Alert read(Bytes<?> b) {
        short v = b.readShort();
        if (v != LAYOUT) {
            throw new IllegalStateException("alert excerpt of layout " + v + "; this build reads layout " + LAYOUT);
        }
        long gps = b.readLong();
        double stat = b.readDouble();
        double far = b.readDouble();
        long pub = b.readLong();
        long mtime = b.readLong();
        return new Alert(gps, stat, far, text(b), text(b), pub, mtime);
    }

    /** The newest event's GPS time (ns), or Long.MIN_VALUE for an empty queue. */
    public long lastEventNs() {
        ExcerptTailer t = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        try (DocumentContext dc = t.readingDocument()) {
            return dc.isPresent() ? read(dc.wire().bytes()).gpsNs() : Long.MIN_VALUE;
        }
    }

    public List<Alert> readAll() {
        List<Alert> l = new ArrayList<>();
        ExcerptTailer t = queue.createTailer();
        while (true) {
            try (DocumentContext dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    return l;
                }
                l.add(read(dc.wire().bytes()));
            }
        }
    }

    /** A reader from the start or the end. */
    public final class Reader {
        private final ExcerptTailer tailer = queue.createTailer();

        Reader(boolean fromEnd) {
            if (fromEnd) {
                tailer.toEnd();
            }
        }

        public Alert next() {
            try (DocumentContext dc = tailer.readingDocument()) {
                return dc.isPresent() ? read(dc.wire().bytes()) : null;
            }
        }
    }

    public Reader reader(boolean fromEnd) {
        return new Reader(fromEnd);
    }

    @Override
    public void close() {
        queue.close();
    }
}
