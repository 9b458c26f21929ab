package org.strainline.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A model the daemon cannot run stops it at start-up, with a message that names the model and
 * why, and exit code 1 (systemd's Restart=on-failure then retries, and the journal says why).
 */
class ModelLoadIT {
    @Test
    void aDamagedModelFileFailsTheStartNamingTheModel() throws Exception {
        try (DaemonTree t = new DaemonTree("strainline-model")) {
            Path repo = t.tmp.resolve("repository");
            for (String m : new String[] {"deepclean-h1", "deepclean-l1"}) {
                DaemonTree.copy(Cli.HOME.resolve("models/repository/" + m), repo.resolve(m));
            }
            Path onnx = repo.resolve("deepclean-h1/1/model.onnx");
            byte[] b = Files.readAllBytes(onnx);
            Files.write(onnx, java.util.Arrays.copyOf(b, b.length / 3));   // a copy that was cut short
            Path config = t.config(null);
            Files.writeString(config, Files.readString(config).replace(Cli.HOME.resolve("models/repository").toAbsolutePath().toString(),
                    repo.toString()));
            Cli.Result r = Cli.run("run", "--config", config.toString());
            assertEquals(1, r.code(), r.out());
            assertTrue(r.out().contains("deepclean-h1") && r.out().contains("model.onnx"), "names the model and its file: " + r.out());
            assertTrue(!r.out().contains("strainline running"), r.out());
        }
    }

    @Test
    void aModelThatIsNotInTheRepositoryFailsTheStartNamingIt() throws Exception {
        try (DaemonTree t = new DaemonTree("strainline-model")) {
            Path config = t.config(null);
            Files.writeString(config, Files.readString(config).replace("H1: deepclean-h1", "H1: deepclean-h9"));
            Cli.Result r = Cli.run("run", "--config", config.toString());
            assertEquals(1, r.code(), r.out());
            assertTrue(r.out().contains("deepclean-h9"), r.out());
        }
    }
}
