package org.strainline.daemon.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.strainline.daemon.engine.ModelCard;
import org.strainline.daemon.engine.ModelRepository;
import org.strainline.daemon.engine.OnnxRuntimeEngine;
import org.strainline.daemon.pipeline.Background;
import org.strainline.daemon.pipeline.BackgroundRun;
import org.strainline.daemon.pipeline.BbhnetStage;
import org.strainline.daemon.queue.StrainQueue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strainline background}: the BBHnet statistic's background over published strain, for false-alarm rates. */
@Command(name = "background",
        mixinStandardHelpOptions = true,
        description = {"Run the BBHnet stage, as the daemon runs it, over the H1 and L1 strain in a strain queue (a daemon run",
            "over data without signals), with L1 slid against H1 by --slides multiples of --slide-s seconds, and write",
            "the background of the integrated statistic (format: docs/background.md); and, unless",
            "--no-alone, the backgrounds of H1 and of L1 each searched alone (the daemon's search while the other IFO is",
            "absent or not ready) beside it, as <out>-H1.json and <out>-L1.json."})
final class BackgroundCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--strain-queue", required = true, paramLabel = "DIR", description = "the strain queue to read")
    Path strainQueue;

    @Option(names = "--repository", defaultValue = "models/repository", description = "model repository (default: ${DEFAULT-VALUE})")
    Path repository;

    @Option(names = "--model", defaultValue = "bbhnet", description = "model name[:version] (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--slides", defaultValue = "4", description = "time slides (default: ${DEFAULT-VALUE})")
    int slides;

    @Option(names = "--slide-s", defaultValue = "8", description = "seconds between slides (default: ${DEFAULT-VALUE})")
    int slideS;

    @Option(names = "--keep", defaultValue = "5000", description = "largest values kept in the file (default: ${DEFAULT-VALUE})")
    int keep;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "background file to write")
    Path out;

    // a plain flag: picocli's negatable form of an option that defaults to true left it true
    @Option(names = "--no-alone", description = "do not write the backgrounds of each IFO searched alone")
    boolean noAlone;

    @Override
    public Integer call() throws Exception {
        if (slides < 1 || slideS < 4) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--slides must be at least 1 and --slide-s at least 4 "
                    + "(a shift must exceed the windows and the integration)");
        }
        if (!Files.isDirectory(strainQueue)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--strain-queue " + strainQueue + " is not a queue directory");
        }
        ModelCard card = new ModelRepository(repository).resolve(model);
        BackgroundRun.Strain h1 = new BackgroundRun.Strain();
        BackgroundRun.Strain l1 = new BackgroundRun.Strain();
        int rate = 0;
        try (StrainQueue q = new StrainQueue(strainQueue, "", true)) {
            StrainQueue.Reader r = q.reader("start");
            for (StrainQueue.Record rec = r.next(); rec != null; rec = r.next()) {
                if (rate == 0) {
                    rate = rec.rateHz();
                } else if (rec.rateHz() != rate) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "the strain queue mixes " + rate + " and "
                            + rec.rateHz() + " Hz records");
                }
                (rec.ifo().equals("H1") ? h1 : rec.ifo().equals("L1") ? l1 : new BackgroundRun.Strain())
                        .put(rec.gpsS(), rec.flags(), rec.samples());
            }
        }
        int[] shifts = new int[slides];
        for (int i = 0; i < slides; i++) {
            shifts[i] = (i + 1) * slideS;
        }
        BbhnetStage.Settings s = BbhnetStage.Settings.defaults();
        long t0 = System.nanoTime();
        Background b;
        java.io.PrintWriter o = spec.commandLine().getOut();
        try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 1, 1)) {
            b = BackgroundRun.run(card, e, s, rate, h1, l1, shifts, (shift, searched) -> {
                o.printf(Locale.ROOT, "background: shift %d s, %d s searched (%.0f s)%n", shift, searched, (System.nanoTime() - t0) / 1e9);
                o.flush();
            });
        }
        b.write(out, s.inferenceRateHz(), keep);
        o.printf(Locale.ROOT, "background: %d s of H1, %d s of L1, %d slides: %.0f s live in %.0f s; FAR floor 1/T = %.2e Hz; "
                        + "threshold at 1/day %.3f -> %s%n", h1.seconds(), l1.seconds(), slides, b.liveTimeS(),
                (System.nanoTime() - t0) / 1e9, 1 / b.liveTimeS(), b.threshold(1.0 / 86400), out);
        if (!noAlone) {
            String[] names = {"H1", "L1"};
            BackgroundRun.Strain[] x = {h1, l1};
            try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(card, s.inferenceRateHz(), 1, 1)) {
                for (int i = 0; i < 2; i++) {
                    Background a = BackgroundRun.alone(card, e, s, rate, x[i], i);
                    Path f = Background.aloneFile(out, names[i]);
                    a.write(f, s.inferenceRateHz(), keep);
                    o.printf(Locale.ROOT, "background: %s alone: %.0f s live; FAR floor %.2e Hz; threshold at 1/day %.3f -> %s%n",
                            names[i], a.liveTimeS(), 1 / a.liveTimeS(), a.threshold(1.0 / 86400), f);
                }
            }
        }
        return 0;
    }
}
