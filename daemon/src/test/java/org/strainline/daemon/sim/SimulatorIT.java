package org.strainline.daemon.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.Json;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfReader;
import org.strainline.kernels.Fft;
import org.strainline.kernels.Welch;

/** The simulator's data, read back from its files: noise PSD, continuity, coupling, injections, determinism, gaps. */
class SimulatorIT {
    private static final long G = 1_400_000_000L;
    private Path root;

    @BeforeEach
    void dir() throws IOException {
        root = Files.createTempDirectory("strainline-sim");
    }

    @AfterEach
    void clean() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Simulator.Result sim(Path out, List<String> ifos, long start, int duration, long seed, List<Injection> inj,
                                 Set<Long> gaps, Set<Long> notReady, double coupling) throws Exception {
        return Simulator.run(new Simulator.Config(out, ifos, start, duration, seed, inj, gaps, notReady, coupling));
    }

    private static double[] strain(Path out, String ifo, long start, int duration) throws IOException {
        double[] x = new double[16384 * duration];
        for (int s = 0; s < duration; s++) {
            Frame f = GwfReader.read(out.resolve("kafka/" + ifo + "/" + ifo.charAt(0) + "-" + ifo + "_llhoft-" + (start + s) + "-1.gwf"))
                    .frames().get(0);
            System.arraycopy(f.channel(ifo + ":GDS-CALIB_STRAIN").data().toDoubles(), 0, x, 16384 * s, 16384);
        }
        return x;
    }

    @Test
    void theNoiseHasTheDesignPsdAndNoSeamsAtSecondBoundaries() throws Exception {
        int n = 34;
        sim(root, List.of("H1"), G, n, 3, List.of(), Set.of(), Set.of(), 0);
        double[] x = strain(root, "H1", G, n);
        Welch w = new Welch(4 * 16384, 16384, Welch.Average.MEDIAN, 64);
        double[] psd = new double[w.bins()];
        w.psd(x, 0, x.length, psd);
        // band averages of measured / design from 20 Hz to 2 kHz, within 10 %
        for (double lo = 20; lo < 2000; lo *= 1.25) {
            double sum = 0;
            int k0 = (int) Math.ceil(lo / w.df());
            int k1 = (int) Math.floor(lo * 1.25 / w.df());
            for (int k = k0; k < k1; k++) {
                sum += psd[k] / AligoPsd.psd(k * w.df());
            }
            double ratio = sum / (k1 - k0);
            assertEquals(1.0, ratio, 0.1, "PSD ratio in " + (int) lo + "-" + (int) (lo * 1.25) + " Hz");
        }
        // steps across second boundaries are like steps inside a second
        double inside = 0;
        for (int i = 1; i < x.length; i++) {
            inside = Math.max(inside, Math.abs(x[i] - x[i - 1]));
        }
        for (int s = 1; s < n; s++) {
            double step = Math.abs(x[16384 * s] - x[16384 * s - 1]);
            assertTrue(step < inside, "boundary " + s + ": step " + step + " vs largest step " + inside);
        }
    }

