package org.strainline.shm;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.strainline.gwf.Channel;
import org.strainline.gwf.Compression;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfException;
import org.strainline.gwf.GwfFile;
import org.strainline.gwf.GwfReader;
import org.strainline.gwf.GwfWriter;
import org.strainline.gwf.Vect;

/**
 * Replays recorded frame files into shared-memory-style stream directories, as the field's
 * writers fill them: one 1-s file per stream per GPS second, written under a temporary name and
 * renamed into place, paced by GPS time (real time, N times faster, or as fast as possible), with
 * files older than the retention window deleted like the real partitions do. Each file's
 * modification time is set to the moment it was written, to the nanosecond (the kernel's own
 * stamp comes from its coarse clock, which on a 250 Hz kernel runs 4-8 ms behind), so latencies
 * measured from it are the pipeline's.
 *
 * <p>Input: every {@code {prefix}-{GPS}-{duration}.gwf} under {@code from}. Files in
 * subdirectories keep their relative directory under {@code to} (a tree made by {@code simulate},
 * {@code kafka/H1/...}, {@code lldetchar/H1/...}, replays as it is); files directly in
 * {@code from} go to {@code to/lldetchar/<IFO>} when their tag holds {@code lldetchar} and to
 * {@code to/kafka/<IFO>} otherwise, the IFO being the tag up to its first '_'. 1-s files are copied
 * byte for byte (damaged ones too: they are test data); longer files, and files with several
 * frames, are split into 1-s frames of every time-series channel; restamping shifts every GPS time
 * so the first second replayed is the one that just ended, or a given one (recordings from before
 * GPS 1000000000 must be restamped: online file names have a 10-digit GPS time).
 */
public final class Replay {
    private static final System.Logger LOG = System.getLogger(Replay.class.getName());
    /** Recorded files may predate 10-digit GPS times (before GPS 1e9, 2011): any number of digits. */
    private static final Pattern NAME = Pattern.compile("([a-zA-Z0-9_:-]+)-([0-9]+)-([1-9][0-9]*)\\.gwf");

    /**
     * @param from          directory (or single file) of recorded frame files
     * @param to            the shared-memory root to write into
     * @param speed         replay speed (1 = real time); {@code Double.POSITIVE_INFINITY} = as fast as possible
     * @param restampNow    shift GPS times so that the first replayed second ends now
     * @param restampGps    shift GPS times so that the first replayed second is this one (-1: keep them)
     * @param retainSeconds files of a stream older than this many seconds behind the newest are deleted (0 keeps all)
     */
    public record Options(Path from, Path to, double speed, boolean restampNow, long restampGps, int retainSeconds) {
        public static final int DEFAULT_RETAIN_SECONDS = 300;

        public Options(Path from, Path to, double speed, boolean restampNow, int retainSeconds) {
            this(from, to, speed, restampNow, -1, retainSeconds);
        }

        public Options {
            if (restampNow && restampGps >= 0) {
                throw new IllegalArgumentException("restamp to now or to a given GPS time, not both");
            }
            if (restampGps >= 10_000_000_000L) {
                throw new IllegalArgumentException("restamp GPS " + restampGps + " has more than 10 digits");
            }
            if (!(speed > 0)) {
                throw new IllegalArgumentException("speed must be positive (or max), got " + speed);
            }
            if (retainSeconds < 0) {
                throw new IllegalArgumentException("retain must be >= 0 seconds, got " + retainSeconds);
            }
        }

        /** {@code 1}, {@code 10}, {@code 2.5} or {@code max}. */
        public static double parseSpeed(String s) {
            if ("max".equalsIgnoreCase(s)) {
                return Double.POSITIVE_INFINITY;
            }
            try {
                double v = Double.parseDouble(s);
                if (v > 0 && Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new IllegalArgumentException("speed '" + s + "' is not a positive number or 'max'");
        }
    }

    /** Time and waiting, replaceable in tests. */
    public interface Pacer {
        long nanoTime();

        /** Waits until {@link #nanoTime()} reaches {@code deadlineNs}. */
        void sleepUntil(long deadlineNs) throws InterruptedException;

        Pacer SYSTEM = new Pacer() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepUntil(long deadlineNs) throws InterruptedException {
                long left;
                while ((left = deadlineNs - System.nanoTime()) > 0) {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                }
            }
        };
    }

