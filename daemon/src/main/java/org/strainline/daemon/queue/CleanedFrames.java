package org.strainline.daemon.queue;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.strainline.daemon.pipeline.CleanedSecond;
import org.strainline.gwf.FrameTemplate;
import org.strainline.gwf.VectType;

/**
 * Cleaned strain as 1-s GWF files, for pipelines that read frames: one IFO's seconds into
 * {@code DIR/PREFIX-GPS-1.gwf} (llhoft-style names), each with the cleaned strain under its
 * published channel name and the second's flags ({@code <strain>_DEEPCLEAN_FLAGS}, the bits of
 * docs/queues.md), written atomically (a dot-file beside it, then rename(2)), and only the newest
 * {@code retainSeconds} kept. Per second nothing is allocated: the file is a {@link
 * FrameTemplate} re-stamped in place and written through preallocated path buffers. A failed
 * write is counted and logged once per errno; the second stays in the strain queue either way.
 */
public final class CleanedFrames {
    private static final System.Logger LOG = System.getLogger(CleanedFrames.class.getName());
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;
    private static final int O_CLOEXEC = 02000000;
    private static final int MODE = 0644;
    private static final int GPS_DIGITS = 10;

    static final class C {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        private C() {
        }

        static native int open(byte[] path, int flags, int mode) throws LastErrorException;

        static native long write(int fd, ByteBuffer buf, long count) throws LastErrorException;

        static native int close(int fd);

        static native int rename(byte[] from, byte[] to) throws LastErrorException;

        static native int unlink(byte[] path);
    }

    private final Path dir;
    private final String prefix;
    private final int retainSeconds;
    private final FrameTemplate template;
    private final FloatBuffer strain;
    private final java.nio.IntBuffer flags;
    private final int rate;
    private final byte[] name;       // DIR/PREFIX-GGGGGGGGGG-1.gwf\0
    private final byte[] tmp;        // DIR/.PREFIX-GGGGGGGGGG-1.gwf.tmp\0
    private final byte[] old;        // the name of a second past retention
    private final int nameDigits;
    private final int tmpDigits;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private java.util.function.LongConsumer timer = ns -> { };
    private long removedThrough = Long.MIN_VALUE;
    private int lastErrno;

    /**
     * @param dir           the IFO's output directory (created)
     * @param prefix        file names' prefix, e.g. {@code H-H1_llhoft_cleaned}
     * @param strainChannel the channel the samples go under, e.g. {@code H1:GDS-CALIB_STRAIN_DEEPCLEAN_PRODUCTION_OUT_DQ}
     * @param flagsChannel  the channel of the second's flags
     * @param rateHz        samples per second
     * @param history       FrHistory comment (which daemon and models made the file)
     * @param retainSeconds files kept (the newest)
     */
    public CleanedFrames(Path dir, String prefix, String strainChannel, String flagsChannel, int rateHz, String history,
                         int retainSeconds) throws IOException {
        this.dir = dir;
        this.prefix = prefix;
        this.retainSeconds = retainSeconds;
        this.rate = rateHz;
        Files.createDirectories(dir);
        this.template = new FrameTemplate(prefix, history, List.of(
                new FrameTemplate.Slot(strainChannel, VectType.REAL_4, rateHz, rateHz, "strain"),
                new FrameTemplate.Slot(flagsChannel, VectType.INT_4S, 1, 1, "")));
        this.strain = template.floats(0);
        this.flags = template.ints(1);
        String base = dir.toAbsolutePath() + "/";
        String file = prefix + "-0000000000-1.gwf";
        this.name = (base + file + "\0").getBytes(StandardCharsets.UTF_8);
        this.tmp = (base + "." + file + ".tmp\0").getBytes(StandardCharsets.UTF_8);
        this.old = name.clone();
        this.nameDigits = (base + prefix + "-").getBytes(StandardCharsets.UTF_8).length;
        this.tmpDigits = nameDigits + 1;
    }

