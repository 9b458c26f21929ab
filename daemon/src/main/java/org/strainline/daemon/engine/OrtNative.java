package org.strainline.daemon.engine;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads ONNX Runtime's native libraries so that no copy of them outlives the load.
 *
 * <p>Left to itself, ONNX Runtime 1.28 copies its two libraries (24 MB) out of its jar into a new
 * {@code onnxruntime-java*} directory under {@code java.io.tmpdir} every time a JVM starts it, and
 * only asks for that directory to be deleted at a clean exit, which never happens for a non-empty
 * directory. A daemon restarted by systemd, killed, or run by a test suite would leave 24 MB of
 * {@code /tmp} (RAM, on hosts where it is tmpfs) per start. Here the libraries are copied into a
 * directory of our own, loaded from there ({@code onnxruntime.native.path}) and deleted as soon as
 * they are loaded: a mapped library needs no file. What can remain after a kill during the load
 * itself is that one directory.
 *
 * <p>Where {@code onnxruntime.native.path} is already set (a host that installs the libraries) it
 * is used as it is and nothing is copied or deleted.
 */
public final class OrtNative {
    private static final System.Logger LOG = System.getLogger(OrtNative.class.getName());
    private static final String PATH_PROPERTY = "onnxruntime.native.path";
    private static final String[] LIBRARIES = {"libonnxruntime.so", "libonnxruntime4j_jni.so"};
    private static boolean loaded;

    private OrtNative() {
    }

    /** Loads ONNX Runtime (once per JVM) and returns its environment. */
    public static synchronized OrtEnvironment environment() {
        if (!loaded) {
            load();
            loaded = true;
        }
        return OrtEnvironment.getEnvironment();
    }

    private static void load() {
        String platform = platform();
        if (System.getProperty(PATH_PROPERTY) != null || platform == null
                || OrtNative.class.getResource("/ai/onnxruntime/native/" + platform + "/" + LIBRARIES[0]) == null) {
            OrtEnvironment.getEnvironment();
            forgetOrtTemporaryDirectory();
            return;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("strainline-onnxruntime");
            for (String lib : LIBRARIES) {
                try (InputStream in = OrtNative.class.getResourceAsStream("/ai/onnxruntime/native/" + platform + "/" + lib)) {
                    if (in == null) {
                        throw new IOException("the ONNX Runtime jar has no " + platform + "/" + lib);
                    }
                    Files.copy(in, dir.resolve(lib), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.setProperty(PATH_PROPERTY, dir.toString());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "ONNX Runtime's libraries could not be copied out for loading (" + e.getMessage()
                    + "); ONNX Runtime copies them itself and leaves its copy in " + System.getProperty("java.io.tmpdir"));
            deleteTree(dir);
            dir = null;
        }
        try {
            OrtEnvironment.getEnvironment();
        } finally {
            if (dir != null) {
                System.clearProperty(PATH_PROPERTY);
                deleteTree(dir);
            }
            forgetOrtTemporaryDirectory();
        }
    }

    /** ONNX Runtime's jar directory for this JVM's platform, or null where it ships none we know. */
    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return null;
        }
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            return "linux-x64";
        }
        return arch.equals("aarch64") ? "linux-aarch64" : null;
    }

    /**
     * ONNX Runtime makes its temporary directory even when it loads from a given path; it is then
     * empty, and is removed here rather than at exit (which a killed daemon never reaches).
     */
    private static void forgetOrtTemporaryDirectory() {
        try {
            Field f = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
            f.setAccessible(true);
            if (f.get(null) instanceof Path p) {
                Files.deleteIfExists(p);
            }
        } catch (DirectoryNotEmptyException e) {
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime's own copy of its libraries stays in " + e.getFile() + " until exit");
        } catch (ReflectiveOperationException | RuntimeException | IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime's temporary directory is left to it: " + e);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        for (String lib : LIBRARIES) {
            try {
                Files.deleteIfExists(dir.resolve(lib));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete " + dir.resolve(lib) + ": " + e.getMessage());
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + dir + ": " + e.getMessage());
        }
    }
}
