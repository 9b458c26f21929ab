package org.strainline.shm;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/** Frame files held in memory for assembler unit tests: real GWF bytes, served by (stream, GPS). */
final class MemoryFrameFiles implements FrameFiles {
    private final String[] prefixes;
    private final java.util.List<Map<Long, byte[]>> files = new java.util.ArrayList<>();
    private final ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20);
    private int lastCode;
    int opens;

    MemoryFrameFiles(String... prefixes) {
        this.prefixes = prefixes;
        for (int i = 0; i < prefixes.length; i++) {
            files.add(new HashMap<>());
        }
    }

    void put(int stream, long gps, byte[] bytes) {
        files.get(stream).put(gps, bytes);
    }

    void remove(int stream, long gps) {
        files.get(stream).remove(gps);
    }

    @Override
    public int open(int stream, long gpsS, int durationS) {
        opens++;
        byte[] b = files.get(stream).get(gpsS);
        if (b == null) {
            lastCode = ABSENT;
            return ABSENT;
        }
        buf.clear();
        buf.put(b).flip();
        lastCode = OK;
        return OK;
    }

    @Override
    public ByteBuffer buffer() {
        return buf;
    }

    @Override
    public long mtimeUnixNs() {
        return 1_700_000_000_000_000_000L;
    }

    @Override
    public String problem() {
        return lastCode == ABSENT ? "no such file" : "ok";
    }

    @Override
    public String fileName(int stream, long gpsS, int durationS) {
        return FrameFileName.format(prefixes[stream], gpsS, durationS);
    }

    @Override
    public void close() {
    }
}
