package org.strainline.shm;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Watches one stream directory (e.g. {@code /dev/shm/kafka/H1_llhoft}) for complete frame files
 * named {@code {prefix}-{GPS}-{duration}.gwf}. On Linux it reads an inotify descriptor for
 * {@code IN_CLOSE_WRITE} and {@code IN_MOVED_TO} (the atomic rename of the real writers), waiting in
 * {@code poll(2)}, so an idle watcher uses no CPU and a new file is seen as soon as it is complete.
 * Where inotify cannot be had it falls back, with the reason logged, to checking for the predicted
 * next file name every poll interval (and listing the directory now and then to step over gaps).
 *
 * <p>Every matching file inotify reports is delivered, including one older than those before it
 * (the frame assembler classifies it as late or duplicate); directory listings (at start-up, after
 * an inotify overflow, in the polling fallback) deliver only files newer than the newest delivered,
 * in GPS order. Files at or before the start floor are never delivered. Names that do not match are
 * ignored and counted; symbolic links that leave the directory and anything that is not a regular
 * file are refused, counted and logged. If the directory itself is removed or renamed, the watcher
 * says so once and re-attaches when it appears again.
 *
 * <p>A file found by a listing (at start-up, after an overflow, or by the polling fallback) may
 * still be being written by a writer that does not rename; the assembler retries such a truncated
 * file until its deadline.
 *
 * <p>Allocation free in steady state: names are parsed from the raw inotify records and checked
 * with {@code statx(2)} on paths built in a reused buffer; only listings, refusals and state changes
 * allocate. Owned by one thread, which calls {@link #poll} or {@link #drain}.
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

    private static final int WATCH_MASK = LibC.IN_CLOSE_WRITE | LibC.IN_MOVED_TO | LibC.IN_DELETE_SELF | LibC.IN_MOVE_SELF;

    static final InotifyOpener LIBC_INOTIFY = dir -> {
        int fd = LibC.inotify_init1(LibC.IN_NONBLOCK | LibC.IN_CLOEXEC);
        try {
            LibC.inotify_add_watch(fd, dir.toString(), WATCH_MASK);
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        return fd;
    };

    private static final int RESCAN_EVERY = 8;
    private static final boolean NATIVE = nativeAvailable();

    private final Path dir;
    private final String prefix;
    private final byte[] prefixBytes;
    /** The directory's path and a '/', encoded: absolute names are built after it without allocating. */
    private final byte[] dirPrefix;
    private final byte[] pathBuf;
    private final long pollIntervalMs;
    private final Mode mode;
    private final String fallbackReason;
    private final int fd;
    private final Memory events;
    private final Memory pollFd;
    private final Memory stx;
    private final byte[] name = new byte[256];
    private final byte[] predicted;
    private final long floorGps;
    private long lastGps;
    private int lastDuration = 1;
    private int idlePolls;
    private boolean scanned;
    private long suppressFrom = -1;
    private long suppressTo = -1;
    private boolean lost;
    /** The watch descriptor records are taken from (-1: the first watch, any record). */
    private int wd = -1;
    private int lostWd = -1;
    private long lostCheckNs;
    private boolean listingFailed;
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
        this.dirPrefix = (dir.toAbsolutePath().toString() + "/").getBytes(StandardCharsets.ISO_8859_1);
        this.pathBuf = new byte[dirPrefix.length + name.length + 1];
        this.predicted = new byte[prefixBytes.length + 32];
        this.pollIntervalMs = pollIntervalMs;
        this.floorGps = afterGps;
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
            pollFd.setShort(6, (short) 0);
        }
        this.stx = NATIVE ? new Memory(LibC.STATX_BYTES) : null;
    }

    private static boolean nativeAvailable() {
        try {
            LibC.close(-1);
            return true;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "libc calls unavailable (" + t + "): file checks use java.nio");
            return false;
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

    public String prefix() {
        return prefix;
    }

    /** The encoded prefix (shared, do not modify). */
    byte[] prefixBytes() {
        return prefixBytes;
    }

    /**
     * Writes the NUL-terminated absolute path of a frame file of this stream into {@code dst}
     * (at least {@link #pathCapacity()} bytes) without allocating; returns its length.
     */
    int fillPath(byte[] dst, long gpsS, int durationS) {
        System.arraycopy(dirPrefix, 0, dst, 0, dirPrefix.length);
        return FrameFileName.write(dst, dirPrefix.length, prefixBytes, gpsS, durationS);
    }

    /** The size of a buffer {@link #fillPath} can fill. */
    int pathCapacity() {
        return dirPrefix.length + prefixBytes.length + 32;
    }

    /** {@code pathBuf} = the directory, '/', and {@code nm[0..len)}, NUL-terminated. */
    private byte[] absolute(byte[] nm, int len) {
        System.arraycopy(dirPrefix, 0, pathBuf, 0, dirPrefix.length);
        System.arraycopy(nm, 0, pathBuf, dirPrefix.length, len);
        pathBuf[dirPrefix.length + len] = 0;
        return pathBuf;
    }

    /** The inotify descriptor to wait on (POLLIN), or -1 in the polling mode. */
    int inotifyFd() {
        return fd;
    }

    /** The path of a frame file of this stream. */
    public Path path(long gpsS, int durationS) {
        return dir.resolve(FrameFileName.format(prefix, gpsS, durationS));
    }

    /** Files delivered so far. */
    public long delivered() {
        return delivered;
    }

    /** Directory entries whose names are not frame files of this stream, or before the start floor. */
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

    /** Whether the directory is gone (removed or renamed) and the watcher waits for it to reappear. */
    public boolean directoryLost() {
        return lost;
    }

    /**
     * Delivers the files that completed since the last call, waiting up to {@code timeoutMs} for
     * one (in {@code poll(2)} with inotify; in steps of the poll interval otherwise). Files already
     * there when the watcher starts are found by the first call. Returns the number delivered.
     */
    public int poll(int timeoutMs, Listener listener) {
        checkOpen();
        if (!scanned) {
            int n = initialScan(listener);
            if (n > 0) {
                return n;
            }
        }
        if (mode == Mode.INOTIFY && !lost) {
            if (LibC.poll(pollFd, 1, timeoutMs) <= 0) {
                return 0;
            }
            return drain(listener);
        }
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            int n = drain(listener);
            long left = deadline - System.nanoTime();
            if (n > 0 || left <= 0) {
                return n;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(pollIntervalMs, left / 1_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return n;
            }
        }
    }

    /**
     * Delivers what is there now without waiting: the pending inotify records, or, in the polling
     * mode, the predicted next file (with a listing every few idle calls). For callers that wait on
     * several watchers at once in one {@code poll(2)} over their {@link #inotifyFd()}s.
     */
    public int drain(Listener listener) {
        checkOpen();
        if (!scanned) {
            int n = initialScan(listener);
            if (n > 0) {
                return n;
            }
        }
        if (lost) {
            return reattach(listener);
        }
        return mode == Mode.INOTIFY ? readInotify(listener) : checkPredicted(listener);
    }

    /**
     * The first listing. A file it delivers (or refuses) may also have an inotify record queued (it
     * appeared after the watch was set up, before the listing): such records are dropped once.
     */
    private int initialScan(Listener listener) {
        scanned = true;
        long before = lastGps;
        int n = scan(listener);
        if (lastGps > before && mode == Mode.INOTIFY) {    // files delivered or refused by the listing
            suppressFrom = before;
            suppressTo = lastGps;
        }
        return n;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("watcher closed");
        }
    }

    private int readInotify(Listener listener) {
        long now = System.nanoTime();
        int n = 0;
        while (true) {
            long got = LibC.read(fd, events, events.size());
            if (got <= 0) {
                suppressTo = -1;   // the records queued before the first listing are read
                break;
            }
            int off = 0;
            while (off + 16 <= got) {
                int recordWd = events.getInt(off);
                int mask = events.getInt(off + 4);
                int len = events.getInt(off + 12);
                if (wd >= 0 && recordWd != wd && (mask & LibC.IN_Q_OVERFLOW) == 0) {
                    off += 16 + len;    // a record of a watch given up (a directory renamed away)
                    continue;
                }
                if ((mask & LibC.IN_Q_OVERFLOW) != 0) {
                    overflows++;
                    n += scan(listener);
                } else if ((mask & (LibC.IN_DELETE_SELF | LibC.IN_MOVE_SELF | LibC.IN_IGNORED)) != 0) {
                    if (!lost) {
                        lost = true;
                        lostWd = recordWd;
                        lostCheckNs = now;
                        LOG.log(System.Logger.Level.ERROR, "stream directory " + dir
                                + " was removed or renamed; waiting for it to reappear");
                    }
                } else if ((mask & (LibC.IN_CLOSE_WRITE | LibC.IN_MOVED_TO)) != 0 && len > 0) {
                    int nameLen = 0;
                    int max = Math.min(len, name.length - 1);
                    events.read(off + 16, name, 0, max);
                    while (nameLen < max && name[nameLen] != 0) {
                        nameLen++;
                    }
                    name[nameLen] = 0;
                    n += consider(name, nameLen, now, listener, false);
                }
                off += 16 + len;
            }
        }
        return n;
    }

    /** After the directory went away: every poll interval, look for it and watch it again. */
    private int reattach(Listener listener) {
        long now = System.nanoTime();
        if (now - lostCheckNs < pollIntervalMs * 1_000_000L) {
            return 0;
        }
        lostCheckNs = now;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        if (mode == Mode.INOTIFY) {
            try {
                int newWd = LibC.inotify_add_watch(fd, dir.toString(), WATCH_MASK);
                if (lostWd >= 0 && lostWd != newWd) {
                    LibC.inotify_rm_watch(fd, lostWd);   // the renamed-away directory, if still watched
                }
                wd = newWd;
            } catch (RuntimeException e) {
                return 0;
            }
            readInotify(NO_LISTENER);   // drop records of the old watch
        }
        lost = false;
        LOG.log(System.Logger.Level.INFO, "stream directory " + dir + " is back; watching it again");
        return scan(listener);
    }

    private static final Listener NO_LISTENER = (g, d, t) -> { };

    private int checkPredicted(Listener listener) {
        if (lastGps >= 0) {
            int len = FrameFileName.write(predicted, prefixBytes, lastGps + lastDuration, lastDuration);
            if (exists(predicted, len)) {
                return consider(predicted, len, System.nanoTime(), listener, true);
            }
        }
        if (++idlePolls % RESCAN_EVERY == 0 || lastGps < 0) {
            return scan(listener);
        }
        return 0;
    }

    private boolean exists(byte[] nm, int len) {
        if (NATIVE) {
            return LibC.statx(LibC.AT_FDCWD, absolute(nm, len), LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, stx) == 0;
        }
        return Files.exists(dir.resolve(new String(nm, 0, len, StandardCharsets.ISO_8859_1)), LinkOption.NOFOLLOW_LINKS);
    }

    /** Lists the directory and delivers, in GPS order, the frame files newer than the last one. */
    private int scan(Listener listener) {
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
            if (listingFailed) {
                listingFailed = false;
                LOG.log(System.Logger.Level.INFO, "stream directory " + dir + " can be listed again");
            }
        } catch (IOException | RuntimeException e) {
            if (!listingFailed) {
                listingFailed = true;
                LOG.log(System.Logger.Level.ERROR, "cannot list stream directory " + dir + ": " + e);
            }
            return 0;
        }
        Arrays.sort(found, 0, count);
        int n = 0;
        long now = System.nanoTime();
        byte[] b = new byte[prefixBytes.length + 32];
        for (int i = 0; i < count; i++) {
            int len = FrameFileName.write(b, prefixBytes, FrameFileName.gps(found[i]), FrameFileName.duration(found[i]));
            n += consider(b, len, now, listener, true);
        }
        return n;
    }

    /** {@code nm[0..len)} is a directory entry's name, NUL-terminated at {@code len}. */
    private int consider(byte[] nm, int len, long now, Listener listener, boolean fromListing) {
        long parsed = FrameFileName.parse(nm, len, prefixBytes);
        if (parsed < 0 || FrameFileName.gps(parsed) <= floorGps || (fromListing && FrameFileName.gps(parsed) <= lastGps)
                || (!fromListing && FrameFileName.gps(parsed) > suppressFrom && FrameFileName.gps(parsed) <= suppressTo)) {
            ignored++;
            return 0;
        }
        long gps = FrameFileName.gps(parsed);
        int dur = FrameFileName.duration(parsed);
        int type = fileType(nm, len);
        if (type == 0) {
            ignored++;       // removed again before we looked (retention), nothing to read
            return 0;
        }
        String why = null;
        if (type == LibC.S_IFLNK) {
            why = symlinkProblem(path(gps, dur));
        } else if (type != LibC.S_IFREG) {
            why = "not a regular file";
        }
        if (gps > lastGps) {
            lastGps = gps;
            lastDuration = dur;
        }
        if (why != null) {
            refused++;
            LOG.log(System.Logger.Level.WARNING, "refused " + path(gps, dur) + ": " + why);
            return 0;
        }
        idlePolls = 0;
        delivered++;
        listener.onFrameFile(gps, dur, now);
        return 1;
    }

    /** The S_IFMT bits of the entry (not following a link), or 0 if it is gone. */
    private int fileType(byte[] nm, int len) {
        if (NATIVE) {
            if (LibC.statx(LibC.AT_FDCWD, absolute(nm, len), LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, stx) != 0) {
                return 0;
            }
            return (stx.getShort(LibC.STX_MODE) & 0xFFFF) & LibC.S_IFMT;
        }
        Path p = dir.resolve(new String(nm, 0, len, StandardCharsets.ISO_8859_1));
        try {
            var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isSymbolicLink() ? LibC.S_IFLNK : a.isRegularFile() ? LibC.S_IFREG : LibC.S_IFMT;
        } catch (IOException gone) {
            return 0;
        }
    }

    /** Why a symbolic link in the directory is refused, or null when it leads to a regular file beside it. */
    static String symlinkProblem(Path link) {
        Path real;
        try {
            real = link.toRealPath();
        } catch (IOException dangling) {
            return "a symbolic link that leads nowhere";
        }
        try {
            if (!real.getParent().equals(link.getParent().toRealPath())) {
                return "a symbolic link that leaves " + link.getParent();
            }
        } catch (IOException e) {
            return "a symbolic link that cannot be resolved: " + e.getMessage();
        }
        if (!Files.isRegularFile(real)) {
            return "a symbolic link to something that is not a regular file";
        }
        return null;
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
