package org.strainline.gwf;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes frame files in format version 8, FrameL's layout: a 40-byte header, each structure type
 * described once per file (FrSH + FrSE) just before its first use, per frame
 * {@code FrameH, FrHistory…, FrRawData, FrAdcData/FrVect…, FrProcData/FrVect…, FrSimData/FrVect…,
 * FrEndOfFrame}, then FrTOC and FrEndOfFile; a CRC on every structure, the header and the file.
 * Little-endian by default; big-endian on request. Each channel is compressed with its own code
 * ({@link Channel#withCompression}) or the writer's default.
 *
 * <p>The file is assembled in memory and written when closed ({@link #close()}); {@link #toPath}
 * writes it atomically (temporary file, then rename), as an online frame producer must.
 */
public final class GwfWriter implements Closeable {
    /** Class ids, as FrameL's own tools number them. */
    private static final Map<String, Integer> CLASS_IDS = new HashMap<>();

    static {
        String[] order = {"FrameH", "FrAdcData", "FrDetector", "FrEndOfFrame", "FrEvent", "FrMsg", "FrHistory",
            "FrRawData", "FrProcData", "FrSimData", "FrSimEvent", "FrSerData", "FrStatData", "FrSummary", "FrTable",
            "FrTOC", "FrVect", "FrEndOfFile"};
        for (int i = 0; i < order.length; i++) {
            CLASS_IDS.put(order[i], i + 4);
        }
    }

    /** Header byte 6: minor version of this writer. */
    static final int WRITER_MINOR = 1;

    private final OutputStream out;
    private final ByteOrder order;
    private final int defaultCompression;
    private final Compression codec;
    private final Sink s;
    private final Set<String> declared = new LinkedHashSet<>();
    private final Map<Integer, Long> instances = new HashMap<>();
    private final List<long[]> frameInfo = new ArrayList<>();
    private final List<Frame> frames = new ArrayList<>();
    private final Map<String, long[]> adcPos = new TreeMap<>(GwfWriter::strcmp);
    private final Map<String, long[]> procPos = new TreeMap<>(GwfWriter::strcmp);
    private final Map<String, long[]> simPos = new TreeMap<>(GwfWriter::strcmp);
    private final List<Map<String, Long>> framePositions = new ArrayList<>();
    private boolean closed;

    /** A little-endian writer with gzip as the default compression. */
    public GwfWriter(OutputStream out) {
        this(out, ByteOrder.LITTLE_ENDIAN, Compression.GZIP);
    }

    public GwfWriter(OutputStream out, ByteOrder order, int defaultCompression) {
        this.out = out;
        this.order = order;
        this.defaultCompression = defaultCompression;
        this.codec = new Compression();
        this.s = new Sink(order);
        header();
    }

    /** Writes frames to {@code path} atomically (a temporary file beside it, then a rename). */
    public static void toPath(Path path, ByteOrder order, int defaultCompression, Frame... frames) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp); GwfWriter w = new GwfWriter(os, order, defaultCompression)) {
                for (Frame f : frames) {
                    w.write(f);
                }
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The bytes of a file holding {@code frames}, little-endian, gzip by default. */
    public static byte[] toBytes(Frame... frames) throws IOException {
        return toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, frames);
    }

    public static byte[] toBytes(ByteOrder order, int defaultCompression, Frame... frames) throws IOException {
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        try (GwfWriter w = new GwfWriter(bos, order, defaultCompression)) {
            for (Frame f : frames) {
                w.write(f);
            }
        }
        return bos.toByteArray();
    }

    private static int strcmp(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.ISO_8859_1);
        byte[] y = b.getBytes(StandardCharsets.ISO_8859_1);
        return Arrays.compareUnsigned(x, y);
    }

    private void header() {
        s.bytes(new byte[] {'I', 'G', 'W', 'D', 0, 8, WRITER_MINOR, 2, 4, 8, 4, 8});
        s.i16(0x1234);
        s.i32(0x12345678);
        s.i64(0x0123456789ABCDEFL);
        s.f32((float) Math.PI);
        s.f64(Math.PI);
        s.u8(0);   // library: not FrameL nor frameCPP
        s.u8(1);   // file checksum: CRC
    }

    // ------------------------------------------------------------------ structures

    private long nextInstance(int classId) {
        long i = instances.getOrDefault(classId, 0L);
        instances.put(classId, i + 1);
        return i;
    }

    private int begin(int classId) {
        int start = s.pos();
        s.i64(0);
        s.u8(1);
        s.u8(classId);
        s.i32((int) nextInstance(classId));
        return start;
    }

    private void end(int start) {
        s.i32(0);
        int length = s.pos() - start;
        s.putLong(start, length);
        s.putInt(s.pos() - 4, Cksum.of(s.buffer(), start, length - 4));
    }

    private void declare(String type) {
        if (!declared.add(type)) {
            return;
        }
        int id = CLASS_IDS.get(type);
        int st = begin(1);
        s.string(type);
        s.i16(id);
        s.string("");
        end(st);
        List<String[]> elements = new ArrayList<>();
        if (type.equals("FrTOC")) {
            for (String e : TOC_ELEMENTS) {
                elements.add(e.split(":", 2));
            }
        } else if (type.equals("FrEndOfFile")) {
            for (String e : EOF_ELEMENTS) {
                elements.add(e.split(":", 2));
            }
        } else {
            for (Schema.Element e : Schema.forVersion(8).get(type).elements) {
                elements.add(new String[] {e.name, e.typeString});
            }
            elements.add(new String[] {"chkSum", "INT_4U"});
        }
        for (String[] e : elements) {
            int se = begin(2);
            s.string(e[0]);
            s.string(e[1]);
            s.string("");
            end(se);
        }
    }

    private int struct(String type) {
        declare(type);
        return begin(CLASS_IDS.get(type));
    }

    private Ptr ptr(String type, long instance) {
        return new Ptr(CLASS_IDS.get(type), instance);
    }

    private void ptr(Ptr p) {
        s.i16(p.classId);
        s.i32((int) p.instance);
    }

    private long peek(String type) {
        return instances.getOrDefault(CLASS_IDS.get(type), 0L);
    }

    /**
     * A structure to write: values in the v8 element order, and for each pointer element (but
     * {@code next}) what it leads to: a {@link Vect} chain, a list of nodes, or a detector named by
     * an FrStatData.
     */
    private static final class Node {
        final String type;
        final Object[] values;
        final Object[] children;
        final int compression;

        Node(String type, Object[] values, Object[] children, int compression) {
            this.type = type;
            this.values = values;
            this.children = children;
            this.compression = compression;
        }
    }

    /** An FrStatData's pointer to the detector of that name written in the same frame. */
    private static final class DetectorRef {
        final String name;

        DetectorRef(String name) {
            this.name = name;
        }
    }

    private static Schema.Def def(String type) {
        return Schema.forVersion(8).get(type);
    }

    /** A node with every element at its default. */
    private static Node blank(String type, Vect data, int compression) {
        Schema.Def d = def(type);
        Object[] v = new Object[d.elements.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = defaultValue(type, d.elements.get(i), data);
        }
        return new Node(type, v, new Object[v.length], compression);
    }

    private static void set(Node n, String element, Object value) {
        n.values[def(n.type).indexOf(element)] = value;
    }

    private static void child(Node n, String element, Object child) {
        if (child instanceof List && ((List<?>) child).isEmpty()) {
            return;
        }
        n.children[def(n.type).indexOf(element)] = child;
    }

    /** A node copying a structure read from a file, with what its pointers resolved to. */
    private static Node fromStruct(Struct s, int compression) {
        Schema.Def d = def(s.type());
        Object[] v = new Object[d.elements.size()];
        Object[] ch = new Object[v.length];
        for (int i = 0; i < v.length; i++) {
            Schema.Element e = d.elements.get(i);
            v[i] = e.kind == Schema.Kind.PTR ? Ptr.NULL : s.value(i);
            if (e.kind != Schema.Kind.PTR || e.name.equals("next")) {
                continue;
            }
            Object link = s.linked(e.name);
            if (link instanceof Vect) {
                ch[i] = link;
            } else if (link instanceof List && !((List<?>) link).isEmpty()) {
                List<Node> nodes = new ArrayList<>();
                for (Object o : (List<?>) link) {
                    Struct t = (Struct) o;
                    if (s.type().equals("FrStatData") && e.name.equals("detector")) {
                        ch[i] = new DetectorRef(t.getString("name"));
                        break;
                    }
                    nodes.add(fromStruct(t, compression));
                }
                if (ch[i] == null) {
                    ch[i] = nodes;
                }
            }
        }
        return new Node(s.type(), v, ch, compression);
    }

    private Node channelNode(Channel c) {
        int code = c.compression() == Channel.DEFAULT_COMPRESSION ? defaultCompression : c.compression();
        String type = c.kind().structName();
        Node n = c.struct() != null && c.struct().type().equals(type) ? fromStruct(c.struct(), code)
                : blank(type, c.data(), code);
        set(n, "name", c.name());
        n.children[def(type).indexOf("data")] = c.data();
        return n;
    }

    private List<Node> nodes(List<Struct> structs) {
        List<Node> l = new ArrayList<>();
        for (Struct s : structs) {
            l.add(fromStruct(s, defaultCompression));
        }
        return l;
    }

    private List<Node> channels(List<Channel> cs) {
        List<Node> l = new ArrayList<>();
        for (Channel c : cs) {
            l.add(channelNode(c));
        }
        return l;
    }

    private Node frameNode(Frame f) {
        Node h = blank("FrameH", null, defaultCompression);
        set(h, "name", f.name());
        set(h, "run", (long) f.run());
        set(h, "frame", f.frameNumber());
        set(h, "dataQuality", f.dataQuality());
        set(h, "GTimeS", f.gpsS());
        set(h, "GTimeN", f.gpsNs());
        set(h, "ULeapS", (long) f.uLeapS());
        set(h, "dt", f.durationS());
        child(h, "detectSim", nodes(f.detectSim()));
        child(h, "detectProc", nodes(f.detectProc()));
        List<Node> hist = nodes(f.history());
        for (String[] x : f.historyToWrite()) {
            Node n = blank("FrHistory", null, defaultCompression);
            set(n, "name", x[0]);
            set(n, "time", Long.parseLong(x[1]));
            set(n, "comment", x[2]);
            hist.add(n);
        }
        child(h, "history", hist);
        if (!f.adcData().isEmpty() || !f.serData().isEmpty() || !f.tables().isEmpty() || !f.messages().isEmpty()) {
            Node raw = blank("FrRawData", null, defaultCompression);
            child(raw, "firstSer", nodes(f.serData()));
            child(raw, "firstAdc", channels(f.adcData()));
            child(raw, "firstTable", nodes(f.tables()));
            child(raw, "logMsg", nodes(f.messages()));
            child(h, "rawData", List.of(raw));
        }
        child(h, "procData", channels(f.procData()));
        child(h, "simData", channels(f.simData()));
        child(h, "event", nodes(f.events()));
        child(h, "simEvent", nodes(f.simEvents()));
        child(h, "summaryData", nodes(f.summaries()));
        if (!f.auxData().isEmpty()) {
            child(h, "auxData", f.auxData().get(0));
        }
        return h;
    }

    // ------------------------------------------------------------------ writing nodes

    /** Adds to {@code into}, per structure type, how many structures writing {@code child} adds. */
    private static void count(Object child, Map<String, Long> into) {
        if (child instanceof Vect) {
            for (Vect v = (Vect) child; v != null; v = v.next()) {
                into.merge("FrVect", 1L, Long::sum);
            }
        } else if (child instanceof List) {
            for (Object o : (List<?>) child) {
                Node node = (Node) o;
                into.merge(node.type, 1L, Long::sum);
                for (Object c : node.children) {
                    count(c, into);
                }
            }
        }
    }

    private static String childType(Object child) {
        return child instanceof Vect ? "FrVect" : ((Node) ((List<?>) child).get(0)).type;
    }

    private Map<String, Long> positions;
    private final Map<String, Long> detectorInstances = new HashMap<>();
    private long firstAdcPos;

    private void writeChain(List<Node> chain) throws IOException {
        for (int i = 0; i < chain.size(); i++) {
            writeNode(chain.get(i), i + 1 < chain.size());
        }
    }

    private void writeNode(Node n, boolean hasNext) throws IOException {
        Schema.Def d = def(n.type);
        declare(n.type);
        long pos = s.pos();
        int st = begin(CLASS_IDS.get(n.type));
        // children are written after the structure, in element order: a pointer to one is the
        // next instance of its type plus what the children before it add; `next` comes after all
        Map<String, Long> consumed = new HashMap<>();
        Map<String, Long> all = new HashMap<>();
        for (Object c : n.children) {
            count(c, all);
        }
        for (int i = 0; i < d.elements.size(); i++) {
            Schema.Element e = d.elements.get(i);
            Object v = n.values[i];
            if (e.kind == Schema.Kind.PTR) {
                Object c = n.children[i];
                if (e.name.equals("next")) {
                    v = hasNext ? ptr(n.type, peek(n.type) + all.getOrDefault(n.type, 0L)) : Ptr.NULL;
                } else if (c instanceof DetectorRef) {
                    Long inst = detectorInstances.get(((DetectorRef) c).name);
                    v = inst == null ? Ptr.NULL : ptr("FrDetector", inst);
                } else if (c != null) {
                    String t = childType(c);
                    v = ptr(t, peek(t) + consumed.getOrDefault(t, 0L));
                    count(c, consumed);
                } else {
                    v = Ptr.NULL;
                }
            }
            value(e, v);
        }
        end(st);
        String name = d.index.containsKey("name") ? (String) n.values[d.indexOf("name")] : "";
        switch (n.type) {
            case "FrAdcData":
                if (firstAdcPos == 0) {
                    firstAdcPos = pos;
                }
                positions.putIfAbsent("A" + name, pos);
                adcPos.putIfAbsent(name, null);
                break;
            case "FrProcData":
                positions.putIfAbsent("P" + name, pos);
                procPos.putIfAbsent(name, null);
                break;
            case "FrSimData":
                positions.putIfAbsent("S" + name, pos);
                simPos.putIfAbsent(name, null);
                break;
            case "FrDetector":
                detectorInstances.putIfAbsent(name, instances.get(CLASS_IDS.get("FrDetector")) - 1);
                break;
            default:
                break;
        }
        for (Object c : n.children) {
            if (c instanceof Vect) {
                for (Vect x = (Vect) c; x != null; x = x.next()) {
                    vect(x, n.compression, x.next() != null);
                }
            } else if (c instanceof List) {
                @SuppressWarnings("unchecked")
                List<Node> chain = (List<Node>) c;
                writeChain(chain);
            }
        }
    }

    /** Appends one frame: FrameH and everything it leads to, the frame's FrStatData, FrEndOfFrame. */
    public void write(Frame f) throws IOException {
        if (closed) {
            throw new IllegalStateException("writer is closed");
        }
        positions = new HashMap<>();
        detectorInstances.clear();
        firstAdcPos = 0;
        declare("FrameH");
        long frameHPos = s.pos();
        writeNode(frameNode(f), false);
        for (Struct sd : f.statData()) {
            writeNode(fromStruct(sd, defaultCompression), false);
        }
        int st = struct("FrEndOfFrame");
        s.i32(f.run());
        s.i32((int) f.frameNumber());
        s.i32((int) f.gpsS());
        s.i32((int) f.gpsNs());
        end(st);
        instances.clear();
        frames.add(f);
        framePositions.add(positions);
        frameInfo.add(new long[] {frameHPos, firstAdcPos});
    }

    /**
     * A vector read from a file, stored with the method requested and in this writer's byte order,
     * is written as it is stored: copying or restamping frames does not compress again.
     */
    private Compression.Encoded storedAsIs(Vect v, int requested) {
        if (v.offset() < 0 || v.fileOrder() != order || (v.compress() & 0xFF) != (requested & 0xFF)) {
            return null;
        }
        ByteBuffer b = v.storedBytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new Compression.Encoded(v.compress(), a);
    }

    private static Object defaultValue(String type, Schema.Element e, Vect v) {
        switch (e.name) {
            case "sampleRate":
                return v == null ? 0.0 : v.sampleRate();
            case "slope":
                return 1.0;
            case "nBits":
                return v == null ? 0L : (long) (v.type().wordBytes() * 8);
            case "type":
                return type.equals("FrProcData") ? 1L : 0L;   // 1 = time series
            case "tRange":
                return v == null || v.nDim() == 0 ? 0.0 : v.nData() * v.dx()[0];
            default:
                break;
        }
        switch (e.kind) {
            case PTR: return Ptr.NULL;
            case STRING: return "";
            case REAL_4:
            case REAL_8: return 0.0;
            case ARRAY: return e.itemKind == Schema.Kind.STRING ? new String[0]
                    : (e.itemKind == Schema.Kind.REAL_4 || e.itemKind == Schema.Kind.REAL_8 ? new double[0] : new long[0]);
            case BYTES2: return new byte[2];
            default: return 0L;
        }
    }

    private void value(Schema.Element e, Object v) {
        switch (e.kind) {
            case CHAR:
            case CHAR_U: s.u8(((Number) v).intValue()); break;
            case INT_2S:
            case INT_2U: s.i16(((Number) v).intValue()); break;
            case INT_4S:
            case INT_4U: s.i32(((Number) v).intValue()); break;
            case INT_8S:
            case INT_8U: s.i64(((Number) v).longValue()); break;
            case REAL_4: s.f32(((Number) v).floatValue()); break;
            case REAL_8: s.f64(((Number) v).doubleValue()); break;
            case STRING: s.string((String) v); break;
            case PTR: ptr((Ptr) v); break;
            case BYTES2: s.bytes((byte[]) v); break;
            case ARRAY:
                if (v instanceof String[]) {
                    for (String x : (String[]) v) {
                        s.string(x);
                    }
                } else if (v instanceof double[]) {
                    for (double x : (double[]) v) {
                        if (e.itemKind == Schema.Kind.REAL_4) {
                            s.f32((float) x);
                        } else {
                            s.f64(x);
                        }
                    }
                } else {
                    for (long x : (long[]) v) {
                        value(new Schema.Element(e.name, e.typeString, e.itemKind, null, -1, null), x);
                    }
                }
                break;
            default:
                throw new IllegalStateException("cannot write " + e.kind);
        }
    }

    private void vect(Vect v, int requested, boolean hasNext) throws IOException {
        ByteBuffer raw = v.expand();    // also proves that a stored payload is sound before it is passed on
        Compression.Encoded enc = storedAsIs(v, requested);
        if (enc == null) {
            enc = codec.compress(requested, v.type(), v.nData(), raw, raw.order(), order);
        }
        int st = struct("FrVect");
        s.string(v.name());
        s.i16(enc.compress);
        s.i16(v.type().code());
        s.i64(v.nData());
        s.i64(enc.bytes.length);
        s.bytes(enc.bytes);
        long[] nx = v.nx();
        double[] dx = v.dx();
        double[] startX = v.startX();
        String[] unitX = v.unitX();
        s.i32(nx.length);
        for (long x : nx) {
            s.i64(x);
        }
        for (double x : dx) {
            s.f64(x);
        }
        for (double x : startX) {
            s.f64(x);
        }
        for (String u : unitX) {
            s.string(u);
        }
        s.string(v.unitY() == null ? "" : v.unitY());
        ptr(hasNext ? ptr("FrVect", peek("FrVect")) : Ptr.NULL);
        end(st);
    }

    // ------------------------------------------------------------------ TOC and end of file

    private static final String[] TOC_ELEMENTS = {
        "ULeapS:INT_2S", "nFrame:INT_4U", "dataQuality:INT_4U[nFrame]", "GTimeS:INT_4U[nFrame]", "GTimeN:INT_4U[nFrame]",
        "dt:REAL_8[nFrame]", "runs:INT_4S[nFrame]", "frame:INT_4U[nFrame]", "positionH:INT_8U[nFrame]",
        "nFirstADC:INT_8U[nFrame]", "nFirstSer:INT_8U[nFrame]", "nFirstTable:INT_8U[nFrame]", "nFirstMsg:INT_8U[nFrame]",
        "nSH:INT_4U", "SHid:INT_2U[nSH]", "SHname:STRING[nSH]", "nDetector:INT_4U", "nameDetector:STRING[nDetector]",
        "positionDetector:INT_8U[nDetector]", "nStatType:INT_4U", "nameStat:STRING[nStatType]",
        "detector:STRING[nStatType]", "nStatInstance:INT_4U[nStatType]", "nTotalStat:INT_4U",
        "tStart:INT_4U[nTotalStat]", "tEnd:INT_4U[nTotalStat]", "version:INT_4U[nTotalStat]",
        "positionStat:INT_8U[nTotalStat]", "nADC:INT_4U", "name:STRING[nADC]", "channelID:INT_4U[nADC]",
        "groupID:INT_4U[nADC]", "positionADC:INT_8U[nADC][nFrame]", "nProc:INT_4U", "nameProc:STRING[nProc]",
        "positionProc:INT_8U[nProc][nFrame]", "nSim:INT_4U", "nameSim:STRING[nSim]", "positionSim:INT_8U[nSim][nFrame]",
        "nSer:INT_4U", "nameSer:STRING[nSer]", "positionSer:INT_8U[nSer][nFrame]", "nSummary:INT_4U",
        "nameSum:STRING[nSummary]", "positionSum:INT_8U[nSummary][nFrame]", "nEventType:INT_4U",
        "nameEvent:STRING[nEventType]", "nEvent:INT_4U[nEventType]", "nTotalEvent:INT_4U",
        "GTimeSEvent:INT_4U[nTotalEvent]", "GTimeNEvent:INT_4U[nTotalEvent]", "amplitudeEvent:REAL_4[nTotalEvent]",
        "positionEvent:INT_8U[nTotalEvent]", "nSimEventType:INT_4U", "nameSimEvent:STRING[nSimEventType]",
        "nSimEvent:INT_4U[nSimEventType]", "nTotalSEvent:INT_4U", "GTimeSSim:INT_4U[nTotalSEvent]",
        "GTimeNSim:INT_4U[nTotalSEvent]", "amplitudeSimEvent:REAL_4[nTotalSEvent]",
        "positionSimEvent:INT_8U[nTotalSEvent]", "chkSum:INT_4U"};

    private static final String[] EOF_ELEMENTS = {
        "nFrames:INT_4U", "nBytes:INT_8U", "seekTOC:INT_8U", "chkSumFrHeader:INT_4U", "chkSum:INT_4U",
        "chkSumFile:INT_4U"};

    private void toc() {
        int n = frames.size();
        declare("FrTOC");
        declare("FrEndOfFile");
        long tocPos = s.pos();
        int st = begin(CLASS_IDS.get("FrTOC"));
        s.i16(n == 0 ? 0 : frames.get(0).uLeapS());
        s.i32(n);
        for (Frame f : frames) {
            s.i32((int) f.dataQuality());
        }
        for (Frame f : frames) {
            s.i32((int) f.gpsS());
        }
        for (Frame f : frames) {
            s.i32((int) f.gpsNs());
        }
        for (Frame f : frames) {
            s.f64(f.durationS());
        }
        for (Frame f : frames) {
            s.i32(f.run());
        }
        for (Frame f : frames) {
            s.i32((int) f.frameNumber());
        }
        for (long[] fi : frameInfo) {
            s.i64(fi[0]);
        }
        for (long[] fi : frameInfo) {
            s.i64(fi[1]);
        }
        for (int k = 0; k < 3 * n; k++) {
            s.i64(0);      // nFirstSer, nFirstTable, nFirstMsg
        }
        s.i32(declared.size());
        for (String t : declared) {
            s.i16(CLASS_IDS.get(t));
        }
        for (String t : declared) {
            s.string(t);
        }
        s.i32(0);          // nDetector
        s.i32(0);          // nStatType
        s.i32(0);          // nTotalStat
        s.i32(adcPos.size());
        for (String name : adcPos.keySet()) {
            s.string(name);
        }
        for (int k = 0; k < 2 * adcPos.size(); k++) {
            s.i32(0);      // channelID, groupID
        }
        positions(adcPos, "A");
        s.i32(procPos.size());
        for (String name : procPos.keySet()) {
            s.string(name);
        }
        positions(procPos, "P");
        s.i32(simPos.size());
        for (String name : simPos.keySet()) {
            s.string(name);
        }
        positions(simPos, "S");
        s.i32(0);          // nSer
        s.i32(0);          // nSummary
        s.i32(0);          // nEventType
        s.i32(0);          // nTotalEvent
        s.i32(0);          // nSimEventType
        s.i32(0);          // nTotalSEvent
        end(st);
        // FrEndOfFile
        int eof = begin(CLASS_IDS.get("FrEndOfFile"));
        s.i32(n);
        long size = s.pos() + 8 + 8 + 4 + 4 + 4;
        s.i64(size);
        s.i64(size - tocPos);
        s.i32(Cksum.of(s.buffer(), 0, GwfReader.HEADER_BYTES));
        s.i32(0);
        s.i32(0);
        s.putLong(eof, size - eof);
        s.putInt((int) size - 8, Cksum.of(s.buffer(), eof, (int) (size - eof) - 8));
        s.putInt((int) size - 4, Cksum.of(s.buffer(), 0, (int) size - 4));
    }

    private void positions(Map<String, long[]> names, String prefix) {
        for (String name : names.keySet()) {
            for (Map<String, Long> fp : framePositions) {
                Long p = fp.get(prefix + name);
                s.i64(p == null ? 0 : p);
            }
        }
    }

    /** Writes the TOC and FrEndOfFile, then the whole file to the stream, and closes the stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        instances.clear();
        toc();
        try (OutputStream o = out) {
            o.write(s.array(), 0, s.pos());
        }
    }

    /** A growable little- or big-endian byte buffer with absolute puts for back-patching. */
    private static final class Sink {
        private ByteBuffer b;

        Sink(ByteOrder order) {
            b = ByteBuffer.allocate(1 << 16).order(order);
        }

        private void ensure(int n) {
            if (b.remaining() < n) {
                int cap = Math.max(b.capacity() * 2, b.position() + n);
                ByteBuffer nb = ByteBuffer.allocate(cap).order(b.order());
                b.flip();
                nb.put(b);
                b = nb;
            }
        }

        int pos() {
            return b.position();
        }

        ByteBuffer buffer() {
            return b;
        }

        byte[] array() {
            return b.array();
        }

        void u8(int v) {
            ensure(1);
            b.put((byte) v);
        }

        void i16(int v) {
            ensure(2);
            b.putShort((short) v);
        }

        void i32(int v) {
            ensure(4);
            b.putInt(v);
        }

        void i64(long v) {
            ensure(8);
            b.putLong(v);
        }

        void f32(float v) {
            ensure(4);
            b.putFloat(v);
        }

        void f64(double v) {
            ensure(8);
            b.putDouble(v);
        }

        void bytes(byte[] v) {
            ensure(v.length);
            b.put(v);
        }

        void string(String v) {
            byte[] e = v.getBytes(StandardCharsets.ISO_8859_1);
            if (e.length + 1 > 0xFFFF) {
                throw new IllegalArgumentException("string of " + e.length + " bytes is too long for the frame format");
            }
            i16(e.length + 1);
            bytes(e);
            u8(0);
        }

        void putLong(int at, long v) {
            b.putLong(at, v);
        }

        void putInt(int at, int v) {
            b.putInt(at, v);
        }
    }
}
