package org.strainline.gwf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads whole frame files (format versions 6, 7 and 8, either byte order) into {@link GwfFile}:
 * every structure is walked, class ids are taken from the file's dictionary, pointers are resolved
 * per frame, unknown structures are skipped by length, and checksums are verified according to
 * the {@link ChecksumPolicy}. Vector data stay as views of the file until asked for.
 *
 * <p>For the hot path (one channel of one frame into a caller's buffer) use {@link FrameDecoder}.
 */
public final class GwfReader {
    /** Largest vector the convenience API expands (bytes): 1 GiB or a quarter of the heap. */
    public static final long DEFAULT_MAX_VECTOR_BYTES = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);

    static final int HEADER_BYTES = 40;

    private final ChecksumPolicy checksums;

    public GwfReader() {
        this(ChecksumPolicy.VERIFY);
    }

    public GwfReader(ChecksumPolicy checksums) {
        this.checksums = checksums;
    }

    /** Reads a file with checksums verified. */
    public static GwfFile read(Path path) throws IOException {
        return new GwfReader().readFile(path);
    }

    /** Maps and reads a file. */
    public GwfFile readFile(Path path) throws IOException {
        return read(map(path), path.toString());
    }

    /** Maps a file read-only (size must be below 2 GiB). */
    static ByteBuffer map(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new GwfException(GwfException.Kind.MALFORMED, path.toString(), -1,
                        "file of " + size + " bytes is over the 2 GiB this reader maps");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }

    /** Reads a frame file held in a buffer (from its position 0 to its limit). */
    public GwfFile read(ByteBuffer buffer, String name) throws GwfException {
        return new Walk(buffer, name, checksums).run();
    }

    // ------------------------------------------------------------------ header

    /** The parsed 40-byte file header. */
    static final class Header {
        int version;
        int minor;
        ByteOrder order;
        int library;
        int checksumType;

        /** Common structure header size (14 for v6-v8). */
        int structHeaderBytes() {
            return 14;
        }

        /** Size of the trailing per-structure checksum. */
        int trailerBytes() {
            return version >= 8 ? 4 : 0;
        }

        /** Size of FrEndOfFile. */
        int endOfFileBytes() {
            return version >= 8 ? 46 : 42;
        }
    }

    private static final byte[] MAGIC = {'I', 'G', 'W', 'D', 0};
    private static final int[] SIZES = {2, 4, 8, 4, 8};

    /** Parses the header; allocates only the returned object. */
    static Header header(ByteBuffer b, String file) throws GwfException {
        return header(b, file, new Header());
    }

    /** Parses the header into {@code into} (reused by the hot-path decoder). */
    static Header header(ByteBuffer b, String file, Header into) throws GwfException {
        int size = b.limit();
        byte[] magic = MAGIC;
        for (int i = 0; i < 5; i++) {
            if (i >= size) {
                throw new GwfException(GwfException.Kind.TRUNCATED, file, size,
                        "truncated: missing FrEndOfFile (the file is only " + size + " bytes)");
            }
            if (b.get(i) != magic[i]) {
                throw new GwfException(GwfException.Kind.NOT_A_FRAME_FILE, file, 0, "not a frame file (no IGWD header)");
            }
        }
        if (size < 6) {
            throw new GwfException(GwfException.Kind.TRUNCATED, file, size,
                    "truncated: missing FrEndOfFile (the file is only " + size + " bytes)");
        }
        int version = b.get(5) & 0xFF;
        if (version < 6 || version > 8) {
            throw new GwfException(GwfException.Kind.UNSUPPORTED_VERSION, file, 5,
                    "unsupported frame format version " + version);
        }
        if (size < HEADER_BYTES) {
            throw new GwfException(GwfException.Kind.TRUNCATED, file, size,
                    "truncated: missing FrEndOfFile (the file is only " + size + " bytes)");
        }
        int[] sizes = SIZES;
        for (int i = 0; i < sizes.length; i++) {
            if (b.get(7 + i) != sizes[i]) {
                throw new GwfException(GwfException.Kind.NOT_A_FRAME_FILE, file, 7 + i,
                        "unexpected primitive size " + b.get(7 + i) + " in the header (expected " + sizes[i] + ")");
            }
        }
        ByteOrder order;
        if ((b.get(12) & 0xFF) == 0x34 && (b.get(13) & 0xFF) == 0x12) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if ((b.get(12) & 0xFF) == 0x12 && (b.get(13) & 0xFF) == 0x34) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new GwfException(GwfException.Kind.NOT_A_FRAME_FILE, file, 12, "byte-order word is neither 1234 nor 3412");
        }
        int library = version >= 8 ? b.get(38) & 0xFF : -1;
        int ckType = version >= 8 ? b.get(39) & 0xFF : 0;
        into.version = version;
        into.minor = b.get(6) & 0xFF;
        into.order = order;
        into.library = library;
        into.checksumType = ckType;
        return into;
    }

    static String truncatedReason(long offset, long claimed, long remain) {
        return "truncated: missing FrEndOfFile (structure at offset " + offset + " claims " + claimed
                + " bytes, " + remain + " remain)";
    }

    // ------------------------------------------------------------------ walk

    private static final class Walk {
        final ByteBuffer b;
        final String file;
        final ChecksumPolicy policy;
        final ChecksumReport report = new ChecksumReport();
        final List<String> warnings = new ArrayList<>();
        final Map<Integer, String> dict = new LinkedHashMap<>();
        final List<Frame> frames = new ArrayList<>();
        final List<Struct> statData = new ArrayList<>();
        Header h;
        Map<String, Schema.Def> defs;
        Cursor c;
        Toc toc;
        int skipped;
        // per frame
        Struct frameH;
        final Map<Long, Struct> byKey = new HashMap<>();

        Walk(ByteBuffer buffer, String file, ChecksumPolicy policy) {
            this.b = buffer.duplicate();
            this.b.position(0);
            this.file = file;
            this.policy = policy;
        }

        GwfFile run() throws GwfException {
            h = header(b, file);
            b.order(h.order);
            defs = Schema.forVersion(h.version);
            c = new Cursor(b, file, h.version);
            int size = b.limit();
            int pos = HEADER_BYTES;
            boolean sawEof = false;
            int hdr = h.structHeaderBytes();
            while (pos < size) {
                if (size - pos < hdr) {
                    throw new GwfException(GwfException.Kind.TRUNCATED, file, pos, truncatedReason(pos, hdr, size - pos));
                }
                long length = b.getLong(pos);
                int classId;
                int chkType = 0;
                if (h.version >= 8) {
                    chkType = b.get(pos + 8) & 0xFF;
                    classId = b.get(pos + 9) & 0xFF;
                } else {
                    classId = b.getShort(pos + 8) & 0xFFFF;
                }
                long instance = b.getInt(pos + 10) & 0xFFFFFFFFL;
                if (length < hdr + h.trailerBytes()) {
                    throw new GwfException(GwfException.Kind.MALFORMED, file, pos,
                            "structure length " + length + " is shorter than its header");
                }
                if (length > size - pos) {
                    throw new GwfException(GwfException.Kind.TRUNCATED, file, pos, truncatedReason(pos, length, size - pos));
                }
                int end = pos + (int) length;
                String type = classId == 1 ? "FrSH" : classId == 2 ? "FrSE" : dict.get(classId);
                if (h.version >= 8 && chkType == 1 && policy != ChecksumPolicy.OFF) {
                    int covered = (int) length - ("FrEndOfFile".equals(type) ? 8 : 4);
                    if (covered >= 0) {
                        int stored = b.getInt(pos + covered);
                        int computed = Cksum.of(b, pos, covered);
                        report.structuresChecked++;
                        if (stored != computed) {
                            checksumMismatch(type == null ? "class " + classId : type, pos, stored, computed);
                            report.badStructures++;
                        }
                    }
                }
                int bodyEnd = end - h.trailerBytes();
                c.at(pos + hdr, bodyEnd, type == null ? "class " + classId : type);
                if (classId == 1) {
                    readSH();
                } else if (classId == 2) {
                    // FrSE: nothing to keep, the element lists are this codec's own (Schema)
                } else if (type == null) {
                    skipped++;
                    warn("structure of class " + classId + " at offset " + pos + " is not in the dictionary; skipped");
                } else if (type.equals("FrEndOfFile")) {
                    endOfFile(pos, (int) length);
                    sawEof = true;
                    pos = end;
                    break;
                } else if (type.equals("FrTOC")) {
                    toc = new Toc();
                    c.at(pos + hdr, bodyEnd, "FrTOC");
                    toc.scan(c);
                } else if (type.equals("FrEndOfFrame")) {
                    endOfFrame(pos);
                } else {
                    Schema.Def def = defs.get(type);
                    if (def == null) {
                        skipped++;
                    } else {
                        Struct s = Struct.decode(def, classId, instance, pos, c);
                        if (type.equals("FrameH")) {
                            if (frameH != null) {
                                throw new GwfException(GwfException.Kind.MALFORMED, file, pos,
                                        "FrameH before the previous frame's FrEndOfFrame");
                            }
                            frameH = s;
                            byKey.clear();
                        } else if (type.equals("FrStatData")) {
                            statData.add(s);
                        }
                        byKey.put(Ptr.key(classId, instance), s);
                    }
                }
                pos = end;
            }
            if (!sawEof) {
                throw new GwfException(GwfException.Kind.TRUNCATED, file, pos, "truncated: missing FrEndOfFile");
            }
            if (frameH != null) {
                throw new GwfException(GwfException.Kind.TRUNCATED, file, pos,
                        "truncated: frame " + frames.size() + " has no FrEndOfFrame");
            }
            if (pos != size) {
                warn((size - pos) + " bytes after FrEndOfFile ignored");
            }
            return new GwfFile(file, h.version, h.minor, h.order, h.library, frames, toc, dict, report, warnings, skipped);
        }

        private void warn(String w) {
            if (warnings.size() < 100) {
                warnings.add(w);
            }
        }

        private void checksumMismatch(String what, long offset, int stored, int computed) throws GwfException {
            String msg = String.format("checksum mismatch in %s at offset %d: stored 0x%08x, computed 0x%08x",
                    what, offset, stored, computed);
            if (policy == ChecksumPolicy.VERIFY) {
                throw new GwfException(GwfException.Kind.CHECKSUM, file, offset, msg);
            }
            report.problems.add(msg);
        }

        /** A whole-file or header checksum: OK, or BAD after {@link #checksumMismatch}. */
        private ChecksumReport.Status compare(String what, int stored, int computed) throws GwfException {
            if (stored == computed) {
                return ChecksumReport.Status.OK;
            }
            checksumMismatch(what, 0, stored, computed);
            return ChecksumReport.Status.BAD;
        }

        private void readSH() throws GwfException {
            String name = c.string("name");
            int id = c.u16("class");
            if (id <= 2) {
                throw c.malformed("FrSH '" + name + "' declares reserved class id " + id);
            }
            String prior = dict.get(id);
            if (prior != null && !prior.equals(name)) {
                throw c.malformed("class id " + id + " declared as both " + prior + " and " + name);
            }
            dict.put(id, name);
        }

        private void endOfFrame(int pos) throws GwfException {
            if (frameH == null) {
                throw new GwfException(GwfException.Kind.MALFORMED, file, pos, "FrEndOfFrame without FrameH");
            }
            long run = c.i32("run");
            long frame = c.u32("frame");
            if (run != frameH.getLong("run") || frame != frameH.getLong("frame")) {
                warn("FrEndOfFrame at offset " + pos + " has run/frame " + run + "/" + frame
                        + " but FrameH has " + frameH.getLong("run") + "/" + frameH.getLong("frame"));
            }
            frames.add(resolve());
            frameH = null;
            byKey.clear();
        }

        private void endOfFile(int pos, int length) throws GwfException {
            int size = b.limit();
            if (length != h.endOfFileBytes()) {
                throw new GwfException(GwfException.Kind.MALFORMED, file, pos,
                        "FrEndOfFile is " + length + " bytes, expected " + h.endOfFileBytes());
            }
            if (pos + length != size) {
                warn("FrEndOfFile is not the last structure");
            }
            c.at(pos + h.structHeaderBytes(), pos + length, "FrEndOfFile");
            c.u32("nFrames");
            long nBytes = c.i64("nBytes");
            if (nBytes != pos + length) {
                warn("FrEndOfFile.nBytes = " + nBytes + " but the file ends at " + (pos + length));
            }
            if (policy == ChecksumPolicy.OFF) {
                return;
            }
            if (h.version >= 8) {
                c.i64("seekTOC");
                int hdrSum = c.i32("chkSumFrHeader");
                c.i32("chkSum");
                int fileSum = c.i32("chkSumFile");
                if (hdrSum != 0) {
                    report.header = compare("file header", hdrSum, Cksum.of(b, 0, HEADER_BYTES));
                } else {
                    report.header = ChecksumReport.Status.ABSENT;
                }
                if (h.checksumType == 1 || fileSum != 0) {
                    report.file = compare("file", fileSum, Cksum.of(b, 0, pos + length - 4));
                } else {
                    report.file = ChecksumReport.Status.ABSENT;
                }
            } else {
                long chkType = c.u32("chkType");
                int sumPos = c.pos;
                int stored = c.i32("chkSum");
                report.header = ChecksumReport.Status.ABSENT;
                if (chkType == 1) {
                    int crc = Cksum.update(0, b, 0, sumPos);
                    crc = Cksum.update(crc, new byte[4], 0, 4);
                    crc = Cksum.update(crc, b, sumPos + 4, pos + length - sumPos - 4);
                    report.file = compare("file", stored, Cksum.finish(crc, pos + length));
                } else {
                    report.file = ChecksumReport.Status.ABSENT;
                }
            }
        }

        // -------------------------------------------------------------- pointer resolution

        private Struct get(Ptr p, String expectedType) {
            if (p == null || p.isNull()) {
                return null;
            }
            Struct s = byKey.get(p.key());
            if (s == null) {
                warn("frame " + frames.size() + ": pointer " + p + " to " + expectedType + " not found");
                return null;
            }
            if (!s.type().equals(expectedType)) {
                warn("frame " + frames.size() + ": pointer " + p + " expected " + expectedType + ", found " + s.type());
                return null;
            }
            return s;
        }

        /** Follows a linked list through its {@code next} element (one structure for types without one); cycle safe. */
        private List<Struct> chain(Ptr first, String type) {
            List<Struct> out = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            Struct s = get(first, type);
            while (s != null && seen.add(Ptr.key(s.classId(), s.instance()))) {
                out.add(s);
                s = s.def().index.containsKey("next") ? get(s.getPtr("next"), type) : null;
            }
            return out;
        }

        private final Map<Long, Vect> vects = new HashMap<>();

        /** The vector chain starting at {@code p}; one Vect object per FrVect structure of the frame. */
        private Vect vect(Ptr p) throws GwfException {
            if (p == null || p.isNull()) {
                return null;
            }
            Vect cached = vects.get(p.key());
            if (cached != null) {
                return cached;
            }
            List<Struct> chain = chain(p, "FrVect");
            Vect first = null;
            Vect prev = null;
            for (Struct s : chain) {
                Vect v = vects.get(Ptr.key(s.classId(), s.instance()));
                if (v == null) {
                    v = toVect(s);
                    vects.put(Ptr.key(s.classId(), s.instance()), v);
                }
                if (first == null) {
                    first = v;
                } else {
                    prev.setNext(v);
                }
                prev = v;
            }
            return first;
        }

        private Vect toVect(Struct s) throws GwfException {
            int code = (int) s.getLong("type");
            VectType t = VectType.ofCode(code);
            String name = s.getString("name");
            if (t == null) {
                throw new GwfException(GwfException.Kind.MALFORMED, file, s.offset(),
                        "FrVect '" + name + "' has unknown type code " + code);
            }
            long nData = s.getLong("nData");
            if (nData < 0 || Convert.words(t, nData) > Integer.MAX_VALUE) {
                throw new GwfException(GwfException.Kind.MALFORMED, file, s.offset(),
                        "FrVect '" + name + "' has nData " + Long.toUnsignedString(nData));
            }
            long[] nx = (long[]) s.get("nx");
            double[] dx = (double[]) s.get("dx");
            double[] startX = (double[]) s.get("startX");
            String[] unitX = (String[]) s.get("unitX");
            return new Vect(name, (int) s.getLong("compress"), t, nData, nx, dx, startX, unitX, s.getString("unitY"),
                    (ByteBuffer) s.get("data"), h.order, file, s.offset());
        }

        /** Resolves every pointer element (but {@code next}) of every structure of the frame. */
        private void link() throws GwfException {
            vects.clear();
            for (Struct s : byKey.values()) {
                List<Schema.Element> els = s.def().elements;
                for (int i = 0; i < els.size(); i++) {
                    Schema.Element e = els.get(i);
                    if (e.kind != Schema.Kind.PTR || e.name.equals("next")) {
                        continue;
                    }
                    Ptr p = (Ptr) s.value(i);
                    if (p.isNull()) {
                        continue;
                    }
                    if (e.target.equals("FrVect")) {
                        s.link(e.name, vect(p));
                    } else {
                        s.link(e.name, chain(p, e.target));
                    }
                }
            }
        }

        private Frame resolve() throws GwfException {
            link();
            Struct f = frameH;
            Frame fr = new Frame(f.getString("name"), (int) f.getLong("run"), f.getLong("frame"),
                    f.getLong("dataQuality"), f.getLong("GTimeS"), f.getLong("GTimeN"), (int) f.getLong("ULeapS"),
                    f.getDouble("dt"));
            fr.detectSimMutable().addAll(chain(f.getPtr("detectSim"), "FrDetector"));
            fr.detectProcMutable().addAll(chain(f.getPtr("detectProc"), "FrDetector"));
            fr.historyMutable().addAll(chain(f.getPtr("history"), "FrHistory"));
            Struct raw = get(f.getPtr("rawData"), "FrRawData");
            if (raw != null) {
                for (Struct s : chain(raw.getPtr("firstAdc"), "FrAdcData")) {
                    fr.addChannel(new Channel(Channel.Kind.ADC, s.getString("name"), vect(s.getPtr("data")), s,
                            Channel.DEFAULT_COMPRESSION));
                }
                fr.serDataMutable().addAll(chain(raw.getPtr("firstSer"), "FrSerData"));
                fr.tablesMutable().addAll(chain(raw.getPtr("firstTable"), "FrTable"));
                fr.messagesMutable().addAll(chain(raw.getPtr("logMsg"), "FrMsg"));
            }
            for (Struct s : chain(f.getPtr("procData"), "FrProcData")) {
                fr.addChannel(new Channel(Channel.Kind.PROC, s.getString("name"), vect(s.getPtr("data")), s,
                        Channel.DEFAULT_COMPRESSION));
            }
            for (Struct s : chain(f.getPtr("simData"), "FrSimData")) {
                fr.addChannel(new Channel(Channel.Kind.SIM, s.getString("name"), vect(s.getPtr("data")), s,
                        Channel.DEFAULT_COMPRESSION));
            }
            fr.eventsMutable().addAll(chain(f.getPtr("event"), "FrEvent"));
            fr.simEventsMutable().addAll(chain(f.getPtr("simEvent"), "FrSimEvent"));
            fr.summariesMutable().addAll(chain(f.getPtr("summaryData"), "FrSummary"));
            Vect aux = vect(f.getPtr("auxData"));
            for (Vect v = aux; v != null; v = v.next()) {
                fr.auxDataMutable().add(v);
            }
            for (Struct s : byKey.values()) {
                if (s.type().equals("FrStatData")) {
                    fr.statDataMutable().add(s);
                }
            }
            fr.statDataMutable().sort((a, z) -> Long.compare(a.offset(), z.offset()));
            return fr;
        }
    }
}
