package org.strainline.daemon.cli;

import java.util.logging.LogManager;

/**
 * The JUL log manager of the {@code strainline} launcher: as the standard one, except that it
 * does not close its handlers when the JVM begins to shut down. The standard manager's own
 * shutdown hook runs alongside the daemon's, so without this the records of a clean stop
 * (drained rings, counters, "strainline stopped") would be lost, which is exactly what the
 * journal should show after {@code systemctl stop}. The console handler flushes every record.
 * Set by {@code -Djava.util.logging.manager=org.strainline.daemon.cli.StopLogManager}.
 */
public final class StopLogManager extends LogManager {
    public StopLogManager() {
        super();
    }

    @Override
    public void reset() {
        if (!shuttingDown()) {
            super.reset();
        }
    }

    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
