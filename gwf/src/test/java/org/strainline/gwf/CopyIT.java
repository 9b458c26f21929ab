package org.strainline.gwf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading a real file and writing it again (what FrameL's FrCopy does) keeps every structure:
 * channels with all their fields and vectors, detectors, history, events, simulated events,
 * serial data, messages, tables, summaries and static data.
 */
class CopyIT {
    @Test
    void everyCorpusFileSurvivesACopyInBothByteOrders() throws Exception {
        int copied = 0;
        for (Path p : TestFrames.corpusFiles()) {
            String n = p.toString();
            if (n.contains("lalsuite-v4")) {
                continue;
            }
            GwfFile orig = new GwfReader(ChecksumPolicy.OFF).readFile(p);
            for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                byte[] bytes = GwfWriter.toBytes(o, Compression.GZIP, orig.frames().toArray(new Frame[0]));
                GwfFile copy = new GwfReader(ChecksumPolicy.VERIFY).read(ByteBuffer.wrap(bytes), n + " copy");
                assertEquals(List.of(), copy.warnings(), n);
                assertEquals(orig.frames().size(), copy.frames().size(), n);
                for (int k = 0; k < orig.frames().size(); k++) {
                    assertFramesEqual(orig.frames().get(k), copy.frames().get(k), n + " frame " + k);
                }
            }
            copied++;
        }
        assertEquals(16, copied);
    }

    static void assertFramesEqual(Frame a, Frame b, String where) throws Exception {
        assertEquals(a.name(), b.name(), where);
        assertEquals(a.run(), b.run(), where);
        assertEquals(a.frameNumber(), b.frameNumber(), where);
        assertEquals(a.dataQuality(), b.dataQuality(), where);
        assertEquals(a.gpsS(), b.gpsS(), where);
        assertEquals(a.gpsNs(), b.gpsNs(), where);
        assertEquals(a.durationS(), b.durationS(), where);
        assertEquals(a.channels().size(), b.channels().size(), where);
        for (int i = 0; i < a.channels().size(); i++) {
            Channel x = a.channels().get(i);
            Channel y = b.channels().get(i);
            assertEquals(x.kind(), y.kind(), where);
            assertStructsEqual(x.struct(), y.struct(), where + " " + x.name());
        }
        assertListsEqual(a.detectSim(), b.detectSim(), where + " detectSim");
        assertListsEqual(a.detectProc(), b.detectProc(), where + " detectProc");
        assertListsEqual(a.history(), b.history(), where + " history");
        assertListsEqual(a.events(), b.events(), where + " events");
        assertListsEqual(a.simEvents(), b.simEvents(), where + " simEvents");
        assertListsEqual(a.serData(), b.serData(), where + " serData");
        assertListsEqual(a.messages(), b.messages(), where + " messages");
        assertListsEqual(a.tables(), b.tables(), where + " tables");
        assertListsEqual(a.summaries(), b.summaries(), where + " summaries");
        assertListsEqual(a.statData(), b.statData(), where + " statData");
        assertEquals(a.auxData().size(), b.auxData().size(), where + " auxData");
        for (int i = 0; i < a.auxData().size(); i++) {
            assertVectsEqual(a.auxData().get(i), b.auxData().get(i), where + " auxData");
        }
    }

    static void assertListsEqual(List<Struct> a, List<Struct> b, String where) throws Exception {
        assertEquals(a.size(), b.size(), where);
        for (int i = 0; i < a.size(); i++) {
            assertStructsEqual(a.get(i), b.get(i), where + "[" + i + "]");
        }
    }

    /** Same element values (pointers compared by what they lead to), same linked vectors and structures. */
    static void assertStructsEqual(Struct a, Struct b, String where) throws Exception {
        assertEquals(a.type(), b.type(), where);
        Map<String, Object> x = a.elements();
        Map<String, Object> y = b.elements();
        assertEquals(x.keySet(), y.keySet(), where);
        for (Map.Entry<String, Object> e : x.entrySet()) {
            String k = e.getKey();
            Object u = e.getValue();
            Object v = y.get(k);
            if (u instanceof Ptr) {
                Object lu = a.linked(k);
                Object lv = b.linked(k);
                if (lu instanceof Vect) {
                    assertVectsEqual((Vect) lu, (Vect) lv, where + "." + k);
                } else if (lu instanceof List && !k.equals("detector")) {
                    assertListsEqual(a.linkedStructs(k), b.linkedStructs(k), where + "." + k);
                } else if (!k.equals("detector")) {
                    assertEquals(((Ptr) u).isNull() || k.equals("next"), ((Ptr) v).isNull() || k.equals("next"), where + "." + k);
                }
            } else if (u != null && u.getClass().isArray()) {
                RoundTripTest.assertBitsEqual(u, v);
            } else if (u instanceof Double) {
                assertEquals(Double.doubleToLongBits((Double) u), Double.doubleToLongBits((Double) v), where + "." + k);
            } else {
                assertEquals(u, v, where + "." + k);
            }
        }
        if (a.type().equals("FrStatData")) {
            Struct da = a.linkedStructs("detector").isEmpty() ? null : a.linkedStructs("detector").get(0);
            Struct db = b.linkedStructs("detector").isEmpty() ? null : b.linkedStructs("detector").get(0);
            assertEquals(da == null ? null : da.getString("name"), db == null ? null : db.getString("name"), where);
        }
    }

    static void assertVectsEqual(Vect a, Vect b, String where) throws Exception {
        for (; a != null; a = a.next(), b = b.next()) {
            assertTrue(b != null, where + ": chain shorter");
            assertEquals(a.name(), b.name(), where);
            assertEquals(a.type(), b.type(), where);
            assertEquals(a.nData(), b.nData(), where);
            RoundTripTest.assertBitsEqual(a.nx(), b.nx());
            RoundTripTest.assertBitsEqual(a.dx(), b.dx());
            RoundTripTest.assertBitsEqual(a.startX(), b.startX());
            RoundTripTest.assertBitsEqual(a.unitX(), b.unitX());
            assertEquals(a.unitY(), b.unitY(), where);
            Object u = a.toArray();
            Object v = b.toArray();
            assertEquals(Array.getLength(u), Array.getLength(v), where);
            RoundTripTest.assertBitsEqual(u, v);
        }
        assertEquals(null, b, where + ": chain longer");
    }
}
