package org.strainline.daemon.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.strainline.shm.Replay;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strainline replay}: recorded frame files into shared-memory stream directories, paced by GPS time. */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replay recorded frame files into shared-memory stream directories as the field's writers fill them:",
            "one 1-s file per stream per GPS second, written under a temporary name and renamed, paced by GPS time,",
            "older files deleted. Subdirectories of --from keep their place under --to; files directly in --from go",
            "to kafka/<IFO> (or lldetchar/<IFO> for lldetchar tags). Longer files are split into 1-s frames."})
final class ReplayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "recorded frame files (searched recursively)")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "ROOT", description = "shared-memory root to write into, e.g. /dev/shm")
    Path to;

    @Option(names = "--speed", defaultValue = "1", paramLabel = "1|N|max",
            description = "1 = real time, N = N times faster, max = as fast as possible (default: ${DEFAULT-VALUE})")
    String speed;

    @Option(names = "--restamp-now", description = "shift GPS times so the first second replayed is the one that just ended")
    boolean restampNow;

    @Option(names = "--restamp", paramLabel = "GPS", description = "shift GPS times so the first second replayed is GPS")
    Long restampGps;

    @Option(names = "--retain", defaultValue = "300", paramLabel = "SECONDS",
            description = "delete files more than this many seconds behind the newest; 0 keeps all (default: ${DEFAULT-VALUE})")
    int retain;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "show progress when the output is a terminal (default: on)")
    boolean progress;

    @Override
    public Integer call() throws Exception {
        Replay.Options options;
        try {
            options = new Replay.Options(from, to, Replay.Options.parseSpeed(speed), restampNow,
                    restampGps == null ? -1 : restampGps, retain);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = progress && System.console() != null;
        long[] lastShown = {0};
        Replay.Progress show = terminal ? s -> {
            long now = System.nanoTime();
            if (now - lastShown[0] >= 250_000_000L || s.seconds() == s.totalSeconds()) {
                lastShown[0] = now;
                err.printf("\rreplay: %d/%d s  GPS %d  %d files  behind schedule at most %d ms ",
                        s.seconds(), s.totalSeconds(), s.lastGps(), s.filesWritten(), s.maxBehindNs() / 1_000_000);
                err.flush();
            }
        } : null;
        Replay.Summary sum = new Replay(options).run(show);
        if (terminal) {
            err.println();
        }
        out.println("replay: " + sum);
        return 0;
    }
}
