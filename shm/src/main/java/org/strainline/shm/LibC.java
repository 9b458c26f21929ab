package org.strainline.shm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls the watcher needs, bound by JNA direct mapping (primitive arguments: no
 * per-call allocation). Loading fails on systems without them; {@link StreamWatcher} then polls.
 */
final class LibC {
    static final int IN_CLOSE_WRITE = 0x00000008;
    static final int IN_MOVED_TO = 0x00000080;
    static final int IN_Q_OVERFLOW = 0x00004000;
    static final int IN_IGNORED = 0x00008000;
    static final int IN_NONBLOCK = 0x00000800;
    static final int IN_CLOEXEC = 0x00080000;
    static final short POLLIN = 0x0001;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    static native int inotify_init1(int flags) throws LastErrorException;

    static native int inotify_add_watch(int fd, String path, int mask) throws LastErrorException;

    /** struct pollfd[nfds] at {@code fds}; returns the number of ready descriptors, 0 on timeout. */
    static native int poll(Pointer fds, long nfds, int timeoutMs);

    static native long read(int fd, Pointer buf, long count);

    static native int close(int fd);
}
