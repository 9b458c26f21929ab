package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfReader;
import org.strainline.kernels.StreamResampler;

/** {@code strainline simulate} then {@code strainline frame export}, as processes, checked against the frames themselves. */
class SimulateExportCliIT {
    private static String run(int expect, String... args) throws Exception {
        Cli.Result r = Cli.run(args);
        assertEquals(expect, r.code(), r.out());
        return r.out();
    }

    @Test
    void simulatedFramesExportToNpyThroughTheDaemonsResampler() throws Exception {
        Path root = Files.createTempDirectory("strainline-simcli");
        try {
            String s = run(0, "simulate", "--out", root.toString(), "--start", "1400000000", "--duration", "6", "--seed", "4",
                    "--gaps", "1400000005");
            assertTrue(s.startsWith("simulate: 6 s of H1,L1, 20 files, "), s);
            Path npy = root.resolve("x.npy");
            String e = run(0, "frame", "export", "--from", root.resolve("kafka").toString(), "--from", root.resolve("lldetchar").toString(),
                    "--channels", "H1:GDS-CALIB_STRAIN,H1:ASC-MICH_Y_OUT_DQ", "--start", "1400000001", "--duration", "3",
                    "--rate", "4096", "--to", npy.toString());
            assertTrue(e.contains("export: 2 channels x 12288 samples"), e);
            byte[] b = Files.readAllBytes(npy);
            String header = new String(b, 10, (b[8] & 0xFF) | (b[9] & 0xFF) << 8, StandardCharsets.ISO_8859_1);
            assertTrue(header.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 12288), }"), header);
            assertEquals(0, (10 + header.length()) % 64, "64-byte aligned header");
            ByteBuffer data = ByteBuffer.wrap(b, 10 + header.length(), b.length - 10 - header.length()).slice().order(ByteOrder.LITTLE_ENDIAN);
            // the same numbers from the frames and the resampler, warmed up on the second before
            StreamResampler r = StreamResampler.of(16384, 4096, 16384);
            double[] y = new double[4096];
            for (long g = 1400000000L; g <= 1400000003L; g++) {
                Frame f = GwfReader.read(root.resolve("kafka/H1/H-H1_llhoft-" + g + "-1.gwf")).frames().get(0);
                r.process(f.channel("H1:GDS-CALIB_STRAIN").data().toDoubles(), 0, 16384, y, 0);
                if (g >= 1400000001L) {
                    int at = (int) (g - 1400000001L) * 4096;
                    for (int i = 0; i < 4096; i += 97) {
                        assertEquals(y[i], data.getDouble(8 * (at + i)), 0.0, "strain sample " + (at + i));
                    }
                }
            }
            String gap = run(1, "frame", "export", "--from", root.toString(), "--channels", "H1:GDS-CALIB_STRAIN",
                    "--start", "1400000004", "--duration", "2", "--to", npy.toString());
            assertTrue(gap.contains("no frame file for GPS 1400000005"), gap);
            String rates = run(2, "frame", "export", "--from", root.toString(), "--channels", "H1:GDS-CALIB_STRAIN,H1:ASC-MICH_Y_OUT_DQ",
                    "--start", "1400000001", "--duration", "1", "--to", npy.toString());
            assertTrue(rates.contains("give --rate"), rates);
        } finally {
            try (Stream<Path> s = Files.walk(root)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
