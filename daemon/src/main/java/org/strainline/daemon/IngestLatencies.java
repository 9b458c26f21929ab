package org.strainline.daemon;

import org.strainline.shm.FrameEvent;

/**
 * The latencies of one IFO's seconds up to the moment DeepClean takes them off the ingest ring,
 * stage by stage, recorded on the stage's thread without allocation: {@code second_taken} (frame
 * file written → taken, the sum), {@code ingest_detect} (a file written → the ingest sees it: the
 * inotify wake-up, or the polling interval; the larger over the second's files),
 * {@code ingest_decode} (the second's last file seen → decoded), {@code ingest_assemble} (its
 * last file decoded → on the ring: waiting for a partner file, a retry) and {@code ring_handoff}
 * (on the ring → taken: the consumer's wake-up, or the seconds before it in the ring). Padded
 * seconds (no file) are not recorded.
 */
final class IngestLatencies {
    private final Metrics.Latency taken;
    private final Metrics.Latency detect;
    private final Metrics.Latency decode;
    private final Metrics.Latency assemble;
    private final Metrics.Latency handoff;

    IngestLatencies(Metrics metrics, String label) {
        taken = metrics.latency("second_taken", label,
                "frame file written (mtime) -> DeepClean takes the second off the ingest ring (detection, decoding, assembly)");
        detect = metrics.latency("ingest_detect", label, "frame file written (mtime) -> seen by the ingest (the larger of the second's files)");
        decode = metrics.latency("ingest_decode", label, "the second's last file seen -> decoded");
        assemble = metrics.latency("ingest_assemble", label, "the second's last file decoded -> on the ingest ring");
        handoff = metrics.latency("ring_handoff", label, "second on the ingest ring -> taken by DeepClean");
    }

    /** One second, taken at {@code nowNs} ({@link System#nanoTime()}). */
    void record(FrameEvent e, long nowNs) {
        if (e.fileMtimeUnixNs() <= 0) {
            return;
        }
        taken.record(WallClock.unixNs(nowNs) - e.fileMtimeUnixNs());
        long seen = Long.MIN_VALUE;
        for (int s = 0; s < e.streamCount(); s++) {
            if (e.streamMtimeUnixNs(s) > 0 && e.streamDetectedNs(s) != 0) {
                seen = Math.max(seen, WallClock.unixNs(e.streamDetectedNs(s)) - e.streamMtimeUnixNs(s));
            }
        }
        if (seen != Long.MIN_VALUE) {
            detect.record(seen);
        }
        decode.record(e.decodedNs() - e.detectedNs());
        assemble.record(e.publishedNs() - e.decodedNs());
        handoff.record(nowNs - e.publishedNs());
    }
}
