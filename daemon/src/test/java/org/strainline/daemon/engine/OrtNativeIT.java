package org.strainline.daemon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that starts an ONNX Runtime engine and is then killed leaves nothing in its temporary
 * directory: ONNX Runtime on its own leaves a 24 MB copy of its libraries there at every start.
 */
class OrtNativeIT {
    private static final Path REPO = Paths.get(System.getProperty("strainline.home", "..")).resolve("models/repository");

    /** Started in a child JVM: runs a real engine once, then halts as a kill would (no shutdown hooks, no delete-on-exit). */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            ModelCard card = new ModelRepository(Paths.get(args[0])).resolve("bbhnet", null);
            try (Engine e = new OnnxRuntimeEngine(card, 1, 1, 1)) {
                e.run();
            }
            System.out.println("ran");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    @Test
    void aKilledJvmThatRanAnEngineLeavesNothingInItsTemporaryDirectory(@TempDir Path tmp) throws Exception {
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + javaTmp,
                "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), REPO.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish in 120 s");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ran"), "the engine did not run in the child: " + out);
        assertEquals(List.of(), contents(javaTmp), "left in java.io.tmpdir by a killed JVM; its log: " + out);
    }

    private static List<String> contents(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(x -> !x.equals(dir)).map(x -> dir.relativize(x) + (Files.isRegularFile(x) ? " (" + x.toFile().length() + " B)" : ""))
                    .sorted().toList();
        }
    }
}
