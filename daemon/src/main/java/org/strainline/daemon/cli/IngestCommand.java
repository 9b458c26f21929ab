package org.strainline.daemon.cli;

import com.lmax.disruptor.EventHandler;
import java.io.PrintWriter;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.strainline.shm.ChannelSpec;
import org.strainline.shm.FrameEvent;
import org.strainline.shm.GapPolicy;
import org.strainline.shm.IfoSpec;
import org.strainline.shm.Ingest;
import org.strainline.shm.IngestConfig;
import org.strainline.shm.ReadMode;
import org.strainline.shm.StartPolicy;
import org.strainline.shm.StreamSpec;
import org.strainline.shm.StreamWatcher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strainline ingest}: runs the shared-memory ingest alone and prints each second it hands
 * on, with its flags and latency, then its counters: the way to check a host's frame feed.
 */
@Command(name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Watch shared-memory stream directories, assemble each GPS second per IFO and print it (kind, flags,",
            "latency from file detection to the ring), then the counters. Stops after --seconds seconds, --timeout,",
            "or Ctrl-C. Example:",
            "  strainline ingest --stream H1/llhoft=/dev/shm/kafka/H1,H-H1_llhoft,H1:GDS-CALIB_STRAIN@16384,"
                    + "H1:GDS-CALIB_STATE_VECTOR@16 --state H1=H1:GDS-CALIB_STATE_VECTOR"})
