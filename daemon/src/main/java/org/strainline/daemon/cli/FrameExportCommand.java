package org.strainline.daemon.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.strainline.daemon.Npy;
import org.strainline.gwf.ChannelName;
import org.strainline.gwf.FrameDecoder;
import org.strainline.gwf.GwfException;
import org.strainline.kernels.StreamResampler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strainline frame export}: channels of a span of GPS time from frame directories into a
 * NumPy {@code .npy} array {@code (channels, samples)}, optionally resampled to a common rate with
 * the daemon's own streaming resampler (so training tools see exactly what the daemon computes,
 * delay included).
 */
@Command(name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Export channels of [start, start + duration) from the 1-s frame files under --from into a .npy array of",
            "shape (channels, samples), in the order given. With --rate every channel goes through the daemon's",
            "resampler (StreamResampler.of: Kaiser polyphase FIR in one or two stages, its group delay kept, warmed up on the second before the",
            "start where there is one); without it every channel must have the same rate."})
final class FrameExportCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("([a-zA-Z0-9_:-]+)-([0-9]{10})-1\\.gwf");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "directories searched for 1-s frame files (repeat)")
    List<Path> from;

    @Option(names = "--channels", required = true, split = ",", paramLabel = "NAME", description = "channels, in output order")
    List<String> channels;

    @Option(names = "--start", required = true, paramLabel = "GPS", description = "first GPS second")
    long start;

    @Option(names = "--duration", required = true, paramLabel = "SECONDS", description = "seconds")
    int duration;

    @Option(names = "--rate", paramLabel = "HZ", description = "resample every channel to this rate")
    Integer rate;

    @Option(names = "--to", required = true, paramLabel = "FILE.npy", description = "output file")
    Path to;

    @Option(names = "--float32", description = "write float32 (default float64)")
    boolean float32;

    @Override
    public Integer call() throws Exception {
        if (duration <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be positive");
        }
        Map<Long, List<Path>> bySecond = new HashMap<>();
        for (Path d : from) {
            if (!Files.isDirectory(d)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--from " + d + " is not a directory");
            }
            try (Stream<Path> s = Files.walk(d)) {
                s.filter(Files::isRegularFile).forEach(p -> {
                    Matcher m = NAME.matcher(p.getFileName().toString());
                    if (m.matches()) {
                        bySecond.computeIfAbsent(Long.parseLong(m.group(2)), k -> new ArrayList<>()).add(p);
                    }
                });
            }
        }
        int c = channels.size();
        ChannelName[] names = new ChannelName[c];
        for (int i = 0; i < c; i++) {
            names[i] = ChannelName.of(channels.get(i));
        }
        FrameDecoder dec = new FrameDecoder();
        StreamResampler[] rs = new StreamResampler[c];
        int[] nativeRate = new int[c];
        double[][] out = null;
        double[] tmp = new double[1 << 20];
        for (long g = start - 1; g < start + duration; g++) {
            boolean warm = g < start;
            List<Path> files = bySecond.get(g);
            if (files == null) {
                if (warm) {
                    continue;
                }
                throw new IOException("no frame file for GPS " + g + " under " + from);
            }
            List<ByteBuffer> buffers = new ArrayList<>();
            for (Path p : files) {
                buffers.add(load(p));
            }
            for (int i = 0; i < c; i++) {
                double[] x = read(dec, files, buffers, names[i], tmp);
                if (x == null) {
                    if (warm) {
                        continue;
                    }
                    throw new IOException("channel '" + channels.get(i) + "' not found for GPS " + g + " in " + files);
                }
                if (nativeRate[i] == 0) {
                    nativeRate[i] = x.length;
                    if (rate != null) {
                        rs[i] = StreamResampler.of(x.length, rate, x.length);
                    }
                } else if (nativeRate[i] != x.length) {
                    throw new IOException("channel '" + channels.get(i) + "' has " + x.length + " samples at GPS " + g
                            + ", " + nativeRate[i] + " before");
                }
                int outRate = rate != null ? rate : x.length;
                if (out == null && !warm) {
                    out = new double[c][];
                }
                if (!warm && out[i] == null) {
                    out[i] = new double[outRate * duration];
                }
                double[] y = rs[i] == null ? x : new double[rs[i].outputsFor(x.length)];
                if (rs[i] != null) {
                    rs[i].process(x, 0, x.length, y, 0);
                }
                if (!warm) {
                    if (y.length != outRate) {
                        throw new IOException("channel '" + channels.get(i) + "' gives " + y.length + " samples per second, "
                                + "not " + outRate + " (without --rate every channel must have the same rate)");
                    }
                    System.arraycopy(y, 0, out[i], (int) (g - start) * outRate, outRate);
                }
            }
        }
        for (int i = 0; i < c; i++) {
            if (out[i].length != out[0].length) {
                throw new CommandLine.ParameterException(spec.commandLine(), "channels have different rates ("
                        + channels.get(0) + ": " + nativeRate[0] + " Hz, " + channels.get(i) + ": " + nativeRate[i]
                        + " Hz): give --rate");
            }
        }
        Npy.write(to, out, float32);
        spec.commandLine().getOut().println("export: " + c + " channels x " + out[0].length + " samples -> " + to);
        return 0;
    }

    private static ByteBuffer load(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) ch.size());
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read it all
            }
            return b.flip();
        }
    }

    /** Channel {@code name} from the first of the second's files that has it, or null. */
    private static double[] read(FrameDecoder dec, List<Path> files, List<ByteBuffer> buffers, ChannelName name, double[] tmp)
            throws IOException {
        for (int f = 0; f < files.size(); f++) {
            Path p = files.get(f);
            ByteBuffer b = buffers.get(f);
            try {
                dec.open(b, p.toString());
                int n = dec.read(0, name, tmp, 0);
                return java.util.Arrays.copyOf(tmp, n);
            } catch (GwfException e) {
                if (e.kind() != GwfException.Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return null;
    }

}
