package org.strainline.daemon.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.ModelRepository;
import org.strainline.daemon.engine.OnnxRuntimeEngine;
import org.strainline.daemon.pipeline.Background;
import org.strainline.daemon.pipeline.BackgroundRun;
import org.strainline.daemon.pipeline.BbhnetStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strainline background}: the BBHnet statistic's background over simulated noise, for false-alarm rates. */
@Command(name = "background",
        mixinStandardHelpOptions = true,
        description = {"Run the BBHnet stage over simulated H1+L1 Gaussian noise (design PSD) and write the background",
            "of the integrated statistic (format: org.strainline.daemon.pipeline.Background) for false-alarm rates."})
final class BackgroundCommand implements Callable<Integer> {
    @Option(names = "--repository", defaultValue = "models/repository", description = "model repository (default: ${DEFAULT-VALUE})")
    Path repository;

    @Option(names = "--model", defaultValue = "bbhnet", description = "model name[:version] (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--seconds", defaultValue = "3000", description = "seconds of noise searched (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--seed", defaultValue = "1", description = "noise seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--keep", defaultValue = "5000", description = "largest values kept in the file (default: ${DEFAULT-VALUE})")
    int keep;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "background file to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        int colon = model.indexOf(':');
        ModelCard card = new ModelRepository(repository).resolve(colon < 0 ? model : model.substring(0, colon),
                colon < 0 ? null : Integer.valueOf(model.substring(colon + 1)));
        BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
        long t0 = System.nanoTime();
        Background b;
        try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 1, 1)) {
            b = BackgroundRun.run(card, e, s, seconds, seed);
        }
        b.write(out, s.inferenceRateHz(), keep);
        spec().getOut().printf(Locale.ROOT, "background: %.0f s searched in %.0f s; threshold at 1/day %.3f (floored: 1/T = %.2e Hz) -> %s%n",
                b.liveTimeS(), (System.nanoTime() - t0) / 1e9, b.threshold(1.0 / 86400), 1 / b.liveTimeS(), out);
        return 0;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private picocli.CommandLine spec() {
        return spec.commandLine();
    }
}
