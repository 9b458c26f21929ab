package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed unit, checked by systemd's own tools where the host has them: {@code
 * systemd-analyze verify} (with the install prefix pointed at this checkout, since the unit
 * names /opt/strainline), the offline security exposure, and the sysusers entry.
 */
class SystemdUnitIT {
    private static final Path UNIT = Cli.HOME.resolve("systemd/strainline.service");

    @TempDir
    Path tmp;

    private static boolean on(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Paths.get(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private record Out(int code, String text) {
    }

    private static Out exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Out(p.exitValue(), text);
    }

    private Path installed() throws IOException {
        Path unit = tmp.resolve("strainline.service");
        Files.writeString(unit, Files.readString(UNIT).replace("/opt/strainline/", Cli.HOME.toAbsolutePath() + "/"));
        return unit;
    }

    @Test
    void theUnitIsANotifyServiceWithAWatchdogThatRestartsOnFailure() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(UNIT));
        for (String want : new String[] {"Type=notify", "NotifyAccess=main", "WatchdogSec=30s", "Restart=on-failure",
            "User=strainline", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes",
            "ReadOnlyPaths=/dev/shm", "ReadWritePaths=/var/lib/strainline -/dev/shm/strainline",
            "EnvironmentFile=-/etc/strainline/strainline.env",
            "ExecStart=/opt/strainline/bin/strainline run --config ${STRAINLINE_CONFIG}"}) {
            assertTrue(lines.contains(want), "the unit has " + want);
        }
    }

    @Test
    void systemdAnalyzeVerifiesTheUnit() throws Exception {
        assumeTrue(on("systemd-analyze"), "systemd-analyze is not installed on this host: the unit is not verified here");
        Out v = exec("systemd-analyze", "verify", installed().toString());
        assertEquals(0, v.code(), v.text());
        assertEquals("", v.text().strip(), "no warnings");
    }

    @Test
    void theSecurityExposureIsAtMostFour() throws Exception {
        assumeTrue(on("systemd-analyze"), "systemd-analyze is not installed on this host: the exposure is not measured here");
        Out s = exec("systemd-analyze", "security", "--offline=yes", "--threshold=40", installed().toString());
        assertEquals(0, s.code(), "exposure above 4.0: " + s.text());
    }

    @Test
    void theSysusersEntryCreatesTheServiceUser() throws Exception {
        assumeTrue(on("systemd-sysusers"), "systemd-sysusers is not installed on this host: the entry is not checked here");
        Out s = exec("systemd-sysusers", "--dry-run", Cli.HOME.resolve("systemd/strainline.sysusers").toString());
        assertEquals(0, s.code(), s.text());
        boolean exists = exec("getent", "passwd", "strainline").code() == 0;
        assertTrue(exists || s.text().contains("Creating user 'strainline'"), s.text());
    }
}
