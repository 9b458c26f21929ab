package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.strainline.daemon.pipeline.Background;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.queue.StrainQueue;
import org.strainline.daemon.sim.Simulator;
import org.strainline.gwf.GwfReader;
import org.strainline.kernels.StreamResampler;

/** {@code strainline background} over a real strain queue: the network file, and each IFO alone unless --no-alone. */
class BackgroundCliIT {
    private static final long G = 1_410_000_000L;
    private static final int N = 100;

    @Test
    void theNetworkBackgroundAndEachIfoAloneUnlessToldNot(@TempDir Path tmp) throws Exception {
        Simulator.run(new Simulator.Config(tmp.resolve("d"), List.of("H1", "L1"), G, N, 5, List.of(), Set.of(), Set.of(), 0));
        Path queue = tmp.resolve("strain");
        try (StrainQueue q = new StrainQueue(queue, "")) {
            double[] y = new double[4096];
            for (String ifo : List.of("H1", "L1")) {
                StreamResampler rs = StreamResampler.of(16384, 4096, 16384);
                CleanedSecond s = new CleanedSecond(ifo, 4096);
                for (int g = 0; g < N; g++) {
                    double[] x = GwfReader.read(tmp.resolve("d/kafka/" + ifo + "/" + ifo.charAt(0) + "-" + ifo + "_llhoft-" + (G + g) + "-1.gwf"))
                            .frames().get(0).channel(ifo + ":GDS-CALIB_STRAIN").data().toDoubles();
                    rs.process(x, 0, 16384, y, 0);
                    for (int k = 0; k < 4096; k++) {
                        s.samples().put(k, (float) y[k]);
                    }
                    s.set(G + g, 0, "deepclean");
                    q.append(s, ifo + ":GDS-CALIB_STRAIN", System.currentTimeMillis() * 1_000_000L);
                }
            }
        }
        Path repo = Cli.HOME.resolve("models/repository");
        Path only = tmp.resolve("only/background.json");
        Files.createDirectories(only.getParent());
        Cli.Result r = Cli.run("background", "--strain-queue", queue.toString(), "--repository", repo.toString(),
                "--slides", "2", "--slide-s", "4", "--no-alone", "--out", only.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(Files.exists(only), r.out());
        assertFalse(Files.exists(Background.aloneFile(only, "H1")), "--no-alone wrote " + Background.aloneFile(only, "H1") + ": " + r.out());
        assertFalse(r.out().contains(" alone: "), r.out());
        Path all = tmp.resolve("all/background.json");
        Files.createDirectories(all.getParent());
        r = Cli.run("background", "--strain-queue", queue.toString(), "--repository", repo.toString(),
                "--slides", "2", "--slide-s", "4", "--out", all.toString());
        assertEquals(0, r.code(), r.out());
        for (String ifo : List.of("H1", "L1")) {
            assertTrue(Files.exists(Background.aloneFile(all, ifo)), ifo + " alone: " + r.out());
        }
        // shifts of 4 and 8 s over 100 s: each searches the seconds H1 and slid L1 share, past the PSD span
        Background b = Background.read(all);
        Background a = Background.read(Background.aloneFile(all, "H1"));
        assertTrue(r.out().contains("2 slides: " + Math.round(b.liveTimeS()) + " s live"), r.out());
        assertEquals(a.liveTimeS() * 2 - 4 - 8, b.liveTimeS(), 1e-9, "live time: the H1-alone span less each shift, twice");
    }
}
