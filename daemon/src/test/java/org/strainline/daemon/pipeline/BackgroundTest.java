package org.strainline.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** False-alarm rates from a background: counts over live time, floored at 1/T, thresholds, the file round trip. */
class BackgroundTest {
    @Test
    void farIsTheRateOfBackgroundValuesAtLeastAsLoudFlooredAtOneOverT() throws Exception {
        Background b = new Background(100, new double[] {1, 5, 3, 2, 4});
        assertEquals(3 / 100.0, b.far(3));
        assertEquals(1 / 100.0, b.far(5));
        assertEquals(1 / 100.0, b.far(9), "floored: a background of 100 s cannot tell rarer rates apart");
        assertEquals(5 / 100.0, b.far(-7));
        assertEquals(Math.nextUp(5.0), b.threshold(0.001), "below 1/T: above the loudest background value");
        assertEquals(Math.nextUp(3.0), b.threshold(0.02), "two background values allowed above");
        assertEquals(2 / 100.0, b.far(b.threshold(0.02)));
        Path f = Files.createTempFile("bg", ".json");
        b.write(f, 4, 3);
        Background r = Background.read(f);
        assertEquals(100, r.liveTimeS());
        assertEquals(1 / 100.0, r.far(5));
        assertEquals(3 / 100.0, r.far(3));
        Files.delete(f);
    }

    @Test
    void eachIfosBackgroundLiesBesideTheNetworksOne() {
        java.nio.file.Path dir = java.nio.file.Paths.get("/repo/bbhnet/3");
        assertEquals(dir.resolve("background-H1.json"), Background.aloneFile(dir.resolve("background.json"), "H1"));
        assertEquals(dir.resolve("bg.json-L1.json"), Background.aloneFile(dir.resolve("bg.json.json"), "L1"), "only the last .json goes");
        assertEquals(dir.resolve("bg-L1.json"), Background.aloneFile(dir.resolve("bg"), "L1"), "a name without .json is never its own partner");
    }
}
