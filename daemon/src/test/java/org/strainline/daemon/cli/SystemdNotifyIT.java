package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.strainline.daemon.NotifySocket;

/**
 * {@code strainline run} as systemd runs a {@code Type=notify} service with {@code WatchdogSec}:
 * READY once running, watchdog pings at half the interval, STOPPING on SIGTERM, exit 0.
 */
class SystemdNotifyIT {
    @Test
    void theDaemonSpeaksTheNotifyProtocolToARealSocket() throws Exception {
        try (DaemonTree t = new DaemonTree("strainline-notify")) {
            Path config = t.config(null);
            Path log = t.tmp.resolve("run.log");
            String address = t.tmp.resolve("notify").toString();
            try (NotifySocket systemd = new NotifySocket(address)) {
                ProcessBuilder pb = Cli.command("run", "--config", config.toString()).redirectOutput(log.toFile());
                pb.environment().put("NOTIFY_SOCKET", address);
                pb.environment().put("WATCHDOG_USEC", "400000");
                Process d = pb.start();
                String ready = systemd.receive(60_000);
                assertNotNull(ready, "READY within 60 s: " + Files.readString(log));
                assertTrue(ready.startsWith("READY=1\nSTATUS=H1 waiting for data, L1 waiting for data"), ready);
                assertTrue(Files.readString(log).contains("strainline running"), "READY only once running");
                int pings = 0;
                long end = System.currentTimeMillis() + 2_000;
                while (System.currentTimeMillis() < end) {
                    String m = systemd.receive(500);
                    if (m != null && m.startsWith("WATCHDOG=1")) {
                        pings++;
                    }
                }
                assertTrue(pings >= 6 && pings <= 14, "a ping every 200 ms for 2 s: " + pings);
                assertTrue(Files.readString(log).contains("watchdog every 200 ms"), Files.readString(log));
                d.destroy();   // SIGTERM
                String m;
                do {
                    m = systemd.receive(10_000);
                } while (m != null && m.startsWith("WATCHDOG=1"));
                assertNotNull(m, "STOPPING on SIGTERM");
                assertTrue(m.startsWith("STOPPING=1"), m);
                assertTrue(d.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, d.exitValue(), Files.readString(log));
            }
        }
    }
}
