package org.strainline.daemon.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.strainline.daemon.config.DaemonConfig;
import org.strainline.shm.IfoSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code strainline config check FILE}: validates a configuration without running anything. */
@Command(name = "config",
        mixinStandardHelpOptions = true,
        description = "Configuration tools.",
        subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (check)");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a configuration file (exit 0 when valid, 1 with the key and the reason when not).")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            DaemonConfig c = DaemonConfig.load(file);
            StringBuilder sb = new StringBuilder(file + ": valid;");
            for (IfoSpec i : c.ingest().ifos()) {
                sb.append(' ').append(i.ifo()).append(" (").append(i.streams().size()).append(" streams, ")
                        .append(i.channelCount()).append(" channels, model ").append(c.deepclean().models().get(i.ifo())).append(')');
            }
            sb.append("; strain queue ").append(c.publish().strainQueue());
            spec.commandLine().getOut().println(sb);
            return 0;
        }
    }
}
