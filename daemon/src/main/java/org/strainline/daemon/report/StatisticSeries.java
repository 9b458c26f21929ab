package org.strainline.daemon.report;

import org.strainline.daemon.pipeline.BbhnetStage;

/**
 * BBHnet's integrated detection statistic as the daemon computes it, once the integration is
 * full: written on the BBHnet thread into preallocated arrays (values past the capacity are not
 * kept), read after the daemon has stopped.
 */
public final class StatisticSeries implements BbhnetStage.Sink {
    private final double[] gpsS;
    private final double[] stat;
    private volatile int n;

    public StatisticSeries(int capacity) {
        gpsS = new double[capacity];
        stat = new double[capacity];
    }

    @Override
    public void accept(long gpsNs, double logit, double integrated, boolean ready) {
        int i = n;
        if (ready && i < gpsS.length) {
            gpsS[i] = gpsNs / 1e9;
            stat[i] = integrated;
            n = i + 1;
        }
    }

    public int size() {
        return n;
    }

    /** The GPS times (the H1 merger time each value points to). */
    public double[] gpsS() {
        return gpsS;
    }

    public double[] values() {
        return stat;
    }
}
