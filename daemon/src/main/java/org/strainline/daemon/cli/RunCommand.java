package org.strainline.daemon.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.strainline.daemon.Daemon;
import org.strainline.daemon.config.DaemonConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strainline run --config FILE}: the online daemon, until SIGTERM (or Ctrl-C), then a clean stop. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {"Run the daemon: watch the configured shared-memory streams, clean the strain with DeepClean and",
            "publish it to the strain queue; with a bbhnet section, search H1 + L1 and publish alerts. SIGTERM or Ctrl-C",
            "hands on every second held, flushes the queues and exits 0."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the YAML configuration (config/README.md)")
    Path config;

    @Option(names = "--until", paramLabel = "GPS",
            description = "stop cleanly once every IFO has published this GPS second (replays of recorded data)")
    Long until;

    @Override
    public Integer call() throws Exception {
        DaemonConfig c = DaemonConfig.load(config);
        Daemon d = Daemon.start(c);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            d.close();
            stopped.countDown();
            System.err.flush();
            Runtime.getRuntime().halt(0);   // a requested stop that drained cleanly is a success, not 143
        }, "strainline-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        if (until != null) {
            while (!reached(d, c)) {
                Thread.sleep(50);
            }
            d.close();
            return 0;
        }
        // run until the JVM is asked to stop; the hook then closes the daemon in order
        while (!stopped.await(1, TimeUnit.HOURS)) {
            // keep running
        }
        return 0;
    }

    private boolean reached(Daemon d, DaemonConfig c) {
        for (org.strainline.shm.IfoSpec ifo : c.ingest().ifos()) {
            if (d.newestPublished(ifo.ifo()) < until) {
                return false;
            }
        }
        return true;
    }
}
