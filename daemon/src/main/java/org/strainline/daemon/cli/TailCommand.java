package org.strainline.daemon.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.strainline.daemon.Json;
import org.strainline.daemon.queue.AlertQueue;
import org.strainline.daemon.queue.StrainQueue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strainline tail}: a queue's records as JSON lines, for people and for downstream programs in any language. */
@Command(name = "tail",
        mixinStandardHelpOptions = true,
        description = "Print a queue's records as JSON lines (docs/queues.md describes them); --follow waits for new ones.")
final class TailCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--queue", defaultValue = "strain", paramLabel = "strain|alerts", description = "which queue (default: ${DEFAULT-VALUE})")
    String queue;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the queue's directory")
    Path dir;

    @Option(names = "--from", defaultValue = "start", paramLabel = "start|end|GPS", description = "where to begin (default: ${DEFAULT-VALUE})")
    String from;

    @Option(names = "--follow", description = "keep waiting for new records (until interrupted)")
    boolean follow;

    @Option(names = "--samples", description = "include the samples (strain)")
    boolean samples;

    @Override
    public Integer call() throws Exception {
        if (!queue.equals("strain") && !queue.equals("alerts")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--queue " + queue + ": strain or alerts");
        }
        if (!from.equals("start") && !from.equals("end") && !from.matches("[0-9]{10}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from " + from + ": start, end or a 10-digit GPS second");
        }
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + dir + " is not a queue directory");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (queue.equals("alerts")) {
            return alerts(out);
        }
        try (StrainQueue q = new StrainQueue(dir, "", true)) {
            StrainQueue.Reader r = q.reader(from);
            while (true) {
                StrainQueue.Record rec = r.next();
                if (rec == null) {
                    out.flush();
                    if (!follow) {
                        return 0;
                    }
                    Thread.sleep(20);
                    continue;
                }
                out.println(Json.write(StrainQueue.json(rec, samples)));
            }
        }
    }

    private int alerts(PrintWriter out) throws InterruptedException {
        long fromNs = from.matches("[0-9]{10}") ? Long.parseLong(from) * 1_000_000_000L : Long.MIN_VALUE;
        try (AlertQueue q = new AlertQueue(dir, true)) {
            AlertQueue.Reader r = q.reader(from.equals("end"));
            while (true) {
                AlertQueue.Alert a = r.next();
                if (a == null) {
                    out.flush();
                    if (!follow) {
                        return 0;
                    }
                    Thread.sleep(20);
                    continue;
                }
                if (a.gpsNs() >= fromNs) {
                    out.println(Json.write(a.json()));
                }
            }
        }
    }
}
