package org.strainline.daemon.sim;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.strainline.daemon.Json;
import org.strainline.gwf.Channel;
import org.strainline.gwf.Compression;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfWriter;
import org.strainline.gwf.Vect;

/**
 * Simulated low-latency data in the real layout and names, deterministic for a seed:
 * {@code ROOT/kafka/<IFO>/<O>-<IFO>_llhoft-<gps>-1.gwf} with the strain at 16384 Hz and the state
 * vector at 16 Hz, and {@code ROOT/lldetchar/<IFO>/<O>-<IFO>_lldetchar-<gps>-1.gwf} with the
 * DeepClean witnesses: the mains monitor at 1024 Hz and the ASC pitch/yaw loops at 512 Hz.
 *
 * <p>The strain is Gaussian noise with the advanced-LIGO design PSD ({@link AligoPsd}), plus the
 * 60 Hz mains line coupled non-linearly: {@code kappa · line60(t) · (1 + b Σ_j asc_j(t))} over
 * three ASC loops, which puts sidebands at {@code 60 ± f_asc} that no linear filter of the
 * witnesses removes; plus, optionally, binary-black-hole signals ({@link Injection}) scaled to a
 * network SNR and listed in {@code ROOT/injections.json}. The environment (the mains line's wander,
 * the ASC signals) is the instrument's: fixed per IFO unless an environment seed is given, so a
 * DeepClean model trained on one run cleans another; the seed draws the noise, the witnesses'
 * measurement noise and the injections. Gaps leave out both files of a second;
 * not-ready spans clear bit 1 of the state vector. Each second depends only on the seed and its
 * GPS time, so any run of the same second writes the same bytes. The IFOs are simulated on their
 * own threads.
 */
public final class Simulator {
    /** The DeepClean witnesses' ASC loops (DOMAIN: 10 loops × pitch and yaw). */
    static final String[] LOOPS = {"INP1", "MICH", "PRC1", "PRC2", "SRC1", "SRC2", "DHARD", "CHARD", "DSOFT", "CSOFT"};
    static final int STRAIN_RATE = 16384;
    static final int STATE_RATE = 16;
    static final int MAINS_RATE = 1024;
    static final int ASC_RATE = 512;
    /** ASC loops that modulate the coupling (indices into the IFO's ASC list). */
    static final int[] COUPLED = {0, 3, 7};

    /**
     * @param root          output root
     * @param ifos          e.g. H1, L1
     * @param startGps      first GPS second
     * @param durationS     seconds
     * @param seed          seed
     * @param injections    the injections (made by {@link #injections})
     * @param gaps          GPS seconds not written
     * @param notReady      GPS seconds whose state vector is not ready
     * @param couplingStrain kappa: amplitude of the coupled line in strain
     * @param modulation    b: depth of the ASC modulation
     * @param compression   frame compression (GZIP default)
     * @param environmentSeed seed of the instrument's environment (mains wander, ASC signals): fixed
     *                      per IFO by default, like a real instrument, so that a model trained on one
     *                      run cleans any other run; {@code seed} draws the noise and injections
     */
    public record Config(Path root, List<String> ifos, long startGps, int durationS, long seed, List<Injection> injections,
                         java.util.Set<Long> gaps, java.util.Set<Long> notReady, double couplingStrain, double modulation,
                         int compression, long environmentSeed) {
        public static final double DEFAULT_COUPLING = 2e-21;
        public static final double DEFAULT_MODULATION = 0.5;
        public static final long DEFAULT_ENVIRONMENT_SEED = 0;

        /** The defaults for coupling, modulation, compression and environment. */
        public Config(Path root, List<String> ifos, long startGps, int durationS, long seed, List<Injection> injections,
                      java.util.Set<Long> gaps, java.util.Set<Long> notReady, double couplingStrain) {
            this(root, ifos, startGps, durationS, seed, injections, gaps, notReady, couplingStrain, DEFAULT_MODULATION,
                    Compression.GZIP, DEFAULT_ENVIRONMENT_SEED);
        }
    }

    /** What was written. */
    public record Result(int seconds, int files, long bytes, List<Injection> injections) {
    }

    private Simulator() {
    }

    static Detector detector(String ifo) {
        switch (ifo) {
            case "H1": return Detector.H1;
            case "L1": return Detector.L1;
            default: throw new IllegalArgumentException("no detector geometry for '" + ifo + "' (H1 and L1 are known)");
        }
    }

    /** The witnesses of an IFO, sorted: its mains monitor and the ASC loops' pitch and yaw (21 for H1, 18 for L1). */
    public static List<String> witnesses(String ifo) {
        List<String> w = new ArrayList<>();
        w.add(ifo + ":PEM-CS_MAINSMON_EBAY_1_DQ");
        for (String loop : LOOPS) {
            for (String py : new String[] {"_P", "_Y"}) {
                String n = ifo + ":ASC-" + loop + py + "_OUT_DQ";
                if (ifo.equals("L1") && (n.contains("SRC2") || n.equals("L1:ASC-INP1_Y_OUT_DQ"))) {
                    continue;    // L1 uses 18 witnesses
                }
                w.add(n);
            }
        }
        java.util.Collections.sort(w);
        return w;
    }

