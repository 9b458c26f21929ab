package org.strainline.shm;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import org.strainline.gwf.ZlibInflate;

/**
 * zlib streams expanded by libdeflate (Debian/Ubuntu {@code libdeflate0}, RHEL/Rocky
 * {@code libdeflate} from EPEL), where the host has it: a whole-buffer decoder 2-3 times
 * faster than zlib's, which the JDK's {@link java.util.zip.Inflater} uses. Bound by JNA direct
 * mapping with the buffers' addresses, so a call allocates nothing. {@link #open()} says why it
 * cannot be used where the library is missing; the codec then keeps the JDK's.
 *
 * <p>One instance per thread (it owns a decompressor).
 */
public final class Libdeflate implements ZlibInflate, AutoCloseable {
    private static final int SUCCESS = 0;
    private static final int BAD_DATA = 1;
    private static final int SHORT_OUTPUT = 2;
    private static final int INSUFFICIENT_SPACE = 3;

    private static final String UNAVAILABLE;
    /** {@code long getLong(Object, long)} of the JDK's Unsafe, bound to it: a buffer's address field, read without allocating. */
    private static final MethodHandle GET_LONG;
    private static final long ADDRESS;

    static {
        String why = null;
        MethodHandle get = null;
        long address = -1;
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle offset = lookup.findVirtual(unsafeClass, "objectFieldOffset", MethodType.methodType(long.class, Field.class));
            address = (long) offset.invoke(unsafe, Buffer.class.getDeclaredField("address"));
            get = lookup.findVirtual(unsafeClass, "getLong", MethodType.methodType(long.class, Object.class, long.class)).bindTo(unsafe);
        } catch (Throwable e) {
            why = "a direct buffer's address cannot be read here (" + e + ")";
        }
        if (why == null) {
            why = bind();
        }
        UNAVAILABLE = why;
        GET_LONG = get;
        ADDRESS = address;
    }

    private static String bind() {
        Throwable last = null;
        // the unversioned name needs the -dev package; the runtime package has the versioned one
        for (String name : new String[] {"deflate", "libdeflate.so.0"}) {
            try {
                Native.register(Libdeflate.class, NativeLibrary.getInstance(name));
                return null;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                last = e;
            }
        }
        return "libdeflate not found (" + (last == null ? "" : last.getMessage()) + ")";
    }

    private static native long libdeflate_alloc_decompressor();

    private static native void libdeflate_free_decompressor(long d);

    private static native int libdeflate_zlib_decompress(long d, long in, long inBytes, long out, long outBytes, long actualOut);

    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    private long decompressor;
    private final java.lang.ref.Cleaner.Cleanable freed;

    private Libdeflate(long d) {
        this.decompressor = d;
        // freed on close(), or once the decoder is unreachable (an assembler has no close)
        this.freed = CLEANER.register(this, () -> libdeflate_free_decompressor(d));
    }

    /** Why libdeflate cannot be used here, or null where it can. */
    public static String unavailable() {
        return UNAVAILABLE;
    }

    /** A decoder, or null where libdeflate cannot be used ({@link #unavailable()} says why). */
    public static Libdeflate open() {
        if (UNAVAILABLE != null) {
            return null;
        }
        long d = libdeflate_alloc_decompressor();
        return d == 0 ? null : new Libdeflate(d);
    }

    private static long address(ByteBuffer b) {
        try {
            return (long) GET_LONG.invokeExact((Object) b, ADDRESS);
        } catch (Throwable e) {
            throw new IllegalStateException("reading a direct buffer's address", e);
        }
    }

    @Override
    public String inflate(ByteBuffer src, ByteBuffer dst, int rawBytes) {
        if (decompressor == 0) {
            throw new IllegalStateException("libdeflate decoder closed");
        }
        if (rawBytes > dst.remaining()) {
            return "expanded size " + rawBytes + " exceeds the buffer (" + dst.remaining() + " bytes)";
        }
        // a null actual-size pointer: success means exactly rawBytes
        int r = libdeflate_zlib_decompress(decompressor, address(src) + src.position(), src.remaining(),
                address(dst) + dst.position(), rawBytes, 0);
        switch (r) {
            case SUCCESS:
                return null;
            case SHORT_OUTPUT:
                return "zlib payload expands to fewer bytes than nData × element size (" + rawBytes + " bytes)";
            case INSUFFICIENT_SPACE:
                return "zlib payload expands to more than nData × element size (" + rawBytes + " bytes)";
            case BAD_DATA:
                return "bad zlib payload (invalid, truncated, or failing its Adler-32 check)";
            default:
                return "bad zlib payload (libdeflate result " + r + ")";
        }
    }

    @Override
    public String describe() {
        return "libdeflate";
    }

    @Override
    public void close() {
        if (decompressor != 0) {
            decompressor = 0;
            freed.clean();
        }
    }
}
