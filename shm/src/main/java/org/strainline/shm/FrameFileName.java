package org.strainline.shm;

/**
 * Frame-file names of the field's convention, {@code {OBS}-{DESCRIPTION}-{GPS}-{DURATION}.gwf}
 * (e.g. {@code H-H1_llhoft-1389456018-1.gwf}): a 10-digit GPS start and a whole number of seconds.
 * Parsing works on the raw bytes of a directory entry and allocates nothing.
 */
public final class FrameFileName {
    private FrameFileName() {
    }

    /** Result bits of {@link #parse}: the GPS second in the high 40 bits, the duration in the low 24; -1 if no match. */
    public static long parse(byte[] name, int len, byte[] prefix) {
        // prefix, then '-', then 10 digits, '-', 1..6 digits, ".gwf"
        int p = prefix.length;
        if (len < p + 1 + 10 + 1 + 1 + 4 || len > p + 1 + 10 + 1 + 6 + 4) {
            return -1;
        }
        for (int i = 0; i < p; i++) {
            if (name[i] != prefix[i]) {
                return -1;
            }
        }
        if (name[p] != '-') {
            return -1;
        }
        long gps = 0;
        for (int i = p + 1; i < p + 11; i++) {
            int d = name[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            gps = gps * 10 + d;
        }
        if (name[p + 11] != '-') {
            return -1;
        }
        int end = len - 4;
        if (name[end] != '.' || name[end + 1] != 'g' || name[end + 2] != 'w' || name[end + 3] != 'f') {
            return -1;
        }
        long dur = 0;
        for (int i = p + 12; i < end; i++) {
            int d = name[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            dur = dur * 10 + d;
        }
        if (dur == 0) {
            return -1;
        }
        return (gps << 24) | dur;
    }

    /**
     * Writes the NUL-terminated name {@code {prefix}-{gps}-{duration}.gwf} into {@code dst} (which
     * must hold {@code prefix.length + 28} bytes) without allocating; returns its length without the NUL.
     */
    public static int write(byte[] dst, byte[] prefix, long gps, int duration) {
        return write(dst, 0, prefix, gps, duration);
    }

    /** As {@link #write(byte[], byte[], long, int)}, from {@code dst[at]}; returns the end offset (where the NUL is). */
    public static int write(byte[] dst, int at, byte[] prefix, long gps, int duration) {
        int p = at + prefix.length;
        System.arraycopy(prefix, 0, dst, at, prefix.length);
        dst[p++] = '-';
        p = digits(dst, p, gps, 10);
        dst[p++] = '-';
        int d = 1;
        for (long x = duration; x >= 10; x /= 10) {
            d++;
        }
        p = digits(dst, p, duration, d);
        dst[p++] = '.';
        dst[p++] = 'g';
        dst[p++] = 'w';
        dst[p++] = 'f';
        dst[p] = 0;
        return p;
    }

    private static int digits(byte[] dst, int at, long value, int count) {
        long v = value;
        for (int i = at + count - 1; i >= at; i--) {
            dst[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        return at + count;
    }

    /** Parses a String name (convenience; allocates). */
    public static long parse(String name, String prefix) {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return parse(n, n.length, prefix.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    public static long gps(long parsed) {
        return parsed >>> 24;
    }

    public static int duration(long parsed) {
        return (int) (parsed & 0xFFFFFF);
    }

    /** The file name for a prefix, GPS second and duration. */
    public static String format(String prefix, long gps, int duration) {
        return prefix + "-" + gps + "-" + duration + ".gwf";
    }
}
