package org.strainline.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.charset.StandardCharsets;

/** The receiving end of the systemd notification protocol, as systemd holds it: a bound AF_UNIX datagram socket. */
public final class NotifySocket implements AutoCloseable {
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11;

    static final class C {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        private C() {
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int bind(int fd, byte[] addr, int addrLen) throws LastErrorException;

        static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

        static native int close(int fd);
    }

    private final int fd;
    private final String address;

    /** Binds {@code address}: an absolute path, or {@code @name} for the abstract namespace. */
    public NotifySocket(String address) {
        this.address = address;
        byte[] name = address.getBytes(StandardCharsets.UTF_8);
        byte[] addr = new byte[110];
        addr[0] = 1;   // AF_UNIX
        System.arraycopy(name, 0, addr, 2, name.length);
        int len = 2 + name.length + 1;
        if (name[0] == '@') {
            addr[2] = 0;
            len = 2 + name.length;
        }
        fd = C.socket(1, 2, 0);
        C.bind(fd, addr, len);
    }

    public String address() {
        return address;
    }

    /** The next datagram, or null if none arrives within {@code ms}. */
    public String receive(long ms) throws InterruptedException {
        byte[] buf = new byte[4096];
        long end = System.currentTimeMillis() + ms;
        while (true) {
            try {
                long n = C.recv(fd, buf, buf.length, MSG_DONTWAIT);
                return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EAGAIN) {
                    throw e;
                }
            }
            if (System.currentTimeMillis() > end) {
                return null;
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        C.close(fd);
    }
}
