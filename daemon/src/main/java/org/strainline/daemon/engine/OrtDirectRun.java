package org.strainline.daemon.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One session's run through ONNX Runtime's C API ({@code OrtApi::Run}) instead of its Java API,
 * so that a run allocates nothing on the Java heap: the Java API builds a result object, name and
 * handle arrays and an ownership array on every call (536–576 B measured), where this passes eight primitive
 * values to a small C shim ({@code src/main/c/strainline_ortrun.c}, JNA direct mapping) over
 * name and value arrays made once. The session, the input tensor and the pinned output tensor
 * stay the Java API's objects (made, checked and closed there); this only borrows their native
 * handles, read once through reflection.
 *
 * <p>Where the shim is not in the jar (built without a C compiler, or for another platform) or
 * the handles cannot be read (an ONNX Runtime whose Java binding changed), {@link #unavailable()}
 * says why and the engine keeps the Java API.
 */
final class OrtDirectRun {
    private static final String LIBRARY = "strainline_ortrun";
    /** Null where the shim is bound, otherwise why not. */
    private static final String UNAVAILABLE = register();

    private final long api;
    private final long session;
    /** The names' C strings: the name arrays point into them. */
    private final Memory[] inputName;
    private final Memory outputName;
    private final int inputCount;
    private final Memory inputNames;
    private final Memory inputs;
    private final Memory outputNames;
    private final Memory outputs;

    /**
     * @param session ONNX Runtime's session (open; its environment loaded)
     * @param inputNames the inputs' names, and their tensors in the same order
     * @param output  the output's name and the tensor ONNX Runtime writes it into
     * @throws IllegalStateException where {@link #unavailable()} is not null, or a handle is unreadable
     */
    OrtDirectRun(OrtSession session, String[] inputNames, OnnxTensor[] inputs, String outputName, OnnxTensor output) {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException(UNAVAILABLE);
        }
        try {
            this.api = staticLong(Class.forName("ai.onnxruntime.OnnxRuntime"), "ortApiHandle");
            if (api == 0) {
                throw new IllegalStateException("ONNX Runtime's API handle is not set");
            }
            this.session = handle(session, OrtSession.class);
            Class<?> tensor = Class.forName("ai.onnxruntime.OnnxTensorLike");
            this.inputCount = inputNames.length;
            this.inputName = new Memory[inputCount];
            long[] names = new long[inputCount];
            long[] values = new long[inputCount];
            for (int i = 0; i < inputCount; i++) {
                this.inputName[i] = cString(inputNames[i]);
                names[i] = Pointer.nativeValue(this.inputName[i]);
                values[i] = handle(inputs[i], tensor);
            }
            this.outputName = cString(outputName);
            this.inputNames = pointers(names);
            this.outputNames = pointers(Pointer.nativeValue(this.outputName));
            this.inputs = pointers(values);
            this.outputs = pointers(handle(output, Class.forName("ai.onnxruntime.OnnxTensorLike")));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("ONNX Runtime's Java binding does not expose its handles as expected (" + e + ")", e);
        }
    }

    /** Why runs cannot go through the C API on this host, or null where they can. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /**
     * Runs the session once: the input tensors' memory in, the output tensor's memory out.
     *
     * @return null on success, otherwise ONNX Runtime's error message
     */
    String run() {
        long status = strainline_ort_run(api, session, Pointer.nativeValue(inputNames), Pointer.nativeValue(inputs), inputCount,
                Pointer.nativeValue(outputNames), 1, Pointer.nativeValue(outputs));
        if (status == 0) {
            return null;
        }
        try {
            long message = strainline_ort_error_message(api, status);
            return message == 0 ? "(no message)" : new Pointer(message).getString(0, StandardCharsets.UTF_8.name());
        } finally {
            strainline_ort_release_status(api, status);
        }
    }

    private static native long strainline_ort_run(long api, long session, long inputNames, long inputs, long inputLen,
                                                  long outputNames, long outputLen, long outputs);

    private static native long strainline_ort_error_message(long api, long status);

    private static native void strainline_ort_release_status(long api, long status);

    /** Loads the shim from the jar (copied out, loaded, the copy deleted) and binds the natives; null or why not. */
    private static String register() {
        String resource = "/native/" + Platform.RESOURCE_PREFIX + "/lib" + LIBRARY + ".so";
        Path copy = null;
        try (InputStream in = OrtDirectRun.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "the ONNX Runtime shim is not in this build for " + Platform.RESOURCE_PREFIX
                        + " (built without a C compiler, see daemon/src/main/c/build.sh)";
            }
            copy = Files.createTempFile("strainline-ortrun", ".so");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            Native.register(OrtDirectRun.class, NativeLibrary.getInstance(copy.toString()));
            return null;
        } catch (IOException | RuntimeException | LinkageError e) {
            return "the ONNX Runtime shim cannot be loaded: " + e;
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);   // a mapped library needs no file
                } catch (IOException ignored) {
                    // a temporary file of a few kB, left in java.io.tmpdir
                }
            }
        }
    }

    private static long staticLong(Class<?> c, String name) throws ReflectiveOperationException {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.getLong(null);
    }

    private static long handle(Object o, Class<?> declaring) throws ReflectiveOperationException {
        Field f = declaring.getDeclaredField("nativeHandle");
        f.setAccessible(true);
        long h = f.getLong(o);
        if (h == 0) {
            throw new IllegalStateException(declaring.getSimpleName() + " has no native handle");
        }
        return h;
    }

    private static Memory cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(b.length + 1L);
        m.write(0, b, 0, b.length);
        m.setByte(b.length, (byte) 0);
        return m;
    }

    private static Memory pointers(long... p) {
        Memory m = new Memory(8L * p.length);
        for (int i = 0; i < p.length; i++) {
            m.setLong(8L * i, p[i]);
        }
        return m;
    }
}
