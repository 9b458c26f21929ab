package org.strainline.gwf;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One decoded structure of a frame file: its type, class id, instance, offset, and its elements
 * by name (integers as {@code Long}, reals as {@code Double}, STRING as {@code String}, pointers as
 * {@link Ptr}, arrays as {@code long[]}/{@code double[]}/{@code String[]}, CHAR[2] as {@code byte[]},
 * and FrVect data as a read-only {@code ByteBuffer} view of the file).
 */
public final class Struct {
    private final Schema.Def def;
    private final int classId;
    private final long instance;
    private final long offset;
    private final Object[] values;
    private final Map<String, Object> links = new java.util.HashMap<>();

    Struct(Schema.Def def, int classId, long instance, long offset, Object[] values) {
        this.def = def;
        this.classId = classId;
        this.instance = instance;
        this.offset = offset;
        this.values = values;
    }

    /** The structure type name (FrAdcData, FrEvent, ...). */
    public String type() {
        return def.name;
    }

    public int classId() {
        return classId;
    }

    public long instance() {
        return instance;
    }

    /** Offset of the structure's first byte in the file. */
    public long offset() {
        return offset;
    }

    Schema.Def def() {
        return def;
    }

    Object value(int index) {
        return values[index];
    }

    /** The value of an element, or throws {@link IllegalArgumentException} if the type has no such element. */
    public Object get(String element) {
        return values[def.indexOf(element)];
    }

    public long getLong(String element) {
        return ((Number) get(element)).longValue();
    }

    public double getDouble(String element) {
        return ((Number) get(element)).doubleValue();
    }

    public String getString(String element) {
        return (String) get(element);
    }

    public Ptr getPtr(String element) {
        return (Ptr) get(element);
    }

    void link(String element, Object target) {
        links.put(element, target);
    }

    /**
     * What a pointer element (other than {@code next}) resolved to in its frame: a {@link Vect}
     * (the head of its chain) for pointers to FrVect, a {@code List<Struct>} (the linked list) for
     * pointers to other structures, or null when the pointer is null or did not resolve.
     */
    public Object linked(String element) {
        return links.get(element);
    }

    /** The vector chain a pointer element resolved to, or null. */
    public Vect linkedVect(String element) {
        Object o = links.get(element);
        return o instanceof Vect ? (Vect) o : null;
    }

    /** The structures a pointer element resolved to (its linked list), empty when none. */
    @SuppressWarnings("unchecked")
    public java.util.List<Struct> linkedStructs(String element) {
        Object o = links.get(element);
        return o instanceof java.util.List ? (java.util.List<Struct>) o : java.util.List.of();
    }

    /** All elements in file order. */
    public Map<String, Object> elements() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(def.elements.get(i).name, values[i]);
        }
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(def.name).append('{');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = values[i];
            String s;
            if (v instanceof long[]) {
                s = Arrays.toString((long[]) v);
            } else if (v instanceof double[]) {
                s = Arrays.toString((double[]) v);
            } else if (v instanceof String[]) {
                s = Arrays.toString((String[]) v);
            } else if (v instanceof byte[]) {
                s = new String((byte[]) v, java.nio.charset.StandardCharsets.ISO_8859_1);
            } else if (v instanceof ByteBuffer) {
                s = ((ByteBuffer) v).remaining() + " bytes";
            } else {
                s = String.valueOf(v);
            }
            sb.append(def.elements.get(i).name).append('=').append(s);
        }
        return sb.append('}').toString();
    }

    /** Decodes a structure body with the layout {@code def}; the cursor spans the body exactly. */
    static Struct decode(Schema.Def def, int classId, long instance, long offset, Cursor c) throws GwfException {
        Object[] v = new Object[def.elements.size()];
        for (int i = 0; i < v.length; i++) {
            Schema.Element e = def.elements.get(i);
            switch (e.kind) {
                case ARRAY: {
                    long n = ((Number) v[e.countIndex]).longValue();
                    if (n == 0xFFFFFFFFL) {
                        n = 0;
                    }
                    v[i] = readArray(e, n, c);
                    break;
                }
                case BLOB: {
                    long n = ((Number) v[e.countIndex]).longValue();
                    c.need(n, e.name);
                    ByteBuffer slice = c.buf.duplicate();
                    slice.limit(c.pos + (int) n).position(c.pos);
                    v[i] = slice.slice().asReadOnlyBuffer().order(c.buf.order());
                    c.pos += (int) n;
                    break;
                }
                default:
                    v[i] = readScalar(e.kind, e.name, c);
            }
        }
        return new Struct(def, classId, instance, offset, v);
    }

    private static Object readScalar(Schema.Kind k, String name, Cursor c) throws GwfException {
        switch (k) {
            case CHAR: {
                int b = c.u8(name);
                return (long) (byte) b;
            }
            case CHAR_U: return (long) c.u8(name);
            case INT_2S: return (long) c.i16(name);
            case INT_2U: return (long) c.u16(name);
            case INT_4S: return (long) c.i32(name);
            case INT_4U: return c.u32(name);
            case INT_8S:
            case INT_8U: return c.i64(name);
            case REAL_4: return (double) c.f32(name);
            case REAL_8: return c.f64(name);
            case STRING: return c.string(name);
            case PTR: return c.ptr(name);
            case BYTES2: {
                c.need(2, name);
                byte[] b = new byte[2];
                c.buf.get(c.pos, b);
                c.pos += 2;
                return b;
            }
            default:
                throw new IllegalStateException(k.toString());
        }
    }

    private static int itemBytes(Schema.Kind k) {
        switch (k) {
            case CHAR: case CHAR_U: return 1;
            case INT_2S: case INT_2U: case STRING: return 2;
            case INT_4S: case INT_4U: case REAL_4: return 4;
            case PTR: return 6;
            default: return 8;
        }
    }

    private static Object readArray(Schema.Element e, long n, Cursor c) throws GwfException {
        // every item takes at least itemBytes: check before allocating anything
        if (n < 0 || n > c.remaining() / itemBytes(e.itemKind)) {
            throw c.malformed("count " + n + " for '" + e.name + "' exceeds the structure");
        }
        int len = (int) n;
        switch (e.itemKind) {
            case STRING: {
                String[] s = new String[len];
                for (int i = 0; i < len; i++) {
                    s[i] = c.string(e.name);
                }
                return s;
            }
            case REAL_4:
            case REAL_8: {
                double[] d = new double[len];
                for (int i = 0; i < len; i++) {
                    d[i] = e.itemKind == Schema.Kind.REAL_4 ? c.f32(e.name) : c.f64(e.name);
                }
                return d;
            }
            default: {
                long[] l = new long[len];
                for (int i = 0; i < len; i++) {
                    l[i] = ((Number) readScalar(e.itemKind, e.name, c)).longValue();
                }
                return l;
            }
        }
    }
}
