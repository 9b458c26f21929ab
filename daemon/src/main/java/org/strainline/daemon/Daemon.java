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
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.daemon.pipeline.DeepCleanStage;
import org.strainline.daemon.queue.StrainQueue;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.Ingest;
import org.strainline.shm.IngestConfig;

/**
 * The online daemon: ingest → per IFO, the DeepClean stage → the strain queue.
 *
 * <p>Lifecycle: {@link #start} validates and builds everything (models resolved, engines chosen by
 * preference with the reasons logged, the queue opened), reads the newest second already
 * published per IFO and resumes after it (ingest starts early enough to warm the stage up; seconds
 * already published are not published again), then starts the ingest thread and the stage
 * consumers. {@link #close} stops ingest (which hands on every second it holds), lets the stages
 * finish (they hand on the seconds in flight), and closes engines and queue, in that order.
 */
public final class Daemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Daemon.class.getName());

    private final DaemonConfig config;
    private final StrainQueue queue;
    private final Ingest ingest;
    private final List<Engine> engines = new ArrayList<>();
    private final Map<String, DeepCleanStage> stages = new HashMap<>();
    private boolean closed;

    private Daemon(DaemonConfig config) throws Exception {
        this.config = config;
        this.queue = new StrainQueue(config.publish().strainQueue(), config.publish().channelSuffix());
        try {
            Map<String, Long> last = queue.lastGps();
            ModelRepository repo = new ModelRepository(config.repository());
            Engines choices = Engines.standard(config.deepclean().threads(), 2);
            Map<String, long[]> published = new HashMap<>();
            long resume = Long.MAX_VALUE;
            for (IfoSpec ifo : config.ingest().ifos()) {
                String modelName = config.deepclean().models().get(ifo.ifo());
                if (modelName == null) {
                    throw new IOException(config.file() + ": deepclean.models: no model for " + ifo.ifo());
                }
                int colon = modelName.indexOf(':');
                ModelCard card = repo.resolve(colon < 0 ? modelName : modelName.substring(0, colon),
                        colon < 0 ? null : Integer.valueOf(modelName.substring(colon + 1)));
                Engines.Choice c = choices.open(card, config.deepclean().settings().inferenceRateHz(), config.deepclean().engines());
                engines.add(c.engine());
                long[] newest = {last.getOrDefault(ifo.ifo(), Long.MIN_VALUE)};
                published.put(ifo.ifo(), newest);
                String strain = card.text("strain_channel");
                DeepCleanStage stage = new DeepCleanStage(ifo, card, c.engine(), config.deepclean().settings(),
                        s -> publish(s, strain, newest));
                stages.put(ifo.ifo(), stage);
                if (newest[0] != Long.MIN_VALUE) {
                    resume = Math.min(resume, newest[0] + 1 - stage.warmSeconds() - stage.lagSeconds());
                    LOG.log(System.Logger.Level.INFO, ifo.ifo() + ": the strain queue ends at GPS " + newest[0]
                            + "; resuming after it");
                }
            }
            IngestConfig ic = config.ingest();
            if (resume != Long.MAX_VALUE) {
                ic = rebuild(ic, resume);
            }
            this.ingest = new Ingest(ic);
            for (Map.Entry<String, DeepCleanStage> e : stages.entrySet()) {
                ingest.ring(e.getKey()).handleEventsWith(e.getValue());
            }
        } catch (Exception e) {
            for (Engine en : engines) {
                en.close();
            }
            queue.close();
            throw e;
        }
    }

    private static IngestConfig rebuild(IngestConfig c, long startGps) {
        return new IngestConfig(c.ifos(), org.strainline.shm.StartPolicy.GPS, startGps, c.gapPolicy(), c.latenessNs(),
                c.retryIntervalNs(), c.maxPadSeconds(), c.watchMode(), c.pollIntervalMs(), c.readMode(), c.ringSize(),
                c.windowSeconds(), c.maxFileBytes());
    }

    /** On a stage's thread: one output second into the queue, unless an earlier run published it. */
    private void publish(CleanedSecond s, String strainChannel, long[] newest) {
        if (s.gpsS() <= newest[0]) {
            return;
        }
        queue.append(s, strainChannel, System.currentTimeMillis() * 1_000_000L);
        newest[0] = s.gpsS();
    }

    /** Builds and starts the daemon. */
    public static Daemon start(DaemonConfig config) throws Exception {
        Daemon d = new Daemon(config);
        d.ingest.start();
        LOG.log(System.Logger.Level.INFO, "strainline running: " + config.ingest().ifos().size() + " IFO(s), strain queue "
                + config.publish().strainQueue());
        return d;
    }

    public Ingest ingest() {
        return ingest;
    }

    public DeepCleanStage stage(String ifo) {
        return stages.get(ifo);
    }

    /** Stops in data-flow order; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ingest.close();
        for (Engine e : engines) {
            e.close();
        }
        queue.close();
        LOG.log(System.Logger.Level.INFO, "strainline stopped: " + ingest.summary());
    }
}
