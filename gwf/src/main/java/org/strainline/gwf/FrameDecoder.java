package org.strainline.gwf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The hot-path reader: opens a frame file held in a buffer (typically a memory map), finds one
 * named channel of one frame through the TOC without walking the file, and decodes it into the
 * caller's {@code double[]}, {@code float[]} or direct {@code ByteBuffer}, converting the type on
 * the fly.
 *
 * <p>Allocation free in steady state: {@link #open} and the {@code read} methods allocate nothing
 * once the reusable scratch (TOC offsets, the expansion buffer for compressed vectors) has grown
 * to the largest file seen; errors allocate their exception only. Files without a TOC are
 * searched by walking their structures. Owned by one thread.
 */
public final class FrameDecoder {
    private static final byte[] FR_ADC = "FrAdcData".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] FR_PROC = "FrProcData".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] FR_SIM = "FrSimData".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] FR_VECT = "FrVect".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] FR_END_OF_FRAME = "FrEndOfFrame".getBytes(StandardCharsets.ISO_8859_1);

    private static final Toc.List4[] CHANNEL_LISTS = {Toc.List4.ADC, Toc.List4.PROC, Toc.List4.SIM};

    private final boolean verifyChecksums;
    private final long maxVectorBytes;
    private final Compression codec = new Compression();
    private final Toc toc = new Toc();
    private final GwfReader.Header header = new GwfReader.Header();
    private ByteBuffer scratch = ByteBuffer.allocateDirect(1 << 20);
    private final Cursor cursor = new Cursor(null, null, 8);
    private ByteBuffer buf;
    private String file;
    private int version;
    private ByteOrder order;
    private int adcId;
    private int procId;
    private int simId;
    private int vectId;
    private int endOfFrameId;
    private boolean hasToc;
    // the located vector
    private int vCompress;
    private VectType vType;
    private long vNData;
    private int vDataPos;
    private int vNBytes;
    private double vDx;
    private double channelTimeOffset;
    private Channel.Kind channelKind;

    /** A decoder that verifies the CRC of every structure it decodes. */
    public FrameDecoder() {
        this(true, GwfReader.DEFAULT_MAX_VECTOR_BYTES);
    }

    /**
     * @param verifyChecksums verify the v8 CRC of each structure read (the channel and its vector)
     * @param maxVectorBytes  the largest expanded vector accepted
     */
    public FrameDecoder(boolean verifyChecksums, long maxVectorBytes) {
        this.verifyChecksums = verifyChecksums;
        this.maxVectorBytes = maxVectorBytes;
    }

    /** Expands zlib vectors between direct buffers with {@code z} (null: the JDK's Inflater); see {@link Compression#inflateWith}. */
    public FrameDecoder inflateWith(ZlibInflate z) {
        codec.inflateWith(z);
        return this;
    }

    /**
     * Opens a frame file held in {@code buffer} (position 0 to limit): checks the header and the
     * FrEndOfFile and reads the TOC. {@code name} is used in error messages only.
     */
    public void open(ByteBuffer buffer, String name) throws GwfException {
        this.file = name;
        this.buf = buffer;
        this.found = null;
        GwfReader.Header h = GwfReader.header(buffer, name, header);
        buffer.order(h.order);
        this.version = h.version;
        this.order = h.order;
        cursor.reset(buffer, name, version);
        int size = buffer.limit();
        int eofLen = h.endOfFileBytes();
        int eof = size - eofLen;
        if (eof < GwfReader.HEADER_BYTES || buffer.getLong(eof) != eofLen || buffer.getLong(eof + 18) != size) {
            throw new GwfException(GwfException.Kind.TRUNCATED, name, size, "truncated: missing FrEndOfFile");
        }
        long seekToc = version >= 8 ? buffer.getLong(size - 20) : buffer.getLong(size - 8);
        hasToc = seekToc != 0;
        if (hasToc && (seekToc < eofLen + 14 || seekToc > size - GwfReader.HEADER_BYTES)) {
            throw new GwfException(GwfException.Kind.MALFORMED, name, size - (version >= 8 ? 20 : 8),
                    "seekTOC " + seekToc + " points outside the file's structures");
        }
        if (hasToc) {
            int tocPos = (int) (size - seekToc);
            long len = buffer.getLong(tocPos);
            if (len < 14 || len > eof - tocPos) {
                throw new GwfException(GwfException.Kind.MALFORMED, name, tocPos, "FrTOC length " + len + " is impossible");
            }
            verify(tocPos, (int) len, "FrTOC");
            cursor.at(tocPos + 14, tocPos + (int) len - (version >= 8 ? 4 : 0), "FrTOC");
            toc.scan(cursor);
            adcId = toc.classIdOf(FR_ADC);
            procId = toc.classIdOf(FR_PROC);
            simId = toc.classIdOf(FR_SIM);
            vectId = toc.classIdOf(FR_VECT);
            endOfFrameId = toc.classIdOf(FR_END_OF_FRAME);
        } else {
            scanDictionary();
        }
    }

    /** Files without a TOC: class ids from the FrSH records. */
    private void scanDictionary() throws GwfException {
        adcId = procId = simId = vectId = endOfFrameId = -1;
        int pos = GwfReader.HEADER_BYTES;
        int size = buf.limit();
        while (pos + 14 <= size) {
            long len = buf.getLong(pos);
            if (len < 14 || len > size - pos) {
                throw new GwfException(GwfException.Kind.MALFORMED, file, pos, "structure length " + len + " is impossible");
            }
            if (classAt(pos) == 1) {
                cursor.at(pos + 14, pos + (int) len, "FrSH");
                int nameStart = cursor.pos;
                cursor.skipString("name");
                int id = cursor.u16("class");
                if (nameIs(nameStart, FR_ADC)) {
                    adcId = id;
                } else if (nameIs(nameStart, FR_PROC)) {
                    procId = id;
                } else if (nameIs(nameStart, FR_SIM)) {
                    simId = id;
                } else if (nameIs(nameStart, FR_VECT)) {
                    vectId = id;
                } else if (nameIs(nameStart, FR_END_OF_FRAME)) {
                    endOfFrameId = id;
                }
            }
            pos += (int) len;
        }
    }

    private boolean nameIs(int off, byte[] name) {
        return Toc.stringEquals(buf, off, name);
    }

    private int classAt(int pos) {
        return version >= 8 ? buf.get(pos + 9) & 0xFF : buf.getShort(pos + 8) & 0xFFFF;
    }

    private long instanceAt(int pos) {
        return buf.getInt(pos + 10) & 0xFFFFFFFFL;
    }

    private void verify(int pos, int len, String what) throws GwfException {
        if (!verifyChecksums || version < 8 || buf.get(pos + 8) != 1) {
            return;
        }
        int stored = buf.getInt(pos + len - 4);
        int computed = Cksum.of(buf, pos, len - 4);
        if (stored != computed) {
            throw new GwfException(GwfException.Kind.CHECKSUM, file, pos, String.format(
                    "checksum mismatch in %s at offset %d: stored 0x%08x, computed 0x%08x", what, pos, stored, computed));
        }
    }

    /** Number of frames in the open file (from the TOC; 1 is assumed for files without one). */
    public int frameCount() {
        return hasToc ? toc.frameCount() : 1;
    }

    /** GPS start of a frame in nanoseconds (TOC files only; -1 otherwise). */
    public long gpsStartNs(int frame) {
        return hasToc ? toc.gpsS(frame) * 1_000_000_000L + toc.gpsNs(frame) : -1;
    }

    /** The TOC of the open file (valid until the next {@link #open}). */
    public Toc toc() {
        return hasToc ? toc : null;
    }

    // ------------------------------------------------------------------ locating

    /** Finds the channel's vector in {@code frame}; fills the v* fields. */
    private void locate(int frame, ChannelName channel) throws GwfException {
        int pos = -1;
        if (hasToc) {
            if (frame < 0 || frame >= toc.frameCount()) {
                throw new GwfException(GwfException.Kind.NOT_FOUND, file, -1,
                        "frame " + frame + " not in file (" + toc.frameCount() + " frames)");
            }
            for (Toc.List4 l : CHANNEL_LISTS) {
                int i = toc.indexOf(l, channel.bytes);
                if (i >= 0) {
                    long p = toc.position(l, i, frame);
                    if (p <= 0) {
                        throw new GwfException(GwfException.Kind.NOT_FOUND, file, -1,
                                "channel '" + channel.name() + "' absent from frame " + frame);
                    }
                    if (p >= buf.limit()) {
                        throw new GwfException(GwfException.Kind.MALFORMED, file, -1,
                                "TOC position " + p + " of channel '" + channel.name() + "' is past the end of the file");
                    }
                    pos = skipToChannel((int) p, channel);
                    break;
                }
            }
        } else {
            pos = walkToChannel(channel);
        }
        if (pos < 0) {
            throw new GwfException(GwfException.Kind.NOT_FOUND, file, -1, "channel '" + channel.name() + "' not found");
        }
        parseChannel(pos, channel);
    }

    private int structLen(int pos) throws GwfException {
        if (pos + 14 > buf.limit()) {
            throw new GwfException(GwfException.Kind.MALFORMED, file, pos, "structure header past the end of the file");
        }
        long len = buf.getLong(pos);
        if (len < 14 || len > buf.limit() - pos) {
            throw new GwfException(GwfException.Kind.MALFORMED, file, pos, "structure length " + len + " is impossible");
        }
        return (int) len;
    }

    /** From a TOC position (which may point at dictionary records), the channel structure's offset. */
    private int skipToChannel(int pos, ChannelName channel) throws GwfException {
        for (int guard = 0; guard < 4096; guard++) {
            int len = structLen(pos);
            int cls = classAt(pos);
            if (cls == adcId || cls == procId || cls == simId) {
                return pos;
            }
            if (cls != 1 && cls != 2) {
                throw new GwfException(GwfException.Kind.MALFORMED, file, pos,
                        "TOC position of channel '" + channel.name() + "' points at a structure of class " + cls);
            }
            pos += len;
        }
        throw new GwfException(GwfException.Kind.MALFORMED, file, pos, "TOC position leads nowhere");
    }

    private int walkToChannel(ChannelName channel) throws GwfException {
        int pos = GwfReader.HEADER_BYTES;
        int size = buf.limit();
        while (pos + 14 <= size) {
            int len = structLen(pos);
            int cls = classAt(pos);
            if ((cls == adcId || cls == procId || cls == simId) && nameIs(pos + 14, channel.bytes)) {
                return pos;
            }
            pos += len;
        }
        return -1;
    }

    private void parseChannel(int pos, ChannelName channel) throws GwfException {
        int len = structLen(pos);
        int cls = classAt(pos);
        String what = cls == adcId ? "FrAdcData" : cls == procId ? "FrProcData" : "FrSimData";
        verify(pos, len, what);
        if (!nameIs(pos + 14, channel.bytes)) {
            throw new GwfException(GwfException.Kind.MALFORMED, file, pos,
                    "TOC entry of channel '" + channel.name() + "' points at another channel");
        }
        Cursor c = cursor.at(pos + 14, pos + len, what);
        c.skipString("name");
        c.skipString("comment");
        if (cls == adcId) {
            channelKind = Channel.Kind.ADC;
            c.skip(12 + 8, "channelGroup..slope");
            c.skipString("units");
            c.skip(8, "sampleRate");
            channelTimeOffset = c.f64("timeOffset");
            c.skip(8 + 4 + 2, "fShift..dataValid");
        } else if (cls == procId) {
            channelKind = Channel.Kind.PROC;
            c.skip(4, "type, subType");
            channelTimeOffset = c.f64("timeOffset");
            c.skip(8 + 8 + 4 + 8 + 8, "tRange..BW");
            int nAux = c.u16("nAuxParam");
            c.skip(8L * nAux, "auxParam");
            for (int i = 0; i < nAux; i++) {
                c.skipString("auxParamNames");
            }
        } else {
            channelKind = Channel.Kind.SIM;
            c.skip(version == 6 ? 4 : 8, "sampleRate");
            channelTimeOffset = c.f64("timeOffset");
            c.skip(8 + 4, "fShift, phase");
        }
        int ptrCls = c.u16("data");
        long inst = c.u32("data");
        if (ptrCls == 0) {
            throw new GwfException(GwfException.Kind.NOT_FOUND, file, pos, "channel '" + channel.name() + "' has no data vector");
        }
        int v = findVect(pos + len, inst);
        if (v < 0) {
            v = findVectBackwards(pos, inst);
        }
        if (v < 0) {
            throw new GwfException(GwfException.Kind.MALFORMED, file, pos,
                    "data vector of channel '" + channel.name() + "' not found in its frame");
        }
        parseVect(v);
    }

    private int findVect(int pos, long inst) throws GwfException {
        int size = buf.limit();
        while (pos + 14 <= size) {
            int len = structLen(pos);
            int cls = classAt(pos);
            if (cls == vectId && instanceAt(pos) == inst) {
                return pos;
            }
            if (cls == endOfFrameId) {
                return -1;
            }
            pos += len;
        }
        return -1;
    }

    /** Rare layouts put vectors before their channel: search the frame from its start. */
    private int findVectBackwards(int channelPos, long inst) throws GwfException {
        int start = GwfReader.HEADER_BYTES;
        if (hasToc) {
            for (int f = 0; f < toc.frameCount(); f++) {
                long p = toc.frameOffset(f);
                if (p > 0 && p <= channelPos) {
                    start = (int) p;
                }
            }
        }
        int pos = start;
        while (pos < channelPos) {
            int len = structLen(pos);
            if (classAt(pos) == vectId && instanceAt(pos) == inst) {
                return pos;
            }
            pos += len;
        }
        return -1;
    }

    private void parseVect(int pos) throws GwfException {
        int len = structLen(pos);
        verify(pos, len, "FrVect");
        Cursor c = cursor.at(pos + 14, pos + len, "FrVect");
        c.skipString("name");
        vCompress = c.u16("compress");
        int code = c.u16("type");
        vType = VectType.ofCode(code);
        if (vType == null || vType == VectType.STRING) {
            throw c.malformed("type code " + code + " is not a numeric vector type");
        }
        vNData = c.i64("nData");
        long nBytes = c.i64("nBytes");
        if (vNData < 0 || Convert.words(vType, vNData) > Integer.MAX_VALUE) {
            throw c.malformed("nData " + Long.toUnsignedString(vNData) + " is impossible");
        }
        c.need(nBytes, "data");
        vDataPos = c.pos;
        vNBytes = (int) nBytes;
        c.pos += vNBytes;
        if ((vCompress & 0xFF) != Compression.RAW) {
            long raw = vNData * vType.elementBytes();
            int savedPos = buf.position();
            int savedLimit = buf.limit();
            buf.limit(vDataPos + vNBytes).position(vDataPos);
            String cannot = Compression.expansionProblem(vCompress, buf, raw);
            buf.limit(savedLimit).position(savedPos);
            if (cannot != null) {
                throw new GwfException(GwfException.Kind.MALFORMED, file, vDataPos, cannot);
            }
        }
        long nDim = c.u32("nDim");
        if (nDim > 0) {
            c.skip(8 * nDim, "nx");
            vDx = c.f64("dx");
        } else {
            vDx = 0;
        }
    }

    /** Makes the located vector's expanded words available: returns the buffer, base offset in {@code base[0]}. */
    private ByteBuffer words(int[] base) throws GwfException {
        long raw = vNData * vType.elementBytes();
        if ((vCompress & 0xFF) == Compression.RAW) {
            if (vNBytes != raw) {
                throw new GwfException(GwfException.Kind.MALFORMED, file, vDataPos,
                        "raw vector holds " + vNBytes + " bytes, nData × element size is " + raw);
            }
            base[0] = vDataPos;
            return buf;
        }
        if (raw > maxVectorBytes) {
            throw new GwfException(GwfException.Kind.MALFORMED, file, vDataPos,
                    "vector expands to " + raw + " bytes, over the limit of " + maxVectorBytes);
        }
        if (scratch.capacity() < raw) {
            scratch = ByteBuffer.allocateDirect((int) Math.max(raw, scratch.capacity() * 2L));
        }
        scratch.clear();
        int savedPos = buf.position();
        int savedLimit = buf.limit();
        try {
            buf.limit(vDataPos + vNBytes).position(vDataPos);
            ByteOrder o = codec.expand(vCompress, vType, vNData, buf, scratch, raw);
            scratch.order(o);
        } catch (GwfException e) {
            throw new GwfException(GwfException.Kind.MALFORMED, file, vDataPos, e.reason());
        } finally {
            buf.limit(savedLimit).position(savedPos);
        }
        base[0] = 0;
        return scratch;
    }

    private final int[] base = new int[1];
    private final Views fileViews = new Views();
    private final Views scratchViews = new Views();

    private int prepare(int frame, ChannelName channel, int capacity) throws GwfException {
        locate(frame, channel);
        long n = Convert.words(vType, vNData);
        if (n > capacity) {
            throw new GwfException(GwfException.Kind.MALFORMED, file, vDataPos,
                    "channel '" + channel.name() + "' has " + n + " values, the destination holds " + capacity);
        }
        return (int) n;
    }

    /**
     * Locates a channel of a frame without decoding it: returns its number of values (words;
     * twice the element count for complex types). {@link #lastSampleRate()}, {@link #lastType()} and
     * the other {@code last} accessors then describe it, and {@link #readFound} decodes it. Lets a
     * caller check length and rate before it decodes.
     */
    public long find(int frame, ChannelName channel) throws GwfException {
        found = null;
        locate(frame, channel);
        found = channel;
        return Convert.words(vType, vNData);
    }

    /**
     * Decodes the channel located by the last {@link #find} into {@code dst} from its position
     * (advanced), as float64 when {@code asDouble} else float32, in {@code dst}'s byte order.
     */
    public int readFound(ByteBuffer dst, boolean asDouble) throws GwfException {
        if (found == null) {
            throw new IllegalStateException("no channel located: call find first");
        }
        long n = Convert.words(vType, vNData);
        int capacity = dst.remaining() / (asDouble ? 8 : 4);
        if (n > capacity) {
            throw new GwfException(GwfException.Kind.MALFORMED, file, vDataPos,
                    "channel '" + found.name() + "' has " + n + " values, the destination holds " + capacity);
        }
        ByteBuffer b = words(base);
        Convert.toBuffer(vType, b, base[0], (int) n, dst, asDouble);
        return (int) n;
    }

    private ChannelName found;

    /** Decodes a channel of a frame into {@code dst[off..]}; returns the number of values written. */
    public int read(int frame, ChannelName channel, double[] dst, int off) throws GwfException {
        int n = prepare(frame, channel, dst.length - off);
        ByteBuffer b = words(base);
        Convert.toDoubles(vType, b, base[0], n, dst, off, b == scratch ? scratchViews : fileViews);
        return n;
    }

    /** Decodes a channel of a frame into {@code dst[off..]} as float32; returns the number of values. */
    public int read(int frame, ChannelName channel, float[] dst, int off) throws GwfException {
        int n = prepare(frame, channel, dst.length - off);
        ByteBuffer b = words(base);
        Convert.toFloats(vType, b, base[0], n, dst, off, b == scratch ? scratchViews : fileViews);
        return n;
    }

    /**
     * Decodes a channel into {@code dst} from its position (advanced), as float64 when
     * {@code asDouble} else float32, in {@code dst}'s byte order; returns the number of values.
     */
    public int read(int frame, ChannelName channel, ByteBuffer dst, boolean asDouble) throws GwfException {
        int n = prepare(frame, channel, dst.remaining() / (asDouble ? 8 : 4));
        ByteBuffer b = words(base);
        Convert.toBuffer(vType, b, base[0], n, dst, asDouble);
        return n;
    }

    /** Stored type of the channel read last. */
    public VectType lastType() {
        return vType;
    }

    /** Sample rate (1/dx) of the channel read last. */
    public double lastSampleRate() {
        return vDx == 0 ? 0 : 1.0 / vDx;
    }

    /** Number of elements of the channel read last. */
    public long lastNData() {
        return vNData;
    }

    /** Stored compression code of the channel read last. */
    public int lastCompress() {
        return vCompress;
    }

    /** Kind of the channel read last. */
    public Channel.Kind lastKind() {
        return channelKind;
    }

    /** timeOffset (s) of the channel read last. */
    public double lastTimeOffset() {
        return channelTimeOffset;
    }

    /** Byte order of the open file. */
    public ByteOrder byteOrder() {
        return order;
    }
}