    /** Called after every replayed second. */
    @FunctionalInterface
    public interface Progress {
        void update(Summary soFar);
    }

    /** What a replay did. */
    public static final class Summary {
        long firstGps = -1;
        long lastGps = -1;
        long totalSeconds;
        long seconds;
        long filesWritten;
        long filesCopied;
        long filesSplit;
        long filesDeleted;
        long secondsUnreadable;
        long maxBehindNs;
        final Set<String> streams = new java.util.TreeSet<>();

        /** GPS of the first second written (after restamping). */
        public long firstGps() {
            return firstGps;
        }

        /** GPS of the last second written (after restamping). */
        public long lastGps() {
            return lastGps;
        }

        /** Seconds the input spans. */
        public long totalSeconds() {
            return totalSeconds;
        }

        /** Seconds replayed so far. */
        public long seconds() {
            return seconds;
        }

        public long filesWritten() {
            return filesWritten;
        }

        /** 1-s files written byte for byte. */
        public long filesCopied() {
            return filesCopied;
        }

        /** 1-s files made from longer (or restamped) frames. */
        public long filesSplit() {
            return filesSplit;
        }

        /** Files removed by the retention window. */
        public long filesDeleted() {
            return filesDeleted;
        }

        /** Stream seconds that could not be made because their source file is unreadable. */
        public long secondsUnreadable() {
            return secondsUnreadable;
        }

        /** The most the replay fell behind its schedule. */
        public long maxBehindNs() {
            return maxBehindNs;
        }

        /** The output directories written, relative to the root. */
        public Set<String> streams() {
            return streams;
        }

        @Override
        public String toString() {
            return seconds + "/" + totalSeconds + " s replayed (GPS " + firstGps + ".." + lastGps + "), "
                    + filesWritten + " files written (" + filesCopied + " copied, " + filesSplit + " split or restamped), "
                    + filesDeleted + " deleted by retention, " + secondsUnreadable + " stream-seconds unreadable, at most "
                    + maxBehindNs / 1_000_000 + " ms behind schedule, streams " + streams;
        }
    }

    private record SourceFile(Path path, long gps, int duration) {
    }

    /** One output stream: a directory and a prefix, its source files in GPS order. */
    private static final class Out {
        final Path dir;
        final String prefix;
        final List<SourceFile> files = new ArrayList<>();
        final ArrayDeque<Long> written = new ArrayDeque<>();
        int cursor;
        SourceFile loadedFrom;
        GwfFile loaded;
        final Map<Vect, Object> expanded = new IdentityHashMap<>();
        final Set<String> skipped = new HashSet<>();

        Out(Path dir, String prefix) {
            this.dir = dir;
            this.prefix = prefix;
        }

        String label(Path root) {
            return root.relativize(dir) + "/" + prefix;
        }
    }

    private final Options options;
    private final Pacer pacer;

    public Replay(Options options) {
        this(options, Pacer.SYSTEM);
    }

    public Replay(Options options, Pacer pacer) {
        this.options = options;
        this.pacer = pacer;
    }

