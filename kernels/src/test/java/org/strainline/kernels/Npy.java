package org.strainline.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Reads the reference fixtures: NumPy .npy files of little-endian float64 or float32, C order, any shape. */
final class Npy {
    private Npy() {
    }

    /** The values, flattened. */
    static double[] read(String name) throws IOException {
        try (InputStream in = Npy.class.getResourceAsStream("/fixtures/" + name + ".npy")) {
            if (in == null) {
                throw new IOException("fixture " + name + ".npy not found (run kernels/src/test/python/make_fixtures.py)");
            }
            byte[] all = in.readAllBytes();
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            if (all[0] != (byte) 0x93 || all[1] != 'N') {
                throw new IOException(name + ": not a .npy file");
            }
            int major = all[6];
            int headerLen = major == 1 ? b.getShort(8) & 0xFFFF : b.getInt(8);
            int start = (major == 1 ? 10 : 12) + headerLen;
            String header = new String(all, major == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
            boolean f8 = header.contains("'descr': '<f8'");
            if (!(f8 || header.contains("'descr': '<f4'")) || header.contains("'fortran_order': True")) {
                throw new IOException(name + ": expected little-endian float64 or float32 in C order, header " + header);
            }
            double[] v = new double[(all.length - start) / (f8 ? 8 : 4)];
            b.position(start);
            if (f8) {
                b.asDoubleBuffer().get(v);
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.getFloat(start + 4 * i);
                }
            }
            return v;
        }
    }
}
