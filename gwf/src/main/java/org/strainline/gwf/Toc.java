package org.strainline.gwf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of contents (FrTOC) of a frame file, v6/v7 and v8 layouts. The scan records only
 * offsets into the file buffer in reusable arrays, so re-scanning a new file allocates nothing
 * once the arrays have grown; names and positions are read from the buffer on demand.
 *
 * <p>Owned by one thread.
 */
public final class Toc {
    /** The channel lists the TOC indexes. */
    enum List4 {
        ADC("nADC", "name", "positionADC"), PROC("nProc", "nameProc", "positionProc"),
        SIM("nSim", "nameSim", "positionSim"), SER("nSer", "nameSer", "positionSer"),
        SUMMARY("nSummary", "nameSum", "positionSum");

        final String countField;
        final String nameField;
        final String positionField;

        List4(String countField, String nameField, String positionField) {
            this.countField = countField;
            this.nameField = nameField;
            this.positionField = positionField;
        }
    }

    private ByteBuffer buf;
    private int version;
    private int nFrame;
    private int gpsSOff;
    private int gpsNOff;
    private int dtOff;
    private int posHOff;
    private int nSH;
    private int shIdOff;
    private int[] shNameOff = new int[32];
    private final int[] listCount = new int[List4.values().length];
    private final int[][] listNameOff = new int[List4.values().length][];
    private final int[] listPosOff = new int[List4.values().length];
    private int nDetector;
    private int[] detNameOff = new int[8];
    private int detPosOff;

    Toc() {
        for (int i = 0; i < listNameOff.length; i++) {
            listNameOff[i] = new int[64];
        }
    }

    /** Scans the FrTOC body spanned by {@code c} (the common header already consumed). */
    void scan(Cursor c) throws GwfException {
        buf = c.buf;
        version = c.version;
        c.i16("ULeapS");
        nFrame = count(c, "nFrame");
        int nf = nFrame;
        c.need((long) nf * (4 + 4 + 4 + 8 + 4 + 4 + 8 * 5), "frame arrays");
        c.pos += 4 * nf;              // dataQuality
        gpsSOff = c.pos;
        c.pos += 4 * nf;
        gpsNOff = c.pos;
        c.pos += 4 * nf;
        dtOff = c.pos;
        c.pos += 8 * nf;
        c.pos += 4 * nf + 4 * nf;     // runs, frame
        posHOff = c.pos;
        c.pos += 8 * nf * 5;          // positionH, nFirstADC, nFirstSer, nFirstTable, nFirstMsg
        nSH = count(c, "nSH");
        c.need(2L * nSH, "SHid");
        shIdOff = c.pos;
        c.pos += 2 * nSH;
        shNameOff = strings(c, nSH, shNameOff, "SHname");
        nDetector = count(c, "nDetector");
        detNameOff = strings(c, nDetector, detNameOff, "nameDetector");
        c.need(8L * nDetector, "positionDetector");
        detPosOff = c.pos;
        c.pos += 8 * nDetector;
        int nStatType = count(c, "nStatType");
        if (version >= 8) {
            skipStrings(c, nStatType, "nameStat");
            skipStrings(c, nStatType, "detector");
            c.skip(4L * nStatType, "nStatInstance");
            long nTotal = count(c, "nTotalStat");
            c.skip(nTotal * (4 + 4 + 4 + 8), "stat arrays");
        } else {
            for (int i = 0; i < nStatType; i++) {
                c.skipString("nameStat");
                c.skipString("detector");
                long n = count(c, "nStatInstance");
                c.skip(n * (4 + 4 + 4 + 8), "stat arrays");
            }
        }
        // ADC: names, channelID, groupID, positions
        channelList(c, List4.ADC, true);
        channelList(c, List4.PROC, false);
        channelList(c, List4.SIM, false);
        channelList(c, List4.SER, false);
        channelList(c, List4.SUMMARY, false);
        events(c, "nEventType");
        events(c, "nSimEventType");
    }

    private static int count(Cursor c, String field) throws GwfException {
        long n = c.u32(field);
        if (n == 0xFFFFFFFFL) {
            return 0;
        }
        if (n > c.remaining()) {
            throw c.malformed("count " + n + " of '" + field + "' exceeds the structure");
        }
        return (int) n;
    }

    private static int[] strings(Cursor c, int n, int[] offs, String field) throws GwfException {
        if (n > c.remaining() / 2) {
            throw c.malformed(n + " '" + field + "' strings cannot fit");
        }
        int[] o = offs.length >= n ? offs : new int[Math.max(n, offs.length * 2)];
        for (int i = 0; i < n; i++) {
            o[i] = c.pos;
            c.skipString(field);
        }
        return o;
    }

    private static void skipStrings(Cursor c, int n, String field) throws GwfException {
        for (int i = 0; i < n; i++) {
            c.skipString(field);
        }
    }

