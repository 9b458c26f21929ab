package org.strainline.daemon.pipeline;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One second of strain out of the DeepClean stage, at the stage's rate (4096 Hz): cleaned, or the
 * raw strain where cleaning was not possible or made the band worse, with flags saying which.
 * Reused for every second by its stage; consumers copy what they keep.
 */
public final class CleanedSecond {
    /** The strain is not cleaned (warming up after a start or reset, or the input was unusable). */
    public static final int UNCLEANED = 1;
    /** The safety gate switched to raw strain: cleaning made the band worse. */
    public static final int GATED = 2;
    /** The input second was flagged invalid (missing stream or channel, gap, corrupt). */
    public static final int INVALID = 4;
    /** The input second was not science-ready. */
    public static final int NOT_READY = 8;
    /** A reset (gap, discontinuity) happened at the start of this second. */
    public static final int RESET = 16;
    /** The input second had no data: no file of it came (a missing second, padded); also {@link #INVALID}. */
    public static final int GAP = 32;
    /** A stream's file of the input second came after the lateness budget or never: it went on without it. */
    public static final int LATE = 64;

    private static final String[] NAMES = {"uncleaned", "gated", "invalid", "not_ready", "reset", "gap", "late"};

    /** The names of the flags set in {@code flags}, e.g. {@code invalid, gap} (for logs and JSON). */
    public static String describe(int flags) {
        return names(flags).stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    }

    /** The names of the flags set in {@code flags}, in bit order. */
    public static java.util.List<Object> names(int flags) {
        java.util.List<Object> l = new java.util.ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                l.add(NAMES[i]);
            }
        }
        return l;
    }

    final String ifo;
    final FloatBuffer samples;
    final int rateHz;
    long gpsS;
    int flags;
    String model;
    long inputPublishedNs;
    long fileMtimeUnixNs;
    long doneNs;
    long takenNs;
    long takenFileMtimeUnixNs;
    long engineStartNs;
    long engineEndNs;

    /** A second of {@code rateHz} samples for {@code ifo}; stages reuse one for every second. */
    public CleanedSecond(String ifo, int rateHz) {
        this.ifo = ifo;
        this.rateHz = rateHz;
        this.samples = ByteBuffer.allocateDirect(4 * rateHz).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Sets what the second is (its producer does this before handing it on). */
    public CleanedSecond set(long gps, int flagBits, String modelName) {
        this.gpsS = gps;
        this.flags = flagBits;
        this.model = modelName;
        return this;
    }

    public String ifo() {
        return ifo;
    }

    public long gpsS() {
        return gpsS;
    }

    public int flags() {
        return flags;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public int rateHz() {
        return rateHz;
    }

    /** The samples (absolute indexing; {@link #rateHz()} of them). */
    public FloatBuffer samples() {
        return samples;
    }

    /** The model (name/version) that cleaned it, or null when uncleaned. */
    public String model() {
        return model;
    }

    /** When the newest input second that went into it was published to the ring (nanoTime). */
    public long inputPublishedNs() {
        return inputPublishedNs;
    }

    /** The latest modification time of the input second's frame files, ns since the Unix epoch (0 if none). */
    public long fileMtimeUnixNs() {
        return fileMtimeUnixNs;
    }

    /** When it was done (nanoTime). */
    public long doneNs() {
        return doneNs;
    }

    /**
     * When the stage took off the ring the input second whose processing handed this one on
     * (nanoTime; with an aggregation latency, a later second than this one).
     */
    public long takenNs() {
        return takenNs;
    }

    /**
     * The latest modification time of the frame files of that input second (the newest file this
     * second waited for: its look-ahead), ns since the Unix epoch; 0 for a second handed on
     * without one (at shutdown). From it to the publication is the daemon's own processing time.
     */
    public long takenFileMtimeUnixNs() {
        return takenFileMtimeUnixNs;
    }

    /** When that input second's engine run started (nanoTime), 0 if it had none. */
    public long engineStartNs() {
        return engineStartNs;
    }

    /** When that input second's engine run ended (nanoTime), 0 if it had none. */
    public long engineEndNs() {
        return engineEndNs;
    }

    /** How long that input second's engine run took (ns), 0 if it had none. */
    public long engineNs() {
        return engineStartNs == 0 ? 0 : engineEndNs - engineStartNs;
    }
}
