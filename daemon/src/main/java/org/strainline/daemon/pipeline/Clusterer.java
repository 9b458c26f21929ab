package org.strainline.daemon.pipeline;

/**
 * Turns the integrated statistic into events: within each second's values, the loudest value
 * above the threshold is an event, unless it is the second's last value (it may still be rising:
 * the decision waits one second) or it falls within the refractory period after the previous event
 * (8 s by default: one signal, one alert). The previous event's time is given at start-up, so a
 * restarted daemon never reports an event it already published. Each event goes to the
 * {@link Sink} with its false-alarm rate from the {@link Background}.
 *
 * <p>Owned by the BBHnet stage's thread.
 */
public final class Clusterer implements BbhnetStage.Sink {
    /** Receives each event. */
    @FunctionalInterface
    public interface Sink {
        void event(long gpsNs, double statistic, double farHz, long inputPublishedNs, long fileMtimeUnixNs);
    }

    private final Background background;
    private final double threshold;
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
        this.background = background;
        this.threshold = background.threshold(farThresholdHz);
        this.refractoryNs = Math.round(refractoryS * 1e9);
        this.lastEventNs = lastEventNs;
        this.sink = sink;
    }

    public double threshold() {
        return threshold;
    }

    @Override
    public void accept(long gpsNs, double logit, double integrated, boolean ready) {
        if (!ready || integrated < threshold) {
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
        sink.event(ns, stat, background.far(stat), publishedNs, mtime);
    }

    /** Restarts with nothing pending (the search restarted); the refractory memory stays. */
    public void clearPending() {
        bestNs = Long.MIN_VALUE;
        carriedNs = Long.MIN_VALUE;
        bestIsLast = false;
    }
}
