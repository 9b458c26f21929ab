package org.strainline.daemon.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the models' reference .npy files (little-endian float32/float64, C order), flattened to doubles. */
final class Npy {
    private Npy() {
    }

    static double[] read(Path p) throws IOException {
        byte[] all = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int major = all[6];
        int len = major == 1 ? b.getShort(8) & 0xFFFF : b.getInt(8);
        int start = (major == 1 ? 10 : 12) + len;
        String h = new String(all, major == 1 ? 10 : 12, len, StandardCharsets.ISO_8859_1);
        boolean f8 = h.contains("'<f8'");
        if (!(f8 || h.contains("'<f4'")) || h.contains("'fortran_order': True")) {
            throw new IOException(p + ": header " + h);
        }
        int n = (all.length - start) / (f8 ? 8 : 4);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = f8 ? b.getDouble(start + 8 * i) : b.getFloat(start + 4 * i);
        }
        return v;
    }
}
