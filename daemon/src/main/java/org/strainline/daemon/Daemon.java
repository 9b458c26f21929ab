package org.strainline.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.strainline.daemon.config.DaemonConfig;
import org.strainline.daemon.engine.Engine;
import org.strainline.daemon.engine.Engines;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.ModelRepository;
import org.strainline.daemon.pipeline.Background;
import org.strainline.daemon.pipeline.BbhnetStage;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.pipeline.Clusterer;
import org.strainline.daemon.pipeline.DeepCleanStage;
import org.strainline.daemon.pipeline.DeepCleanSwitch;
import org.strainline.daemon.pipeline.StrainRing;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.queue.CleanedFrames;
import org.strainline.daemon.queue.FrameWriter;
import org.strainline.daemon.queue.StrainQueue;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.Ingest;
import org.strainline.shm.IngestConfig;

/**
 * The online daemon: ingest → per IFO, the DeepClean stage → the strain queue, and the strain
 * ring → the BBHnet stage over H1 + L1 → clustering → the alerts queue.
 *
 * <p>Lifecycle: {@link #start} validates and builds everything (models resolved, engines chosen by
 * preference with the reasons logged, the queue opened), reads the newest second already
 * published per IFO and resumes after it (ingest starts early enough to warm the stage up; seconds
 * already published are not published again), then starts the ingest thread and the stage
 * consumers. {@link #close} stops ingest (which hands on every second it holds), lets the stages
 * finish (they hand on the seconds in flight, up to 20 s per ring), waits for their threads to
 * leave their handlers, and only then closes engines and queues.
 */
