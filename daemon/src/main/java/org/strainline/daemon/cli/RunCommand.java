package org.strainline.daemon.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.strainline.daemon.Daemon;
import org.strainline.daemon.SdNotify;
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

    private static final System.Logger LOG = System.getLogger(RunCommand.class.getName());

    @Override
    public Integer call() throws Exception {
        DaemonConfig c = DaemonConfig.load(config);
        SdNotify notify = SdNotify.fromEnvironment();   // null unless started by systemd with Type=notify
        Daemon d = Daemon.start(c);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (notify != null) {
                notify.send("STOPPING=1\nSTATUS=draining and stopping");
            }
            d.close();
            stopped.countDown();
            System.err.flush();
            Runtime.getRuntime().halt(0);   // a requested stop that drained cleanly is a success, not 143
        }, "strainline-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        hangup(d, notify);
        if (notify != null) {
            notify.send("READY=1\nSTATUS=" + d.status());
            long usec = SdNotify.watchdogUsec(System.getenv(), ProcessHandle.current().pid());
            LOG.log(System.Logger.Level.INFO, "systemd: ready sent to " + notify.socket()
                    + (usec > 0 ? "; watchdog every " + usec / 2000 + " ms (WatchdogSec " + usec / 1e6 + " s)" : "; no watchdog"));
            if (usec > 0) {
                Thread w = new Thread(() -> watchdog(notify, d, usec), "strainline-watchdog");
                w.setDaemon(true);
                w.start();
            }
        }
        if (until != null) {
            while (d.publishedByAll() < until) {
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

    /**
     * SIGHUP (systemd's {@code ExecReload}) rescans the model repository for new versions, instead
     * of the JVM's default of shutting down; where the JVM lets no handler be installed (it runs
     * with {@code -Xrs}), new versions are still picked up by the watcher and the reason is logged.
     */
    static void hangup(Daemon d, SdNotify notify) {
        Runnable onHup = () -> {
            if (notify != null) {
                notify.send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
            }
            LOG.log(System.Logger.Level.WARNING, "SIGHUP: rescanning the model repository for new versions");
            d.triggerReload();
            if (notify != null) {
                notify.send("READY=1\nSTATUS=" + d.status());
            }
        };
        try {
            // sun.misc.Signal (module jdk.unsupported), reached reflectively: the JDK's one way to handle a signal
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object hup = signal.getConstructor(String.class).newInstance("HUP");
            Object h = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, (proxy, m, args) -> {
                if (m.getDeclaringClass() == Object.class) {
                    return m.getName().equals("equals") ? proxy == args[0] : m.getName().equals("hashCode")
                            ? System.identityHashCode(proxy) : "SIGHUP handler";
                }
                onHup.run();
                return null;
            });
            Object previous = signal.getMethod("handle", signal, handler).invoke(null, hup, h);
            if (previous == handler.getField("SIG_IGN").get(null)) {
                // the JVM keeps a signal ignored at start ignored (nohup, or a parent that ignores it) and says nothing
                LOG.log(System.Logger.Level.WARNING, "SIGHUP is ignored by this process (started under nohup or by a parent "
                        + "that ignores it), so it cannot trigger a rescan; new model versions are still picked up by the "
                        + "repository watcher");
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable why = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            LOG.log(System.Logger.Level.WARNING, "SIGHUP cannot be handled in this JVM (" + why + "); new model versions are still "
                    + "picked up by the repository watcher");
        }
    }

    /**
     * Pings the watchdog at half its interval while the daemon is sound; a stalled ingest thread or
     * stage withholds the ping (logged once), so that systemd restarts the service.
     */
    static void watchdog(SdNotify notify, Daemon d, long usec) {
        long periodMs = Math.max(1, usec / 2000);
        String withheld = null;
        long n = 0;
        while (true) {
            String why = d.stalled(System.nanoTime());
            if (why == null) {
                // the status line every ~10 s, the ping every time
                notify.send(n++ % Math.max(1, 10_000 / periodMs) == 0 ? "WATCHDOG=1\nSTATUS=" + d.status() : "WATCHDOG=1");
                withheld = null;
            } else if (!why.equals(withheld)) {
                LOG.log(System.Logger.Level.ERROR, "systemd watchdog withheld: " + why);
                notify.send("STATUS=stalled: " + why);
                withheld = why;
            }
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