    /** Replays everything; returns what was done. Interrupting the thread stops after the current second. */
    public Summary run(Progress progress) throws IOException {
        List<Out> outs = discover();
        Summary sum = new Summary();
        if (outs.isEmpty()) {
            throw new IOException("no frame files ({prefix}-{GPS}-{duration}.gwf) under " + options.from());
        }
        long g0 = Long.MAX_VALUE;
        long gEnd = Long.MIN_VALUE;
        for (Out o : outs) {
            for (SourceFile f : o.files) {
                g0 = Math.min(g0, f.gps());
                gEnd = Math.max(gEnd, f.gps() + f.duration());
            }
            Files.createDirectories(o.dir);
            sum.streams.add(o.label(options.to()));
        }
        long shift = options.restampNow() ? GpsTime.nowS() - 1 - g0 : options.restampGps() >= 0 ? options.restampGps() - g0 : 0;
        if (g0 + shift < 1_000_000_000L) {
            throw new IOException("the recording starts at GPS " + g0 + ", before GPS 1000000000: 1-s file names need a"
                    + " 10-digit GPS time; restamp it (to now, or to a given GPS time)");
        }
        sum.totalSeconds = gEnd - g0;
        long t0 = pacer.nanoTime();
        for (long g = g0; g < gEnd; g++) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            if (Double.isFinite(options.speed())) {
                long due = t0 + (long) ((g - g0) * 1e9 / options.speed());
                try {
                    pacer.sleepUntil(due);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                sum.maxBehindNs = Math.max(sum.maxBehindNs, pacer.nanoTime() - due);
            }
            for (Out o : outs) {
                second(o, g, shift, sum);
            }
            if (sum.firstGps < 0) {
                sum.firstGps = g + shift;
            }
            sum.lastGps = g + shift;
            sum.seconds++;
            if (progress != null) {
                progress.update(sum);
            }
        }
        return sum;
    }

