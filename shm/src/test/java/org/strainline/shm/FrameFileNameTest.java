package org.strainline.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameFileNameTest {
    @Test
    void parsesTheFieldsNames() {
        long p = FrameFileName.parse("H-H1_llhoft-1389456018-1.gwf", "H-H1_llhoft");
        assertEquals(1389456018L, FrameFileName.gps(p));
        assertEquals(1, FrameFileName.duration(p));
        long q = FrameFileName.parse("L-L1_lldetchar-1389456018-4096.gwf", "L-L1_lldetchar");
        assertEquals(4096, FrameFileName.duration(q));
        assertEquals("H-H1_llhoft-1389456018-1.gwf", FrameFileName.format("H-H1_llhoft", 1389456018L, 1));
    }

    @Test
    void refusesEverythingElse() {
        for (String bad : new String[] {"H-H1_llhoft-138945601-1.gwf", "H-H1_llhoft-13894560189-1.gwf",
            "H-H1_llhoft-1389456018-0.gwf", "H-H1_llhoft-1389456018-1.gwf.tmp", ".H-H1_llhoft-1389456018-1.gwf",
            "H-H1_llhoft-1389456018-1.gwx", "L-L1_llhoft-1389456018-1.gwf", "H-H1_llhoft-13894x6018-1.gwf",
            "H-H1_llhoft-1389456018-.gwf", "H-H1_llhoft-1389456018-1a.gwf", ""}) {
            assertEquals(-1, FrameFileName.parse(bad, "H-H1_llhoft"), bad);
        }
    }
}
