package org.strainline.gwf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A one-frame file whose layout never changes (the same channels, types and lengths, raw
 * vectors), written once by {@link GwfWriter} and then re-stamped in place: each output second
 * fills the vectors through {@link #floats}/{@link #ints}, sets the GPS time with {@link #stamp},
 * and {@link #finish} recomputes every structure's CRC and the file's. Nothing is allocated per
 * file, so a stage can write a frame a second on its hot path.
 *
 * <p>Where the fields are is found, not assumed: the prototype is written with a sentinel GPS
 * time and pseudo-random vector contents, and the image is searched for them (the GPS time sits
 * in FrameH, FrEndOfFrame and the TOC; each vector's bytes once). The structure list comes from
 * walking the lengths that begin every structure.
 */
public final class FrameTemplate {
    /** One channel of the frame: a processed channel of {@code samples} values at {@code rateHz}. */
    public record Slot(String channel, VectType type, int samples, double rateHz, String unitY) {
        public Slot {
            if (type != VectType.REAL_4 && type != VectType.INT_4S) {
                throw new IllegalArgumentException(channel + ": a template holds REAL_4 or INT_4S vectors, not " + type);
            }
        }
    }

    private static final long SENTINEL_S = 1_234_567_891L;
    private static final int SENTINEL_NS = 987_654_321;

    private final ByteBuffer image;
    private final int size;
    private final int[] gpsSAt;
    private final int[] gpsNsAt;
    private final int[] structStart;
    private final int[] structLength;
    private final FloatBuffer[] floats;
    private final IntBuffer[] ints;

    /**
     * @param frameName the FrameH name (e.g. the IFO's prefix)
     * @param history   a FrHistory comment (e.g. the model version that made the data), or null
     * @param slots     the channels, in the frame's order
     */
    public FrameTemplate(String frameName, String history, List<Slot> slots) throws IOException {
        Frame f = new Frame(frameName, 0, 0, SENTINEL_S, SENTINEL_NS, 1.0);
        if (history != null) {
            f.addHistory(frameName, SENTINEL_S, history);
        }
        SplittableRandom r = new SplittableRandom(0x5EED);
        List<byte[]> marks = new ArrayList<>();
        for (Slot s : slots) {
            Vect v;
            if (s.type() == VectType.REAL_4) {
                float[] d = new float[s.samples()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = Float.intBitsToFloat(0x3F000000 | r.nextInt(1 << 22));
                }
                v = Vect.of(s.channel(), d, s.rateHz(), 0, s.unitY());
                marks.add(bytes(d));
            } else {
                int[] d = new int[s.samples()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = r.nextInt();
                }
                v = Vect.of(s.channel(), d, s.rateHz(), 0, s.unitY());
                marks.add(bytes(d));
            }
            f.addChannel(Channel.proc(s.channel(), v).withCompression(Compression.RAW));
        }
        byte[] file = GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.RAW, f);
        this.size = file.length;
        this.image = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
        image.put(file).clear();
        this.floats = new FloatBuffer[slots.size()];
        this.ints = new IntBuffer[slots.size()];
        List<int[]> dataRegions = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            byte[] m = marks.get(i);
            int at = indexOf(file, m, 0);
            if (at < 0 || indexOf(file, m, at + 1) >= 0) {
                throw new IOException(slots.get(i).channel() + ": its raw vector is not found once in the prototype");
            }
            dataRegions.add(new int[] {at, m.length});
            ByteBuffer view = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            view.position(at).limit(at + m.length);
            if (slots.get(i).type() == VectType.REAL_4) {
                floats[i] = view.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            } else {
                ints[i] = view.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            }
        }
        this.gpsSAt = find(file, (int) SENTINEL_S, dataRegions);
        this.gpsNsAt = find(file, SENTINEL_NS, dataRegions);
        if (gpsSAt.length < 2 || gpsNsAt.length < 2) {
            throw new IOException("the prototype's GPS time is not where FrameH and the TOC keep it");
        }
        List<int[]> structs = new ArrayList<>();
        int off = GwfReader.HEADER_BYTES;
        while (off < size) {
            long len = image.getLong(off);
            if (len < 14 || off + len > size) {
                throw new IOException("the prototype's structure at byte " + off + " has length " + len);
            }
            structs.add(new int[] {off, (int) len});
            off += (int) len;
        }
        this.structStart = new int[structs.size()];
        this.structLength = new int[structs.size()];
        for (int i = 0; i < structs.size(); i++) {
            structStart[i] = structs.get(i)[0];
            structLength[i] = structs.get(i)[1];
        }
    }

    private static byte[] bytes(float[] d) {
        ByteBuffer b = ByteBuffer.allocate(d.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(d);
        return b.array();
    }

    private static byte[] bytes(int[] d) {
        ByteBuffer b = ByteBuffer.allocate(d.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(d);
        return b.array();
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        int n = Math.min(needle.length, 32);
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < n; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int[] find(byte[] file, int value, List<int[]> exclude) {
        List<Integer> at = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        outer:
        for (int i = GwfReader.HEADER_BYTES; i <= file.length - 4; i++) {
            if (b.getInt(i) != value) {
                continue;
            }
            for (int[] r : exclude) {
                if (i + 4 > r[0] && i < r[0] + r[1]) {
                    continue outer;
                }
            }
            at.add(i);
        }
        return at.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The samples of REAL_4 slot {@code i}, to fill before {@link #finish}. */
    public FloatBuffer floats(int i) {
        return floats[i];
    }

    /** The samples of INT_4S slot {@code i}. */
    public IntBuffer ints(int i) {
        return ints[i];
    }

    /** Sets the frame's GPS start. */
    public void stamp(long gpsS, int gpsNs) {
        for (int at : gpsSAt) {
            image.putInt(at, (int) gpsS);
        }
        for (int at : gpsNsAt) {
            image.putInt(at, gpsNs);
        }
    }

    /**
     * Recomputes every structure's CRC (the last 4 bytes of each; FrEndOfFile's over itself less
     * its two CRCs) and the file's, and returns the whole file (position 0, limit its size).
     */
    public ByteBuffer finish() {
        int last = structStart.length - 1;
        for (int i = 0; i < last; i++) {
            int s = structStart[i];
            int len = structLength[i];
            image.putInt(s + len - 4, Cksum.of(image, s, len - 4));
        }
        int eof = structStart[last];
        image.putInt(size - 8, Cksum.of(image, eof, size - eof - 8));
        image.putInt(size - 4, Cksum.of(image, 0, size - 4));
        image.limit(size).position(0);
        return image;
    }

    /** Bytes in the file. */
    public int size() {
        return size;
    }
}
