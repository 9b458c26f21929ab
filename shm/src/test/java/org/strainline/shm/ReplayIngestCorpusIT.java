package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfFile;
import org.strainline.gwf.GwfReader;

/**
 * Real frame files written by FrameL, replayed into a shared-memory tree and ingested: the
 * replay splits them into 1-s files, ingest reads every second back, sample for sample.
 */
class ReplayIngestCorpusIT {
    private Path root;
    private Path src;

    private static Path corpus() {
        Path dir = Paths.get(System.getProperty("gwf.corpus", "../../shared/gwf-corpus"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "GWF corpus not found at " + dir.toAbsolutePath() + ": corpus tests skipped");
        return dir;
    }

    @BeforeEach
    void dirs() throws IOException {
        root = TestStreams.tmpfsDir("strainline-corpus-replay");
        src = TestStreams.tmpfsDir("strainline-corpus-src");
    }

    @AfterEach
    void clean() throws IOException {
        TestStreams.delete(root);
        TestStreams.delete(src);
    }

    /** Replayed to start here: the recordings predate 10-digit GPS times. */
    private static final long RESTAMP = 1_400_000_000L;

    /** Expected (restamped) GPS, first and last sample of each second of a channel of a recorded file. */
    private static List<double[]> perSecond(Path file, String channel, int rate) throws IOException {
        GwfFile f = GwfReader.read(file);
        List<double[]> l = new ArrayList<>();
        long first = f.frames().get(0).gpsS();
        for (Frame fr : f.frames()) {
            double[] x = fr.channel(channel).data().toDoubles();
            for (int s = 0; s < x.length / rate; s++) {
                l.add(new double[] {RESTAMP + fr.gpsS() - first + s, x[s * rate], x[s * rate + rate - 1]});
            }
        }
        return l;
    }

    private void replayAndIngest(Path recorded, String prefix, String channel, int rate, boolean live) throws Exception {
        Files.copy(recorded, src.resolve(recorded.getFileName()));
        Path dir = root.resolve(Replay.defaultDir(prefix));
        Files.createDirectories(dir);
        IfoSpec spec = new IfoSpec("H1", List.of(new StreamSpec("strain", dir, prefix, List.of(new ChannelSpec(channel, rate)))),
                null, 0);
        List<double[]> expect = perSecond(recorded, channel, rate);
        Replay replay = new Replay(new Replay.Options(src, root, live ? 100 : Double.POSITIVE_INFINITY, false, RESTAMP, 0));
        if (!live) {
            replay.run(null);
        }
        Collector c = new Collector();
        Ingest ingest = new Ingest(IngestConfig.builder(List.of(spec)).start(StartPolicy.OLDEST).ringSize(16)
                .watchMode(StreamWatcher.Mode.INOTIFY).build());
        try {
            ingest.ring("H1").handleEventsWith(c);
            ingest.start();
            if (live) {
                replay.run(null);
            }
            c.await(expect.size(), 30_000);
        } finally {
            ingest.close();
        }
        IngestCounters k = ingest.counters("H1");
        assertEquals(expect.size(), k.get(IngestCounter.FILES_DECODED), k.toString());
        assertEquals(expect.size(), k.secondsAccounted(), k.toString());
        List<Collector.Seen> seen = c.seen();
        assertEquals(expect.size(), seen.size());
        for (int i = 0; i < seen.size(); i++) {
            Collector.Seen s = seen.get(i);
            assertEquals((long) expect.get(i)[0], s.gps());
            assertEquals(0, s.flags(), "second " + s.gps());
            assertEquals(expect.get(i)[1], s.first(), "first sample of " + s.gps());
            assertEquals(expect.get(i)[2], s.last(), "last sample of " + s.gps());
        }
    }

    /** FrameL 6.20, big-endian v6: 6 frames of 10 s of a 16384 Hz INT_4S channel, split into 60 seconds. */
    @Test
    void aBigEndianV6FileOfTenSecondFramesComesBackSecondBySecond() throws Exception {
        replayAndIngest(corpus().resolve("lalsuite/F-TEST-600000000-60.gwf"), "F-TEST", "H1:LSC-AS_Q", 16384, false);
    }

    /** FrameL 8.08: 120 frames of 1 s in one file (FrSimData REAL_4 at 1024 Hz), replayed live at 100x. */
    @Test
    void aFileOfOneSecondFramesReplayedLiveIsIngestedAsItArrives() throws Exception {
        replayAndIngest(corpus().resolve("lalsuite/H-CW_Injection-875206560-120.gwf"), "H-CW_Injection", "H1:LSC-DARM_ERR", 1024, true);
    }

    /** FrameL 8.20: a real 1-s strain file (gzip), copied byte for byte. */
    @Test
    void aRealOneSecondStrainFileIsCopiedAndIngested() throws Exception {
        replayAndIngest(corpus().resolve("gwpy/HLV-HW100916-968654552-1.gwf"), "HLV-HW100916", "H1:LDAS-STRAIN", 16384, false);
    }
}
