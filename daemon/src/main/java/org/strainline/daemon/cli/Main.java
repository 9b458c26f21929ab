package org.strainline.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code strainline} command line. Exit codes: 0 ok, 1 a check failed (or a file could not be
 * read), 2 usage error.
 */
@Command(name = "strainline",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Low-latency inference daemon for gravitational-wave strain, and its tools.",
        subcommands = {FrameCommand.class, ReplayCommand.class, IngestCommand.class, SimulateCommand.class, TailCommand.class, RunCommand.class, ConfigCommand.class, BackgroundCommand.class,
            DemoCommand.class, ValidateCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code of a failed check. */
    public static final int EXIT_FAILED = 1;
    /** Exit code of a usage error. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** Builds the command line (for tests and {@link #main}). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("strainline: " + ex.getMessage());
            return EXIT_FAILED;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Version from the jar manifest, or "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"strainline " + (v == null ? "dev" : v)};
        }
    }
}