final class IngestCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--stream", required = true, paramLabel = "IFO/NAME=DIR,PREFIX,CHANNEL@RATE[,...]",
            description = "a stream directory, its file prefix and the channels read from it (repeat per stream)")
    List<String> streams;

    @Option(names = "--state", paramLabel = "IFO=CHANNEL", description = "the state-vector channel of an IFO (default <IFO>:GDS-CALIB_STATE_VECTOR if configured)")
    List<String> states = new ArrayList<>();

    @Option(names = "--ready-mask", defaultValue = "3", description = "bits of the state vector that make a second ready (default: ${DEFAULT-VALUE})")
    int readyMask;

    @Option(names = "--start", defaultValue = "newest", paramLabel = "newest|oldest|GPS", description = "where to start (default: ${DEFAULT-VALUE})")
    String start;

    @Option(names = "--gap", defaultValue = "pad", paramLabel = "pad|reset|skip", description = "gap policy (default: ${DEFAULT-VALUE})")
    String gap;

    @Option(names = "--lateness-ms", defaultValue = "1000", description = "wait for a partner file this long (default: ${DEFAULT-VALUE})")
    long latenessMs;

    @Option(names = "--watch", defaultValue = "auto", paramLabel = "auto|inotify|poll", description = "how to see new files (default: ${DEFAULT-VALUE})")
    String watch;

    @Option(names = "--poll-ms", defaultValue = "20", description = "polling interval of the fallback (default: ${DEFAULT-VALUE})")
    long pollMs;

    @Option(names = "--read", defaultValue = "mmap", paramLabel = "mmap|copy", description = "how files are read (default: ${DEFAULT-VALUE})")
    String read;

    @Option(names = "--one-thread", description = "one ingest thread for all IFOs (default: a thread per IFO)")
    boolean oneThread;

    @Option(names = "--seconds", defaultValue = "0", description = "stop after this many seconds were handed on over all IFOs (0: run on)")
    long seconds;

    @Option(names = "--timeout", defaultValue = "0", paramLabel = "SECONDS", description = "stop after this much wall time (0: run on)")
    long timeoutS;

    @Option(names = "--quiet", description = "print only the counters at the end")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        IngestConfig cfg = config();
        PrintWriter out = spec.commandLine().getOut();
        AtomicLong handed = new AtomicLong();
        CountDownLatch enough = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Ingest ingest = new Ingest(cfg);
        try {
            for (String ifo : ingest.ifos()) {
                EventHandler<FrameEvent> printer = (e, seq, end) -> {
                    if (!quiet) {
                        synchronized (out) {
                            out.printf(Locale.ROOT, "%s %d %s %s detect->ring %.3f ms decode->ring %.3f ms%n", e.ifo(), e.gpsS(),
                                    e.kind(), flags(e.flags()), (e.publishedNs() - e.detectedNs()) / 1e6,
                                    (e.publishedNs() - e.decodedNs()) / 1e6);
                            out.flush();
                        }
                    }
                    if (seconds > 0 && handed.incrementAndGet() >= seconds) {
                        enough.countDown();
                    }
                };
                ingest.ring(ifo).handleEventsWith(printer);
            }
            Thread hook = new Thread(() -> {
                enough.countDown();            // Ctrl-C or SIGTERM: stop, hand on what is held, print the counters
                try {
                    done.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "strainline-ingest-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            ingest.start();
            if (timeoutS > 0) {
                enough.await(timeoutS, TimeUnit.SECONDS);
            } else {
                enough.await();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is on its way out
            }
        } finally {
            ingest.close();
            out.println("ingest: " + ingest.summary());
            out.flush();
            done.countDown();
        }
        return 0;
    }

    static String flags(int f) {
        if (f == 0) {
            return "ok";
        }
        String[] names = {"INVALID", "NOT_READY", "GAP", "CORRUPT", "PARTIAL", "RESET", "CHANNEL_PROBLEM"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((f & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : "|").append(names[i]);
            }
        }
        return sb.toString();
    }

    private IngestConfig config() {
        Map<String, List<StreamSpec>> byIfo = new LinkedHashMap<>();
        for (String s : streams) {
            int eq = s.indexOf('=');
            int slash = s.indexOf('/');
            if (eq < 0 || slash < 0 || slash > eq) {
                throw usage("--stream '" + s + "': expected IFO/NAME=DIR,PREFIX,CHANNEL@RATE[,...]");
            }
            String[] parts = s.substring(eq + 1).split(",");
            if (parts.length < 3) {
                throw usage("--stream '" + s + "': needs a directory, a prefix and at least one channel");
            }
            List<ChannelSpec> channels = new ArrayList<>();
            try {
                for (int i = 2; i < parts.length; i++) {
                    channels.add(ChannelSpec.parse(parts[i]));
                }
                byIfo.computeIfAbsent(s.substring(0, slash), k -> new ArrayList<>())
                        .add(new StreamSpec(s.substring(slash + 1, eq), Paths.get(parts[0]), parts[1], channels));
            } catch (IllegalArgumentException e) {
                throw usage("--stream '" + s + "': " + e.getMessage());
            }
        }
        Map<String, String> state = new LinkedHashMap<>();
        for (String s : states) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw usage("--state '" + s + "': expected IFO=CHANNEL");
            }
            state.put(s.substring(0, eq), s.substring(eq + 1));
        }
        try {
            List<IfoSpec> ifos = new ArrayList<>();
            for (Map.Entry<String, List<StreamSpec>> e : byIfo.entrySet()) {
                String sv = state.get(e.getKey());
                if (sv == null) {
                    String dflt = e.getKey() + ":GDS-CALIB_STATE_VECTOR";
                    for (StreamSpec st : e.getValue()) {
                        for (ChannelSpec c : st.channels()) {
                            if (c.name().equals(dflt)) {
                                sv = dflt;
                            }
                        }
                    }
                }
                ifos.add(new IfoSpec(e.getKey(), e.getValue(), sv, readyMask));
            }
            IngestConfig.Builder b = IngestConfig.builder(ifos)
                    .gapPolicy(GapPolicy.valueOf(gap.toUpperCase(Locale.ROOT)))
                    .latenessNs(latenessMs * 1_000_000L)
                    .watchMode(StreamWatcher.Mode.valueOf(watch.toUpperCase(Locale.ROOT)))
                    .pollIntervalMs(pollMs)
                    .readMode(ReadMode.valueOf(read.toUpperCase(Locale.ROOT)))
                    .threadPerIfo(!oneThread);
            if (start.matches("[0-9]{10}")) {
                b.startGps(Long.parseLong(start));
            } else {
                b.start(StartPolicy.valueOf(start.toUpperCase(Locale.ROOT)));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String msg) {
        return new CommandLine.ParameterException(spec.commandLine(), msg);
    }
}
