package org.strainline.gwf;

import java.nio.ByteBuffer;

/**
 * A whole-stream zlib decoder that {@link Compression} can use in place of
 * {@link java.util.zip.Inflater} for direct buffers (a native library, where the host has one).
 * One instance per thread, like the codec that holds it.
 */
public interface ZlibInflate {
    /**
     * Expands the zlib stream in {@code src} (position to limit; bytes after the stream's end are
     * ignored) into exactly {@code rawBytes} bytes at {@code dst}'s position; both buffers are
     * direct and their positions are left as they were. Returns null when it expanded to exactly
     * {@code rawBytes}, else why the payload is corrupt (the caller adds the file and offset).
     */
    String inflate(ByteBuffer src, ByteBuffer dst, int rawBytes);

    /** What decodes (the library's name, for a log line). */
    String describe();
}
