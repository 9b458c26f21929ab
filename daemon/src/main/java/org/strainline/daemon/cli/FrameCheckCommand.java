package org.strainline.daemon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.strainline.gwf.Channel;
import org.strainline.gwf.ChecksumPolicy;
import org.strainline.gwf.ChecksumReport;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfFile;
import org.strainline.gwf.GwfReader;
import org.strainline.gwf.Vect;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code strainline frame check}: structure, checksums and every vector's payload. */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        description = {"Validate the structure, checksums and vector payloads of GWF files.",
            "Exit code 0 only if every file passes, 1 otherwise."})
final class FrameCheckCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "GWF files.")
    List<Path> files;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int failed = 0;
        for (Path p : files) {
            String problem = check(p);
            if (problem == null) {
                out.println("OK   " + p);
            } else {
                out.println("FAIL " + p + ": " + problem);
                failed++;
            }
        }
        out.printf("%d passed, %d failed%n", files.size() - failed, failed);
        out.flush();
        return failed == 0 ? 0 : Main.EXIT_FAILED;
    }

    /** Null when the file passes, else the first problem. */
    static String check(Path p) {
        try {
            GwfFile f = new GwfReader(ChecksumPolicy.REPORT).readFile(p);
            ChecksumReport ck = f.checksums();
            if (!ck.allOk()) {
                return ck.problems().isEmpty() ? "checksum mismatch" : ck.problems().get(0);
            }
            for (Frame fr : f.frames()) {
                for (Channel c : fr.channels()) {
                    for (Vect v = c.data(); v != null; v = v.next()) {
                        v.expand();
                    }
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }
}
