package org.strainline.gwf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The layouts of the structures this codec decodes and writes, element by element, in the order
 * and with the type strings of the format's dictionary (FrSE records). The v8 layouts are the
 * ones FrameL 8.30 writes; v6 and v7 differ only where {@link #forVersion} says. The trailing
 * v8 {@code chkSum} is handled by the structure walker, not listed here. FrTOC and FrEndOfFile
 * have hand-written codecs ({@link Toc}, {@link GwfReader}).
 */
final class Schema {

    /** Kinds of element. */
    enum Kind { CHAR, CHAR_U, INT_2S, INT_2U, INT_4S, INT_4U, INT_8S, INT_8U, REAL_4, REAL_8, STRING, PTR, BYTES2, ARRAY, BLOB }

    /** One element: its name, the dictionary type string, and how to decode it. */
    static final class Element {
        final String name;
        final String typeString;
        final Kind kind;
        /** For ARRAY: the element kind; for BLOB: unused. */
        final Kind itemKind;
        /** For ARRAY and BLOB: index of the element that holds the count. */
        final int countIndex;
        /** For PTR: the type pointed to. */
        final String target;

        Element(String name, String typeString, Kind kind, Kind itemKind, int countIndex, String target) {
            this.name = name;
            this.typeString = typeString;
            this.kind = kind;
            this.itemKind = itemKind;
            this.countIndex = countIndex;
            this.target = target;
        }
    }

    /** One structure type. */
    static final class Def {
        final String name;
        final List<Element> elements;
        final Map<String, Integer> index;

        Def(String name, List<Element> elements) {
            this.name = name;
            this.elements = Collections.unmodifiableList(elements);
            Map<String, Integer> m = new HashMap<>();
            for (int i = 0; i < elements.size(); i++) {
                m.put(elements.get(i).name, i);
            }
            this.index = m;
        }

        int indexOf(String element) {
            Integer i = index.get(element);
            if (i == null) {
                throw new IllegalArgumentException(name + " has no element '" + element + "'");
            }
            return i;
        }
    }

    private static final String[][] V8 = {
        {"FrameH", "name:STRING", "run:INT_4S", "frame:INT_4U", "dataQuality:INT_4U", "GTimeS:INT_4U", "GTimeN:INT_4U",
            "ULeapS:INT_2U", "dt:REAL_8", "type:PTR_STRUCT(FrVect *)", "user:PTR_STRUCT(FrVect *)",
            "detectSim:PTR_STRUCT(FrDetector *)", "detectProc:PTR_STRUCT(FrDetector *)", "history:PTR_STRUCT(FrHistory *)",
            "rawData:PTR_STRUCT(FrRawData *)", "procData:PTR_STRUCT(FrProcData *)", "simData:PTR_STRUCT(FrSimData *)",
            "event:PTR_STRUCT(FrEvent *)", "simEvent:PTR_STRUCT(FrSimEvent *)", "summaryData:PTR_STRUCT(FrSummary *)",
            "auxData:PTR_STRUCT(FrVect *)", "auxTable:PTR_STRUCT(FrTable *)"},
        {"FrDetector", "name:STRING", "prefix:CHAR[2]", "longitude:REAL_8", "latitude:REAL_8", "elevation:REAL_4",
            "armXazimuth:REAL_4", "armYazimuth:REAL_4", "armXaltitude:REAL_4", "armYaltitude:REAL_4",
            "armXmidpoint:REAL_4", "armYmidpoint:REAL_4", "localTime:INT_4S", "aux:PTR_STRUCT(FrVect *)",
            "table:PTR_STRUCT(FrTable *)", "next:PTR_STRUCT(FrDetector *)"},
        {"FrStatData", "name:STRING", "comment:STRING", "representation:STRING", "timeStart:INT_4U", "timeEnd:INT_4U",
            "version:INT_4U", "detector:PTR_STRUCT(FrDetector *)", "data:PTR_STRUCT(FrVect *)", "table:PTR_STRUCT(FrTable *)"},
        {"FrVect", "name:STRING", "compress:INT_2U", "type:INT_2U", "nData:INT_8U", "nBytes:INT_8U", "data:CHAR[nBytes]",
            "nDim:INT_4U", "nx:INT_8U[nDim]", "dx:REAL_8[nDim]", "startX:REAL_8[nDim]", "unitX:STRING[nDim]",
            "unitY:STRING", "next:PTR_STRUCT(FrVect *)"},
        {"FrHistory", "name:STRING", "time:INT_4U", "comment:STRING", "next:PTR_STRUCT(FrHistory *)"},
        {"FrRawData", "name:STRING", "firstSer:PTR_STRUCT(FrSerData *)", "firstAdc:PTR_STRUCT(FrAdcData *)",
            "firstTable:PTR_STRUCT(FrTable *)", "logMsg:PTR_STRUCT(FrMsg *)", "more:PTR_STRUCT(FrVect *)"},
        {"FrAdcData", "name:STRING", "comment:STRING", "channelGroup:INT_4U", "channelNumber:INT_4U", "nBits:INT_4U",
            "bias:REAL_4", "slope:REAL_4", "units:STRING", "sampleRate:REAL_8", "timeOffset:REAL_8", "fShift:REAL_8",
            "phase:REAL_4", "dataValid:INT_2U", "data:PTR_STRUCT(FrVect *)", "aux:PTR_STRUCT(FrVect *)",
            "next:PTR_STRUCT(FrAdcData *)"},
        {"FrSerData", "name:STRING", "timeSec:INT_4U", "timeNsec:INT_4U", "sampleRate:REAL_8", "data:STRING",
            "serial:PTR_STRUCT(FrVect *)", "table:PTR_STRUCT(FrTable *)", "next:PTR_STRUCT(FrSerData *)"},
        {"FrTable", "name:STRING", "comment:STRING", "nColumn:INT_2U", "nRow:INT_4U", "columnName:STRING[nColumn]",
            "column:PTR_STRUCT(FrVect *)", "next:PTR_STRUCT(FrTable *)"},
        {"FrMsg", "alarm:STRING", "message:STRING", "severity:INT_4U", "GTimeS:INT_4U", "GTimeN:INT_4U",
            "next:PTR_STRUCT(FrMsg *)"},
        {"FrProcData", "name:STRING", "comment:STRING", "type:INT_2U", "subType:INT_2U", "timeOffset:REAL_8",
            "tRange:REAL_8", "fShift:REAL_8", "phase:REAL_4", "fRange:REAL_8", "BW:REAL_8", "nAuxParam:INT_2U",
            "auxParam:REAL_8[nAuxParam]", "auxParamNames:STRING[nAuxParam]", "data:PTR_STRUCT(FrVect *)",
            "aux:PTR_STRUCT(FrVect *)", "table:PTR_STRUCT(FrTable *)", "history:PTR_STRUCT(FrHistory *)",
            "next:PTR_STRUCT(FrProcData *)"},
        {"FrSimData", "name:STRING", "comment:STRING", "sampleRate:REAL_8", "timeOffset:REAL_8", "fShift:REAL_8",
            "phase:REAL_4", "data:PTR_STRUCT(FrVect *)", "input:PTR_STRUCT(FrVect *)", "table:PTR_STRUCT(FrTable *)",
            "next:PTR_STRUCT(FrSimData *)"},
        {"FrEvent", "name:STRING", "comment:STRING", "inputs:STRING", "GTimeS:INT_4U", "GTimeN:INT_4U",
            "timeBefore:REAL_4", "timeAfter:REAL_4", "eventStatus:INT_4U", "amplitude:REAL_4", "probability:REAL_4",
            "statistics:STRING", "nParam:INT_2U", "parameters:REAL_8[nParam]", "parameterNames:STRING[nParam]",
            "data:PTR_STRUCT(FrVect *)", "table:PTR_STRUCT(FrTable *)", "next:PTR_STRUCT(FrEvent *)"},
        {"FrSimEvent", "name:STRING", "comment:STRING", "inputs:STRING", "GTimeS:INT_4U", "GTimeN:INT_4U",
            "timeBefore:REAL_4", "timeAfter:REAL_4", "amplitude:REAL_4", "nParam:INT_2U", "parameters:REAL_8[nParam]",
            "parameterNames:STRING[nParam]", "data:PTR_STRUCT(FrVect *)", "table:PTR_STRUCT(FrTable *)",
            "next:PTR_STRUCT(FrSimEvent *)"},
        {"FrSummary", "name:STRING", "comment:STRING", "test:STRING", "GTimeS:INT_4U", "GTimeN:INT_4U",
            "moments:PTR_STRUCT(FrVect *)", "table:PTR_STRUCT(FrTable *)", "next:PTR_STRUCT(FrSummary *)"},
        {"FrEndOfFrame", "run:INT_4S", "frame:INT_4U", "GTimeS:INT_4U", "GTimeN:INT_4U"},
    };

    private static final Map<String, Def> DEFS_V8 = build(8);
    private static final Map<String, Def> DEFS_V7 = build(7);
    private static final Map<String, Def> DEFS_V6 = build(6);

    private Schema() {
    }

    private static Map<String, Def> build(int version) {
        Map<String, Def> m = new HashMap<>();
        for (String[] row : V8) {
            String type = row[0];
            List<Element> els = new ArrayList<>();
            for (int i = 1; i < row.length; i++) {
                int c = row[i].indexOf(':');
                String name = row[i].substring(0, c);
                String ts = row[i].substring(c + 1);
                ts = adjust(version, type, name, ts);
                els.add(parse(name, ts, els));
            }
            if (type.equals("FrEndOfFrame") && version < 8) {
                els.clear();
                els.add(parse("run", "INT_4S", els));
                els.add(parse("frame", "INT_4U", els));
                els.add(parse("chkType", "INT_4U", els));
                els.add(parse("chkSum", "INT_4U", els));
            }
            m.put(type, new Def(type, els));
        }
        return Collections.unmodifiableMap(m);
    }

    private static String adjust(int version, String type, String element, String ts) {
        if (version == 6) {
            if ((type.equals("FrSimData") || type.equals("FrSerData")) && element.equals("sampleRate")) {
                return "REAL_4";
            }
            if ((type.equals("FrEvent") || type.equals("FrSimEvent")) && element.equals("parameters")) {
                return "REAL_4[nParam]";
            }
        }
        return ts;
    }

    private static Element parse(String name, String ts, List<Element> before) {
        if (ts.startsWith("PTR_STRUCT(")) {
            String target = ts.substring("PTR_STRUCT(".length(), ts.indexOf(' '));
            return new Element(name, ts, Kind.PTR, null, -1, target);
        }
        if (ts.equals("CHAR[2]")) {
            return new Element(name, ts, Kind.BYTES2, null, -1, null);
        }
        int b = ts.indexOf('[');
        if (b > 0) {
            String item = ts.substring(0, b);
            String countName = ts.substring(b + 1, ts.indexOf(']'));
            int countIndex = -1;
            for (int i = 0; i < before.size(); i++) {
                if (before.get(i).name.equals(countName)) {
                    countIndex = i;
                }
            }
            if (countIndex < 0) {
                throw new IllegalStateException("count " + countName + " of " + name + " not declared before it");
            }
            if (item.equals("CHAR")) {
                return new Element(name, ts, Kind.BLOB, null, countIndex, null);
            }
            return new Element(name, ts, Kind.ARRAY, Kind.valueOf(item), countIndex, null);
        }
        return new Element(name, ts, Kind.valueOf(ts), null, -1, null);
    }

    /** The layouts for a format version (6, 7 or 8). */
    static Map<String, Def> forVersion(int version) {
        return version >= 8 ? DEFS_V8 : (version == 7 ? DEFS_V7 : DEFS_V6);
    }

    /** Type names in the order the v8 writer declares them. */
    static List<String> typeNames() {
        List<String> l = new ArrayList<>();
        for (String[] row : V8) {
            l.add(row[0]);
        }
        return l;
    }
}
