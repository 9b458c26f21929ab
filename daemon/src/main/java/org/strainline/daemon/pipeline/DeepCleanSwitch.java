package org.strainline.daemon.pipeline;

import com.lmax.disruptor.EventHandler;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.strainline.shm.FrameEvent;

/**
 * The DeepClean stages of one IFO behind its ring: the <b>production</b> stage, whose seconds are
 * published; an optional <b>canary</b> (another version of the model run beside it on the same
 * seconds and published apart); and, while a version is being swapped in, the <b>incoming</b>
 * stage.
 *
 * <p><b>Hot swap.</b> A new version is loaded, its engine warmed up and its stage built off the
 * hot path (by the model watcher), then {@link #offer offered}. Between two seconds the switch
 * adopts it as the incoming stage, which from then on sees every second the production stage
 * sees, its outputs discarded, until its snapshot, aggregation and filters are warm (its output
 * second is cleaned); at that second boundary it takes over. Both stages hand on the output of the
 * same GPS second for each input second, so the published stream has every second exactly once:
 * the old version's up to the boundary, the new one's, already cleaned, after it. The old stage is
 * retired (its engine closed off the consumer thread). An incoming stage superseded before it is
 * warm by another of its role is retired too. The same warm-up precedes a new canary; a production
 * and a canary version may warm up at the same time.
 *
 * <p>Counters: {@link #counter} reads the production stages' counters over the run, each stage
 * counted from the second it took over; {@link #swaps}.
 *
 * <p>Owned by the ring's consumer thread, but for {@link #offer}, which any thread may call.
 */
public final class DeepCleanSwitch implements EventHandler<FrameEvent> {
    private volatile TakenListener taken;
    private static final System.Logger LOG = System.getLogger(DeepCleanSwitch.class.getName());

    /** What a stage is for. */
    public enum Role { PRODUCTION, CANARY }

    /** Takes a stage out of service: closes its engine, off the consumer thread. */
    @FunctionalInterface
    public interface Retire {
        void retire(DeepCleanStage stage);
    }

    private static final Role[] ROLES = Role.values();
    private static final DeepCleanStage.Sink DISCARD = s -> { };

    private final String ifo;
    private final DeepCleanStage.Sink productionSink;
    private final DeepCleanStage.Sink canarySink;
    private final Retire retire;
    // per role: the stage offered and not yet adopted, the one warming up, and whether its last output was cleaned
    private final AtomicReferenceArray<DeepCleanStage> offered = new AtomicReferenceArray<>(ROLES.length);
    private final DeepCleanStage[] incoming = new DeepCleanStage[ROLES.length];
    private final boolean[] warm = new boolean[ROLES.length];
    private final AtomicLong swaps = new AtomicLong();
    private volatile DeepCleanStage production;
    private volatile DeepCleanStage canary;
    private long lastGps = Long.MIN_VALUE;
    // production counters over the run: retired stages' share, and the current stage's values when it took over
    private final long[] base = new long[DeepCleanStage.Counter.values().length];
    private volatile long[] offset = new long[DeepCleanStage.Counter.values().length];

    /**
     * @param production     the production stage (its sink is replaced by {@code productionSink})
     * @param canary         the canary stage, or null
     * @param canarySink     where canary seconds go (null: none are kept)
     */
    public DeepCleanSwitch(String ifo, DeepCleanStage production, DeepCleanStage.Sink productionSink, DeepCleanStage canary,
                           DeepCleanStage.Sink canarySink, Retire retire) {
        this.ifo = ifo;
        this.productionSink = productionSink;
        this.canarySink = canarySink == null ? DISCARD : canarySink;
        this.retire = retire;
        this.production = production;
        production.sink(productionSink);
        this.canary = canary;
        if (canary != null) {
            canary.sink(this.canarySink);
        }
    }

    /**
     * Hands a stage in, to warm up and take over as {@code role}; a previous offer for the same role
     * not yet adopted is retired (a production and a canary offer wait side by side).
     */
    public void offer(DeepCleanStage stage, Role role) {
        DeepCleanStage old = offered.getAndSet(role.ordinal(), stage);
        if (old != null) {
            retire.retire(old);
        }
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        TakenListener t = taken;
        if (t != null) {
            t.taken(e, System.nanoTime());
        }
        for (Role r : ROLES) {
            DeepCleanStage o = offered.getAndSet(r.ordinal(), null);
            if (o != null) {
                adopt(o, r);
            }
        }
        production.onEvent(e, sequence, endOfBatch);
        DeepCleanStage c = canary;
        if (c != null) {
            c.onEvent(e, sequence, endOfBatch);
        }
        for (Role r : ROLES) {
            DeepCleanStage in = incoming[r.ordinal()];
            if (in != null) {
                in.onEvent(e, sequence, endOfBatch);
                if (warm[r.ordinal()]) {
                    promote(r, e.gpsS());
                }
            }
        }
        lastGps = e.gpsS();
    }

