package org.strainline.gwf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reads of primitive fields at absolute positions of a frame-file buffer, limited
 * to the structure being decoded. Every read checks what remains first, so a malformed length
 * yields a {@link GwfException} naming the structure and field, never an index exception.
 * The buffer's byte order must be the file's.
 */
final class Cursor {
    ByteBuffer buf;
    String file;
    int version;
    int pos;
    int end;
    String what = "structure";

    Cursor(ByteBuffer buf, String file, int version) {
        this.buf = buf;
        this.file = file;
        this.version = version;
    }

    /** Re-targets the cursor at another file (the hot-path decoder reuses one cursor). */
    Cursor reset(ByteBuffer newBuf, String newFile, int newVersion) {
        this.buf = newBuf;
        this.file = newFile;
        this.version = newVersion;
        return this;
    }

    Cursor at(int pos, int end, String what) {
        this.pos = pos;
        this.end = end;
        this.what = what;
        return this;
    }

    int remaining() {
        return end - pos;
    }

    GwfException malformed(String reason) {
        return new GwfException(GwfException.Kind.MALFORMED, file, pos, what + ": " + reason);
    }

    void need(long n, String field) throws GwfException {
        if (n < 0 || n > end - pos) {
            throw malformed("ends inside '" + field + "' (needs " + n + " bytes, " + (end - pos) + " remain)");
        }
    }

    int u8(String field) throws GwfException {
        need(1, field);
        return buf.get(pos++) & 0xFF;
    }

    int u16(String field) throws GwfException {
        need(2, field);
        int v = buf.getShort(pos) & 0xFFFF;
        pos += 2;
        return v;
    }

    short i16(String field) throws GwfException {
        need(2, field);
        short v = buf.getShort(pos);
        pos += 2;
        return v;
    }

    int i32(String field) throws GwfException {
        need(4, field);
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    long u32(String field) throws GwfException {
        return i32(field) & 0xFFFFFFFFL;
    }

    long i64(String field) throws GwfException {
        need(8, field);
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    float f32(String field) throws GwfException {
        need(4, field);
        float v = buf.getFloat(pos);
        pos += 4;
        return v;
    }

    double f64(String field) throws GwfException {
        need(8, field);
        double v = buf.getDouble(pos);
        pos += 8;
        return v;
    }

    /** A STRING: INT_2U length including the NUL, then the bytes; trailing NULs dropped. */
    String string(String field) throws GwfException {
        int n = u16(field);
        need(n, field);
        int len = n;
        while (len > 0 && buf.get(pos + len - 1) == 0) {
            len--;
        }
        byte[] b = new byte[len];
        buf.get(pos, b);
        pos += n;
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Skips a STRING without decoding it. */
    void skipString(String field) throws GwfException {
        int n = u16(field);
        need(n, field);
        pos += n;
    }

    Ptr ptr(String field) throws GwfException {
        int cls = u16(field);
        long inst = u32(field);
        return cls == 0 && inst == 0 ? Ptr.NULL : new Ptr(cls, inst);
    }

    void skip(long n, String field) throws GwfException {
        need(n, field);
        pos += (int) n;
    }
}
