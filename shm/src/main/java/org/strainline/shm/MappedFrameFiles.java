package org.strainline.shm;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The frame files of an IFO's stream directories, opened by paths built in reused buffers
 * ({@code open(2)} with {@code O_NOFOLLOW|O_NONBLOCK}, so a link or a FIFO cannot redirect or
 * block the reader; no descriptor of the directory is held, so its removal is noticed) and made available in one fixed window of address space reserved
 * at start-up:
 * <ul>
 * <li>{@link ReadMode#MMAP}: the file is mapped read-only over the window with {@code MAP_FIXED}
 *     and the window restored afterwards; the decoder reads the file's pages in place.</li>
 * <li>{@link ReadMode#COPY}: the file is read into the window with {@code pread(2)}.</li>
 * </ul>
 * Either way the same {@link ByteBuffer} view of the window serves every file, so opening a file
 * allocates nothing. Reads past a file's end within the window see zeros, never unmapped memory.
 * A symbolic link is followed only when it resolves to a regular file in the same directory.
 * Where libc cannot be called the files are read with {@link FileChannel} (allocating), and the
 * reason is logged once.
 *
 * <p>Allocation free in steady state. Owned by the ingest thread.
 */
public final class MappedFrameFiles implements FrameFiles {
    private static final System.Logger LOG = System.getLogger(MappedFrameFiles.class.getName());
    private static final byte[] EMPTY_PATH = {0};
    private static final int OPEN_FLAGS = LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NONBLOCK;
    private static final long PAGE = 4096;

    private final StreamWatcher[] watchers;
    private final ReadMode mode;
    private final long windowBytes;
    private final boolean nativeCalls;
    private final long base;
    private final ByteBuffer view;
    private final Memory stx;
    private final byte[][] names;
    private long mapped;
    private long mtimeUnixNs;
    private int lastStream;
    private long lastGps;
    private int lastDuration;
    private int problemCode;
    private int problemErrno;
    private String problemDetail;
    private boolean closed;

    /**
     * @param watchers    the IFO's stream watchers, in stream order (their directories and prefixes)
     * @param mode        map or copy
     * @param windowBytes the largest file accepted
     */
    public MappedFrameFiles(StreamWatcher[] watchers, ReadMode mode, int windowBytes) {
        this.watchers = watchers.clone();
        this.mode = mode;
        this.windowBytes = (windowBytes + PAGE - 1) / PAGE * PAGE;
        this.names = new byte[watchers.length][];
        for (int s = 0; s < watchers.length; s++) {
            names[s] = new byte[watchers[s].pathCapacity()];
        }
        boolean ok;
        long addr = -1;
        String why = null;
        try {
            int prot = mode == ReadMode.COPY ? 3 : LibC.PROT_READ;
            addr = LibC.mmap(0, this.windowBytes, prot, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, 0);
            ok = addr != LibC.MAP_FAILED;
            if (!ok) {
                why = "mmap of a " + this.windowBytes + "-byte window failed (errno " + Native.getLastError() + ")";
            }
        } catch (Throwable t) {
            ok = false;
            why = t.toString();
        }
        this.nativeCalls = ok;
        if (ok) {
            this.base = addr;
            this.view = new Pointer(addr).getByteBuffer(0, this.windowBytes).asReadOnlyBuffer();
            this.stx = new Memory(LibC.STATX_BYTES);
        } else {
            LOG.log(System.Logger.Level.WARNING, "frame files are read with java.nio (allocating per file): " + why);
            this.base = 0;
            this.view = ByteBuffer.allocateDirect((int) this.windowBytes);
            this.stx = null;
        }
    }

    /** Whether files are read through libc (mmap or pread) rather than java.nio. */
    public boolean nativeCalls() {
        return nativeCalls;
    }

    public ReadMode mode() {
        return mode;
    }

    @Override
    public int open(int stream, long gpsS, int durationS) {
        close();
        lastStream = stream;
        lastGps = gpsS;
        lastDuration = durationS;
        problemDetail = null;
        problemErrno = 0;
        if (!nativeCalls) {
            return openNio(stream, gpsS, durationS);
        }
        StreamWatcher w = watchers[stream];
        byte[] nm = names[stream];
        w.fillPath(nm, gpsS, durationS);
        int fd = LibC.open(nm, OPEN_FLAGS | LibC.O_NOFOLLOW);
        if (fd < 0) {
            int errno = Native.getLastError();
            if (errno == LibC.ELOOP) {
                String why = StreamWatcher.symlinkProblem(w.path(gpsS, durationS));
                if (why != null) {
                    return problem(REFUSED, 0, why);
                }
                fd = LibC.open(nm, OPEN_FLAGS);
                errno = fd < 0 ? Native.getLastError() : 0;
            }
            if (fd < 0) {
                return problem(errno == LibC.ENOENT ? ABSENT : IO_ERROR, errno, "open failed");
            }
        }
        try {
            if (LibC.statx(fd, EMPTY_PATH, LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, stx) != 0) {
                return problem(IO_ERROR, Native.getLastError(), "statx failed");
            }
            int type = (stx.getShort(LibC.STX_MODE) & 0xFFFF) & LibC.S_IFMT;
            if (type != LibC.S_IFREG) {
                return problem(REFUSED, 0, "not a regular file");
            }
            long size = stx.getLong(LibC.STX_SIZE);
            mtimeUnixNs = stx.getLong(LibC.STX_MTIME_SEC) * 1_000_000_000L + (stx.getInt(LibC.STX_MTIME_NSEC) & 0xFFFFFFFFL);
            if (size > windowBytes) {
                return problem(TOO_LARGE, 0, null);
            }
            if (mode == ReadMode.MMAP) {
                if (size > 0) {
                    long at = LibC.mmap(base, size, LibC.PROT_READ, LibC.MAP_SHARED | LibC.MAP_FIXED, fd, 0);
                    if (at != base) {
                        int errno = Native.getLastError();
                        restore((size + PAGE - 1) / PAGE * PAGE);
                        return problem(IO_ERROR, errno, "mmap failed");
                    }
                    mapped = (size + PAGE - 1) / PAGE * PAGE;
                }
            } else {
                long off = 0;
                while (off < size) {
                    long got = LibC.pread(fd, base + off, size - off, off);
                    if (got < 0) {
                        int errno = Native.getLastError();
                        if (errno == LibC.EINTR) {
                            continue;
                        }
                        return problem(IO_ERROR, errno, "pread failed");
                    }
                    if (got == 0) {
                        break;    // shrank while being read: the decoder sees what is there
                    }
                    off += got;
                }
                size = off;
            }
            view.clear().limit((int) size);
            return OK;
        } finally {
            LibC.close(fd);
        }
    }

    private int openNio(int stream, long gpsS, int durationS) {
        Path p = watchers[stream].path(gpsS, durationS);
        try {
            if (Files.isSymbolicLink(p)) {
                String why = StreamWatcher.symlinkProblem(p);
                if (why != null) {
                    return problem(REFUSED, 0, why);
                }
            } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? problem(REFUSED, 0, "not a regular file")
                        : problem(ABSENT, 0, "no such file");
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > windowBytes) {
                    return problem(TOO_LARGE, 0, null);
                }
                mtimeUnixNs = Files.getLastModifiedTime(p).toMillis() * 1_000_000L;
                view.clear().limit((int) size);
                while (view.hasRemaining() && ch.read(view) >= 0) {
                    // until full or at the end
                }
                view.flip();
                return OK;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return problem(ABSENT, 0, "no such file");
        } catch (IOException e) {
            return problem(IO_ERROR, 0, e.toString());
        }
    }

    private int problem(int code, int errno, String detail) {
        problemCode = code;
        problemErrno = errno;
        problemDetail = detail;
        return code;
    }

    @Override
    public ByteBuffer buffer() {
        return view;
    }

    @Override
    public long mtimeUnixNs() {
        return mtimeUnixNs;
    }

    @Override
    public String problem() {
        String what;
        switch (problemCode) {
            case ABSENT: what = "no such file (removed before it could be read)"; break;
            case REFUSED: what = "refused: " + problemDetail; break;
            case TOO_LARGE: what = "larger than the " + windowBytes + "-byte map window (ingest.maxFileBytes)"; break;
            case IO_ERROR: what = problemDetail + (problemErrno != 0 ? " (errno " + problemErrno + ")" : ""); break;
            default: what = "no problem"; break;
        }
        return what + " [" + watchers[lastStream].path(lastGps, lastDuration) + "]";
    }

    @Override
    public String fileName(int stream, long gpsS, int durationS) {
        return FrameFileName.format(watchers[stream].prefix(), gpsS, durationS);
    }

    @Override
    public void close() {
        if (mapped > 0) {
            restore(mapped);
            mapped = 0;
        }
    }

    /** Puts the reserved window back over {@code bytes} from its start (dropping a file mapping). */
    private void restore(long bytes) {
        LibC.mmap(base, bytes, LibC.PROT_READ, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_FIXED | LibC.MAP_NORESERVE, -1, 0);
    }

    /** Releases the window (after the ingest thread has stopped). */
    public void release() {
        if (!closed) {
            closed = true;
            close();
            if (nativeCalls) {
                LibC.munmap(base, windowBytes);
            }
        }
    }
}
