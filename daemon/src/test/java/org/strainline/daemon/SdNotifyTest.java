package org.strainline.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notification protocol against real AF_UNIX datagram sockets, path and abstract. */
class SdNotifyTest {
    @TempDir
    Path tmp;

    @Test
    void notificationsReachASocketBoundAtAPath() throws Exception {
        String path = tmp.resolve("notify").toString();
        try (NotifySocket systemd = new NotifySocket(path); SdNotify n = SdNotify.to(path)) {
            assertTrue(n.send("READY=1\nSTATUS=H1 published to GPS 1400000000"));
            assertEquals("READY=1\nSTATUS=H1 published to GPS 1400000000", systemd.receive(2000));
            assertTrue(n.send("WATCHDOG=1"));
            assertEquals("WATCHDOG=1", systemd.receive(2000));
            assertTrue(n.send("STOPPING=1"));
            assertEquals("STOPPING=1", systemd.receive(2000));
        }
    }

    @Test
    void notificationsReachAnAbstractSocket() throws Exception {
        String name = "@strainline-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifySocket systemd = new NotifySocket(name); SdNotify n = SdNotify.to(name)) {
            assertTrue(n.send("READY=1"));
            assertEquals("READY=1", systemd.receive(2000));
        }
    }

    @Test
    void aSocketThatIsGoneIsAFailedSendNotAnException() throws Exception {
        try (SdNotify n = SdNotify.to(tmp.resolve("nobody").toString())) {
            assertFalse(n.send("READY=1"));
        }
    }

    @Test
    void withoutNotifySocketThereIsNoNotifier() throws IOException {
        assertNull(SdNotify.to(null));
        assertNull(SdNotify.to(""));
    }

    @Test
    void aMalformedAddressIsRefusedNamingIt() {
        IOException e = assertThrows(IOException.class, () -> SdNotify.to("relative/notify"));
        assertTrue(e.getMessage().contains("NOTIFY_SOCKET=relative/notify"), e.getMessage());
        assertThrows(IOException.class, () -> SdNotify.to("/" + "x".repeat(120)));
    }

    @Test
    void theWatchdogIntervalIsForThisProcessOnly() {
        assertEquals(30_000_000, SdNotify.watchdogUsec(Map.of("WATCHDOG_USEC", "30000000"), 42));
        assertEquals(30_000_000, SdNotify.watchdogUsec(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42"), 42));
        assertEquals(0, SdNotify.watchdogUsec(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "43"), 42));
        assertEquals(0, SdNotify.watchdogUsec(Map.of(), 42));
        assertEquals(0, SdNotify.watchdogUsec(Map.of("WATCHDOG_USEC", "soon"), 42));
    }
}