    private List<Out> discover() throws IOException {
        Path from = options.from();
        if (!Files.exists(from)) {
            throw new IOException("replay source " + from + " does not exist");
        }
        Map<String, Out> outs = new LinkedHashMap<>();
        List<Path> paths;
        try (Stream<Path> s = Files.isDirectory(from) ? Files.walk(from) : Stream.of(from)) {
            paths = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path p : paths) {
            Matcher m = NAME.matcher(p.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            String prefix = m.group(1);
            Path rel = Files.isDirectory(from) ? from.relativize(p).getParent() : null;
            Path dir = rel != null ? options.to().resolve(rel) : options.to().resolve(defaultDir(prefix));
            Out o = outs.computeIfAbsent(dir + "|" + prefix, k -> new Out(dir, prefix));
            o.files.add(new SourceFile(p, Long.parseLong(m.group(2)), Integer.parseInt(m.group(3))));
        }
        for (Out o : outs.values()) {
            o.files.sort(Comparator.comparingLong(SourceFile::gps));
        }
        return new ArrayList<>(outs.values());
    }

    /** {@code lldetchar/H1} for {@code H-H1_lldetchar}, {@code kafka/H1} for {@code H-H1_llhoft} or {@code H-H1_HOFT_C00}. */
    static String defaultDir(String prefix) {
        int dash = prefix.indexOf('-');
        String tag = dash >= 0 ? prefix.substring(dash + 1) : prefix;
        int us = tag.indexOf('_');
        String ifo = us > 0 ? tag.substring(0, us) : tag;
        return (tag.toLowerCase(java.util.Locale.ROOT).contains("lldetchar") ? "lldetchar/" : "kafka/") + ifo;
    }

    private void second(Out o, long g, long shift, Summary sum) throws IOException {
        while (o.cursor < o.files.size() && o.files.get(o.cursor).gps() + o.files.get(o.cursor).duration() <= g) {
            o.cursor++;
        }
        if (o.cursor >= o.files.size() || o.files.get(o.cursor).gps() > g) {
            return;    // the recording has no data of this stream for this second
        }
        SourceFile src = o.files.get(o.cursor);
        long outGps = g + shift;
        Path target = o.dir.resolve(FrameFileName.format(o.prefix, outGps, 1));
        byte[] bytes;
        if (src.duration() == 1 && shift == 0) {
            bytes = Files.readAllBytes(src.path());
            sum.filesCopied++;
        } else {
            bytes = split(o, src, g, outGps);
            if (bytes == null) {
                sum.secondsUnreadable++;
                return;
            }
            sum.filesSplit++;
        }
        Path tmp = o.dir.resolve("." + target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        // the file's time is when it was written, to the nanosecond: the kernel stamps a write with its
        // coarse clock (a tick or more behind: 4-8 ms on a 250 Hz kernel), which would count in every
        // latency measured from the file's time
        Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        sum.filesWritten++;
        o.written.addLast(outGps);
        if (options.retainSeconds() > 0) {
            while (!o.written.isEmpty() && o.written.peekFirst() <= outGps - options.retainSeconds()) {
                long old = o.written.pollFirst();
                if (Files.deleteIfExists(o.dir.resolve(FrameFileName.format(o.prefix, old, 1)))) {
                    sum.filesDeleted++;
                }
            }
        }
    }

    /** The 1-s frame of second {@code g} from a longer (or restamped) source file, encoded; null if unreadable. */
    private byte[] split(Out o, SourceFile src, long g, long outGps) throws IOException {
        if (o.loadedFrom != src) {
            o.loadedFrom = src;
            o.expanded.clear();
            try {
                o.loaded = new GwfReader().readFile(src.path());
            } catch (GwfException e) {
                o.loaded = null;
                LOG.log(System.Logger.Level.WARNING, "cannot replay " + src.path() + ": " + e.getMessage());
            }
        }
        if (o.loaded == null) {
            return null;
        }
        for (Frame f : o.loaded.frames()) {
            long start = f.gpsS();
            double dt = f.durationS();
            if (f.gpsNs() != 0 || g < start || g + 1 > start + dt) {
                continue;
            }
            Frame one = dt == 1.0 ? f.restamped(outGps, 0) : slice(o, f, g - start, outGps);
            return GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, one);
        }
        if (o.skipped.add("frame@" + g)) {
            LOG.log(System.Logger.Level.WARNING, src.path() + " has no whole-second frame covering GPS " + g);
        }
        return null;
    }

    /** Second {@code offsetS} of a longer frame: every 1-D time series channel cut to that second. */
    private Frame slice(Out o, Frame f, long offsetS, long outGps) throws GwfException {
        Frame one = new Frame(f.name(), f.run(), f.frameNumber() + offsetS, outGps, 0, 1.0);
        for (Channel c : f.channels()) {
            Vect v = c.data();
            if (v == null || v.nDim() != 1 || v.dx()[0] <= 0) {
                skip(o, c.name(), "has no time axis");
                continue;
            }
            double rate = 1.0 / v.dx()[0];
            long perSecond = Math.round(rate);
            long first = Math.round((offsetS - v.startX()[0]) * rate);
            if (Math.abs(perSecond - rate) > 1e-6 * rate || first < 0 || first + perSecond > v.nData()) {
                skip(o, c.name(), "does not cover whole seconds at a whole-number rate (" + rate + " Hz)");
                continue;
            }
            Object all = o.expanded.get(v);
            if (all == null) {
                all = v.toArray();
                o.expanded.put(v, all);
            }
            int words = v.type().isComplex() ? 2 : 1;
            Object part = Array.newInstance(all.getClass().getComponentType(), (int) (perSecond * words));
            System.arraycopy(all, (int) (first * words), part, 0, (int) (perSecond * words));
            Vect cut = Vect.ofArray(v.name(), v.type(), part, new long[] {perSecond}, new double[] {v.dx()[0]},
                    new double[] {0.0}, v.unitX(), v.unitY());
            switch (c.kind()) {
                case ADC: one.addChannel(Channel.adc(c.name(), cut)); break;
                case PROC: one.addChannel(Channel.proc(c.name(), cut)); break;
                default: one.addChannel(Channel.sim(c.name(), cut)); break;
            }
        }
        return one;
    }

    private static void skip(Out o, String channel, String why) {
        if (o.skipped.add(channel)) {
            LOG.log(System.Logger.Level.WARNING, "replay of " + o.prefix + ": channel '" + channel + "' " + why + "; not replayed");
        }
    }
}