    private void adopt(DeepCleanStage o, Role role) {
        int i = role.ordinal();
        if (incoming[i] != null) {
            LOG.log(System.Logger.Level.INFO, ifo + " deepclean: " + name(incoming[i]) + " superseded by " + name(o)
                    + " before it was warm");
            retire.retire(incoming[i]);
        }
        incoming[i] = o;
        warm[i] = false;
        o.sink(s -> warm[i] = (s.flags & CleanedSecond.UNCLEANED) == 0);
        LOG.log(System.Logger.Level.INFO, ifo + " deepclean: " + name(o) + " warming up beside "
                + name(role == Role.PRODUCTION ? production : canary) + " as " + role.name().toLowerCase(java.util.Locale.ROOT)
                + " (after GPS " + lastGps + ")");
    }

    private void promote(Role role, long gps) {
        DeepCleanStage next = incoming[role.ordinal()];
        incoming[role.ordinal()] = null;
        DeepCleanStage old;
        if (role == Role.PRODUCTION) {
            old = production;
            long[] off = offset;
            for (DeepCleanStage.Counter k : DeepCleanStage.Counter.values()) {
                base[k.ordinal()] += old.counter(k) - off[k.ordinal()];
            }
            long[] now = new long[base.length];
            for (DeepCleanStage.Counter k : DeepCleanStage.Counter.values()) {
                now[k.ordinal()] = next.counter(k);
            }
            next.sink(productionSink);
            offset = now;
            production = next;
        } else {
            old = canary;
            next.sink(canarySink);
            canary = next;
        }
        swaps.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, ifo + " deepclean: " + name(next) + " takes over as "
                + role.name().toLowerCase(java.util.Locale.ROOT) + (old == null ? "" : " from " + name(old))
                + " after input GPS " + gps + " (its first output second is GPS " + (gps + 1 - next.lagSeconds()) + ")");
        if (old != null) {
            old.sink(DISCARD);
            retire.retire(old);
        }
    }

    private static String name(DeepCleanStage s) {
        return s == null ? "none" : s.card().name() + "/" + s.card().version();
    }

    /** Told of each second as it is taken off the ring, on the stage's thread, before any work on it. */
    @FunctionalInterface
    public interface TakenListener {
        /** {@code e} taken at {@code nowNs} ({@link System#nanoTime()}); must not allocate. */
        void taken(FrameEvent e, long nowNs);
    }

    /** Sets the listener told of each second taken off the ring (the ingest latencies). */
    public void onTaken(TakenListener taken) {
        this.taken = taken;
    }

    /** At shutdown: the production and canary stages hand on their seconds in flight; a warming stage is retired. */
    @Override
    public void onShutdown() {
        production.onShutdown();
        DeepCleanStage c = canary;
        if (c != null) {
            c.onShutdown();
        }
        for (Role r : ROLES) {
            DeepCleanStage in = incoming[r.ordinal()];
            if (in != null) {
                in.sink(DISCARD);
                retire.retire(in);
                incoming[r.ordinal()] = null;
            }
            DeepCleanStage o = offered.getAndSet(r.ordinal(), null);
            if (o != null) {
                retire.retire(o);
            }
        }
    }

    /** The production stage's counter over the run (each stage from the second it took over). */
    public long counter(DeepCleanStage.Counter k) {
        DeepCleanStage p = production;
        long[] off = offset;
        return base[k.ordinal()] + p.counter(k) - off[k.ordinal()];
    }

    /** Versions taken over (production and canary). */
    public long swaps() {
        return swaps.get();
    }

    /** The production stage now. */
    public DeepCleanStage production() {
        return production;
    }

    /** The canary stage now, or null. */
    public DeepCleanStage canary() {
        return canary;
    }

    /** Input seconds after a start or reset before the output is cleaned. */
    public int warmSeconds() {
        return production.warmSeconds();
    }

    public int lagSeconds() {
        return production.lagSeconds();
    }
}
