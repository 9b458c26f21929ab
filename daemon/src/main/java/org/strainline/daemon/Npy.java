package org.strainline.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes NumPy {@code .npy} files (format 1.0, little-endian float32 or float64, C order). */
public final class Npy {
    private Npy() {
    }

    /** The 64-byte-aligned header of an array of {@code shape} ({@code '<f4'} or {@code '<f8'}). */
    static byte[] header(String descr, long... shape) {
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            dims.append(shape[i]).append(shape.length == 1 || i < shape.length - 1 ? "," : "");
            if (i < shape.length - 1) {
                dims.append(' ');
            }
        }
        dims.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + dims + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        StringBuilder h = new StringBuilder(dict);
        h.append(" ".repeat(pad)).append('\n');
        byte[] body = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        b.putShort((short) body.length).put(body);
        return b.array();
    }

    /** Writes {@code rows} (all the same length) as a {@code (rows, n)} array, atomically. */
    public static void write(Path file, double[][] rows, boolean float32) throws IOException {
        int n = rows.length == 0 ? 0 : rows[0].length;
        for (double[] r : rows) {
            if (r.length != n) {
                throw new IllegalArgumentException("rows of different lengths: " + r.length + " and " + n);
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                os.write(header(float32 ? "<f4" : "<f8", rows.length, n));
                ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (double[] r : rows) {
                    for (double v : r) {
                        if (b.remaining() < 8) {
                            os.write(b.array(), 0, b.position());
                            b.clear();
                        }
                        if (float32) {
                            b.putFloat((float) v);
                        } else {
                            b.putDouble(v);
                        }
                    }
                }
                os.write(b.array(), 0, b.position());
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
