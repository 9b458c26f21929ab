package org.strainline.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The systemd notification protocol ({@code sd_notify(3)}) without libsystemd: datagrams of
 * {@code KEY=VALUE} lines ({@code READY=1}, {@code STOPPING=1}, {@code WATCHDOG=1},
 * {@code STATUS=…}) sent to the {@code AF_UNIX} socket named by {@code $NOTIFY_SOCKET}, a path or,
 * with a leading {@code @}, an abstract name. Outside systemd the variable is unset and
 * {@link #fromEnvironment} returns null. Sending never throws: a failed send is returned as false
 * (systemd gone, socket full) and the daemon goes on.
 */
public final class SdNotify implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH = 108;

    static final class C {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        private C() {
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen) throws LastErrorException;

        static native int close(int fd);
    }

    private final String socket;
    private final byte[] addr;
    private final int addrLen;
    private int fd;

    private SdNotify(String socket) throws IOException {
        this.socket = socket;
        byte[] name = socket.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name.length > 0 && name[0] == '@';
        if (name.length == 0 || (name[0] != '/' && !abstractName)) {
            throw new IOException("NOTIFY_SOCKET=" + socket + ": neither an absolute path nor an @abstract name");
        }
        if (name.length >= SUN_PATH) {
            throw new IOException("NOTIFY_SOCKET=" + socket + ": longer than " + (SUN_PATH - 1) + " bytes");
        }
        addr = new byte[2 + SUN_PATH];
        addr[0] = (byte) AF_UNIX;   // sa_family_t in host order: little-endian on the hosts this runs on
        addr[1] = 0;
        System.arraycopy(name, 0, addr, 2, name.length);
        if (abstractName) {
            addr[2] = 0;
            addrLen = 2 + name.length;          // an abstract name is exactly its bytes
        } else {
            addrLen = 2 + name.length + 1;      // a path with its NUL
        }
        try {
            fd = C.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("NOTIFY_SOCKET=" + socket + ": socket(AF_UNIX, SOCK_DGRAM): errno " + e.getErrorCode(), e);
        }
    }

    /** A notifier for {@code $NOTIFY_SOCKET}, or null when systemd did not set it. */
    public static SdNotify fromEnvironment() throws IOException {
        return to(System.getenv("NOTIFY_SOCKET"));
    }

    /** A notifier for a socket address as systemd writes it (null or empty: none). */
    public static SdNotify to(String notifySocket) throws IOException {
        return notifySocket == null || notifySocket.isEmpty() ? null : new SdNotify(notifySocket);
    }

    /**
     * The watchdog interval systemd asks for ({@code $WATCHDOG_USEC}, for this process if
     * {@code $WATCHDOG_PID} names one), in microseconds; 0 when there is none.
     */
    public static long watchdogUsec(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        if (usec == null || (forPid != null && !forPid.isEmpty() && !forPid.equals(Long.toString(pid)))) {
            return 0;
        }
        try {
            long v = Long.parseLong(usec.trim());
            return Math.max(0, v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Sends one notification (newline-separated {@code KEY=VALUE} lines); false if it could not be sent. */
    public synchronized boolean send(String state) {
        if (fd < 0) {
            return false;
        }
        byte[] b = state.getBytes(StandardCharsets.UTF_8);
        try {
            return C.sendto(fd, b, b.length, MSG_NOSIGNAL, addr, addrLen) == b.length;
        } catch (LastErrorException e) {
            return false;
        }
    }

    public String socket() {
        return socket;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            C.close(fd);
            fd = -1;
        }
    }
}
