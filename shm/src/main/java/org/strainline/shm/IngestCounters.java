package org.strainline.shm;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The {@link IngestCounter}s of one IFO. Written by the ingest thread (and, for
 * {@link IngestCounter#CONSUMER_EXCEPTIONS}, by consumer threads), read from any thread.
 * Incrementing allocates nothing.
 */
public final class IngestCounters {
    private final String ifo;
    private final AtomicLongArray values = new AtomicLongArray(IngestCounter.values().length);

    public IngestCounters(String ifo) {
        this.ifo = ifo;
    }

    public String ifo() {
        return ifo;
    }

    public void increment(IngestCounter c) {
        values.incrementAndGet(c.id());
    }

    public void add(IngestCounter c, long n) {
        values.addAndGet(c.id(), n);
    }

    public long get(IngestCounter c) {
        return values.get(c.id());
    }

    /** Seconds accounted for: published or dropped with a counted reason. */
    public long secondsAccounted() {
        return get(IngestCounter.SECONDS_PUBLISHED) + get(IngestCounter.SECONDS_DROPPED_GAP_POLICY)
                + get(IngestCounter.SECONDS_DROPPED_RING_FULL);
    }

    /** Files accounted for: decoded, corrupt, late, duplicate or unreadable. */
    public long filesAccounted() {
        return get(IngestCounter.FILES_DECODED) + get(IngestCounter.FILES_CORRUPT) + get(IngestCounter.FILES_LATE)
                + get(IngestCounter.FILES_DUPLICATE) + get(IngestCounter.FILES_UNREADABLE);
    }

    /** One line per non-zero counter, {@code H1 files_seen=12}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(ifo);
        for (IngestCounter c : IngestCounter.values()) {
            long v = get(c);
            if (v != 0) {
                sb.append(' ').append(c.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(v);
            }
        }
        return sb.toString();
    }
}
