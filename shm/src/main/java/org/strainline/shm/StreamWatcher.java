package org.strainline.shm;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Watches one stream directory (e.g. {@code /dev/shm/kafka/H1_llhoft}) for complete frame files
 * named {@code {prefix}-{GPS}-{duration}.gwf}. On Linux it waits in {@code poll(2)} on an inotify
 * descriptor for {@code IN_CLOSE_WRITE} and {@code IN_MOVED_TO} (the atomic rename of the real
 * writers), so an idle watcher uses no CPU and a new file is seen as soon as it is complete. Where
 * inotify cannot be had it falls back, with the reason logged, to checking for the predicted next
 * file name every poll interval (and listing the directory now and then to step over gaps).
 * Files are delivered once each, in the order they complete, with GPS later than the last one
 * delivered; names that do not match are ignored and counted; symbolic links that leave the
 * directory and anything that is not a regular file are refused and counted.
 *
 * <p>A file found by a directory listing (at start-up, after an inotify overflow, or by the
 * polling fallback) may still be being written by a writer that does not rename; the frame reader
 * retries such a truncated file until its deadline.
 *
 * <p>Owned by one thread, which calls {@link #poll}.
 */
public final class StreamWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StreamWatcher.class.getName());

    /** How the watcher learns of new files. */
    public enum Mode { AUTO, INOTIFY, POLL }

    /** Receives each complete frame file. */
    @FunctionalInterface
    public interface Listener {
        /** A new file {@code {prefix}-{gpsS}-{durationS}.gwf}, seen at {@code detectedNanos} ({@link System#nanoTime()}). */
        void onFrameFile(long gpsS, int durationS, long detectedNanos);
    }

    /** Opens inotify on a directory; replaceable in tests to exercise the fallback. */
    interface InotifyOpener {
        int open(Path dir) throws Exception;
    }

    static final InotifyOpener LIBC_INOTIFY = dir -> {
        int fd = LibC.inotify_init1(LibC.IN_NONBLOCK | LibC.IN_CLOEXEC);
        try {
            LibC.inotify_add_watch(fd, dir.toString(), LibC.IN_CLOSE_WRITE | LibC.IN_MOVED_TO);
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        return fd;
    };

    private static final int RESCAN_EVERY = 8;

    private final Path dir;
    private final String prefix;
    private final byte[] prefixBytes;
    private final long pollIntervalMs;
    private final Mode mode;
    private final String fallbackReason;
    private final int fd;
    private final Memory events;
    private final Memory pollFd;
    private final byte[] name = new byte[256];
    private long lastGps;
    private int lastDuration = 1;
    private int idlePolls;
    private long delivered;
    private long ignored;
    private long refused;
    private long overflows;
    private boolean closed;

    /**
     * @param dir            the stream directory
     * @param prefix         the file-name prefix, e.g. {@code H-H1_llhoft}
     * @param mode           AUTO (inotify, else polling), INOTIFY (fail if unavailable) or POLL
     * @param pollIntervalMs polling interval of the fallback
     * @param afterGps       files with a GPS start at or before this are not delivered
     */
    public StreamWatcher(Path dir, String prefix, Mode mode, long pollIntervalMs, long afterGps) throws IOException {
        this(dir, prefix, mode, pollIntervalMs, afterGps, LIBC_INOTIFY);
    }

    StreamWatcher(Path dir, String prefix, Mode mode, long pollIntervalMs, long afterGps, InotifyOpener opener)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("stream directory " + dir + " does not exist");
        }
        if (pollIntervalMs <= 0) {
            throw new IllegalArgumentException("poll interval must be positive, got " + pollIntervalMs);
        }
        this.dir = dir;
        this.prefix = prefix;
        this.prefixBytes = prefix.getBytes(StandardCharsets.ISO_8859_1);
        this.pollIntervalMs = pollIntervalMs;
        this.lastGps = afterGps;
        int openedFd = -1;
        String reason = null;
        if (mode != Mode.POLL) {
            try {
                openedFd = opener.open(dir);
            } catch (Throwable t) {   // UnsatisfiedLinkError, LastErrorException, ...
                reason = "inotify unavailable for " + dir + ": " + t;
                if (mode == Mode.INOTIFY) {
                    throw new IOException(reason, t);
                }
                LOG.log(System.Logger.Level.WARNING, reason + "; polling every " + pollIntervalMs + " ms instead");
            }
        } else {
            reason = "polling requested";
        }
        this.fd = openedFd;
        this.mode = openedFd >= 0 ? Mode.INOTIFY : Mode.POLL;
        this.fallbackReason = reason;
        this.events = openedFd >= 0 ? new Memory(64 * 1024) : null;
        this.pollFd = openedFd >= 0 ? new Memory(8) : null;
        if (pollFd != null) {
            pollFd.setInt(0, fd);
            pollFd.setShort(4, LibC.POLLIN);
        }
    }

    /** The mode in effect: INOTIFY or POLL. */
    public Mode mode() {
        return mode;
    }

    /** Why the watcher polls instead of using inotify, or null. */
    public String fallbackReason() {
        return fallbackReason;
    }

    public Path directory() {
        return dir;
    }

    /** The path of a frame file of this stream. */
    public Path path(long gpsS, int durationS) {
        return dir.resolve(FrameFileName.format(prefix, gpsS, durationS));
    }

    /** Files delivered so far. */
    public long delivered() {
        return delivered;
    }

    /** Directory entries whose names are not frame files of this stream, or not newer than the last delivered. */
    public long ignored() {
        return ignored;
    }

    /** Symbolic links leaving the directory and non-regular files refused. */
    public long refused() {
        return refused;
    }

    /** inotify queue overflows (each followed by a directory listing, so nothing is lost). */
    public long overflows() {
        return overflows;
    }

    /**
     * Delivers the files that completed since the last call, waiting up to {@code timeoutMs} for
     * one (in {@code poll(2)} with inotify; in steps of the poll interval otherwise). Files already
     * there when the watcher starts are found by the first call. Returns the number delivered.
     */
    public int poll(int timeoutMs, Listener listener) throws IOException {
        if (closed) {
            throw new IllegalStateException("watcher closed");
        }
        if (delivered == 0 && idlePolls == 0 && lastScan == 0) {
            lastScan = 1;
            int n = scan(listener);
            if (n > 0) {
                return n;
            }
        }
        return mode == Mode.INOTIFY ? pollInotify(timeoutMs, listener) : pollPredicted(timeoutMs, listener);
    }

    private int lastScan;

    private int pollInotify(int timeoutMs, Listener listener) throws IOException {
        int ready = LibC.poll(pollFd, 1, timeoutMs);
        if (ready <= 0) {
            return 0;
        }
        long now = System.nanoTime();
        int n = 0;
        while (true) {
            long got = LibC.read(fd, events, events.size());
            if (got <= 0) {
                break;
            }
            int off = 0;
            while (off + 16 <= got) {
                int mask = events.getInt(off + 4);
                int len = events.getInt(off + 12);
                if ((mask & LibC.IN_Q_OVERFLOW) != 0) {
                    overflows++;
                    n += scan(listener);
                } else if ((mask & (LibC.IN_CLOSE_WRITE | LibC.IN_MOVED_TO)) != 0 && len > 0) {
                    int nameLen = 0;
                    int max = Math.min(len, name.length);
                    events.read(off + 16, name, 0, max);
                    while (nameLen < max && name[nameLen] != 0) {
                        nameLen++;
                    }
                    n += consider(name, nameLen, now, listener);
                }
                off += 16 + len;
            }
        }
        return n;
    }

    private int pollPredicted(int timeoutMs, Listener listener) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            int n = 0;
            if (lastGps >= 0 && Files.exists(path(lastGps + lastDuration, lastDuration), LinkOption.NOFOLLOW_LINKS)) {
                byte[] b = FrameFileName.format(prefix, lastGps + lastDuration, lastDuration)
                        .getBytes(StandardCharsets.ISO_8859_1);
                n = consider(b, b.length, System.nanoTime(), listener);
            } else if (++idlePolls % RESCAN_EVERY == 0 || lastGps < 0) {
                n = scan(listener);
            }
            if (n > 0 || System.nanoTime() >= deadline) {
                return n;
            }
            try {
                Thread.sleep(Math.min(pollIntervalMs, Math.max(1, (deadline - System.nanoTime()) / 1_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return n;
            }
        }
    }

    /** Lists the directory and delivers, in GPS order, the frame files newer than the last one. */
    private int scan(Listener listener) throws IOException {
        long[] found = new long[16];
        int count = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "-*.gwf")) {
            for (Path p : ds) {
                long parsed = FrameFileName.parse(p.getFileName().toString(), prefix);
                if (parsed < 0 || FrameFileName.gps(parsed) <= lastGps) {
                    continue;
                }
                if (count == found.length) {
                    found = Arrays.copyOf(found, count * 2);
                }
                found[count++] = parsed;
            }
        }
        Arrays.sort(found, 0, count);
        int n = 0;
        long now = System.nanoTime();
        for (int i = 0; i < count; i++) {
            byte[] b = FrameFileName.format(prefix, FrameFileName.gps(found[i]), FrameFileName.duration(found[i]))
                    .getBytes(StandardCharsets.ISO_8859_1);
            n += consider(b, b.length, now, listener);
        }
        return n;
    }

    private int consider(byte[] nm, int len, long now, Listener listener) throws IOException {
        long parsed = FrameFileName.parse(nm, len, prefixBytes);
        if (parsed < 0 || FrameFileName.gps(parsed) <= lastGps) {
            ignored++;
            return 0;
        }
        long gps = FrameFileName.gps(parsed);
        int dur = FrameFileName.duration(parsed);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path(gps, dur), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
            ignored++;       // removed again before we looked (retention), nothing to read
            return 0;
        }
        String why = null;
        if (a.isSymbolicLink()) {
            Path real;
            try {
                real = path(gps, dur).toRealPath();
            } catch (IOException dangling) {
                real = null;
            }
            if (real == null || !real.getParent().equals(dir.toRealPath()) || !Files.isRegularFile(real)) {
                why = "a symbolic link that leaves " + dir + " or does not lead to a regular file";
            }
        } else if (!a.isRegularFile()) {
            why = "not a regular file";
        }
        if (why != null) {
            refused++;
            LOG.log(System.Logger.Level.WARNING, "refused " + path(gps, dur) + ": " + why);
            lastGps = gps;   // that second is accounted for as refused; do not offer it again
            lastDuration = dur;
            return 0;
        }
        lastGps = gps;
        lastDuration = dur;
        idlePolls = 0;
        delivered++;
        listener.onFrameFile(gps, dur, now);
        return 1;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (fd >= 0) {
                LibC.close(fd);
            }
        }
    }
}
