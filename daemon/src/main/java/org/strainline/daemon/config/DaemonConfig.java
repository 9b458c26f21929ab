package org.strainline.daemon.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.strainline.daemon.pipeline.DeepCleanStage;
import org.strainline.shm.ChannelSpec;
import org.strainline.shm.CpuSet;
import org.strainline.shm.GapPolicy;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.IngestConfig;
import org.strainline.shm.ReadMode;
import org.strainline.shm.StartPolicy;
import org.strainline.shm.StreamSpec;
import org.strainline.shm.StreamWatcher;
import org.strainline.shm.ThreadPlacement;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The daemon's one YAML file, mapped to validated immutable records once at start-up: a bad or
 * unknown key fails with its path and the reason ({@code deepclean.inferenceRateHz: must divide
 * 4096, got 100}). Relative paths are resolved against the file's directory. Every key and its
 * default is listed in {@code config/README.md}.
 */
public record DaemonConfig(Path file, IngestConfig ingest, Path repository, DeepClean deepclean, Bbhnet bbhnet, Publish publish,
                           MetricsConfig metrics, ModelWatch modelWatch, Cpus cpus) {

    /**
     * The CPUs the daemon's threads run on (all null and empty: wherever the kernel puts them):
     * {@code others} for every thread not named here (the JVM's own among them), the ingest
     * threads (one list for all, or {@code ingestByIfo}: each IFO's), each IFO's DeepClean
     * thread, the BBHnet thread; and {@code backgroundNice}, the nice levels below the process that
     * every thread off the data path runs at (0: the same).
     */
    public record Cpus(CpuSet others, CpuSet ingest, Map<String, CpuSet> ingestByIfo, Map<String, CpuSet> deepclean,
                       CpuSet bbhnet, List<String> ifos, int backgroundNice) {
        /** The default background nice levels. */
        public static final int BACKGROUND_NICE = 5;
        public static final Cpus NONE = new Cpus(null, null, Map.of(), Map.of(), null, List.of(), BACKGROUND_NICE);

        /** The placement of the daemon's threads by their names. */
        public ThreadPlacement placement() {
            ThreadPlacement.Builder b = ThreadPlacement.builder();
            if (ingest != null) {
                b.thread("strainline-ingest", "cpus.ingest", ingest);   // one ingest thread for all IFOs
                for (String ifo : ifos) {
                    b.thread("strainline-" + ifo + "-ingest", "cpus.ingest", ingest);
                }
            }
            for (Map.Entry<String, CpuSet> e : ingestByIfo.entrySet()) {
                b.thread("strainline-" + e.getKey() + "-ingest", "cpus.ingest." + e.getKey(), e.getValue());
            }
            for (Map.Entry<String, CpuSet> e : deepclean.entrySet()) {
                b.thread("strainline-" + e.getKey() + "-consumer-", "cpus.deepclean." + e.getKey(), e.getValue());
            }
            if (bbhnet != null) {
                b.thread("strainline-bbhnet-", "cpus.bbhnet", bbhnet);
            }
            if (others != null) {
                b.others("cpus.others", others);
            }
            return b.build();
        }
    }

    /**
     * Hot swap: the repository's model directories watched for new versions (and SIGHUP), a change
     * acted on once the files have been quiet for {@code settleS}.
     */
    public record ModelWatch(boolean enabled, double settleS) {
    }

    /**
     * The DeepClean stage: which model per IFO ({@code name}: its newest version, followed by hot
     * swaps; {@code name:version}: pinned), which engines, the stage's settings, and whether the
     * model's newest version above production runs beside it as a canary. Without
     * {@code deepclean.inferenceRateHz} in the file ({@code rateGiven} false) the rate depends on the engine the model gets:
     * {@link DeepCleanStage#GPU_INFERENCE_RATE_HZ} on TensorRT, {@code settings}' (the CPU default)
     * on the others.
     */
    public record DeepClean(Map<String, String> models, List<String> engines, int threads, DeepCleanStage.Settings settings,
                            boolean canary, boolean fp16, boolean rateGiven) {
        /** The windows per second on the named engine. */
        public int inferenceRateHz(String engine) {
            return rateGiven || !engine.equals("tensorrt") ? settings.inferenceRateHz() : DeepCleanStage.GPU_INFERENCE_RATE_HZ;
        }
    }

    /** The BBHnet stage over H1 and L1 (null: DeepClean only). */
    public record Bbhnet(String model, List<String> engines, int threads, org.strainline.daemon.pipeline.BbhnetStage.Settings settings,
                         double farThresholdHz, double refractoryS, Path background, boolean fp16) {
    }

    /** Where the results go. */
    public record Publish(Path strainQueue, Path alertQueue, String channelSuffix, Frames frames, boolean dataClock) {
    }

    /** Cleaned 1-s GWF files per IFO in {@code directory/<IFO>/} (null: none written). */
    public record Frames(Path directory, String prefix, int retainSeconds) {
        /** The file names' prefix for an IFO: the configured one with {@code {ifo}} and {@code {obs}} filled in. */
        public String prefixFor(String ifo) {
            return prefix.replace("{ifo}", ifo).replace("{obs}", ifo.substring(0, 1));
        }
    }

    /** Prometheus exposition ({@code port} 0: not served) and the periodic summary line ({@code logIntervalS} 0: none). */
    public record MetricsConfig(int port, String address, double logIntervalS) {
    }

    private static final Set<String> TOP = Set.of("ingest", "models", "deepclean", "bbhnet", "publish", "metrics", "cpus");

    /** Loads and validates a configuration file. */
    public static DaemonConfig load(Path file) throws IOException {
        Object doc;
        try (InputStream in = Files.newInputStream(file)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        } catch (RuntimeException e) {
            throw new IOException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        Node root = new Node(file, "", doc);
        root.only(TOP);
        Path base = file.toAbsolutePath().getParent();
        IngestConfig ingest = ingest(root.map("ingest"), base);
        Node models = root.map("models");
        models.only(Set.of("repository", "watch", "settleS"));
        Path repo = base.resolve(models.string("repository", "models/repository"));
        double settle = models.number("settleS", 2);
        if (!(settle >= 0 && settle <= 600)) {
            throw models.problem("settleS", "must be between 0 and 600 s, got " + settle);
        }
        ModelWatch watch = new ModelWatch(models.bool("watch", true), settle);
        DeepClean dc = deepclean(root.map("deepclean"), ingest);
        Bbhnet bbh = root.has("bbhnet") ? bbhnet(root.map("bbhnet"), ingest, base) : null;
        Node pub = root.map("publish");
        pub.only(Set.of("strainQueue", "alertQueue", "channelSuffix", "frames", "clock"));
        String clock = pub.string("clock", "wall");
        if (!clock.equals("wall") && !clock.equals("data")) {
            throw pub.problem("clock", "must be wall or data, got " + clock);
        }
        Frames frames = null;
        if (pub.has("frames")) {
            Node fr = pub.map("frames");
            fr.only(Set.of("directory", "prefix", "retainSeconds"));
            int retain = (int) fr.number("retainSeconds", 300);
            if (retain < 1) {
                throw fr.problem("retainSeconds", "must be >= 1, got " + retain);
            }
            String prefix = fr.string("prefix", "{obs}-{ifo}_llhoft_cleaned");
            if (!prefix.matches("[A-Za-z0-9_{}]+-[A-Za-z0-9_{}]+") || !prefix.contains("{ifo}")) {
                throw fr.problem("prefix", "must be OBS-TAG as in frame names (letters, digits, _) and contain {ifo}, got " + prefix);
            }
            frames = new Frames(base.resolve(fr.string("directory", null)), prefix, retain);
        }
        Publish publish = new Publish(base.resolve(pub.string("strainQueue", "queues/strain")),
                base.resolve(pub.string("alertQueue", "queues/alerts")), pub.string("channelSuffix", "_DEEPCLEAN_PRODUCTION_OUT_DQ"),
                frames, clock.equals("data"));
        Node met = root.map("metrics");
        met.only(Set.of("port", "address", "logIntervalS"));
        int port = (int) met.number("port", 0);
        if (port < 0 || port > 65535) {
            throw met.problem("port", "must be 0 (off) or a TCP port, got " + port);
        }
        double logS = met.number("logIntervalS", 60);
        if (logS < 0) {
            throw met.problem("logIntervalS", "must be >= 0 (0: off), got " + logS);
        }
        MetricsConfig metrics = new MetricsConfig(port, met.string("address", "127.0.0.1"), logS);
        return new DaemonConfig(file, ingest, repo, dc, bbh, publish, metrics, watch, cpus(root.map("cpus"), ingest));
    }

    private static Cpus cpus(Node n, IngestConfig ingest) throws IOException {
        if (n.value == null) {
            return Cpus.NONE;
        }
        n.only(Set.of("others", "ingest", "deepclean", "bbhnet", "backgroundNice"));
        int nice = (int) ranged(n, "backgroundNice", Cpus.BACKGROUND_NICE, 0, 19);
        if (nice != n.number("backgroundNice", Cpus.BACKGROUND_NICE)) {
            throw n.problem("backgroundNice", "must be a whole number of nice levels");
        }
        Set<String> ifos = new java.util.TreeSet<>(ingest.ifoNames());
        Map<String, CpuSet> deepclean = perIfo(n.map("deepclean"), ifos);
        CpuSet allIngest = null;
        Map<String, CpuSet> ingestByIfo = Map.of();
        if (n.has("ingest") && n.asMap().get("ingest") instanceof Map) {
            if (!ingest.threadPerIfo()) {
                throw n.problem("ingest", "a CPU list per IFO needs a thread per IFO (ingest.threadPerIfo is false);"
                        + " give one CPU list for the one ingest thread");
            }
            ingestByIfo = perIfo(n.map("ingest"), ifos);
        } else {
            allIngest = cpuSet(n, "ingest");
        }
        return new Cpus(cpuSet(n, "others"), allIngest, ingestByIfo, deepclean, cpuSet(n, "bbhnet"), List.copyOf(ifos), nice);
    }

    /** A mapping of IFO name to CPU list, only the configured IFOs allowed. */
    private static Map<String, CpuSet> perIfo(Node n, Set<String> ifos) throws IOException {
        n.only(ifos);
        Map<String, CpuSet> m = new java.util.TreeMap<>();
        for (String ifo : n.keys()) {
            m.put(ifo, cpuSet(n, ifo));
        }
        return Map.copyOf(m);
    }

    private static CpuSet cpuSet(Node n, String k) throws IOException {
        if (!n.has(k)) {
            return null;
        }
        String list = n.string(k, null);
        return n.wrap(k, () -> CpuSet.parse(list));
    }

    private static IngestConfig ingest(Node n, Path base) throws IOException {
        n.only(Set.of("start", "gapPolicy", "latenessMs", "retryIntervalMs", "maxPadSeconds", "watch",
                "pollIntervalMs", "read", "ringSize", "windowSeconds", "maxFileBytes", "threadPerIfo", "ifos"));
        List<IfoSpec> ifos = new ArrayList<>();
        List<Node> list = n.list("ifos");
        if (list.isEmpty()) {
            throw n.problem("ifos", "at least one IFO is needed");
        }
        for (Node i : list) {
            i.only(Set.of("ifo", "stateChannel", "readyMask", "streams"));
            List<StreamSpec> streams = new ArrayList<>();
            for (Node s : i.list("streams")) {
                s.only(Set.of("name", "directory", "prefix", "channels"));
                List<ChannelSpec> ch = new ArrayList<>();
                for (String c : s.strings("channels")) {
                    ch.add(s.wrap("channels", () -> ChannelSpec.parse(c)));
                }
                String name = s.string("name", null);
                Path dir = base.resolve(s.string("directory", null));
                String prefix = s.string("prefix", null);
                streams.add(s.wrap("", () -> new StreamSpec(name, dir, prefix, ch)));
            }
            String ifoName = i.string("ifo", null);
            String state = i.has("stateChannel") ? i.string("stateChannel", null) : null;
            int mask = (int) i.number("readyMask", 3);
            IfoSpec spec = i.wrap("", () -> new IfoSpec(ifoName, streams, state, mask));
            ifos.add(spec);
        }
        IngestConfig.Builder b = IngestConfig.builder(ifos);
        String start = n.string("start", "newest");
        if (start.matches("[0-9]{10}")) {
            b.startGps(Long.parseLong(start));
        } else {
            b.start(n.wrap("start", () -> StartPolicy.valueOf(start.toUpperCase(Locale.ROOT))));
        }
        String gap = n.string("gapPolicy", "pad");
        b.gapPolicy(n.wrap("gapPolicy", () -> GapPolicy.valueOf(gap.toUpperCase(Locale.ROOT))));
        b.latenessNs((long) (n.number("latenessMs", 1000) * 1e6));
        b.retryIntervalNs((long) (n.number("retryIntervalMs", 20) * 1e6));
        b.maxPadSeconds((int) n.number("maxPadSeconds", IngestConfig.DEFAULT_MAX_PAD_SECONDS));
        String watch = n.string("watch", "auto");
        b.watchMode(n.wrap("watch", () -> StreamWatcher.Mode.valueOf(watch.toUpperCase(Locale.ROOT))));
        b.pollIntervalMs((long) n.number("pollIntervalMs", IngestConfig.DEFAULT_POLL_INTERVAL_MS));
        String read = n.string("read", "mmap");
        b.readMode(n.wrap("read", () -> ReadMode.valueOf(read.toUpperCase(Locale.ROOT))));
        b.ringSize((int) n.number("ringSize", IngestConfig.DEFAULT_RING_SIZE));
        b.windowSeconds((int) n.number("windowSeconds", IngestConfig.DEFAULT_WINDOW_SECONDS));
        b.maxFileBytes((int) n.number("maxFileBytes", IngestConfig.DEFAULT_MAX_FILE_BYTES));
        b.threadPerIfo(n.bool("threadPerIfo", true));
        return n.wrap("", b::build);
    }

    private static Bbhnet bbhnet(Node n, IngestConfig ingest, Path base) throws IOException {
        n.only(Set.of("model", "engines", "threads", "inferenceRateHz", "integrationS", "joinSeconds", "joinBudgetS",
                "singleIfo", "farThresholdHz", "refractoryS", "background", "fp16"));
        boolean h = false;
        boolean l = false;
        for (IfoSpec s : ingest.ifos()) {
            h |= s.ifo().equals("H1");
            l |= s.ifo().equals("L1");
        }
        if (!h || !l) {
            throw n.problem("", "BBHnet searches H1 and L1 together: both must be in ingest.ifos");
        }
        org.strainline.daemon.pipeline.BbhnetStage.Settings d = org.strainline.daemon.pipeline.BbhnetStage.Settings.defaults();
        int rate = (int) n.number("inferenceRateHz", d.inferenceRateHz());
        if (rate <= 0 || 2048 % rate != 0) {
            throw n.problem("inferenceRateHz", "must divide 2048, got " + rate);
        }
        int join = (int) n.number("joinSeconds", d.joinSeconds());
        if (join < 1) {
            throw n.problem("joinSeconds", "must be at least 1, got " + join);
        }
        double budget = n.number("joinBudgetS", d.joinBudgetS());
        if (!(budget >= 0) || budget > 60) {
            throw n.problem("joinBudgetS", "must be between 0 and 60 s, got " + budget);
        }
        org.strainline.daemon.pipeline.BbhnetStage.Settings s = new org.strainline.daemon.pipeline.BbhnetStage.Settings(rate,
                ranged(n, "integrationS", d.integrationS(), 1.0 / rate, 16), join, d.inputDelayS(), budget,
                n.bool("singleIfo", d.singleIfo()));
        double far = n.number("farThresholdHz", 1.0 / 86400);
        if (!(far > 0)) {
            throw n.problem("farThresholdHz", "must be positive, got " + far);
        }
        return new Bbhnet(n.string("model", "bbhnet"), n.has("engines") ? n.strings("engines") : List.of("tensorrt", "onnxruntime"),
                (int) ranged(n, "threads", 1, 1, 256), s, far, ranged(n, "refractoryS", 8, 0, 3600),
                n.has("background") ? base.resolve(n.string("background", null)) : null, n.bool("fp16", false));
    }

    private static DeepClean deepclean(Node n, IngestConfig ingest) throws IOException {
        n.only(Set.of("models", "engines", "threads", "inferenceRateHz", "aggregationLatencyS", "band", "historyS",
                "lookaheadS", "taperS", "gateSpanS", "crossfadeS", "joinS", "canary", "fp16"));
        Map<String, String> models = new LinkedHashMap<>();
        Node m = n.map("models");
        for (String ifo : m.keys()) {
            models.put(ifo, m.string(ifo, null));
        }
        for (String ifo : models.keySet()) {
            boolean known = false;
            for (IfoSpec s : ingest.ifos()) {
                known |= s.ifo().equals(ifo);
            }
            if (!known) {
                throw m.problem(ifo, "no IFO " + ifo + " in ingest.ifos");
            }
        }
        List<String> engines = n.has("engines") ? n.strings("engines") : List.of("tensorrt", "onnxruntime");
        DeepCleanStage.Settings d = DeepCleanStage.Settings.defaults();
        List<Double> band = n.has("band") ? n.numbers("band") : List.of(d.bandLowHz(), d.bandHighHz());
        if (band.size() != 2 || !(band.get(0) > 0) || !(band.get(1) > band.get(0))) {
            throw n.problem("band", "expected [low, high] in Hz, got " + band);
        }
        int rate = (int) n.number("inferenceRateHz", d.inferenceRateHz());
        if (rate <= 0 || 4096 % rate != 0) {
            throw n.problem("inferenceRateHz", "must divide 4096, got " + rate);
        }
        double lat = ranged(n, "aggregationLatencyS", d.aggregationLatencyS(), 0, 1);
        double look = n.number("lookaheadS", d.lookaheadS());
        double sum = lat + look;
        if (look < 0 || Math.abs(sum - Math.rint(sum)) > 1e-9 || sum < 1) {   // lat is in [0, 1] already
            throw n.problem("aggregationLatencyS", "aggregationLatencyS + lookaheadS must be a whole number of seconds >= 1, got "
                    + lat + " + " + look);
        }
        double history = ranged(n, "historyS", d.historyS(), 0.5, 60);
        double gate = ranged(n, "gateSpanS", d.gateSpanS(), 2, 64);
        if (gate != Math.rint(gate)) {
            throw n.problem("gateSpanS", "must be a whole number of seconds (the gate's spectra are of 1-s segments), got " + gate);
        }
        DeepCleanStage.Settings s = new DeepCleanStage.Settings(rate, lat, band.get(0), band.get(1),
                history, look, ranged(n, "taperS", d.taperS(), 0, history), gate,
                ranged(n, "crossfadeS", d.crossfadeS(), 0, gate), n.number("joinS", d.joinS()));
        if (s.joinS() < 0 || s.joinS() > s.lookaheadS() || s.joinS() > 1) {
            throw n.problem("joinS", "must be between 0 and lookaheadS (" + s.lookaheadS() + "), got " + s.joinS());
        }
        int threads = (int) n.number("threads", 1);
        if (threads < 1) {
            throw n.problem("threads", "must be >= 1, got " + threads);
        }
        return new DeepClean(models, engines, threads, s, n.bool("canary", false), n.bool("fp16", false), n.has("inferenceRateHz"));
    }

    /** A number that must lie in {@code [lo, hi]}; out of it, the key and the range are named. */
    private static double ranged(Node n, String key, double dflt, double lo, double hi) throws IOException {
        double v = n.number(key, dflt);
        if (!(v >= lo && v <= hi)) {
            throw n.problem(key, "must be between " + fmt(lo) + " and " + fmt(hi) + ", got " + fmt(v));
        }
        return v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** A YAML value with its key path, for messages. */
    static final class Node {
        interface Make<T> {
            T make();
        }

        final Path file;
        final String path;
        final Object value;

        Node(Path file, String path, Object value) {
            this.file = file;
            this.path = path;
            this.value = value;
        }

        String key(String k) {
            return path.isEmpty() ? k : k.isEmpty() ? path : path + "." + k;
        }

        IOException problem(String k, String why) {
            return new IOException(file + ": " + key(k) + ": " + why);
        }

        <T> T wrap(String k, Make<T> make) throws IOException {
            try {
                return make.make();
            } catch (IllegalArgumentException e) {
                throw problem(k, e.getMessage());
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> asMap() {
            return value instanceof Map ? (Map<String, Object>) value : Map.of();
        }

        boolean has(String k) {
            return asMap().containsKey(k);
        }

        List<String> keys() {
            return new ArrayList<>(asMap().keySet());
        }

        void only(Set<String> allowed) throws IOException {
            if (value != null && !(value instanceof Map)) {
                throw new IOException(file + ": " + (path.isEmpty() ? "the top" : path) + ": expected a mapping");
            }
            for (String k : asMap().keySet()) {
                if (!allowed.contains(k)) {
                    throw problem(k, "unknown key (known: " + new java.util.TreeSet<>(allowed) + ")");
                }
            }
        }

        Node map(String k) throws IOException {
            Object v = asMap().get(k);
            if (v != null && !(v instanceof Map)) {
                throw problem(k, "expected a mapping");
            }
            return new Node(file, key(k), v);
        }

        List<Node> list(String k) throws IOException {
            Object v = asMap().get(k);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List)) {
                throw problem(k, "expected a list");
            }
            List<Node> l = new ArrayList<>();
            int i = 0;
            for (Object o : (List<?>) v) {
                l.add(new Node(file, key(k) + "[" + i++ + "]", o));
            }
            return l;
        }

        boolean bool(String k, boolean dflt) throws IOException {
            Object v = asMap().get(k);
            if (v == null) {
                return dflt;
            }
            if (!(v instanceof Boolean)) {
                throw problem(k, "expected true or false, got " + v);
            }
            return (Boolean) v;
        }

        String string(String k, String dflt) throws IOException {
            Object v = asMap().get(k);
            if (v == null) {
                if (dflt == null) {
                    throw problem(k, "missing");
                }
                return dflt;
            }
            if (!(v instanceof String) && !(v instanceof Number)) {
                throw problem(k, "expected a string, got " + v);
            }
            return v.toString();
        }

        double number(String k, double dflt) throws IOException {
            Object v = asMap().get(k);
            if (v == null) {
                return dflt;
            }
            if (!(v instanceof Number)) {
                throw problem(k, "expected a number, got " + v);
            }
            return ((Number) v).doubleValue();
        }

        List<String> strings(String k) throws IOException {
            Object v = asMap().get(k);
            if (!(v instanceof List)) {
                throw problem(k, "expected a list of strings");
            }
            List<String> l = new ArrayList<>();
            for (Object o : (List<?>) v) {
                l.add(String.valueOf(o));
            }
            return l;
        }

        List<Double> numbers(String k) throws IOException {
            Object v = asMap().get(k);
            if (!(v instanceof List)) {
                throw problem(k, "expected a list of numbers");
            }
            List<Double> l = new ArrayList<>();
            for (Object o : (List<?>) v) {
                if (!(o instanceof Number)) {
                    throw problem(k, "'" + o + "' is not a number");
                }
                l.add(((Number) o).doubleValue());
            }
            return l;
        }
    }
}