    private static void digits(byte[] b, int at, long gps) {
        long v = gps;
        for (int i = GPS_DIGITS - 1; i >= 0; i--) {
            b[at + i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
    }

    /** Writes one second; false if it could not be written (counted). */
    public boolean write(CleanedSecond s) {
        return write(s.gpsS(), s.flags(), s.samples(), s.rateHz());
    }

    /**
     * Writes second {@code gps}, {@code rateHz} samples from {@code samples} (absolute indexing)
     * with its flags; false if it could not be written (counted). One thread at a time.
     */
    public boolean write(long gps, int secondFlags, FloatBuffer samples, int rateHz) {
        long t0 = System.nanoTime();
        boolean ok = writeFile(gps, secondFlags, samples, rateHz);
        timer.accept(System.nanoTime() - t0);
        return ok;
    }

    /** Told how long each write took (ns), on the writing thread; set before the first write. */
    public void timeWrites(java.util.function.LongConsumer t) {
        this.timer = t;
    }

    private boolean writeFile(long gps, int secondFlags, FloatBuffer samples, int rateHz) {
        if (gps < 0 || gps > 9_999_999_999L || rateHz != rate) {
            return fail(0, "GPS " + gps + " at " + rateHz + " Hz does not fit the file layout");
        }
        strain.put(0, samples, 0, rate);
        flags.put(0, secondFlags);
        template.stamp(gps, 0);
        ByteBuffer image = template.finish();
        digits(name, nameDigits, gps);
        digits(tmp, tmpDigits, gps);
        int fd;
        try {
            fd = C.open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, MODE);
        } catch (LastErrorException e) {
            return fail(e.getErrorCode(), "open");
        }
        long n;
        try {
            n = C.write(fd, image, template.size());
        } catch (LastErrorException e) {
            C.close(fd);
            C.unlink(tmp);
            return fail(e.getErrorCode(), "write");
        }
        C.close(fd);
        if (n != template.size()) {
            C.unlink(tmp);
            return fail(0, "write (short: " + n + " of " + template.size() + " bytes)");
        }
        try {
            C.rename(tmp, name);
        } catch (LastErrorException e) {
            C.unlink(tmp);
            return fail(e.getErrorCode(), "rename");
        }
        written.incrementAndGet();
        retire(gps);
        return true;
    }

    /** Removes the files that fell out of retention with this second (a directory scan on the first). */
    private void retire(long gps) {
        long through = gps - retainSeconds;
        if (removedThrough == Long.MIN_VALUE || through - removedThrough > 4L * retainSeconds) {
            scan(through);
        } else {
            for (long g = removedThrough + 1; g <= through; g++) {
                digits(old, nameDigits, g);
                C.unlink(old);
            }
        }
        removedThrough = Math.max(removedThrough, through);
    }

    private void scan(long through) {
        Pattern p = Pattern.compile(Pattern.quote(prefix) + "-([0-9]{10})-1\\.gwf");
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                Matcher m = p.matcher(f.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) <= through) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "cleaned frames: cannot remove " + f + ": " + e.getMessage());
                    }
                }
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cleaned frames: cannot list " + dir + ": " + e.getMessage());
        }
    }

    private boolean fail(int errno, String what) {
        failed.incrementAndGet();
        if (errno != lastErrno || failed.get() == 1) {
            lastErrno = errno;
            LOG.log(System.Logger.Level.WARNING, "cleaned frames: " + what + " failed in " + dir
                    + (errno != 0 ? " (errno " + errno + ")" : "") + "; the second stays in the strain queue ("
                    + failed.get() + " failed so far)");
        }
        return false;
    }

    public long written() {
        return written.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Seconds never written because the {@link FrameWriter} in front of this had no room for them. */
    public long dropped() {
        return dropped.get();
    }

    void countDropped() {
        dropped.incrementAndGet();
    }

    /** Samples per second. */
    public int rateHz() {
        return rate;
    }

    public Path directory() {
        return dir;
    }
}
