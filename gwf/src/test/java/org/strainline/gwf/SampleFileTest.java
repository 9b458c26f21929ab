package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bundled sample frame ({@code config/samples/H-H1_llhoft-1400000000-1.gwf}, the README's first
 * command) is exactly what this recipe writes: 1 s of H1 llhoft-shaped data, strain at 16384 Hz
 * (REAL_8, gzip) and the 16 Hz state vector (INT_4U, bits 0 and 1 set). Set -Dsample.write=true to
 * rewrite it after a deliberate change of the writer.
 */
class SampleFileTest {
    static byte[] recipe() throws Exception {
        Random r = new Random(1400000000L);
        double[] h = new double[16384];
        double smooth = 0;
        for (int i = 0; i < h.length; i++) {
            smooth = 0.97 * smooth + r.nextGaussian();
            h[i] = 1e-21 * smooth + 3e-22 * Math.sin(2 * Math.PI * 60 * i / 16384.0);
        }
        int[] state = new int[16];
        java.util.Arrays.fill(state, 3);
        Frame f = new Frame("H1", 0, 0, 1400000000L, 0, 1.0);
        f.addChannel(Channel.proc("H1:GDS-CALIB_STRAIN", Vect.of("H1:GDS-CALIB_STRAIN", h, 16384, 0, "strain")));
        f.addChannel(Channel.proc("H1:GDS-CALIB_STATE_VECTOR", Vect.ofArray("H1:GDS-CALIB_STATE_VECTOR", VectType.INT_4U,
                state, new long[] {16}, new double[] {1.0 / 16}, new double[] {0}, new String[] {"s"}, "")));
        return GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, f);
    }

    @Test
    void bundledSampleIsWhatTheRecipeWrites() throws Exception {
        Path p = Paths.get(System.getProperty("strainline.home", "..")).resolve("config/samples/H-H1_llhoft-1400000000-1.gwf");
        byte[] expected = recipe();
        if (Boolean.getBoolean("sample.write")) {
            Files.write(p, expected);
        }
        assertArrayEquals(expected, Files.readAllBytes(p));
        GwfFile f = GwfReader.read(p);
        assertEquals(16384, f.frames().get(0).channel("H1:GDS-CALIB_STRAIN").data().nData());
    }
}