public final class Daemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Daemon.class.getName());

    /** How long a DeepClean stage waits for room in the strain ring (BBHnet behind) before the second is dropped. */
    private static final long RING_WAIT_NS = 5_000_000_000L;

    /** How long {@link #close} lets each ring's consumers finish the seconds in it. */
    private static final long DRAIN_MS = 20_000;

    private final DaemonConfig config;
    private final Map<String, long[]> published = new HashMap<>();
    private final StrainQueue queue;
    private final AlertQueue alerts;
    private final StrainRing strainRing;
    private BbhnetStage bbhnet;
    private final Ingest ingest;
    /** When the last strain-ring drop was logged (nanoTime; 0: never); written by the stage threads. */
    private volatile long ringDropLoggedNs;
    private final List<Engine> engines = new ArrayList<>();   // guarded by itself
    private final Map<String, DeepCleanSwitch> stages = new HashMap<>();
    private final Map<String, IfoSpec> specs = new HashMap<>();
    private final ModelRepository repo;
    private final StrainQueue canaryQueue;
    private final java.util.concurrent.atomic.AtomicLong modelLoadFailures = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Integer> offered = new HashMap<>();   // IFO/role -> version offered, guarded by reloadLock
    private final Object reloadLock = new Object();
    private final java.util.concurrent.ExecutorService retirer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "strainline-retire");
        t.setDaemon(true);
        return t;
    });
    private ModelWatcher watcher;
    /** Keeps {@link WallClock}'s offset to the system clock current (a step of the clock is followed within 10 s). */
    private final java.util.concurrent.ScheduledExecutorService clock = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strainline-clock");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, CleanedFrames> frameFiles = new HashMap<>();
    /** Writes the cleaned frame files off the stages' threads (null: no frames configured). */
    private final FrameWriter frameWriter;
    private volatile boolean closed;
    private final Metrics metrics = new Metrics();
    private final java.util.concurrent.atomic.AtomicLong alertsPublished = new java.util.concurrent.atomic.AtomicLong();
    private int metricsPort;
    private final BbhnetStage.Sink observer;
    private double alertThreshold = Double.NaN;
    /** With {@code publish.clock: data}: per IFO (in configuration order) the newest GPS second appended to the strain queue. */
    private final java.util.concurrent.atomic.AtomicLongArray appended;

    private Daemon(DaemonConfig config, BbhnetStage.Sink observer) throws Exception {
        this.config = config;
        this.observer = observer;
        this.appended = new java.util.concurrent.atomic.AtomicLongArray(config.ingest().ifos().size());
        for (int i = 0; i < appended.length(); i++) {
            appended.set(i, Long.MIN_VALUE);
        }
        this.queue = new StrainQueue(config.publish().strainQueue(), config.publish().channelSuffix());
        this.alerts = config.bbhnet() == null ? null : new AlertQueue(config.publish().alertQueue(), false);
        this.strainRing = config.bbhnet() == null ? null : new StrainRing(4096, 64, 2);
        // 64 s of files for a slow disk to fall behind by, at up to 16384 Hz
        this.frameWriter = config.publish().frames() == null ? null : new FrameWriter(16384, 64);
        this.canaryQueue = config.deepclean().canary() ? new StrainQueue(canaryQueuePath(config), CANARY_SUFFIX) : null;
        this.repo = new ModelRepository(config.repository());
        try {
            List<String> ifoNames = config.ingest().ifoNames();
            Map<String, Long> last = queue.lastGps(ifoNames);
            Map<String, Long> canaryLast = canaryQueue == null ? Map.of() : canaryQueue.lastGps(ifoNames);
            Engines choices = Engines.standard(config.deepclean().threads(), 2, config.deepclean().fp16());
            int bbhWarm = 0;
            if (config.bbhnet() != null) {
                bbhWarm = openBbhnet(repo) + 2;
            }
            long resume = Long.MAX_VALUE;
            for (IfoSpec ifo : config.ingest().ifos()) {
                String modelName = config.deepclean().models().get(ifo.ifo());
                if (modelName == null) {
                    throw new IOException(config.file() + ": deepclean.models: no model for " + ifo.ifo());
                }
                ModelCard card = repo.resolve(modelName);
                specs.put(ifo.ifo(), ifo);
                String label = "ifo=\"" + ifo.ifo() + "\"";
                Metrics.Latency fileToStrain = metrics.latency("strain_published", label,
                        "frame file written (mtime) -> cleaned second in the strain queue");
                Metrics.Latency ringToStrain = metrics.latency("deepclean_stage", label,
                        "second on the ingest ring -> cleaned second in the strain queue");
                Metrics.Latency[] stageSteps = {
                        metrics.latency("deepclean_prepare", label,
                                "second taken off the ingest ring -> its engine run starts (resampling, scaling, the snapshot, the windows)"),
                        metrics.latency("deepclean_finish", label,
                                "engine run done -> the second it completes in the strain queue (aggregation, band-pass, gate, subtraction)"),
                        metrics.latency("strain_processing", label,
                                "the newest frame file a cleaned second waited for (its look-ahead) written -> the second in the strain queue"),
                        metrics.latency("strain_overhead", label,
                                "strain_processing less the engine run that completed the second: the time the cleaned second spent beyond its engine"),
                        metrics.latency("strain_append", label, "the cleaned second appended to the strain queue (the publish alone)"),
                        metrics.latency("frames_write", label, "the cleaned second written as a frame file (after the strain queue and BBHnet's ring)")};
                IngestLatencies ingestLatencies = new IngestLatencies(metrics, label);
                DeepCleanStage production = openStage(ifo, card, choices);
                rehearse(ifo.ifo() + " deepclean", () -> org.strainline.daemon.pipeline.Rehearsal.deepClean(ifo, card, production.engine(),
                        config.deepclean().settings().withInferenceRate(production.engine().batch()), REHEARSAL_SECONDS), "cleaned");
                long[] newest = {last.getOrDefault(ifo.ifo(), Long.MIN_VALUE)};
                published.put(ifo.ifo(), newest);
                String strain = card.text("strain_channel");
                int ringIndex = ifo.ifo().equals("H1") ? 0 : ifo.ifo().equals("L1") ? 1 : -1;
                DaemonConfig.Frames fr = config.publish().frames();
                CleanedFrames files = fr == null ? null : new CleanedFrames(fr.directory().resolve(ifo.ifo()),
                        fr.prefixFor(ifo.ifo()), strain + config.publish().channelSuffix(), strain + "_DEEPCLEAN_FLAGS",
                        card.sampleRateHz(), "strainline: DeepClean " + card.name() + "/" + card.version(), fr.retainSeconds());
                if (files != null) {
                    files.timeWrites(stageSteps[5]::record);
                    frameFiles.put(ifo.ifo(), files);
                }
                int order = stages.size();   // this IFO's place in the strain queue's order of a data-clock run
                DeepCleanStage canary = null;
                DeepCleanStage.Sink canarySink = null;
                if (canaryQueue != null) {
                    long[] canaryNewest = {canaryLast.getOrDefault(ifo.ifo(), Long.MIN_VALUE)};
                    DaemonConfig.Frames cfr = config.publish().frames();
                    CleanedFrames canaryFiles = cfr == null ? null : new CleanedFrames(cfr.directory().resolve(ifo.ifo() + "-canary"),
                            cfr.prefixFor(ifo.ifo()) + "_canary", strain + CANARY_SUFFIX, strain + "_DEEPCLEAN_CANARY_FLAGS",
                            card.sampleRateHz(), "strainline: DeepClean canary of " + card.name(), cfr.retainSeconds());
                    if (canaryFiles != null) {
                        frameFiles.put(ifo.ifo() + "-canary", canaryFiles);
                    }
                    canarySink = s -> publishCanary(s, strain, canaryNewest, canaryFiles);
                    ModelCard cc = repo.canary(card.name(), card.version());
                    if (cc != null) {
                        canary = openStage(ifo, cc, choices);
                        offered.put(ifo.ifo() + "/canary", cc.version());
                    }
                    LOG.log(System.Logger.Level.INFO, ifo.ifo() + " deepclean: canary " + (cc == null ? "none yet (no version above "
                            + card.version() + ")" : cc.name() + "/" + cc.version()) + ", published to " + canaryQueuePath(config));
                }
                DeepCleanSwitch stage = new DeepCleanSwitch(ifo.ifo(), production,
                        s -> publish(s, strain, newest, ringIndex, fileToStrain, ringToStrain, stageSteps, files, order), canary, canarySink,
                        this::retire);
                stage.onTaken(ingestLatencies::record);
                stages.put(ifo.ifo(), stage);
                offered.put(ifo.ifo() + "/production", card.version());
                if (newest[0] != Long.MIN_VALUE) {
                    resume = Math.min(resume, newest[0] + 1 - stage.warmSeconds() - stage.lagSeconds() - bbhWarm);
                    LOG.log(System.Logger.Level.INFO, ifo.ifo() + ": the strain queue ends at GPS " + newest[0]
                            + "; resuming after it");
                }
            }
            IngestConfig ic = config.ingest();
            if (resume != Long.MAX_VALUE) {
                ic = rebuild(ic, resume);
            }
            this.ingest = new Ingest(ic);
            for (Map.Entry<String, DeepCleanSwitch> e : stages.entrySet()) {
                ingest.ring(e.getKey()).handleEventsWith(e.getValue());
            }
            if (bbhnet != null && stages.containsKey("H1") && stages.containsKey("L1")) {
                bbhnet.partnerReach(reach("H1"), reach("L1"));
            }
            families();
        } catch (Exception e) {
            for (Engine en : engines) {
                en.close();
            }
            if (canaryQueue != null) {
                canaryQueue.close();
            }
            queue.close();
            if (alerts != null) {
                alerts.close();
            }
            throw e;
        }
    }

    /** The channel suffix of the canary's cleaned strain. */
    public static final String CANARY_SUFFIX = "_DEEPCLEAN_CANARY_OUT_DQ";

    /** The canary's strain queue: {@code <strainQueue>-canary}. */
    public static java.nio.file.Path canaryQueuePath(DaemonConfig c) {
        java.nio.file.Path q = c.publish().strainQueue();
        return q.resolveSibling(q.getFileName() + "-canary");
    }

    /** A DeepClean stage for one IFO on the first engine of the preference list that runs the model (its output goes nowhere yet). */
    private DeepCleanStage openStage(IfoSpec ifo, ModelCard card, Engines choices) throws Exception {
        if (!card.kind().equals("deepclean")) {
            throw new IOException(card.file() + ": kind: " + card.kind() + ", DeepClean needs a deepclean model");
        }
        DaemonConfig.DeepClean dc = config.deepclean();
        int fs = card.sampleRateHz();
        // the span's stride; 0 where the rate does not divide the model's rate (the stage then refuses it)
        Engines.Choice c = choices.open(card, dc.engines(), dc::inferenceRateHz,
                name -> fs % dc.inferenceRateHz(name) == 0 ? fs / dc.inferenceRateHz(name) : 0);
        int rate = c.engine().batch();
        if (!dc.rateGiven()) {
            LOG.log(System.Logger.Level.INFO, ifo.ifo() + " deepclean: " + rate + " windows a second on " + c.engine().name()
                    + " (deepclean.inferenceRateHz not set: " + DeepCleanStage.GPU_INFERENCE_RATE_HZ + " on TensorRT, "
                    + dc.settings().inferenceRateHz() + " on a CPU engine)");
        }
        Engine timed = new TimedEngine(c.engine(), metrics);
        try {
            DeepCleanStage st = new DeepCleanStage(ifo, card, timed, dc.settings().withInferenceRate(rate), null);
            synchronized (engines) {
                engines.add(timed);
            }
            return st;
        } catch (IOException | RuntimeException e) {
            timed.close();
            throw e;
        }
    }

    /** Seconds of made-up data a stage's own code runs over before the first live second (past BBHnet's PSD span). */
    static final int REHEARSAL_SECONDS = 300;

    private interface RehearsalRun {
        org.strainline.daemon.pipeline.Rehearsal.Result run() throws IOException;
    }

    /** Rehearses a stage (see {@link org.strainline.daemon.pipeline.Rehearsal}) and says so in one line. */
    private static void rehearse(String what, RehearsalRun r, String outcome) throws IOException {
        org.strainline.daemon.pipeline.Rehearsal.Result res = r.run();
        LOG.log(System.Logger.Level.INFO, what + ": rehearsed on " + res.seconds() + " s of noise with no engine (" + res.done() + " "
                + outcome + ") in " + res.ns() / 1_000_000 + " ms, so that the JIT has compiled its code before the first live second");
    }

    /** Takes a stage out of service: its engine is closed on the retiring thread (never on a stage's). */
    private void retire(DeepCleanStage s) {
        Engine e = s.engine();
        retirer.execute(() -> {
            boolean mine;
            synchronized (engines) {
                mine = engines.remove(e);
            }
            if (mine) {
                e.close();
            }
        });
    }

    /**
     * Hot swap (the model watcher's thread; SIGHUP): per IFO, the version production should run
     * (the newest, unless pinned) and, with {@code deepclean.canary}, the newest above it; a version
     * that differs from the one running (or warming) is loaded, its engine warmed up and its stage
     * built here, off the hot path, then handed to the IFO's switch, which swaps it in between two
     * seconds once it is warm. A version that fails to load is reported and counted, and the one
     * running keeps running.
     */
    public void reloadModels() {
        synchronized (reloadLock) {
            if (closed) {
                return;
            }
            Engines choices = Engines.standard(config.deepclean().threads(), 2, config.deepclean().fp16());
            for (Map.Entry<String, DeepCleanSwitch> en : stages.entrySet()) {
                String ifo = en.getKey();
                DeepCleanSwitch sw = en.getValue();
                ModelRepository.Spec spec = ModelRepository.Spec.parse(config.deepclean().models().get(ifo));
                try {
                    List<Integer> versions = repo.versions(spec.name());
                    if (versions.isEmpty() && spec.pinned() == null) {
                        continue;   // nothing to run yet: the running version stays
                    }
                    int production = spec.pinned() != null ? spec.pinned() : versions.get(versions.size() - 1);
                    offerIfNew(choices, ifo, sw, spec.name(), production, DeepCleanSwitch.Role.PRODUCTION);
                    int top = versions.isEmpty() ? 0 : versions.get(versions.size() - 1);
                    if (canaryQueue != null && top > production) {
                        offerIfNew(choices, ifo, sw, spec.name(), top, DeepCleanSwitch.Role.CANARY);
                    }
                } catch (IOException e) {
                    modelLoadFailures.incrementAndGet();
                    LOG.log(System.Logger.Level.ERROR, ifo + " deepclean: the repository cannot be read: " + e.getMessage()
                            + "; " + running(sw) + " keeps running");
                }
            }
        }
    }

    private static String running(DeepCleanSwitch sw) {
        ModelCard c = sw.production().card();
        return c.name() + "/" + c.version();
    }

    private void offerIfNew(Engines choices, String ifo, DeepCleanSwitch sw, String name, int version, DeepCleanSwitch.Role role) {
        String key = ifo + "/" + role.name().toLowerCase(java.util.Locale.ROOT);
        Integer had = offered.get(key);
        if (had != null && had == version) {
            return;
        }
        try {
            ModelCard card = repo.resolve(name, version);
            long t0 = System.nanoTime();
            DeepCleanStage st = openStage(specs.get(ifo), card, choices);
            offered.put(key, version);
            sw.offer(st, role);
            LOG.log(System.Logger.Level.WARNING, ifo + " deepclean: " + name + "/" + version + " loaded and warmed up in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms on " + st.engine().name() + "; it takes over as "
                    + role.name().toLowerCase(java.util.Locale.ROOT) + " once its stage is warm");
        } catch (Exception e) {
            modelLoadFailures.incrementAndGet();   // tried again at the next rescan (the files changed again, or SIGHUP)
            LOG.log(System.Logger.Level.ERROR, ifo + " deepclean: " + name + "/" + version + " cannot be loaded: " + e.getMessage()
                    + "; " + running(sw) + " keeps running");
        }
    }

    /** On a stage's thread: a canary second into the canary queue, once. */
    private void publishCanary(CleanedSecond s, String strainChannel, long[] newest, CleanedFrames files) {
        if (s.gpsS() > newest[0]) {
            canaryQueue.append(s, strainChannel, config.publish().dataClock() ? dataClockNs(s.gpsS())
                    : WallClock.nowUnixNs());
            newest[0] = s.gpsS();
            if (files != null) {
                frameWriter.write(files, s);
            }
        }
    }

    /** The counters and gauges of the exposition, read when scraped. */
    private void families() {
        List<String> ifos = config.ingest().ifoNames();
        metrics.family("ingest_total", "counter", "ingest outcomes per IFO (files and seconds, every one accounted for)", out -> {
            for (String ifo : ifos) {
                org.strainline.shm.IngestCounters c = ingest.counters(ifo);
                for (org.strainline.shm.IngestCounter k : org.strainline.shm.IngestCounter.values()) {
                    out.accept(new Object[] {"ifo=\"" + ifo + "\",outcome=\"" + k.name().toLowerCase(java.util.Locale.ROOT) + "\"", c.get(k)});
                }
            }
        });
        metrics.family("deepclean_total", "counter", "DeepClean stage outcomes per IFO", out -> {
            for (String ifo : ifos) {
                DeepCleanSwitch st = stages.get(ifo);
                for (DeepCleanStage.Counter k : DeepCleanStage.Counter.values()) {
                    out.accept(new Object[] {"ifo=\"" + ifo + "\",outcome=\"" + k.name().toLowerCase(java.util.Locale.ROOT) + "\"",
                        st.counter(k)});
                }
            }
        });
        metrics.family("deepclean_model_version", "gauge", "the model version DeepClean runs per IFO and role", out -> {
            for (String ifo : ifos) {
                DeepCleanSwitch sw = stages.get(ifo);
                out.accept(new Object[] {"ifo=\"" + ifo + "\",role=\"production\"", sw.production().card().version()});
                DeepCleanStage c = sw.canary();
                if (c != null) {
                    out.accept(new Object[] {"ifo=\"" + ifo + "\",role=\"canary\"", c.card().version()});
                }
            }
        });
        metrics.family("deepclean_model_swaps_total", "counter", "model versions swapped in per IFO (production and canary)", out -> {
            for (String ifo : ifos) {
                out.accept(new Object[] {"ifo=\"" + ifo + "\"", stages.get(ifo).swaps()});
            }
        });
        metrics.family("model_load_failures_total", "counter", "model versions that failed to load (the running one kept running)",
                out -> out.accept(new Object[] {"", modelLoadFailures.get()}));
        if (!frameFiles.isEmpty()) {
            metrics.family("frames_total", "counter", "cleaned GWF files per IFO: written, failed, or dropped with the writer"
                    + " 64 s behind (the second stays in the queue either way)",
                    out -> {
                        for (String ifo : ifos) {
                            for (String role : new String[] {"", "-canary"}) {
                                CleanedFrames f = frameFiles.get(ifo + role);
                                if (f == null) {
                                    continue;
                                }
                                String l = "ifo=\"" + ifo + "\"" + (role.isEmpty() ? "" : ",role=\"canary\"");
                                out.accept(new Object[] {l + ",outcome=\"written\"", f.written()});
                                out.accept(new Object[] {l + ",outcome=\"failed\"", f.failed()});
                                out.accept(new Object[] {l + ",outcome=\"dropped\"", f.dropped()});
                            }
                        }
                    });
        }
        metrics.family("thread_cpu_seconds_total", "counter", "CPU time of each of the daemon's threads", out -> {
            // Thread.enumerate walks the thread group: no safepoint, unlike a thread dump
            Thread[] all = new Thread[Thread.activeCount() + 16];
            int n = Thread.enumerate(all);
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int i = 0; i < n; i++) {
                long ns = all[i].getName().startsWith("strainline-") ? mx.getThreadCpuTime(all[i].getId()) : -1;
                if (ns >= 0) {
                    out.accept(new Object[] {"thread=\"" + all[i].getName() + "\"", ns / 1e9});
                }
            }
        });
        metrics.family("jvm_gc_collections_total", "counter", "garbage collections since the JVM started, per collector", out -> {
            for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                out.accept(new Object[] {"gc=\"" + gc.getName() + "\"", gc.getCollectionCount()});
            }
        });
        metrics.family("jvm_gc_seconds_total", "counter", "time in garbage collection, per collector", out -> {
            for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                out.accept(new Object[] {"gc=\"" + gc.getName() + "\"", gc.getCollectionTime() / 1e3});
            }
        });
        metrics.family("jvm_heap_used_bytes", "gauge", "heap in use",
                out -> out.accept(new Object[] {"", java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()}));
        metrics.family("published_gps", "gauge", "the newest GPS second in the strain queue per IFO", out -> {
            for (String ifo : ifos) {
                long n = newestPublished(ifo);
                out.accept(new Object[] {"ifo=\"" + ifo + "\"", n == Long.MIN_VALUE ? "NaN" : Long.toString(n)});
            }
        });
        if (bbhnet != null) {
            metrics.family("bbhnet_total", "counter", "BBHnet stage outcomes", out -> {
                for (BbhnetStage.Counter k : BbhnetStage.Counter.values()) {
                    out.accept(new Object[] {"outcome=\"" + k.name().toLowerCase(java.util.Locale.ROOT) + "\"", bbhnet.counter(k)});
                }
            });
            metrics.family("strain_ring_dropped_total", "counter", "cleaned seconds dropped for want of room in the strain ring",
                    out -> out.accept(new Object[] {"", strainRing.dropped()}));
            metrics.family("alerts_total", "counter", "alerts published by this process",
                    out -> out.accept(new Object[] {"", alertsPublished.get()}));
        }
    }

    /** The exposition's port (0: not served). */
    public int metricsPort() {
        return metricsPort;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The BBHnet stage and its clustering into alerts; returns the stage's warm-up in seconds. */
    private int openBbhnet(ModelRepository repo) throws Exception {
        DaemonConfig.Bbhnet b = config.bbhnet();
        ModelCard card = repo.resolve(b.model());
        Engines.Choice c = Engines.standard(b.threads(), 2, b.fp16()).open(card, b.settings().inferenceRateHz(), b.engines());
        engines.add(c.engine());
        java.nio.file.Path bgFile = b.background() != null ? b.background() : card.directory().resolve("background.json");
        Background bg = Background.read(bgFile);
        // the backgrounds of each IFO searched alone, beside the network's: background-H1.json, background-L1.json
        Background[] alone = new Background[2];
        BbhnetStage.Settings settings = b.settings();
        if (settings.singleIfo()) {
            String[] names = {"H1", "L1"};
            for (int i = 0; i < 2; i++) {
                java.nio.file.Path f = Background.aloneFile(bgFile, names[i]);
                if (java.nio.file.Files.isRegularFile(f)) {
                    alone[i] = Background.read(f);
                }
            }
            if (alone[0] == null && alone[1] == null) {
                settings = settings.singleIfo(false);
                LOG.log(System.Logger.Level.WARNING, "bbhnet: no single-IFO background beside " + bgFile.getFileName() + " ("
                        + Background.aloneFile(bgFile, "H1").getFileName() + ", ...-L1.json): an IFO is not searched alone");
            }
        }
        long lastEvent = alerts.lastEventNs();
        String[] channelOf = new String[4];
        channelOf[BbhnetStage.H1] = "H1:GDS-CALIB_STRAIN" + config.publish().channelSuffix();
        channelOf[BbhnetStage.L1] = "L1:GDS-CALIB_STRAIN" + config.publish().channelSuffix();
        channelOf[BbhnetStage.BOTH] = channelOf[BbhnetStage.H1] + "," + channelOf[BbhnetStage.L1];
        String[] ifosOf = {null, "H1", "L1", "H1,L1"};
        Metrics.Latency fileToAlert = metrics.latency("alert_published", "", "frame file written (mtime) -> alert in the alerts queue");
        Metrics.Latency ringToSearched = metrics.latency("bbhnet_stage", "",
                "the newer IFO's second on the ingest ring -> that second searched by BBHnet");
        Metrics.Latency searchProcessing = metrics.latency("bbhnet_processing", "",
                "the newest frame file a searched second waited for (DeepClean's look-ahead) written -> the second searched");
        Metrics.Latency searchOverhead = metrics.latency("bbhnet_overhead", "",
                "bbhnet_processing less the engine runs on the second's path (the DeepClean run of the IFO that came in last, BBHnet's)");
        Metrics.Latency[] searchSteps = {
                metrics.latency("bbhnet_handoff", "", "the cleaned second a searched second waited for last put in the strain ring -> taken off it by BBHnet"),
                metrics.latency("bbhnet_prepare", "", "taken off the strain ring -> BBHnet's engine run starts (the join, resampling, the PSD, whitening, the windows)"),
                metrics.latency("bbhnet_finish", "", "BBHnet's engine run done -> the second searched (integration, clustering, alerts)")};
        long[] searching = {0};
        Clusterer clusterer = new Clusterer(bg, alone[0], alone[1], b.farThresholdHz(), b.refractoryS(), lastEvent,
                (ns, stat, far, ifos, pub, mtime) -> {
            long nowNs = WallClock.nowUnixNs();
            AlertQueue.Alert a = new AlertQueue.Alert(ns, stat, far, ifosOf[ifos], channelOf[ifos],
                    config.publish().dataClock() ? dataClockNs(searching[0]) : nowNs, mtime);
            alerts.append(a);
            alertsPublished.incrementAndGet();
            if (mtime > 0) {
                fileToAlert.record(nowNs - mtime);   // wall time, whatever the records' clock
            }
            LOG.log(System.Logger.Level.WARNING, "alert: GPS " + ns / 1e9 + " (" + ifosOf[ifos] + "), statistic " + stat + ", FAR " + far + " Hz, "
                    + "latency " + a.totalLatencyNs() / 1e9 + " s");
        });
        BbhnetStage.Sink timed = new BbhnetStage.Sink() {
            @Override
            public void beginSecond(long gps, int ifos) {
                searching[0] = gps;
                clusterer.beginSecond(gps, ifos);
                if (observer != null) {
                    observer.beginSecond(gps, ifos);
                }
            }

            @Override
            public void accept(long gpsNs, double logit, double integrated, boolean ready) {
                clusterer.accept(gpsNs, logit, integrated, ready);
                if (observer != null) {
                    observer.accept(gpsNs, logit, integrated, ready);
                }
            }

            @Override
            public void endOfSecond(long gps, long inputPublishedNs, long fileMtimeUnixNs) {
                clusterer.endOfSecond(gps, inputPublishedNs, fileMtimeUnixNs);
                ringToSearched.record(System.nanoTime() - inputPublishedNs);
                if (observer != null) {
                    observer.endOfSecond(gps, inputPublishedNs, fileMtimeUnixNs);
                }
            }

            @Override
            public void steps(long handoffNs, long prepareNs, long finishNs) {
                searchSteps[0].record(handoffNs);
                searchSteps[1].record(prepareNs);
                searchSteps[2].record(finishNs);
            }

            @Override
            public void searched(long gps, long newestFileUnixNs, long engineNs) {
                if (newestFileUnixNs > 0) {
                    long ns = WallClock.nowUnixNs() - newestFileUnixNs;
                    searchProcessing.record(ns);
                    searchOverhead.record(Math.max(0, ns - engineNs));
                }
            }
        };
        this.alertThreshold = clusterer.threshold();
        this.bbhnet = new BbhnetStage(card, new TimedEngine(c.engine(), metrics), 4096, settings, timed);
        strainRing.handleEventsWith(bbhnet);
        BbhnetStage.Settings rehearsed = settings;
        rehearse("bbhnet", () -> org.strainline.daemon.pipeline.Rehearsal.bbhnet(card, c.engine(), 4096, rehearsed,
                bbhnet.warmSeconds() + REHEARSAL_SECONDS), "searched");
        LOG.log(System.Logger.Level.INFO, "bbhnet: " + card.name() + "/" + card.version() + " on " + c.engine().name()
                + ", threshold " + clusterer.threshold() + " (FAR " + b.farThresholdHz() + " Hz against " + bg.liveTimeS()
                + " s of background" + (alone[0] == null && alone[1] == null ? "" : "; alone: H1 " + thresholdText(clusterer, BbhnetStage.H1)
                + ", L1 " + thresholdText(clusterer, BbhnetStage.L1)) + ")" + (lastEvent == Long.MIN_VALUE ? "" : ", last alert at GPS " + lastEvent / 1e9));
        return bbhnet.warmSeconds();
    }

    private static String thresholdText(Clusterer c, int ifos) {
        double t = c.threshold(ifos);
        return Double.isInfinite(t) ? "not searched" : String.valueOf(t);
    }

    /**
     * The newest second of {@code ifo} that its pipeline will hand BBHnet without more input: the
     * last second its ingest handed on, less DeepClean's lag (the BBHnet join waits for such a
     * second however long it takes, and runs without one that is not yet taken in once its budget is spent).
     */
    private java.util.function.LongSupplier reach(String ifo) {
        DeepCleanSwitch stage = stages.get(ifo);
        return () -> {
            long next = ingest.nextGps(ifo);
            // files waiting on disk for room in the ring are on their way too
            return next < 0 ? Long.MIN_VALUE : Math.max(next - 1, ingest.newestWaitingGps(ifo)) - stage.lagSeconds();
        };
    }

    private static IngestConfig rebuild(IngestConfig c, long startGps) {
        return new IngestConfig(c.ifos(), org.strainline.shm.StartPolicy.GPS, startGps, c.gapPolicy(), c.latenessNs(),
                c.retryIntervalNs(), c.maxPadSeconds(), c.watchMode(), c.pollIntervalMs(), c.readMode(), c.ringSize(),
                c.windowSeconds(), c.maxFileBytes(), c.threadPerIfo());
    }

    /**
     * On a stage's thread: one output second to BBHnet, and into the queue unless an earlier run
     * published it (a restart re-reads earlier seconds to warm the stages up).
     */
    private void publish(CleanedSecond s, String strainChannel, long[] newest, int ringIndex, Metrics.Latency fileToStrain,
                         Metrics.Latency ringToStrain, Metrics.Latency[] stageSteps, CleanedFrames files, int order) {
        boolean fresh = s.gpsS() > newest[0];
        // BBHnet first: the alert path waits neither for the strain queue's append nor for the cleaned frame file
        if (strainRing != null && ringIndex >= 0 && !strainRing.offer(s, ringIndex, RING_WAIT_NS)) {
            long now = System.nanoTime();
            if (ringDropLoggedNs == 0 || now - ringDropLoggedNs > 60_000_000_000L) {   // at most a line a minute
                ringDropLoggedNs = now;
                LOG.log(System.Logger.Level.WARNING, "bbhnet: no room in the strain ring for " + s.ifo() + " GPS " + s.gpsS()
                        + " within " + RING_WAIT_NS / 1_000_000_000L + " s; dropped (" + strainRing.dropped()
                        + " so far, counted in strain_ring_dropped_total; at most one line a minute)");
            }
        }
        if (fresh) {
            if (config.publish().dataClock()) {
                awaitTurn(order, s.gpsS());
            }
            long nowNs = WallClock.nowUnixNs();
            long appendNs = System.nanoTime();
            queue.append(s, strainChannel, config.publish().dataClock() ? dataClockNs(s.gpsS()) : nowNs);
            stageSteps[4].record(System.nanoTime() - appendNs);
            newest[0] = s.gpsS();
            if (config.publish().dataClock() && appended.get(order) != Long.MAX_VALUE) {
                appended.set(order, s.gpsS());
            }
            long doneNs = System.nanoTime();
            ringToStrain.record(doneNs - s.inputPublishedNs());
            if (s.engineStartNs() != 0) {
                stageSteps[0].record(s.engineStartNs() - s.takenNs());
                stageSteps[1].record(doneNs - s.engineEndNs());
            }
            if (s.fileMtimeUnixNs() > 0) {
                fileToStrain.record(nowNs - s.fileMtimeUnixNs());
            }
            if (s.takenFileMtimeUnixNs() > 0) {
                stageSteps[2].record(nowNs - s.takenFileMtimeUnixNs());
                if (s.engineNs() > 0) {
                    stageSteps[3].record(Math.max(0, nowNs - s.takenFileMtimeUnixNs() - s.engineNs()));
                }
            }
        }
        if (fresh && files != null) {
            frameWriter.write(files, s);
        }
    }

    /**
     * With {@code publish.clock: data} the strain queue's records go in (GPS second, IFO) order
     * whatever the stages' relative speed, so that the same input gives the same queue bytes: IFO
     * {@code order} appends second {@code gps} once every IFO before it has appended that second and
     * every IFO after it the one before (its first record waits for none after it). An IFO that stays behind for 10 s (a stream ended, a
     * second it dropped) is not waited for again.
     */
    private void awaitTurn(int order, long gps) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (int j = 0; j < appended.length(); j++) {
            if (j == order) {
                continue;
            }
            if (j > order && appended.get(order) == Long.MIN_VALUE) {
                continue;   // this IFO's first record: nothing of a later IFO comes before it
            }
            long need = j < order ? gps : gps - 1;
            while (appended.get(j) < need && appended.get(j) != Long.MAX_VALUE) {
                if (System.nanoTime() > deadline) {
                    LOG.log(System.Logger.Level.WARNING, "publish.clock data: IFO " + j + " is not at GPS " + need + " after 10 s;"
                            + " no longer ordering the strain queue after it");
                    appended.set(j, Long.MAX_VALUE);
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
            }
        }
    }

    /**
     * A record's publish time with {@code publish.clock: data}: the end of the GPS second it was
     * made from, as Unix ns (so that the same input gives the same queue bytes).
     */
    private static long dataClockNs(long gpsS) {
        return org.strainline.shm.GpsTime.toUnixS(gpsS + 1) * 1_000_000_000L;
    }

    /** The newest GPS second published to the strain queue for an IFO (Long.MIN_VALUE: none). */
    public long newestPublished(String ifo) {
        long[] n = published.get(ifo);
        return n == null ? Long.MIN_VALUE : n[0];
    }

    /** The newest GPS second every IFO has published to the strain queue (Long.MIN_VALUE: one has published none). */
    public long publishedByAll() {
        long low = Long.MAX_VALUE;
        for (IfoSpec ifo : config.ingest().ifos()) {
            low = Math.min(low, newestPublished(ifo.ifo()));
        }
        return low;
    }

    /** How long a ring may hold seconds without its consumer finishing one before the daemon counts as stalled. */
    private static final long STALL_NS = 60_000_000_000L;
    private final Map<String, long[]> progress = new HashMap<>();   // ring -> {consumer sequence, nanoTime it last moved}

    /**
     * For the systemd watchdog (one caller): null while the ingest thread goes round its loop and
     * no ring has held seconds for a minute without its consumer finishing one, else what is wrong.
     */
    public String stalled(long nowNs) {
        String why = ingest.stalled(nowNs, 10_000_000_000L);
        if (why != null) {
            return why;
        }
        for (String ifo : stages.keySet()) {
            why = ringStalled(ifo + " DeepClean", ingest.ring(ifo).ringBuffer(), nowNs);
            if (why != null) {
                return why;
            }
        }
        return strainRing == null ? null : ringStalled("BBHnet", strainRing.ringBuffer(), nowNs);
    }

    private String ringStalled(String name, com.lmax.disruptor.RingBuffer<?> ring, long nowNs) {
        long consumer = ring.getMinimumGatingSequence();
        long waiting = ring.getCursor() - consumer;
        long[] p = progress.computeIfAbsent(name, k -> new long[] {consumer, nowNs});
        if (consumer != p[0] || waiting == 0) {
            p[0] = consumer;
            p[1] = nowNs;
            return null;
        }
        long still = nowNs - p[1];
        return still > STALL_NS ? "the " + name + " stage has not finished a second in " + still / 1_000_000_000L + " s, "
                + waiting + " waiting" : null;
    }

    /** One line for {@code systemctl status}: the newest second published per IFO. */
    public String status() {
        StringBuilder b = new StringBuilder();
        for (IfoSpec ifo : config.ingest().ifos()) {
            long n = newestPublished(ifo.ifo());
            b.append(b.length() == 0 ? "" : ", ").append(ifo.ifo()).append(' ')
                    .append(n == Long.MIN_VALUE ? "waiting for data" : "published to GPS " + n);
        }
        return b.toString();
    }

    /** Builds and starts the daemon. */
    public static Daemon start(DaemonConfig config) throws Exception {
        return start(config, null);
    }

    /**
     * Builds and starts the daemon; {@code observer} (may be null) sees BBHnet's detection
     * statistic as the clustering does, on the BBHnet thread (it must not block).
     */
    public static Daemon start(DaemonConfig config, BbhnetStage.Sink observer) throws Exception {
        // made while this thread may still use every CPU of the process: what a setting may ask for
        org.strainline.shm.ThreadPlacement placement = config.cpus().placement();
        Daemon d = new Daemon(config, observer);
        d.ingest.place(placement);
        if (d.strainRing != null) {
            d.strainRing.place(placement);
        }
        // before the stages' threads start: they pin themselves by name, the rest inherit this
        placement.placeProcess();
        if (d.strainRing != null) {
            d.strainRing.start();
        }
        if (d.frameWriter != null) {
            d.frameWriter.start();
        }
        DaemonConfig.MetricsConfig m = config.metrics();
        try {
            d.metricsPort = d.metrics.start(m.address(), m.port(), m.logIntervalS());
        } catch (IOException e) {
            d.close();
            throw new IOException(config.file() + ": metrics: cannot serve on " + m.address() + ":" + m.port() + ": " + e, e);
        }
        // start-up's garbage (model loading, filter design, class loading: ~100 MB) collected before
        // the first second, so that the steady state, which allocates nothing per second, starts
        // with an empty young generation instead of one that a trickle (a scrape, a log line) tips over
        System.gc();
        WallClock.recalibrate();
        d.clock.scheduleAtFixedRate(WallClock::recalibrate, 10, 10, java.util.concurrent.TimeUnit.SECONDS);
        d.ingest.start();
        if (config.cpus().backgroundNice() > 0) {
            // every thread off the data path a few nice levels down, those started later too (the JVM starts compiler threads on demand)
            // (from 2 s on: the data path's threads, just started, have said who they are by then)
            org.strainline.shm.BackgroundThreads bg = new org.strainline.shm.BackgroundThreads(config.cpus().backgroundNice());
            d.clock.schedule(() -> LOG.log(System.Logger.Level.INFO, "cpus: " + bg.apply() + " thread(s) off the data path (the JVM's"
                    + " compilers and periodic tasks, metrics, library threads) " + bg.delta() + " nice levels below the process"
                    + " (cpus.backgroundNice)"), 2, java.util.concurrent.TimeUnit.SECONDS);
            d.clock.scheduleAtFixedRate(bg::apply, 12, 10, java.util.concurrent.TimeUnit.SECONDS);
        }
        if (config.modelWatch().enabled()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            for (String spec : config.deepclean().models().values()) {
                names.add(ModelRepository.Spec.parse(spec).name());
            }
            try {
                d.watcher = new ModelWatcher(d.repo.root(), names, config.modelWatch().settleS(), d::reloadModels);
            } catch (IOException e) {
                d.close();
                throw new IOException(config.file() + ": models.watch: cannot watch " + d.repo.root() + ": " + e, e);
            }
        }
        LOG.log(System.Logger.Level.INFO, "strainline running: " + config.ingest().ifos().size() + " IFO(s), strain queue "
                + config.publish().strainQueue());
        return d;
    }

    /** The integrated statistic an alert needs (from the FAR threshold and the background); NaN without BBHnet. */
    public double alertThreshold() {
        return alertThreshold;
    }

    public Ingest ingest() {
        return ingest;
    }

    public BbhnetStage bbhnet() {
        return bbhnet;
    }

    /** The IFO's production DeepClean stage now. */
    public DeepCleanStage stage(String ifo) {
        return stages.get(ifo).production();
    }

    /** A rescan of the model repository now (SIGHUP), on the watcher's thread or, with models.watch off, a thread of its own. */
    public void triggerReload() {
        ModelWatcher w = watcher;
        if (w != null) {
            w.trigger();
        } else {
            Thread t = new Thread(this::reloadModels, "strainline-reload");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Stops in data-flow order; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ModelWatcher w = watcher;
        if (w != null) {
            w.close();
        }
        synchronized (reloadLock) {
            // a load in progress has finished; no new one starts
        }
        metrics.close();
        clock.shutdownNow();
        ingest.close(DRAIN_MS);
        boolean exited = ingest.consumersExited();
        if (strainRing != null) {
            if (!strainRing.stop(DRAIN_MS)) {
                LOG.log(System.Logger.Level.WARNING, "bbhnet: did not finish the strain ring within " + DRAIN_MS
                        + " ms; halted with seconds left in it");
            }
            exited &= strainRing.consumerExited();
        }
        if (frameWriter != null && !frameWriter.stop(DRAIN_MS)) {
            LOG.log(System.Logger.Level.WARNING, "cleaned frames: " + frameWriter.pending() + " file(s) not written within "
                    + DRAIN_MS + " ms of the stop");
        }
        if (!exited) {
            // a handler still inside an inference: closing its engine or queue under it would crash
            // the process in native code; the process is exiting, so leave them to it
            LOG.log(System.Logger.Level.ERROR, "a stage thread did not leave its handler; engines and queues left open");
            return;
        }
        retirer.shutdown();
        try {
            if (!retirer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "an engine being retired did not close within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Engine> open;
        synchronized (engines) {
            open = new ArrayList<>(engines);
            engines.clear();
        }
        for (Engine e : open) {
            e.close();
        }
        queue.close();
        if (canaryQueue != null) {
            canaryQueue.close();
        }
        if (alerts != null) {
            alerts.close();
        }
        if (bbhnet != null) {
            LOG.log(System.Logger.Level.INFO, "bbhnet stopped: " + bbhnet.summary());
        }
        LOG.log(System.Logger.Level.INFO, "strainline stopped: " + ingest.summary());
    }
}
