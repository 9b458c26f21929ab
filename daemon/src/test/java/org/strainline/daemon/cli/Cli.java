package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real CLI as a process: bin/strainline over the shaded jar the build just made. */
final class Cli {
    static final Path HOME = Paths.get(System.getProperty("strainline.home", ".."));

    /** Exit code and standard output + error. */
    record Result(int code, String out) {
    }

    private Cli() {
    }

    /** A process builder for {@code strainline args...} (stderr merged into stdout). */
    static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(HOME.resolve("bin/strainline").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STRAINLINE_JAR", System.getProperty("strainline.jar"));
        return pb;
    }

    /** Everything a started process prints, once it has finished (within two minutes). */
    static Result finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the process finished");
        return new Result(p.exitValue(), out);
    }

    /** Runs {@code strainline args...} to the end. */
    static Result run(String... args) throws Exception {
        return finish(command(args).start());
    }
}
