package org.strainline.gwf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Encoder and decoder of FrVect payloads for every compression code of the format: raw (0/256),
 * zlib "gzip" (1/257), differences + gzip (3/259), zero-suppress of 2-, 4- and 8-byte words
 * (5/261, 8/264, 10/266) and the request code 6 (zero-suppress integers, gzip the rest).
 *
 * <p>The low byte of a stored code is the method; bit 0x100 says the compressed payload is
 * little-endian. Raw payloads always follow the file header's byte order.
 *
 * <p>One instance per thread: it owns a reusable {@link Inflater}, or uses the faster
 * {@link ZlibInflate} it was given for streams between direct buffers. Decoding allocates nothing.
 */
public final class Compression {
    public static final int RAW = 0;
    public static final int GZIP = 1;
    public static final int DIFF_GZIP = 3;
    public static final int ZERO_SUPPRESS_2 = 5;
    public static final int ZERO_SUPPRESS_OTHERWISE_GZIP = 6;
    public static final int ZERO_SUPPRESS_4 = 8;
    public static final int ZERO_SUPPRESS_8 = 10;
    /** Bit set in a stored code when the payload is little-endian. */
    public static final int LITTLE_ENDIAN_FLAG = 0x100;

    /** zlib cannot expand data by more than this factor; a larger claim is a corrupt vector. */
    private static final long ZLIB_MAX_RATIO = 1032;

    private final Inflater inflater = new Inflater();
    private ZlibInflate fast;
    private Deflater deflater;
    private final int deflateLevel;

    /** A codec that deflates at level 1 (FrameL's choice: fast, most of the gain on strain data). */
    public Compression() {
        this(1);
    }

    public Compression(int deflateLevel) {
        if (deflateLevel < 0 || deflateLevel > 9) {
            throw new IllegalArgumentException("deflate level must be 0..9, got " + deflateLevel);
        }
        this.deflateLevel = deflateLevel;
    }

    /**
     * Expands zlib streams between direct buffers with {@code z} from now on (null: with the
     * JDK's {@link Inflater}, as for heap buffers always).
     */
    public void inflateWith(ZlibInflate z) {
        this.fast = z;
    }

    /** Human-readable name of a stored or requested code. */
    public static String name(int code) {
        switch (code & 0xFF) {
            case RAW: return "raw";
            case GZIP: return "gzip";
            case DIFF_GZIP: return "diff_gzip";
            case ZERO_SUPPRESS_2: return "zero_suppress_2";
            case ZERO_SUPPRESS_OTHERWISE_GZIP: return "zero_suppress_otherwise_gzip";
            case ZERO_SUPPRESS_4: return "zero_suppress_4";
            case ZERO_SUPPRESS_8: return "zero_suppress_8";
            default: return "code_" + code;
        }
    }

