package org.strainline.daemon.pipeline;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One IFO's second of (cleaned) strain in the ring between the DeepClean stages and the BBHnet
 * stage: preallocated, filled by the static translator of {@link StrainRing}, overwritten for every
 * second.
 */
public final class StrainEvent {
    int ifo;
    long gpsS;
    int flags;
    long inputPublishedNs;
    long fileMtimeUnixNs;
    long takenFileMtimeUnixNs;
    long engineNs;
    long offeredNs;
    final FloatBuffer samples;

    StrainEvent(int rateHz) {
        this.samples = ByteBuffer.allocateDirect(4 * rateHz).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Index of the IFO in the daemon's IFO list. */
    public int ifo() {
        return ifo;
    }

    public long gpsS() {
        return gpsS;
    }

    /** {@link CleanedSecond} flags. */
    public int flags() {
        return flags;
    }

    public long inputPublishedNs() {
        return inputPublishedNs;
    }

    /** The newest frame file the cleaned second waited for (its look-ahead's; Unix ns, 0: none). */
    public long takenFileMtimeUnixNs() {
        return takenFileMtimeUnixNs;
    }

    /** How long the DeepClean engine run that completed the cleaned second took (ns), 0 if none did. */
    public long engineNs() {
        return engineNs;
    }

    /** When the DeepClean stage put the second in the ring (nanoTime). */
    public long offeredNs() {
        return offeredNs;
    }

    /** The latest modification time of the second's frame files, ns since the Unix epoch. */
    public long fileMtimeUnixNs() {
        return fileMtimeUnixNs;
    }

    public FloatBuffer samples() {
        return samples;
    }
}