    private void channelList(Cursor c, List4 which, boolean adcIds) throws GwfException {
        int k = which.ordinal();
        int n = count(c, which.countField);
        listCount[k] = n;
        listNameOff[k] = strings(c, n, listNameOff[k], which.nameField);
        if (adcIds) {
            c.skip(8L * n, "channelID/groupID");
        }
        c.need(8L * n * nFrame, which.positionField);
        listPosOff[k] = c.pos;
        c.pos += 8 * n * nFrame;
    }

    private void events(Cursor c, String field) throws GwfException {
        int nType = count(c, field);
        skipStrings(c, nType, "name");
        c.need(4L * nType, "nEvent");
        long total = 0;
        for (int i = 0; i < nType; i++) {
            total += c.buf.getInt(c.pos + 4 * i) & 0xFFFFFFFFL;
        }
        c.pos += 4 * nType;
        if (version >= 8) {
            total = count(c, "nTotal");
        }
        c.skip(total * (4 + 4 + 4 + 8), "event arrays");
    }

    // ------------------------------------------------------------------ queries

    public int frameCount() {
        return nFrame;
    }

    public long gpsS(int frame) {
        return buf.getInt(gpsSOff + 4 * frame) & 0xFFFFFFFFL;
    }

    public long gpsNs(int frame) {
        return buf.getInt(gpsNOff + 4 * frame) & 0xFFFFFFFFL;
    }

    public double durationS(int frame) {
        return buf.getDouble(dtOff + 8 * frame);
    }

    /** File offset of frame {@code frame}'s FrameH (FrameL may point at a dictionary record before it). */
    public long frameOffset(int frame) {
        return buf.getLong(posHOff + 8 * frame);
    }

    /** The class-id → type-name map the TOC carries. */
    public Map<Integer, String> dictionary() {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nSH; i++) {
            m.put(buf.getShort(shIdOff + 2 * i) & 0xFFFF, string(shNameOff[i]));
        }
        return m;
    }

    /** Class id of a type name according to the TOC, or -1. Allocation free. */
    int classIdOf(byte[] typeName) {
        for (int i = 0; i < nSH; i++) {
            if (nameEquals(shNameOff[i], typeName)) {
                return buf.getShort(shIdOff + 2 * i) & 0xFFFF;
            }
        }
        return -1;
    }

    public List<String> adcNames() {
        return names(List4.ADC);
    }

    public List<String> procNames() {
        return names(List4.PROC);
    }

    public List<String> simNames() {
        return names(List4.SIM);
    }

    public List<String> serNames() {
        return names(List4.SER);
    }

    public List<String> detectorNames() {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < nDetector; i++) {
            l.add(string(detNameOff[i]));
        }
        return Collections.unmodifiableList(l);
    }

    List<String> names(List4 which) {
        int k = which.ordinal();
        List<String> l = new ArrayList<>(listCount[k]);
        for (int i = 0; i < listCount[k]; i++) {
            l.add(string(listNameOff[k][i]));
        }
        return Collections.unmodifiableList(l);
    }

    /** Index of a channel name in a list, or -1. Allocation free. */
    int indexOf(List4 which, byte[] name) {
        int k = which.ordinal();
        for (int i = 0; i < listCount[k]; i++) {
            if (nameEquals(listNameOff[k][i], name)) {
                return i;
            }
        }
        return -1;
    }

    /** File offset of channel {@code index} of a list in {@code frame}; 0 when absent from that frame. */
    long position(List4 which, int index, int frame) {
        return buf.getLong(listPosOff[which.ordinal()] + 8 * (index * nFrame + frame));
    }

    /** Position of a channel by name in a frame: 0 if absent there, -1 if not in the TOC. */
    public long channelPosition(Channel.Kind kind, String name, int frame) {
        List4 w = kind == Channel.Kind.ADC ? List4.ADC : (kind == Channel.Kind.PROC ? List4.PROC : List4.SIM);
        int i = indexOf(w, name.getBytes(StandardCharsets.ISO_8859_1));
        return i < 0 ? -1 : position(w, i, frame);
    }

    private boolean nameEquals(int off, byte[] name) {
        return stringEquals(buf, off, name);
    }

    /**
     * Whether the STRING at {@code off} of {@code b} (INT_2U length, bytes, trailing NULs) equals
     * {@code name}; false when the string does not fit in the buffer. Allocation free.
     */
    static boolean stringEquals(ByteBuffer b, int off, byte[] name) {
        if (off < 0 || off + 2 > b.limit()) {
            return false;
        }
        int n = b.getShort(off) & 0xFFFF;
        if (off + 2 + n > b.limit()) {
            return false;
        }
        int len = n;
        while (len > 0 && b.get(off + 2 + len - 1) == 0) {
            len--;
        }
        if (len != name.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b.get(off + 2 + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    private String string(int off) {
        int n = buf.getShort(off) & 0xFFFF;
        int len = n;
        while (len > 0 && buf.get(off + 2 + len - 1) == 0) {
            len--;
        }
        byte[] b = new byte[len];
        buf.get(off + 2, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
