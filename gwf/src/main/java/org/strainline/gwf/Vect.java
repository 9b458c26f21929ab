package org.strainline.gwf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An FrVect: a typed, possibly multi-dimensional array with its axes, stored compressed or raw.
 * Vectors read from a file keep their stored bytes as a view of the file and expand them on
 * demand; vectors made with the {@code of} factories hold raw data ready to be written.
 */
public final class Vect {
    private final String name;
    private final int compress;
    private final VectType type;
    private final long nData;
    private final long[] nx;
    private final double[] dx;
    private final double[] startX;
    private final String[] unitX;
    private final String unitY;
    private final ByteBuffer stored;
    private final ByteOrder fileOrder;
    private final String file;
    private final long offset;
    private Vect next;

    Vect(String name, int compress, VectType type, long nData, long[] nx, double[] dx, double[] startX,
         String[] unitX, String unitY, ByteBuffer stored, ByteOrder fileOrder, String file, long offset) {
        this.name = name;
        this.compress = compress;
        this.type = type;
        this.nData = nData;
        this.nx = nx;
        this.dx = dx;
        this.startX = startX;
        this.unitX = unitX;
        this.unitY = unitY;
        this.stored = stored;
        this.fileOrder = fileOrder;
        this.file = file;
        this.offset = offset;
    }

    // ------------------------------------------------------------------ factories (for writing)

    /** A 1-D time series of doubles at {@code sampleRateHz}, starting {@code startS} after the frame start. */
    public static Vect of(String name, double[] data, double sampleRateHz, double startS, String unitY) {
        return ofArray(name, VectType.REAL_8, data, new long[] {data.length}, new double[] {1.0 / sampleRateHz},
                new double[] {startS}, new String[] {"s"}, unitY);
    }

    /** A 1-D time series of floats. */
    public static Vect of(String name, float[] data, double sampleRateHz, double startS, String unitY) {
        return ofArray(name, VectType.REAL_4, data, new long[] {data.length}, new double[] {1.0 / sampleRateHz},
                new double[] {startS}, new String[] {"s"}, unitY);
    }

    /** A 1-D time series of 16-bit counts. */
    public static Vect of(String name, short[] data, double sampleRateHz, double startS, String unitY) {
        return ofArray(name, VectType.INT_2S, data, new long[] {data.length}, new double[] {1.0 / sampleRateHz},
                new double[] {startS}, new String[] {"s"}, unitY);
    }

    /** A 1-D time series of 32-bit integers (INT_4S). */
    public static Vect of(String name, int[] data, double sampleRateHz, double startS, String unitY) {
        return ofArray(name, VectType.INT_4S, data, new long[] {data.length}, new double[] {1.0 / sampleRateHz},
                new double[] {startS}, new String[] {"s"}, unitY);
    }

