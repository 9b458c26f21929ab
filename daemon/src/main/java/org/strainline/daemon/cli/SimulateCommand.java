package org.strainline.daemon.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.strainline.daemon.sim.Injection;
import org.strainline.daemon.sim.Simulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strainline simulate}: recorded-looking low-latency data anyone can run on. */
@Command(name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Write simulated 1-s frame files in the real layout: ROOT/kafka/<IFO>/<O>-<IFO>_llhoft-<gps>-1.gwf (strain at",
            "16384 Hz: aLIGO design noise + a non-linear 60 Hz coupling, and the state vector) and",
            "ROOT/lldetchar/<IFO>/<O>-<IFO>_lldetchar-<gps>-1.gwf (the DeepClean witnesses), optional BBH injections",
            "listed in ROOT/injections.json, gaps and not-ready spans. Deterministic for a seed."})
final class SimulateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "ROOT", description = "output root")
    Path out;

    @Option(names = "--ifos", defaultValue = "H1,L1", split = ",", description = "interferometers (default: ${DEFAULT-VALUE})")
    List<String> ifos;

    @Option(names = "--start", required = true, paramLabel = "GPS", description = "first GPS second (10 digits)")
    long start;

    @Option(names = "--duration", required = true, paramLabel = "SECONDS", description = "seconds to write")
    int duration;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--injections", paramLabel = "RATE_OR_FILE",
            description = "BBH injections: a rate in Hz (e.g. 0.02: one every 50 s on average, network SNR 10-30) or a JSON file")
    String injections;

    @Option(names = "--gaps", paramLabel = "LIST", description = "GPS seconds (or A-B ranges) left out, e.g. 1400000010,1400000020-1400000024")
    String gaps;

    @Option(names = "--not-ready", paramLabel = "LIST", description = "GPS seconds (or A-B ranges) whose state vector is not science-ready")
    String notReady;

    @Option(names = "--coupling", defaultValue = "2e-21", paramLabel = "STRAIN",
            description = "amplitude of the coupled 60 Hz line in strain (default: ${DEFAULT-VALUE})")
    double coupling;

    @Option(names = "--compression", defaultValue = "gzip", paramLabel = "gzip|raw", description = "frame compression (default: ${DEFAULT-VALUE})")
    String compression;

    @Option(names = "--environment-seed", defaultValue = "0", paramLabel = "N",
            description = "the instrument's environment (mains wander, ASC signals); fixed by default so models trained on"
                    + " one run clean another (default: ${DEFAULT-VALUE})")
    long environmentSeed;

    @Override
    public Integer call() throws Exception {
        if (start < 1_000_000_000L || start > 9_999_999_999L) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--start " + start + " is not a 10-digit GPS second");
        }
        if (duration <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be positive");
        }
        Set<Long> gapSet = seconds(gaps, "--gaps");
        Set<Long> notReadySet = seconds(notReady, "--not-ready");
        List<Injection> inj;
        int comp;
        try {
            comp = Simulator.compression(compression);
            for (String i : ifos) {
                Simulator.witnesses(i);
            }
            if (injections == null) {
                inj = List.of();
            } else if (Files.isRegularFile(Path.of(injections))) {
                inj = Simulator.injections(Path.of(injections), ifos, seed);
            } else {
                inj = Simulator.injections(Double.parseDouble(injections), start, duration, seed, ifos, gapSet);
            }
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--injections '" + injections
                    + "' is neither a rate in Hz nor a file");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        long t0 = System.nanoTime();
        Simulator.Result r = Simulator.run(new Simulator.Config(out, ifos, start, duration, seed, inj, gapSet, notReadySet,
                coupling, Simulator.Config.DEFAULT_MODULATION, comp, environmentSeed));
        double s = (System.nanoTime() - t0) / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT, "simulate: %d s of %s, %d files, %.1f MB, %d injections, in %.1f s"
                        + " (%.0f x real time)%n", r.seconds(), String.join(",", ifos), r.files(), r.bytes() / 1e6,
                r.injections().size(), s, r.seconds() / s);
        return 0;
    }

    private Set<Long> seconds(String list, String option) {
        Set<Long> s = new TreeSet<>();
        if (list == null || list.isBlank()) {
            return s;
        }
        for (String part : list.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                long a = Long.parseLong(dash < 0 ? p : p.substring(0, dash));
                long b = dash < 0 ? a : Long.parseLong(p.substring(dash + 1));
                if (b < a || b - a > 10_000_000) {
                    throw new NumberFormatException();
                }
                for (long g = a; g <= b; g++) {
                    s.add(g);
                }
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + ": '" + p + "' is not GPS or GPS-GPS");
            }
        }
        return s;
    }
}