    /**
     * Injections every {@code 1 / rateHz} seconds on average (a jittered grid, at least 16 s apart
     * and clear of the run's ends and of gaps), network SNR uniform in [10, 30].
     */
    public static List<Injection> injections(double rateHz, long start, int duration, long seed, List<String> ifos,
                                             java.util.Set<Long> gaps) {
        List<Injection> l = new ArrayList<>();
        if (!(rateHz > 0)) {
            return l;
        }
        List<Detector> dets = new ArrayList<>();
        for (String i : ifos) {
            dets.add(detector(i));
        }
        SplittableRandom r = new SplittableRandom(ColouredNoise.mix(seed, 0x1A7EC7L));
        double spacing = Math.max(16, 1 / rateHz);
        for (double t = start + 8 + spacing / 2; t < start + duration - 4; t += spacing) {
            double tc = t + (r.nextDouble() - 0.5) * Math.max(0, spacing - 12);
            Injection inj = Injection.random(tc, r, 10, 30, dets);
            boolean clear = tc - inj.chirp.tauStart() > start + 2 && tc + 2 < start + duration;
            for (long s = inj.firstSecond(); s <= inj.lastSecond() && clear; s++) {
                clear = !gaps.contains(s);
            }
            if (clear) {
                l.add(inj);
            }
        }
        return l;
    }

    /** Injections read from a file as {@code injections.json} lists them (masses, SNR and GPS at least). */
    public static List<Injection> injections(Path file, List<String> ifos, long seed) throws IOException {
        List<Detector> dets = new ArrayList<>();
        for (String i : ifos) {
            dets.add(detector(i));
        }
        return Injection.fromJson(Json.read(Files.readString(file)), dets, new SplittableRandom(seed));
    }

    /** Writes the data; returns what was written. */
    public static Result run(Config c) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(c.ifos().size(), Runtime.getRuntime().availableProcessors()),
                r -> {
                    Thread t = new Thread(r, "simulate");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<long[]>> f = new ArrayList<>();
            for (int i = 0; i < c.ifos().size(); i++) {
                int idx = i;
                f.add(pool.submit(() -> ifo(c, idx)));
            }
            int files = 0;
            long bytes = 0;
            for (Future<long[]> x : f) {
                try {
                    long[] r = x.get();
                    files += (int) r[0];
                    bytes += r[1];
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException) {
                        throw (IOException) cause;
                    }
                    throw new IOException(cause);
                }
            }
            writeInjections(c);
            return new Result(c.durationS(), files, bytes, c.injections());
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Object> seconds(java.util.Set<Long> s) {
        List<Object> l = new ArrayList<>();
        for (long g : new java.util.TreeSet<>(s)) {
            l.add((double) g);
        }
        return l;
    }

    /**
     * The same data without its injections (the noise-only twin of a simulated run), from the
     * recipe its {@code injections.json} records, written under {@code root}; null when the file
     * does not record one (real data, or a list of injections only).
     */
    @SuppressWarnings("unchecked")
    public static Config twin(Path injectionsJson, Path root) throws IOException {
        Object parsed = Json.read(Files.readString(injectionsJson));
        if (!(parsed instanceof Map)) {
            return null;
        }
        Map<String, Object> m = (Map<String, Object>) parsed;
        for (String k : new String[] {"ifos", "start", "duration", "seed", "environment_seed", "coupling", "modulation", "gaps",
            "not_ready"}) {
            if (!m.containsKey(k)) {
                return null;
            }
        }
        List<String> ifos = new ArrayList<>();
        for (Object o : (List<Object>) m.get("ifos")) {
            ifos.add((String) o);
        }
        java.util.Set<Long> gaps = new java.util.TreeSet<>();
        for (Object o : (List<Object>) m.get("gaps")) {
            gaps.add(((Double) o).longValue());
        }
        java.util.Set<Long> notReady = new java.util.TreeSet<>();
        for (Object o : (List<Object>) m.get("not_ready")) {
            notReady.add(((Double) o).longValue());
        }
        return new Config(root, ifos, ((Double) m.get("start")).longValue(), ((Double) m.get("duration")).intValue(),
                ((Double) m.get("seed")).longValue(), List.of(), gaps, notReady, (Double) m.get("coupling"), (Double) m.get("modulation"),
                Compression.RAW, ((Double) m.get("environment_seed")).longValue());
    }

