package org.strainline.daemon.pipeline;

/**
 * Turns the integrated statistic into events: within each second's values, the loudest value
 * above the threshold is an event, unless it is the second's last value (it may still be rising:
 * the decision waits one second) or it falls within the refractory period after the previous event
 * (8 s by default: one signal, one alert). The previous event's time is given at start-up, so a
 * restarted daemon never reports an event it already published. Each event goes to the
 * {@link Sink} with its false-alarm rate from the {@link Background} of the IFOs searched: the
 * network's, or, for seconds searched with one IFO ({@link BbhnetStage}), that IFO's own
 * background; without one, a single-IFO second's values raise no event. A change of the IFOs
 * searched, or the search stopping, decides a candidate still waiting for its next second (what
 * follows is another statistic, or none); the refractory period spans the change (one signal, one alert).
 *
 * <p>Owned by the BBHnet stage's thread.
 */
public final class Clusterer implements BbhnetStage.Sink {
    /** Receives each event. */
    @FunctionalInterface
    public interface Sink {
        void event(long gpsNs, double statistic, double farHz, int ifos, long inputPublishedNs, long fileMtimeUnixNs);
    }

    private final Background[] backgrounds = new Background[4];   // by IFO bits
    private final double[] thresholds = new double[4];
    private int ifos = BbhnetStage.BOTH;
    private long carriedPub;
    private long carriedMtime;
    private final long refractoryNs;
    private final Sink sink;
    private long lastEventNs;
    // the current second's best candidate, and one carried over from the second before
    private long bestNs = Long.MIN_VALUE;
    private double best;
    private boolean bestIsLast;
    private long carriedNs = Long.MIN_VALUE;
    private double carried;

    /**
     * @param lastEventNs the GPS time (ns) of the last event already published, or Long.MIN_VALUE
     */
    public Clusterer(Background background, double farThresholdHz, double refractoryS, long lastEventNs, Sink sink) {
        this(background, null, null, farThresholdHz, refractoryS, lastEventNs, sink);
    }

    /**
     * @param network the background of the two-IFO search
     * @param h1Alone the background of H1 searched alone (null: no events from those seconds)
     * @param l1Alone the same for L1
     */
    public Clusterer(Background network, Background h1Alone, Background l1Alone, double farThresholdHz, double refractoryS,
                     long lastEventNs, Sink sink) {
        backgrounds[BbhnetStage.BOTH] = network;
        backgrounds[BbhnetStage.H1] = h1Alone;
        backgrounds[BbhnetStage.L1] = l1Alone;
        thresholds[0] = Double.POSITIVE_INFINITY;   // not searching
        for (int i = 1; i < 4; i++) {
            thresholds[i] = backgrounds[i] == null ? Double.POSITIVE_INFINITY : backgrounds[i].threshold(farThresholdHz);
        }
        this.refractoryNs = Math.round(refractoryS * 1e9);
        this.lastEventNs = lastEventNs;
        this.sink = sink;
    }

    /** The network search's threshold on the integrated statistic. */
    public double threshold() {
        return thresholds[BbhnetStage.BOTH];
    }

    /** The threshold for seconds searched over {@code ifos} (infinite where there is no background). */
    public double threshold(int ifos) {
        return thresholds[ifos];
    }

    @Override
    public void beginSecond(long gps, int searched) {
        if (searched != ifos) {
            if (carriedNs != Long.MIN_VALUE) {
                fire(carriedNs, carried, carriedPub, carriedMtime);   // its next second is another statistic's
                carriedNs = Long.MIN_VALUE;
            }
            bestNs = Long.MIN_VALUE;
            bestIsLast = false;
            ifos = searched;
        }
    }

    @Override
    public void accept(long gpsNs, double logit, double integrated, boolean ready) {
        if (!ready || integrated < thresholds[ifos]) {
            bestIsLast = false;
            return;
        }
        if (lastEventNs != Long.MIN_VALUE && gpsNs <= lastEventNs + refractoryNs) {
            bestIsLast = false;
            return;
        }
        if (bestNs == Long.MIN_VALUE || integrated > best) {
            bestNs = gpsNs;
            best = integrated;
            bestIsLast = true;
        } else {
            bestIsLast = false;
        }
    }

    @Override
    public void endOfSecond(long gps, long inputPublishedNs, long fileMtimeUnixNs) {
        // a candidate carried from the second before competes with this second's best
        if (carriedNs != Long.MIN_VALUE) {
            if (bestNs != Long.MIN_VALUE && best > carried && bestIsLast) {
                // still rising at this second's end: carry on waiting
                carriedNs = bestNs;
                carried = best;
                carriedPub = inputPublishedNs;
                carriedMtime = fileMtimeUnixNs;
                bestNs = Long.MIN_VALUE;
                return;
            }
            if (bestNs == Long.MIN_VALUE || carried >= best) {
                fire(carriedNs, carried, inputPublishedNs, fileMtimeUnixNs);
            } else {
                fire(bestNs, best, inputPublishedNs, fileMtimeUnixNs);
            }
            carriedNs = Long.MIN_VALUE;
            bestNs = Long.MIN_VALUE;
            return;
        }
        if (bestNs == Long.MIN_VALUE) {
            return;
        }
        if (bestIsLast) {
            carriedNs = bestNs;    // the peak is on the second's last value: wait one second
            carried = best;
            carriedPub = inputPublishedNs;
            carriedMtime = fileMtimeUnixNs;
        } else {
            fire(bestNs, best, inputPublishedNs, fileMtimeUnixNs);
        }
        bestNs = Long.MIN_VALUE;
    }

    private void fire(long ns, double stat, long publishedNs, long mtime) {
        if (lastEventNs != Long.MIN_VALUE && ns <= lastEventNs + refractoryNs) {
            return;
        }
        lastEventNs = ns;
        sink.event(ns, stat, backgrounds[ifos].far(stat), ifos, publishedNs, mtime);
    }
}