    /** Byte order of a payload stored with {@code compress} in a file of order {@code fileOrder}. */
    public static ByteOrder payloadOrder(int compress, ByteOrder fileOrder) {
        if ((compress & 0xFF) == RAW) {
            return fileOrder;
        }
        return (compress & LITTLE_ENDIAN_FLAG) != 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    /**
     * The most bytes the payload between {@code stored}'s position and limit can expand to with
     * this code, so that a corrupt nData is refused before anything is allocated: zlib expands at
     * most 1032:1; in zero-suppress each block header of nbw bits stands for at most the block
     * size (in the payload's first word) of words.
     */
    public static long maxExpandedBytes(int compress, ByteBuffer stored) {
        long n = stored.remaining();
        int base = compress & 0xFF;
        switch (base) {
            case GZIP:
            case DIFF_GZIP:
                return ZLIB_MAX_RATIO * n + 64;
            case ZERO_SUPPRESS_2:
            case ZERO_SUPPRESS_OTHERWISE_GZIP:
            case ZERO_SUPPRESS_4:
            case ZERO_SUPPRESS_8: {
                int w = base == ZERO_SUPPRESS_4 ? 32 : base == ZERO_SUPPRESS_8 ? 64 : 16;
                if (n < w / 8) {
                    return 0;
                }
                ByteOrder order = (compress & LITTLE_ENDIAN_FLAG) != 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                long bSize = readWord(stored, stored.position(), 0, w, order) & 0xFFFF;
                int nbw = w == 16 ? 4 : (w == 32 ? 5 : 6);
                return (n * 8 / nbw + 1) * bSize * (w / 8);
            }
            default:
                return n;
        }
    }

    /**
     * Null when the payload between {@code stored}'s position and limit can expand to
     * {@code rawBytes} with this code ({@link #maxExpandedBytes}), else the reason. Allocates only
     * the reason.
     */
    public static String expansionProblem(int compress, ByteBuffer stored, long rawBytes) {
        if (rawBytes <= maxExpandedBytes(compress, stored)) {
            return null;
        }
        return "a payload of " + stored.remaining() + " bytes cannot expand to nData × element size = " + rawBytes
                + " bytes with compression " + compress;
    }

    /** Checks that a stored compression code is one this codec can expand; returns null or the reason. */
    public static String checkStoredCode(int compress, VectType type) {
        int base = compress & 0xFF;
        if ((compress & ~0x1FF) != 0) {
            return "unknown compression code " + compress;
        }
        switch (base) {
            case RAW:
                return null;
            case GZIP:
            case DIFF_GZIP:
            case ZERO_SUPPRESS_2:
            case ZERO_SUPPRESS_OTHERWISE_GZIP:
            case ZERO_SUPPRESS_4:
            case ZERO_SUPPRESS_8:
                return type == VectType.STRING ? "compressed STRING vector (compression code " + compress + ")" : null;
            default:
                return "unsupported compression code " + compress;
        }
    }

    /**
     * Expands a compressed payload. {@code src} holds the stored bytes between its position and
     * limit (positions are not changed); {@code dst} receives exactly {@code rawBytes} bytes from
     * its position, which it advances. Returns the byte order of the expanded words.
     *
     * @param rawBytes nData × element size of the vector
     * @throws GwfException (with no file or offset: the caller adds them) for a corrupt payload
     */
    public ByteOrder expand(int compress, VectType type, long nData, ByteBuffer src, ByteBuffer dst, long rawBytes)
            throws GwfException {
        String bad = checkStoredCode(compress, type);
        if (bad != null) {
            throw corrupt(bad);
        }
        String cannot = expansionProblem(compress, src, rawBytes);
        if (cannot != null) {
            throw corrupt(cannot);
        }
        if (rawBytes > dst.remaining()) {
            throw corrupt("expanded size " + rawBytes + " exceeds the buffer (" + dst.remaining() + " bytes)");
        }
        ByteOrder order = (compress & LITTLE_ENDIAN_FLAG) != 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int base = compress & 0xFF;
        int start = dst.position();
        switch (base) {
            case GZIP:
                inflate(src, dst, rawBytes);
                break;
            case DIFF_GZIP: {
                inflate(src, dst, rawBytes);
                int w = type.wordBytes();
                integrate(dst, start, (int) (rawBytes / w), w, order);
                break;
            }
            case ZERO_SUPPRESS_2:
            case ZERO_SUPPRESS_OTHERWISE_GZIP:
                zeroExpand(src, order, 16, type, nData, dst, rawBytes);
                break;
            case ZERO_SUPPRESS_4:
                zeroExpand(src, order, 32, type, nData, dst, rawBytes);
                break;
            case ZERO_SUPPRESS_8:
                zeroExpand(src, order, 64, type, nData, dst, rawBytes);
                break;
            default:
                throw corrupt("unsupported compression code " + compress);
        }
        dst.position(start + (int) rawBytes);
        return order;
    }

    private static GwfException corrupt(String reason) {
        return new GwfException(GwfException.Kind.MALFORMED, null, -1, reason);
    }

    private void inflate(ByteBuffer src, ByteBuffer dst, long rawBytes) throws GwfException {
        ZlibInflate z = fast;
        if (z != null && src.isDirect() && dst.isDirect()) {
            String bad = z.inflate(src, dst, (int) rawBytes);
            if (bad != null) {
                throw corrupt(bad);
            }
            return;
        }
        Inflater inf = inflater;
        inf.reset();
        int savedPos = src.position();
        int savedLimit = dst.limit();
        int start = dst.position();
        dst.limit(start + (int) rawBytes);
        try {
            inf.setInput(src);
            while (!inf.finished()) {
                long before = inf.getBytesRead();
                int n = inf.inflate(dst);
                if (n == 0 && !inf.finished()) {
                    if (inf.needsDictionary()) {
                        throw corrupt("zlib payload needs a preset dictionary");
                    }
                    if (inf.needsInput()) {
                        throw corrupt("zlib payload ends after " + (dst.position() - start) + " of " + rawBytes + " bytes");
                    }
                    if (!dst.hasRemaining()) {
                        throw corrupt("zlib payload expands to more than nData × element size (" + rawBytes + " bytes)");
                    }
                    if (inf.getBytesRead() == before) {
                        throw corrupt("zlib payload makes no progress");
                    }
                }
            }
            if (dst.position() - start != rawBytes) {
                throw corrupt("zlib payload expands to " + (dst.position() - start) + " bytes, expected " + rawBytes);
            }
        } catch (DataFormatException e) {
            throw new GwfException(GwfException.Kind.MALFORMED, null, -1, "bad zlib payload: " + e.getMessage(), e);
        } finally {
            src.position(savedPos);
            dst.limit(savedLimit);
        }
    }

    /** Running sum with wrap-around in the word width, in place (inverse of {@link #differentiate}). */
    static void integrate(ByteBuffer b, int start, int nWords, int width, ByteOrder order) {
        ByteOrder saved = b.order();
        b.order(order);
        switch (width) {
            case 1: {
                byte acc = 0;
                for (int i = 0; i < nWords; i++) {
                    acc += b.get(start + i);
                    b.put(start + i, acc);
                }
                break;
            }
            case 2: {
                short acc = 0;
                for (int i = 0; i < nWords; i++) {
                    int p = start + 2 * i;
                    acc += b.getShort(p);
                    b.putShort(p, acc);
                }
                break;
            }
            case 4: {
                int acc = 0;
                for (int i = 0; i < nWords; i++) {
                    int p = start + 4 * i;
                    acc += b.getInt(p);
                    b.putInt(p, acc);
                }
                break;
            }
            default: {
                long acc = 0;
                for (int i = 0; i < nWords; i++) {
                    int p = start + 8 * i;
                    acc += b.getLong(p);
                    b.putLong(p, acc);
                }
                break;
            }
        }
        b.order(saved);
    }

    /** Differences with wrap-around in the word width, in place: d[0] = x[0], d[i] = x[i] - x[i-1]. */
    static void differentiate(ByteBuffer b, int start, int nWords, int width, ByteOrder order) {
        ByteOrder saved = b.order();
        b.order(order);
        switch (width) {
            case 1: {
                byte prev = 0;
                for (int i = 0; i < nWords; i++) {
                    byte x = b.get(start + i);
                    b.put(start + i, (byte) (x - prev));
                    prev = x;
                }
                break;
            }
            case 2: {
                short prev = 0;
                for (int i = 0; i < nWords; i++) {
                    int p = start + 2 * i;
                    short x = b.getShort(p);
                    b.putShort(p, (short) (x - prev));
                    prev = x;
                }
                break;
            }
            case 4: {
                int prev = 0;
                for (int i = 0; i < nWords; i++) {
                    int p = start + 4 * i;
                    int x = b.getInt(p);
                    b.putInt(p, x - prev);
                    prev = x;
                }
                break;
            }
            default: {
                long prev = 0;
                for (int i = 0; i < nWords; i++) {
                    int p = start + 8 * i;
                    long x = b.getLong(p);
                    b.putLong(p, x - prev);
                    prev = x;
                }
                break;
            }
        }
        b.order(saved);
    }

    private static long readWord(ByteBuffer src, int base, int index, int w, ByteOrder order) {
        int p = base + index * (w >>> 3);
        boolean le = order == ByteOrder.LITTLE_ENDIAN;
        switch (w) {
            case 16: {
                int lo = src.get(p) & 0xFF;
                int hi = src.get(p + 1) & 0xFF;
                return le ? (hi << 8 | lo) : (lo << 8 | hi);
            }
            case 32: {
                long v = 0;
                for (int k = 0; k < 4; k++) {
                    long byt = src.get(p + k) & 0xFFL;
                    v |= le ? byt << (8 * k) : byt << (8 * (3 - k));
                }
                return v;
            }
            default: {
                long v = 0;
                for (int k = 0; k < 8; k++) {
                    long byt = src.get(p + k) & 0xFFL;
                    v |= le ? byt << (8 * k) : byt << (8 * (7 - k));
                }
                return v;
            }
        }
    }

    /**
     * Zero-suppress expansion (FrameL FrVectZExpand*): LSB-first bit fields that may span two
     * words, a block size in the first 16 bits, per block an (nBits - 1) field, offset-binary
     * differences, then integration with wrap-around in the word width. Complex vectors are
     * stored all real parts first, then all imaginary parts (the spec's layout).
     */
    private static void zeroExpand(ByteBuffer src, ByteOrder order, int w, VectType type, long nData,
                                   ByteBuffer dst, long rawBytes) throws GwfException {
        int wb = w >>> 3;
        if (type.wordBytes() != wb || type == VectType.STRING) {
            throw corrupt("zero-suppress of " + w + "-bit words cannot hold " + type.typeName() + " data");
        }
        long nOut = type.isComplex() ? 2 * nData : nData;
        if (nOut * wb != rawBytes) {
            throw corrupt("zero-suppress output size mismatch");
        }
        int base = src.position();
        int nIn = src.remaining() / wb;
        if (nIn < 1) {
            throw corrupt("zero-suppressed payload is empty");
        }
        int nbw = w == 16 ? 4 : (w == 32 ? 5 : 6);
        long mask = w == 64 ? -1L : (1L << w) - 1;
        int bSize = (int) (readWord(src, base, 0, w, order) & 0xFFFF);
        if (bSize == 0 && nOut > 0) {
            throw corrupt("zero-suppressed payload has block size 0");
        }
        int iIn = w == 16 ? 1 : 0;
        int pIn = w == 16 ? 0 : 16;
        long cur = iIn < nIn ? readWord(src, base, iIn, w, order) : 0;
        int out = dst.position();
        long acc = 0;
        long k = 0;
        while (k < nOut) {
            // read nbw bits
            int nBits;
            {
                if (iIn >= nIn) {
                    throw corrupt("zero-suppressed payload ends after " + k + " of " + nOut + " words");
                }
                long v = cur >>> pIn;
                if (pIn + nbw > w) {
                    if (iIn + 1 >= nIn) {
                        throw corrupt("zero-suppressed payload ends after " + k + " of " + nOut + " words");
                    }
                    v |= readWord(src, base, iIn + 1, w, order) << (w - pIn);
                }
                nBits = (int) (v & ((1L << nbw) - 1)) + 1;
                pIn += nbw;
                if (pIn >= w) {
                    pIn -= w;
                    iIn++;
                    cur = iIn < nIn ? readWord(src, base, iIn, w, order) : 0;
                }
            }
            if (nBits == 1) {
                nBits = 0;
            }
            long offset = nBits == 0 ? 0 : (1L << (nBits - 1)) - 1;
            long fieldMask = nBits == 64 ? -1L : (1L << nBits) - 1;
            long end = Math.min(nOut, k + bSize);
            for (; k < end; k++) {
                long u = 0;
                if (nBits != 0) {
                    if (iIn >= nIn) {
                        throw corrupt("zero-suppressed payload ends after " + k + " of " + nOut + " words");
                    }
                    long v = cur >>> pIn;
                    if (pIn + nBits > w) {
                        if (iIn + 1 >= nIn) {
                            throw corrupt("zero-suppressed payload ends after " + k + " of " + nOut + " words");
                        }
                        v |= readWord(src, base, iIn + 1, w, order) << (w - pIn);
                    }
                    u = v & fieldMask;
                    pIn += nBits;
                    if (pIn >= w) {
                        pIn -= w;
                        iIn++;
                        cur = iIn < nIn ? readWord(src, base, iIn, w, order) : 0;
                    }
                }
                acc = (acc + (u - offset)) & mask;
                long slot = type.isComplex() ? (k < nData ? 2 * k : 2 * (k - nData) + 1) : k;
                putWord(dst, out + (int) (slot * wb), w, acc, order);
            }
        }
    }

    private static void putWord(ByteBuffer dst, int p, int w, long v, ByteOrder order) {
        boolean le = order == ByteOrder.LITTLE_ENDIAN;
        int wb = w >>> 3;
        for (int k = 0; k < wb; k++) {
            int shift = le ? 8 * k : 8 * (wb - 1 - k);
            dst.put(p + k, (byte) (v >>> shift));
        }
    }

    // ------------------------------------------------------------------ encoding

    /** A payload ready to store: the code to write (with the byte-order flag) and the bytes. */
    public static final class Encoded {
        public final int compress;
        public final byte[] bytes;

        Encoded(int compress, byte[] bytes) {
            this.compress = compress;
            this.bytes = bytes;
        }
    }

    /**
     * Compresses {@code rawBytes} bytes of elements (from {@code raw}'s position, words in
     * {@code rawOrder}) with the requested method, for a file of byte order {@code order}. Like
     * FrameL it stores the vector raw when it has fewer than 8 elements, is a STRING vector, or
     * when the method does not make it smaller, and falls back to gzip where a method does not fit
     * the type (differences of floating-point data, zero-suppress of 1-byte words, a difference that
     * equals the most negative word).
     */
    public Encoded compress(int requested, VectType type, long nData, ByteBuffer raw, ByteOrder rawOrder,
                            ByteOrder order) {
        int base = requested & 0xFF;
        int n = (int) (type == VectType.STRING ? raw.remaining() : nData * type.elementBytes());
        byte[] plain = new byte[n];
        ByteBuffer pb = ByteBuffer.wrap(plain);
        if (type == VectType.STRING) {
            // STRING data: INT_2U length (in the file's order), bytes; re-order only the lengths
            int p = raw.position();
            int q = 0;
            while (q + 2 <= n) {
                int len = rawOrder == ByteOrder.LITTLE_ENDIAN
                        ? (raw.get(p + q) & 0xFF) | (raw.get(p + q + 1) & 0xFF) << 8
                        : (raw.get(p + q) & 0xFF) << 8 | (raw.get(p + q + 1) & 0xFF);
                pb.order(order).putShort(q, (short) len);
                for (int k = 0; k < len && q + 2 + k < n; k++) {
                    plain[q + 2 + k] = raw.get(p + q + 2 + k);
                }
                q += 2 + len;
            }
        } else {
            copySwapping(raw, raw.position(), rawOrder, pb, 0, order, n, type.wordBytes());
        }
        int flag = order == ByteOrder.LITTLE_ENDIAN ? LITTLE_ENDIAN_FLAG : 0;
        Encoded rawResult = new Encoded(flag, plain);
        if (base == RAW || type == VectType.STRING || nData < 8) {
            return rawResult;
        }
        if (base == ZERO_SUPPRESS_OTHERWISE_GZIP) {
            base = type.isFloating() ? GZIP : zeroCodeFor(type.wordBytes());
        }
        Encoded result;
        switch (base) {
            case GZIP:
                result = new Encoded(GZIP | flag, deflate(plain));
                break;
            case DIFF_GZIP:
                if (type.isFloating()) {
                    result = new Encoded(GZIP | flag, deflate(plain));
                } else {
                    byte[] d = plain.clone();
                    differentiate(ByteBuffer.wrap(d), 0, n / type.wordBytes(), type.wordBytes(), order);
                    result = new Encoded(DIFF_GZIP | flag, deflate(d));
                }
                break;
            case ZERO_SUPPRESS_2:
            case ZERO_SUPPRESS_4:
            case ZERO_SUPPRESS_8: {
                int w = type.wordBytes() * 8;
                byte[] z = w >= 16 ? zeroCompress(pb, order, w, type, nData) : null;
                result = z != null ? new Encoded(zeroCodeFor(type.wordBytes()) | flag, z)
                        : new Encoded(GZIP | flag, deflate(plain));
                break;
            }
            default:
                throw new IllegalArgumentException("unknown compression code " + requested);
        }
        return result.bytes.length < plain.length ? result : rawResult;
    }

    private static int zeroCodeFor(int wordBytes) {
        switch (wordBytes) {
            case 2: return ZERO_SUPPRESS_2;
            case 4: return ZERO_SUPPRESS_4;
            case 8: return ZERO_SUPPRESS_8;
            default: return GZIP;
        }
    }

    private byte[] deflate(byte[] plain) {
        if (deflater == null) {
            deflater = new Deflater(deflateLevel);
        }
        Deflater d = deflater;
        d.reset();
        d.setInput(plain);
        d.finish();
        byte[] out = new byte[Math.max(64, plain.length + plain.length / 100 + 64)];
        int len = 0;
        while (!d.finished()) {
            if (len == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            len += d.deflate(out, len, out.length - len);
        }
        return java.util.Arrays.copyOf(out, len);
    }

    /** Copies {@code n} bytes of words of {@code width} bytes, swapping where the orders differ. */
    static void copySwapping(ByteBuffer src, int from, ByteOrder srcOrder, ByteBuffer dst, int to, ByteOrder dstOrder,
                             int n, int width) {
        if (srcOrder == dstOrder || width == 1) {
            for (int i = 0; i < n; i++) {
                dst.put(to + i, src.get(from + i));
            }
            return;
        }
        for (int i = 0; i < n; i += width) {
            for (int k = 0; k < width; k++) {
                dst.put(to + i + k, src.get(from + i + width - 1 - k));
            }
        }
    }

    /** FrameL's zero-suppress encoder; null when a difference is the most negative word. */
    private static byte[] zeroCompress(ByteBuffer plain, ByteOrder order, int w, VectType type, long nData) {
        int wb = w >>> 3;
        int nOut = (int) (type.isComplex() ? 2 * nData : nData);
        long mask = w == 64 ? -1L : (1L << w) - 1;
        long minWord = 1L << (w - 1);
        long[] d = new long[nOut];
        long prev = 0;
        for (int k = 0; k < nOut; k++) {
            int slot = type.isComplex() ? (k < nData ? 2 * k : 2 * (k - (int) nData) + 1) : k;
            long x = readWord(plain, 0, slot, w, order);
            long diff = (x - prev) & mask;
            if (diff == minWord) {
                return null;
            }
            // sign-extend the W-bit difference
            d[k] = w == 64 ? diff : (diff << (64 - w)) >> (64 - w);
            prev = x;
        }
        int nbw = w == 16 ? 4 : (w == 32 ? 5 : 6);
        int bSize = w == 16 ? 12 : 8;
        long blocks = (nOut + bSize - 1) / bSize;
        long bits = 16 + (w == 16 ? 16 : 0) + blocks * nbw + (long) nOut * w;
        int nWords = (int) ((bits + w - 1) / w) + 1;
        long[] words = new long[nWords];
        int iOut;
        int pOut;
        words[0] = bSize;
        if (w == 16) {
            iOut = 1;
            pOut = 0;
        } else {
            iOut = 0;
            pOut = 16;
        }
        for (int k = 0; k < nOut; k += bSize) {
            int end = Math.min(nOut, k + bSize);
            long m = 0;
            for (int j = k; j < end; j++) {
                m |= Math.abs(d[j]);
            }
            int nBits = 64 - Long.numberOfLeadingZeros(m) + 1;
            // field nBits - 1 in nbw bits; nBits == 1 means "all zero, no data bits"
            long[] st = {iOut, pOut};
            put(words, st, nBits - 1, nbw, w, mask);
            if (nBits > 1) {
                long offset = (1L << (nBits - 1)) - 1;
                for (int j = k; j < end; j++) {
                    put(words, st, d[j] + offset, nBits, w, mask);
                }
            }
            iOut = (int) st[0];
            pOut = (int) st[1];
        }
        int used = iOut + (pOut > 0 ? 1 : 0);
        byte[] out = new byte[used * wb];
        ByteBuffer ob = ByteBuffer.wrap(out);
        for (int i = 0; i < used; i++) {
            putWord(ob, i * wb, w, words[i], order);
        }
        return out;
    }

    private static void put(long[] words, long[] st, long value, int n, int w, long mask) {
        int iOut = (int) st[0];
        int pOut = (int) st[1];
        long v = n == 64 ? value : value & ((1L << n) - 1);
        words[iOut] |= (v << pOut) & mask;
        if (pOut + n > w) {
            words[iOut + 1] |= (v >>> (w - pOut)) & mask;
        }
        pOut += n;
        if (pOut >= w) {
            pOut -= w;
            iOut++;
        }
        st[0] = iOut;
        st[1] = pOut;
    }
}
