package org.strainline.shm;

import java.nio.ByteBuffer;

/**
 * Access to the frame files of an IFO's streams, one open file at a time: {@link #open} makes the
 * bytes of {@code {prefix}-{gps}-{duration}.gwf} of a stream available in {@link #buffer()} until
 * {@link #close()}. Production: {@link MappedFrameFiles} (memory map or pread, no allocation).
 * Owned by the assembler's thread.
 */
public interface FrameFiles {
    /** The file is open. */
    int OK = 0;
    /** There is no such file (any more). */
    int ABSENT = 1;
    /** The entry is a symbolic link that leaves the directory, or not a regular file. */
    int REFUSED = 2;
    /** The file is larger than the map window. */
    int TOO_LARGE = 3;
    /** Opening, mapping or reading failed. */
    int IO_ERROR = 4;

    /** Opens a stream's file; returns {@link #OK} or why not (then {@link #problem()} says more). */
    int open(int stream, long gpsS, int durationS);

    /** The open file's bytes, position 0 to limit; valid until {@link #close()}. */
    ByteBuffer buffer();

    /** Modification time of the open file, ns since the Unix epoch. */
    long mtimeUnixNs();

    /** What went wrong in the last failed {@link #open} (allocates: for log lines). */
    String problem();

    /** The file name, for log lines (allocates). */
    String fileName(int stream, long gpsS, int durationS);

    /** Releases the open file (idempotent). */
    void close();
}