    private static void writeInjections(Config c) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Injection i : c.injections()) {
            list.add(i.toJson());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ifos", new ArrayList<Object>(c.ifos()));
        doc.put("start", (double) c.startGps());
        doc.put("duration", (double) c.durationS());
        doc.put("seed", (double) c.seed());
        doc.put("environment_seed", (double) c.environmentSeed());
        doc.put("psd", "aLIGO design, Ajith 2011 fit (arXiv:1107.1267 eq. 4.7)");
        doc.put("coupling", c.couplingStrain());
        doc.put("modulation", c.modulation());
        doc.put("gaps", seconds(c.gaps()));
        doc.put("not_ready", seconds(c.notReady()));
        doc.put("injections", list);
        Files.createDirectories(c.root());
        Path tmp = c.root().resolve(".injections.json.tmp");
        Files.writeString(tmp, Json.write(doc) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, c.root().resolve("injections.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** One IFO's seconds, in order; returns {files, bytes}. */
    private static long[] ifo(Config c, int index) throws IOException {
        String ifo = c.ifos().get(index);
        String obs = ifo.substring(0, 1);
        Path strainDir = Files.createDirectories(c.root().resolve("kafka").resolve(ifo));
        Path witnessDir = Files.createDirectories(c.root().resolve("lldetchar").resolve(ifo));
        long ifoSeed = ColouredNoise.mix(c.seed(), ifo.hashCode());
        ColouredNoise noise = new ColouredNoise(STRAIN_RATE, AligoPsd::psd, ColouredNoise.mix(ifoSeed, 1));
        List<String> witnesses = witnesses(ifo);
        int asc = witnesses.size() - 1;
        Environment env = environment(c.environmentSeed(), ifo);
        // the sorted witness list puts the ASC channels first and the mains monitor last
        String mains = ifo + ":PEM-CS_MAINSMON_EBAY_1_DQ";
        double[] strain = new double[STRAIN_RATE];
        int[] state = new int[STATE_RATE];
        float[] mainsSamples = new float[MAINS_RATE];
        float[][] ascSamples = new float[asc][ASC_RATE];
        long files = 0;
        long bytes = 0;
        for (long gps = c.startGps(); gps < c.startGps() + c.durationS(); gps++) {
            if (c.gaps().contains(gps)) {
                continue;
            }
            noise.second(gps, strain, 0);
            for (int k = 0; k < STRAIN_RATE; k++) {
                double dt = (double) k / STRAIN_RATE;
                double m = 1;
                for (int j : COUPLED) {
                    m += c.modulation() * env.asc(j, gps, dt) / Math.sqrt(COUPLED.length);
                }
                strain[k] += c.couplingStrain() * env.line60(gps, dt) * m;
            }
            for (Injection inj : c.injections()) {
                inj.add(index, gps, STRAIN_RATE, strain, 0);
            }
            java.util.Arrays.fill(state, c.notReady().contains(gps) ? 1 : 3);
            SplittableRandom wn = new SplittableRandom(ColouredNoise.mix(ifoSeed ^ 0x5EED, gps));
            for (int k = 0; k < MAINS_RATE; k++) {
                mainsSamples[k] = (float) (env.mains(gps, (double) k / MAINS_RATE) + 0.01 * ColouredNoise.gaussian(wn));
            }
            for (int j = 0; j < asc; j++) {
                for (int k = 0; k < ASC_RATE; k++) {
                    ascSamples[j][k] = (float) (env.asc(j, gps, (double) k / ASC_RATE) + 0.01 * ColouredNoise.gaussian(wn));
                }
            }
            Frame s = new Frame(ifo, 0, gps, gps, 0, 1.0)
                    .addChannel(Channel.proc(ifo + ":GDS-CALIB_STRAIN",
                            Vect.of(ifo + ":GDS-CALIB_STRAIN", strain, STRAIN_RATE, 0, "strain")))
                    .addChannel(Channel.adc(ifo + ":GDS-CALIB_STATE_VECTOR",
                            Vect.of(ifo + ":GDS-CALIB_STATE_VECTOR", state, STATE_RATE, 0, "")));
            Frame w = new Frame(ifo, 0, gps, gps, 0, 1.0);
            int a = 0;
            for (String name : witnesses) {
                float[] x = name.equals(mains) ? mainsSamples : ascSamples[a++];
                int rate = name.equals(mains) ? MAINS_RATE : ASC_RATE;
                w.addChannel(Channel.adc(name, Vect.of(name, x, rate, 0, "")));
            }
            Path sp = strainDir.resolve(obs + "-" + ifo + "_llhoft-" + gps + "-1.gwf");
            Path wp = witnessDir.resolve(obs + "-" + ifo + "_lldetchar-" + gps + "-1.gwf");
            GwfWriter.toPath(sp, ByteOrder.LITTLE_ENDIAN, c.compression(), s);
            GwfWriter.toPath(wp, ByteOrder.LITTLE_ENDIAN, c.compression(), w);
            files += 2;
            bytes += Files.size(sp) + Files.size(wp);
        }
        return new long[] {files, bytes};
    }

    /** The environment of an IFO for an environment seed, as the simulator makes it. */
    public static Environment environment(long environmentSeed, String ifo) {
        return new Environment(ColouredNoise.mix(ColouredNoise.mix(environmentSeed, ifo.hashCode()), 2), witnesses(ifo).size() - 1);
    }

    /** Compression codes by name, for the CLI. */
    public static int compression(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "gzip": return Compression.GZIP;
            case "raw": return Compression.RAW;
            default: throw new IllegalArgumentException("compression '" + name + "': gzip or raw");
        }
    }
}