    @Test
    void eachSecondIsTheSameWhateverTheRunAndTheSameSeedGivesTheSameBytes() throws Exception {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        Path c = root.resolve("c");
        sim(a, List.of("H1", "L1"), G, 4, 11, List.of(), Set.of(), Set.of(), Simulator.Config.DEFAULT_COUPLING);
        sim(b, List.of("H1", "L1"), G + 2, 2, 11, List.of(), Set.of(), Set.of(), Simulator.Config.DEFAULT_COUPLING);
        sim(c, List.of("H1", "L1"), G, 4, 12, List.of(), Set.of(), Set.of(), Simulator.Config.DEFAULT_COUPLING);
        for (String f : new String[] {"kafka/H1/H-H1_llhoft-1400000002-1.gwf", "lldetchar/L1/L-L1_lldetchar-1400000003-1.gwf"}) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(c.resolve(f))), "another seed: " + f);
        }
        // the environment is the instrument's: another seed changes the witnesses' measurement noise only
        String w = "lldetchar/H1/H-H1_lldetchar-1400000001-1.gwf";
        Frame wa = GwfReader.read(a.resolve(w)).frames().get(0);
        Frame wc = GwfReader.read(c.resolve(w)).frames().get(0);
        for (String ch : new String[] {"H1:PEM-CS_MAINSMON_EBAY_1_DQ", "H1:ASC-DHARD_Y_OUT_DQ"}) {
            double[] xa = wa.channel(ch).data().toDoubles();
            double[] xc = wc.channel(ch).data().toDoubles();
            double diff = 0;
            for (int i = 0; i < xa.length; i++) {
                diff = Math.max(diff, Math.abs(xa[i] - xc[i]));
            }
            assertTrue(diff > 0 && diff < 0.1, ch + ": largest difference " + diff + " (witness noise is 0.01 rms)");
        }
    }

    @Test
    void witnessesAndStateVectorAreThereAndTheCouplingHasSidebands() throws Exception {
        int n = 24;
        sim(root, List.of("H1", "L1"), G, n, 5, List.of(), Set.of(G + 3), Set.of(G + 5, G + 6), Simulator.Config.DEFAULT_COUPLING);
        assertFalse(Files.exists(root.resolve("kafka/H1/H-H1_llhoft-1400000003-1.gwf")), "a gap");
        assertFalse(Files.exists(root.resolve("lldetchar/L1/L-L1_lldetchar-1400000003-1.gwf")), "a gap in both streams");
        Frame s5 = GwfReader.read(root.resolve("kafka/H1/H-H1_llhoft-1400000005-1.gwf")).frames().get(0);
        assertEquals(1.0, s5.channel("H1:GDS-CALIB_STATE_VECTOR").data().toDoubles()[0], "not ready: bit 1 clear");
        Frame s4 = GwfReader.read(root.resolve("kafka/H1/H-H1_llhoft-1400000004-1.gwf")).frames().get(0);
        assertEquals(3.0, s4.channel("H1:GDS-CALIB_STATE_VECTOR").data().toDoubles()[15]);
        Frame w = GwfReader.read(root.resolve("lldetchar/H1/H-H1_lldetchar-1400000004-1.gwf")).frames().get(0);
        assertEquals(21, w.channels().size());
        assertEquals(1024, w.channel("H1:PEM-CS_MAINSMON_EBAY_1_DQ").data().nData());
        assertEquals(512, w.channel("H1:ASC-CHARD_P_OUT_DQ").data().nData());
        Frame wl = GwfReader.read(root.resolve("lldetchar/L1/L-L1_lldetchar-1400000004-1.gwf")).frames().get(0);
        assertEquals(18, wl.channels().size());
        // the line and a sideband of a coupled ASC loop stand far above the noise
        double[] x = strain(root, "H1", G + 4, 16);
        Welch wl8 = new Welch(8 * 16384, 16384, Welch.Average.MEAN, 16);
        double[] psd = new double[wl8.bins()];
        wl8.psd(x, 0, x.length, psd);
        double df = wl8.df();
        double floor = AligoPsd.psd(60);
        assertTrue(psd[(int) Math.round(60 / df)] > 1000 * floor, "the 60 Hz line: " + psd[(int) Math.round(60 / df)] / floor);
        Environment env = Simulator.environment(Simulator.Config.DEFAULT_ENVIRONMENT_SEED, "H1");
        double best = 0;
        for (double f : env.ascFrequencies(Simulator.COUPLED[0])) {
            if (f > 0.6) {
                int k = (int) Math.round((60 + f) / df);
                best = Math.max(best, Math.max(psd[k - 1], Math.max(psd[k], psd[k + 1])));
            }
        }
        assertTrue(best > 20 * floor, "a sideband at 60 + f_asc: " + best / floor);
    }

    private static double[] witness(Path out, String ifo, String channel, long start, int duration, int rate) throws IOException {
        double[] x = new double[rate * duration];
        for (int s = 0; s < duration; s++) {
            Frame f = GwfReader.read(out.resolve("lldetchar/" + ifo + "/" + ifo.charAt(0) + "-" + ifo + "_lldetchar-" + (start + s)
                    + "-1.gwf")).frames().get(0);
            double[] d = f.channel(channel).data().toDoubles();
            assertEquals(rate, d.length, channel + " at its native rate");
            System.arraycopy(d, 0, x, rate * s, rate);
        }
        return x;
    }

    @Test
    void theMainsMonitorCarriesWanderingHarmonicsAndTheAscChannelsAreSlow() throws Exception {
        int n = 64;
        sim(root, List.of("H1"), G, n, 7, List.of(), Set.of(), Set.of(), 0);
        // the mains monitor: 60 Hz and its harmonics far above the monitor's own floor
        double[] mains = witness(root, "H1", "H1:PEM-CS_MAINSMON_EBAY_1_DQ", G, n, 1024);
        Welch w4 = new Welch(4 * 1024, 1024, Welch.Average.MEAN, 1024);
        double[] psd = new double[w4.bins()];
        w4.psd(mains, 0, mains.length, psd);
        double[] between = new double[(int) (40 / w4.df())];
        for (int k = 0; k < between.length; k++) {
            between[k] = psd[(int) (70 / w4.df()) + k];       // 70-110 Hz: no line there
        }
        java.util.Arrays.sort(between);
        double floor = between[between.length / 2];
        for (double f : new double[] {60, 120, 180}) {
            double peak = 0;
            for (int k = -2; k <= 2; k++) {
                peak = Math.max(peak, psd[(int) Math.round(f / w4.df()) + k]);
            }
            assertTrue(peak > 100 * floor, f + " Hz stands above the floor: " + peak / floor);
        }
        // its 60 Hz line wanders in amplitude and in phase from second to second
        double aMin = Double.MAX_VALUE;
        double aMax = 0;
        double pMin = Double.MAX_VALUE;
        double pMax = -Double.MAX_VALUE;
        for (int s = 0; s < n; s++) {
            double re = 0;
            double im = 0;
            for (int k = 0; k < 1024; k++) {
                double ph = 2 * Math.PI * 60 * k / 1024.0;
                re += mains[1024 * s + k] * Math.cos(ph);
                im -= mains[1024 * s + k] * Math.sin(ph);
            }
            double amp = 2 * Math.hypot(re, im) / 1024;
            double phase = Math.atan2(im, re);
            aMin = Math.min(aMin, amp);
            aMax = Math.max(aMax, amp);
            pMin = Math.min(pMin, phase);
            pMax = Math.max(pMax, phase);
        }
        assertTrue((aMax - aMin) / aMax > 0.02, "the amplitude wanders: " + aMin + " .. " + aMax);
        assertTrue(pMax - pMin > 0.05 && pMax - pMin < Math.PI, "the phase wanders, slowly: " + pMin + " .. " + pMax + " rad");
        // the ASC channels: nearly all their power below 10 Hz
        Environment env = Simulator.environment(Simulator.Config.DEFAULT_ENVIRONMENT_SEED, "H1");
        assertEquals(20, env.ascChannels());
        for (String ch : new String[] {"H1:ASC-CHARD_P_OUT_DQ", "H1:ASC-INP1_Y_OUT_DQ", "H1:ASC-SRC2_P_OUT_DQ"}) {
            double[] re = witness(root, "H1", ch, G, n, 512);
            double[] im = new double[re.length];
            new Fft(re.length).forward(re, im);
            double below = 0;
            double all = 0;
            for (int k = 1; k < re.length / 2; k++) {
                double p2 = re[k] * re[k] + im[k] * im[k];
                all += p2;
                if (k * 512.0 / re.length < 10) {
                    below += p2;
                }
            }
            assertTrue(below / all > 0.95, ch + ": power below 10 Hz " + below / all);
        }
    }

    @Test
    void injectionsAtARateAreSpreadOverTheRunAndListedWithTheirMassesAndSnrs() throws Exception {
        int n = 400;
        List<Injection> inj = Simulator.injections(0.02, G, n, 11, List.of("H1", "L1"), Set.of(G + 200));
        // one every 50 s on average, clear of the gap and of the run's ends
        assertTrue(inj.size() >= 5 && inj.size() <= 8, "about 0.02 Hz x 400 s: " + inj.size());
        for (int i = 0; i < inj.size(); i++) {
            Injection a = inj.get(i);
            assertTrue(a.firstSecond() > G && a.lastSecond() < G + n, "inside the run");
            assertTrue(a.firstSecond() > G + 200 || a.lastSecond() < G + 200, "clear of the gap");
            if (i > 0) {
                double apart = a.tcS + a.tcFrac - inj.get(i - 1).tcS - inj.get(i - 1).tcFrac;
                assertTrue(apart >= 12, "mergers at least 12 s apart: " + apart);
            }
        }
        Path out = root.resolve("r");
        sim(out, List.of("H1", "L1"), G, 32, 3, Simulator.injections(1 / 16.0, G, 32, 11, List.of("H1", "L1"), Set.of()),
                Set.of(), Set.of(), 0);
        List<?> listed = (List<?>) ((Map<?, ?>) Json.read(Files.readString(out.resolve("injections.json")))).get("injections");
        assertEquals(1, listed.size(), "a 32-s run at one per 16 s holds one, clear of its ends");
        Map<?, ?> rec = (Map<?, ?>) listed.get(0);
        double m1 = ((Number) rec.get("mass1")).doubleValue();
        double m2 = ((Number) rec.get("mass2")).doubleValue();
        assertTrue(m1 >= m2 && m2 > 1 && m1 < 200, "component masses in solar masses: " + m1 + ", " + m2);
        double net = ((Number) rec.get("network_snr")).doubleValue();
        assertTrue(net >= 10 && net <= 30, "network SNR in [10, 30]: " + net);
        Map<?, ?> snr = (Map<?, ?>) rec.get("snr");
        double h = ((Number) snr.get("H1")).doubleValue();
        double l = ((Number) snr.get("L1")).doubleValue();
        assertEquals(net, Math.hypot(h, l), 1e-6, "the IFOs' SNRs add up to the network SNR");
    }

    /** <a, b> = 4 Re Σ a(f) b*(f) / S(f) df over 20 Hz – 8 kHz. */
    private static double inner(double[] a, double[] b) {
        int n = a.length;
        Fft f = new Fft(n);
        double[] ar = a.clone();
        double[] ai = new double[n];
        double[] br = b.clone();
        double[] bi = new double[n];
        f.forward(ar, ai);
        f.forward(br, bi);
        double df = 16384.0 / n;
        double s = 0;
        for (int k = 1; k < n / 2; k++) {
            double fr = k * df;
            if (fr < 20 || fr > 8000) {
                continue;
            }
            s += 4 * (ar[k] * br[k] + ai[k] * bi[k]) / (16384.0 * 16384.0) / AligoPsd.psd(fr) * df;
        }
        return s;
    }

    @Test
    void anInjectionIsAtItsGpsWithItsSnrUnderAMatchedFilter() throws Exception {
        String file = "[{\"gps\": 1400000016.25, \"mass1\": 35, \"mass2\": 30, \"network_snr\": 30, \"ra\": 1.0, \"dec\": 0.3,"
                + " \"psi\": 0.5, \"inclination\": 0.4, \"phase\": 0.1}]";
        Path f = root.resolve("inj.json");
        Files.writeString(f, file);
        List<Injection> inj = Simulator.injections(f, List.of("H1", "L1"), 1);
        int n = 32;
        sim(root.resolve("d"), List.of("H1", "L1"), G, n, 9, inj, Set.of(), Set.of(), 0);
        Map<?, ?> doc = (Map<?, ?>) Json.read(Files.readString(root.resolve("d/injections.json")));
        Map<?, ?> rec = (Map<?, ?>) ((List<?>) doc.get("injections")).get(0);
        assertEquals(1400000016.25, (Double) rec.get("gps"), 1e-9);
        Map<?, ?> snr = (Map<?, ?>) rec.get("snr");
        double net = 0;
        for (int i = 0; i < 2; i++) {
            String ifo = i == 0 ? "H1" : "L1";
            double[] d = strain(root.resolve("d"), ifo, G, n);
            double[] h = new double[d.length];
            for (int s = 0; s < n; s++) {
                inj.get(0).add(i, G + s, 16384, h, 16384 * s);
            }
            double rho = inner(d, h) / Math.sqrt(inner(h, h));
            double stated = (Double) snr.get(ifo);
            assertEquals(stated, Math.sqrt(inner(h, h)), 0.05 * stated, ifo + ": the optimal SNR of what was injected");
            assertEquals(stated, rho, 2.5, ifo + ": the matched-filter SNR in the noise");
            net += stated * stated;
            // and the signal is where the list says: shifting the template by 20 ms loses most of it
            double[] late = new double[h.length];
            System.arraycopy(h, 0, late, 328, h.length - 328);
            assertTrue(inner(d, late) / Math.sqrt(inner(late, late)) < 0.5 * rho, ifo + ": the SNR peaks at the listed time");
        }
        assertEquals(30, Math.sqrt(net), 1e-6, "network SNR");
        List<Object> times = new ArrayList<>(((Map<?, ?>) rec.get("gps_at")).values());
        assertTrue(Math.abs((Double) times.get(0) - (Double) times.get(1)) < 0.011, "H1-L1 delay under 10 ms light travel");
    }
}
