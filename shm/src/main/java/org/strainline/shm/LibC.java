package org.strainline.shm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls of the ingest path, bound by JNA direct mapping: primitive and {@code byte[]}
 * arguments and {@code long} addresses, so a call allocates nothing on the Java heap. Path
 * arguments are NUL-terminated byte arrays. Calls without {@code throws LastErrorException}
 * return -1 on failure and leave {@code errno} in {@link Native#getLastError()}.
 * Loading fails on systems without these calls; the callers then fall back (and say why).
 */
final class LibC {
    static final int IN_CLOSE_WRITE = 0x00000008;
    static final int IN_MOVED_TO = 0x00000080;
    static final int IN_DELETE_SELF = 0x00000400;
    static final int IN_MOVE_SELF = 0x00000800;
    static final int IN_Q_OVERFLOW = 0x00004000;
    static final int IN_IGNORED = 0x00008000;
    static final int IN_NONBLOCK = 0x00000800;
    static final int IN_CLOEXEC = 0x00080000;
    static final short POLLIN = 0x0001;

    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 0x800;
    static final int O_DIRECTORY = 0x10000;
    static final int O_NOFOLLOW = 0x20000;
    static final int O_CLOEXEC = 0x80000;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_BASIC_STATS = 0x7ff;
    /** struct statx: 256 bytes, the same layout on every architecture. */
    static final int STATX_BYTES = 256;
    static final int STX_MODE = 28;
    static final int STX_SIZE = 40;
    static final int STX_MTIME_SEC = 112;
    static final int STX_MTIME_NSEC = 120;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    static final int PROT_NONE = 0;
    static final int PROT_READ = 1;
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;
    static final long MAP_FAILED = -1L;

    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ELOOP = 40;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    static native int inotify_init1(int flags) throws LastErrorException;

    static native int inotify_add_watch(int fd, String path, int mask) throws LastErrorException;

    static native int inotify_rm_watch(int fd, int wd);

    /** struct pollfd[nfds] at {@code fds}; returns the number of ready descriptors, 0 on timeout. */
    static native int poll(Pointer fds, long nfds, int timeoutMs);

    static native long read(int fd, Pointer buf, long count);

    static native long pread(int fd, long buf, long count, long offset);

    static native int open(byte[] path, int flags);

    static native int statx(int dirfd, byte[] path, int flags, int mask, Pointer statxbuf);

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

    static native int munmap(long addr, long length);

    static native int close(int fd);

    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    static native int eventfd(int initval, int flags);

    static native long write(int fd, Pointer buf, long count);

    /** {@code mask}: a cpu_set_t of {@code cpusetsize} bytes; {@code pid} a thread id (0: the calling thread). */
    static native int sched_setaffinity(int pid, long cpusetsize, byte[] mask) throws LastErrorException;

    static native int sched_getaffinity(int pid, long cpusetsize, byte[] mask) throws LastErrorException;

    static final int PRIO_PROCESS = 0;

    /** {@code who}: a thread id (Linux applies a nice value to the one thread). */
    static native int setpriority(int which, int who, int prio) throws LastErrorException;

    /** A NUL-terminated copy of {@code s} (ISO-8859-1), for the path arguments. */
    static byte[] path(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }
}
