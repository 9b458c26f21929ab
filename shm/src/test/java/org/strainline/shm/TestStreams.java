package org.strainline.shm;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.strainline.gwf.Channel;
import org.strainline.gwf.Compression;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfWriter;
import org.strainline.gwf.Vect;

/**
 * An IFO of two streams as the field has them, at rates chosen by the test: a strain stream
 * (strain + state vector) and a witness stream, with sample values that encode GPS second,
 * channel and index so that every sample read can be checked.
 */
final class TestStreams {
    static final String STRAIN = "H1:GDS-CALIB_STRAIN";
    static final String STATE = "H1:GDS-CALIB_STATE_VECTOR";
    static final String STRAIN_PREFIX = "H-H1_llhoft";
    static final String WITNESS_PREFIX = "H-H1_lldetchar";

    final int strainRate;
    final int witnessRate;
    final int stateRate;
    final List<String> witnesses = new ArrayList<>();

    TestStreams(int strainRate, int witnessRate, int stateRate, int witnessCount) {
        this.strainRate = strainRate;
        this.witnessRate = witnessRate;
        this.stateRate = stateRate;
        String[] loops = {"CHARD", "CSOFT", "DHARD", "DSOFT", "INP1", "MICH", "PRC1", "PRC2", "SRC1", "SRC2"};
        witnesses.add("H1:PEM-CS_MAINSMON_EBAY_1_DQ");
        for (int i = 0; witnesses.size() < witnessCount; i++) {
            witnesses.add("H1:ASC-" + loops[(i / 2) % loops.length] + (i % 2 == 0 ? "_P" : "_Y") + "_OUT_DQ"
                    + (i >= 2 * loops.length ? "_" + i : ""));
        }
        witnesses.sort(Comparator.naturalOrder());
    }

    /** The realistic H1 second: strain at 16384 Hz, 21 witnesses at 1024 Hz, the state vector at 16 Hz. */
    static TestStreams h1() {
        return new TestStreams(16384, 1024, 16, 21);
    }

    /** Small rates for fast unit tests. */
    static TestStreams small() {
        return new TestStreams(256, 64, 16, 3);
    }

    IfoSpec spec(Path strainDir, Path witnessDir) {
        List<ChannelSpec> w = new ArrayList<>();
        for (String n : witnesses) {
            w.add(new ChannelSpec(n, witnessRate));
        }
        return new IfoSpec("H1", List.of(
                new StreamSpec("llhoft", strainDir, STRAIN_PREFIX,
                        List.of(new ChannelSpec(STRAIN, strainRate), new ChannelSpec(STATE, stateRate))),
                new StreamSpec("lldetchar", witnessDir, WITNESS_PREFIX, w)), STATE, IfoSpec.DEFAULT_READY_MASK);
    }

    /** The value every test frame holds at sample {@code i} of channel number {@code ch} in second {@code gps}. */
    static double value(long gps, int ch, int i) {
        return (gps % 100_000) * 1e-3 + ch * 1e-1 + i * 1e-7;
    }

    double[] series(long gps, int ch, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = value(gps, ch, i);
        }
        return d;
    }

    Frame strainFrame(long gps, int state) {
        int[] sv = new int[stateRate];
        java.util.Arrays.fill(sv, state);
        return new Frame("H1", 0, gps, gps, 0, 1.0)
                .addChannel(Channel.proc(STRAIN, Vect.of(STRAIN, series(gps, 0, strainRate), strainRate, 0, "strain")))
                .addChannel(Channel.adc(STATE, Vect.of(STATE, sv, stateRate, 0, "")));
    }

    Frame witnessFrame(long gps) {
        Frame f = new Frame("H1", 0, gps, gps, 0, 1.0);
        for (int k = 0; k < witnesses.size(); k++) {
            f.addChannel(Channel.adc(witnesses.get(k), Vect.of(witnesses.get(k), series(gps, 2 + k, witnessRate), witnessRate, 0, "")));
        }
        return f;
    }

    static byte[] bytes(Frame f) throws IOException {
        return GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, f);
    }

    /** Writes a frame as the field's writers do: a temporary name, then an atomic rename. */
    static Path write(Path dir, String prefix, Frame f) throws IOException {
        Path p = dir.resolve(FrameFileName.format(prefix, f.gpsS(), 1));
        GwfWriter.toPath(p, ByteOrder.LITTLE_ENDIAN, Compression.GZIP, f);
        return p;
    }

    /** Writes raw bytes atomically under a frame-file name. */
    static Path writeBytes(Path dir, String prefix, long gps, byte[] b) throws IOException {
        Path p = dir.resolve(FrameFileName.format(prefix, gps, 1));
        Path tmp = dir.resolve("." + p.getFileName() + ".tmp");
        Files.write(tmp, b);
        Files.move(tmp, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return p;
    }

    /** A fresh directory on tmpfs (/dev/shm) where there is one. */
    static Path tmpfsDir(String name) throws IOException {
        Path shm = Paths.get("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(parent, name);
    }

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