    /**
     * A vector of any type and shape. {@code array} is a Java array matching the type: byte[] for
     * CHAR/CHAR_U, short[] for INT_2S/INT_2U, int[] for INT_4S/INT_4U, long[] for INT_8S/INT_8U,
     * float[] for REAL_4 and COMPLEX_8 (interleaved re, im), double[] for REAL_8 and COMPLEX_16,
     * String[] for STRING. Unsigned types take the bit patterns.
     */
    public static Vect ofArray(String name, VectType type, Object array, long[] nx, double[] dx, double[] startX,
                               String[] unitX, String unitY) {
        Objects.requireNonNull(type, "type");
        int nDim = nx.length;
        if (dx.length != nDim || startX.length != nDim || unitX.length != nDim) {
            throw new IllegalArgumentException("nx, dx, startX and unitX must have the same length");
        }
        ByteBuffer raw;
        long nData;
        switch (type) {
            case CHAR:
            case CHAR_U: {
                byte[] a = (byte[]) array;
                nData = a.length;
                raw = ByteBuffer.wrap(a.clone());
                break;
            }
            case INT_2S:
            case INT_2U: {
                short[] a = (short[]) array;
                nData = a.length;
                raw = ByteBuffer.allocate(2 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                raw.asShortBuffer().put(a);
                break;
            }
            case INT_4S:
            case INT_4U: {
                int[] a = (int[]) array;
                nData = a.length;
                raw = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                raw.asIntBuffer().put(a);
                break;
            }
            case INT_8S:
            case INT_8U: {
                long[] a = (long[]) array;
                nData = a.length;
                raw = ByteBuffer.allocate(8 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                raw.asLongBuffer().put(a);
                break;
            }
            case REAL_4:
            case COMPLEX_8:
            case HALF_COMPLEX_8: {
                float[] a = (float[]) array;
                nData = type.isComplex() ? a.length / 2 : a.length;
                raw = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                raw.asFloatBuffer().put(a);
                break;
            }
            case REAL_8:
            case COMPLEX_16:
            case HALF_COMPLEX_16: {
                double[] a = (double[]) array;
                nData = type.isComplex() ? a.length / 2 : a.length;
                raw = ByteBuffer.allocate(8 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                raw.asDoubleBuffer().put(a);
                break;
            }
            case STRING: {
                String[] a = (String[]) array;
                nData = a.length;
                int size = 0;
                byte[][] enc = new byte[a.length][];
                for (int i = 0; i < a.length; i++) {
                    enc[i] = a[i].getBytes(StandardCharsets.ISO_8859_1);
                    size += 3 + enc[i].length;
                }
                raw = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
                for (byte[] e : enc) {
                    raw.putShort((short) (e.length + 1)).put(e).put((byte) 0);
                }
                raw.flip();
                break;
            }
            default:
                throw new IllegalArgumentException(type.toString());
        }
        long prod = 1;
        for (long n : nx) {
            prod *= n;
        }
        if (nDim > 0 && prod != nData) {
            throw new IllegalArgumentException("nx " + Arrays.toString(nx) + " does not match " + nData + " elements");
        }
        return new Vect(name, 0, type, nData, nx.clone(), dx.clone(), startX.clone(), unitX.clone(), unitY,
                raw.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN), ByteOrder.LITTLE_ENDIAN, null, -1);
    }

    /** Returns this vector with {@code next} chained after it (for writing). */
    public Vect withNext(Vect nextVect) {
        this.next = nextVect;
        return this;
    }

    void setNext(Vect v) {
        this.next = v;
    }

    // ------------------------------------------------------------------ accessors

    public String name() {
        return name;
    }

    /** The compression code as stored (with the byte-order flag); 0 for vectors made in memory. */
    public int compress() {
        return compress;
    }

    public VectType type() {
        return type;
    }

    /** Number of elements (complex samples count once). */
    public long nData() {
        return nData;
    }

    /** Stored payload size in bytes. */
    public long nBytes() {
        return stored.remaining();
    }

    public int nDim() {
        return nx.length;
    }

    public long[] nx() {
        return nx.clone();
    }

    public double[] dx() {
        return dx.clone();
    }

    public double[] startX() {
        return startX.clone();
    }

    public String[] unitX() {
        return unitX.clone();
    }

    public String unitY() {
        return unitY;
    }

    /** The next vector of the chain, or null. */
    public Vect next() {
        return next;
    }

    /** 1 / dx[0]; 0 when the vector has no axis or dx[0] is 0. */
    public double sampleRate() {
        return nx.length > 0 && dx[0] != 0 ? 1.0 / dx[0] : 0.0;
    }

    /** Offset of the FrVect structure in its file, or -1. */
    public long offset() {
        return offset;
    }

    /** The stored payload as it is in the file (read-only view). */
    public ByteBuffer storedBytes() {
        return stored.duplicate().order(stored.order());
    }

    ByteOrder fileOrder() {
        return fileOrder;
    }

    // ------------------------------------------------------------------ decoding

    /** Size of the expanded data in bytes. */
    long rawBytes() {
        return type == VectType.STRING ? stored.remaining() : nData * type.elementBytes();
    }

    /**
     * The expanded element bytes, with the buffer's order set to the order they are in.
     * Allocates a new buffer unless the vector is stored raw.
     */
    public ByteBuffer expand() throws GwfException {
        return expand(new Compression(), GwfReader.DEFAULT_MAX_VECTOR_BYTES);
    }

    ByteBuffer expand(Compression codec, long maxBytes) throws GwfException {
        int base = compress & 0xFF;
        long raw = rawBytes();
        if (base == Compression.RAW) {
            if (stored.remaining() != raw) {
                throw error("raw vector holds " + stored.remaining() + " bytes, nData × element size is " + raw);
            }
            return stored.duplicate().order(fileOrder);
        }
        String bad = Compression.checkStoredCode(compress, type);
        if (bad != null) {
            throw error(bad);
        }
        if (raw > maxBytes) {
            throw error("vector '" + name + "' expands to " + raw + " bytes, over the limit of " + maxBytes);
        }
        String cannot = Compression.expansionProblem(compress, stored, raw);
        if (cannot != null) {
            throw error(cannot);
        }
        ByteBuffer out = ByteBuffer.allocate((int) raw);
        try {
            ByteOrder o = codec.expand(compress, type, nData, stored, out, raw);
            out.flip();
            return out.order(o);
        } catch (GwfException e) {
            throw error(e.reason());
        }
    }

    private GwfException error(String reason) {
        return new GwfException(GwfException.Kind.MALFORMED, file, offset, "FrVect '" + name + "': " + reason);
    }

    /** All values as float64 (complex: interleaved re, im; unsigned types as their unsigned value). */
    public double[] toDoubles() throws GwfException {
        requireNumeric();
        ByteBuffer b = expand();
        int n = (int) Convert.words(type, nData);
        double[] d = new double[n];
        Convert.toDoubles(type, b, b.position(), n, d, 0, new Views());
        return d;
    }

    /** All values as float32 (complex: interleaved re, im). */
    public float[] toFloats() throws GwfException {
        requireNumeric();
        ByteBuffer b = expand();
        int n = (int) Convert.words(type, nData);
        float[] f = new float[n];
        Convert.toFloats(type, b, b.position(), n, f, 0, new Views());
        return f;
    }

    /**
     * The values in the Java array type that holds the stored type exactly: byte[] (CHAR, CHAR_U),
     * short[] (INT_2S, INT_2U), int[] (INT_4S, INT_4U), long[] (INT_8S, INT_8U), float[] (REAL_4,
     * COMPLEX_8 interleaved), double[] (REAL_8, COMPLEX_16 interleaved), String[] (STRING).
     * Unsigned types are returned as their bit patterns.
     */
    public Object toArray() throws GwfException {
        ByteBuffer b = expand();
        int p = b.position();
        int n = (int) Convert.words(type, nData);
        switch (type) {
            case CHAR:
            case CHAR_U: {
                byte[] a = new byte[n];
                b.get(p, a);
                return a;
            }
            case INT_2S:
            case INT_2U: {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = b.getShort(p + 2 * i);
                }
                return a;
            }
            case INT_4S:
            case INT_4U: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = b.getInt(p + 4 * i);
                }
                return a;
            }
            case INT_8S:
            case INT_8U: {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = b.getLong(p + 8 * i);
                }
                return a;
            }
            case REAL_4:
            case COMPLEX_8:
            case HALF_COMPLEX_8: {
                float[] a = new float[n];
                Convert.toFloats(type, b, p, n, a, 0, new Views());
                return a;
            }
            case REAL_8:
            case COMPLEX_16:
            case HALF_COMPLEX_16: {
                double[] a = new double[n];
                Convert.toDoubles(type, b, p, n, a, 0, new Views());
                return a;
            }
            case STRING:
                return strings(b);
            default:
                throw new IllegalStateException(type.toString());
        }
    }

    private String[] strings(ByteBuffer b) throws GwfException {
        Cursor c = new Cursor(b.order(fileOrder), file, 8).at(b.position(), b.limit(), "FrVect '" + name + "' STRING data");
        if (nData > c.remaining() / 2) {
            throw error("nData " + nData + " strings cannot fit in " + c.remaining() + " bytes");
        }
        String[] s = new String[(int) nData];
        for (int i = 0; i < s.length; i++) {
            s[i] = c.string("data[" + i + "]");
        }
        return s;
    }

    private void requireNumeric() throws GwfException {
        if (type == VectType.STRING) {
            throw error("STRING vector has no numeric values");
        }
    }

    @Override
    public String toString() {
        return "FrVect{" + name + ", " + type.typeName() + ", nData=" + nData + ", compress=" + compress + "}";
    }
}
