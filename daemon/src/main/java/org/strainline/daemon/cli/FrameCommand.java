package org.strainline.daemon.cli;

import picocli.CommandLine.Command;

/** {@code strainline frame}: tools for GWF frame files. */
@Command(name = "frame",
        mixinStandardHelpOptions = true,
        description = "Inspect and check GWF frame files.",
        subcommands = {FrameDumpCommand.class, FrameCheckCommand.class, FrameExportCommand.class})
final class FrameCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (dump, check, export)");
    }
}
