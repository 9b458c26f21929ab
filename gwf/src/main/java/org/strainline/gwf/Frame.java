package org.strainline.gwf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One frame: the FrameH fields and everything hanging from it. Frames read from a file are
 * complete; frames made for writing take channels, history and detectors through the add methods.
 */
public final class Frame {
    private final String name;
    private final int run;
    private final long frameNumber;
    private final long dataQuality;
    private final long gpsS;
    private final long gpsNs;
    private final int uLeapS;
    private final double durationS;
    private final List<Channel> adc = new ArrayList<>();
    private final List<Channel> proc = new ArrayList<>();
    private final List<Channel> sim = new ArrayList<>();
    private final List<Struct> detectSim = new ArrayList<>();
    private final List<Struct> detectProc = new ArrayList<>();
    private final List<Struct> history = new ArrayList<>();
    private final List<Struct> events = new ArrayList<>();
    private final List<Struct> simEvents = new ArrayList<>();
    private final List<Struct> serData = new ArrayList<>();
    private final List<Struct> messages = new ArrayList<>();
    private final List<Struct> tables = new ArrayList<>();
    private final List<Struct> summaries = new ArrayList<>();
    private final List<Struct> statData = new ArrayList<>();
    private final List<Vect> auxData = new ArrayList<>();
    private final List<String[]> historyToWrite = new ArrayList<>();

    /** A frame to write: GPS start {@code gpsS} s + {@code gpsNs} ns, lasting {@code durationS} s. */
    public Frame(String name, int run, long frameNumber, long gpsS, long gpsNs, double durationS) {
        this(name, run, frameNumber, 0, gpsS, gpsNs, 0, durationS);
    }

    Frame(String name, int run, long frameNumber, long dataQuality, long gpsS, long gpsNs, int uLeapS, double durationS) {
        this.name = name;
        this.run = run;
        this.frameNumber = frameNumber;
        this.dataQuality = dataQuality;
        this.gpsS = gpsS;
        this.gpsNs = gpsNs;
        this.uLeapS = uLeapS;
        this.durationS = durationS;
    }

    /**
     * A copy of this frame starting at another GPS time, holding the same channels and structures
     * (channel times are relative to the frame start, so the data keep their place in the frame).
     * Replays use it to restamp recorded data.
     */
    public Frame restamped(long newGpsS, long newGpsNs) {
        Frame f = new Frame(name, run, frameNumber, dataQuality, newGpsS, newGpsNs, uLeapS, durationS);
        f.adc.addAll(adc);
        f.proc.addAll(proc);
        f.sim.addAll(sim);
        f.detectSim.addAll(detectSim);
        f.detectProc.addAll(detectProc);
        f.history.addAll(history);
        f.events.addAll(events);
        f.simEvents.addAll(simEvents);
        f.serData.addAll(serData);
        f.messages.addAll(messages);
        f.tables.addAll(tables);
        f.summaries.addAll(summaries);
        f.statData.addAll(statData);
        f.auxData.addAll(auxData);
        f.historyToWrite.addAll(historyToWrite);
        return f;
    }

    public Frame addChannel(Channel c) {
        switch (c.kind()) {
            case ADC: adc.add(c); break;
            case PROC: proc.add(c); break;
            default: sim.add(c); break;
        }
        return this;
    }

    /** Adds an FrHistory record to write (name, GPS time in s, comment). */
    public Frame addHistory(String historyName, long timeS, String comment) {
        historyToWrite.add(new String[] {historyName, Long.toString(timeS), comment});
        return this;
    }

    List<String[]> historyToWrite() {
        return historyToWrite;
    }

    public String name() {
        return name;
    }

    public int run() {
        return run;
    }

    public long frameNumber() {
        return frameNumber;
    }

    public long dataQuality() {
        return dataQuality;
    }

    /** GPS start, whole seconds. */
    public long gpsS() {
        return gpsS;
    }

    /** GPS start, nanoseconds past {@link #gpsS()}. */
    public long gpsNs() {
        return gpsNs;
    }

    /** GPS start in nanoseconds. */
    public long gpsStartNs() {
        return gpsS * 1_000_000_000L + gpsNs;
    }

    public int uLeapS() {
        return uLeapS;
    }

    public double durationS() {
        return durationS;
    }

    public List<Channel> adcData() {
        return Collections.unmodifiableList(adc);
    }

    public List<Channel> procData() {
        return Collections.unmodifiableList(proc);
    }

    public List<Channel> simData() {
        return Collections.unmodifiableList(sim);
    }

    /** All channels: ADC, then processed, then simulated, each in file (linked-list) order. */
    public List<Channel> channels() {
        List<Channel> all = new ArrayList<>(adc.size() + proc.size() + sim.size());
        all.addAll(adc);
        all.addAll(proc);
        all.addAll(sim);
        return all;
    }

    /** The first channel with this name, or null. */
    public Channel channel(String channelName) {
        for (Channel c : channels()) {
            if (c.name().equals(channelName)) {
                return c;
            }
        }
        return null;
    }

    /** All detectors: those of simulated data, then those of processed data. */
    public List<Struct> detectors() {
        List<Struct> all = new ArrayList<>(detectSim);
        all.addAll(detectProc);
        return Collections.unmodifiableList(all);
    }

    /** FrameH.detectSim: detectors of the simulated data. */
    public List<Struct> detectSim() {
        return Collections.unmodifiableList(detectSim);
    }

    /** FrameH.detectProc: detectors of the processed (and raw) data. */
    public List<Struct> detectProc() {
        return Collections.unmodifiableList(detectProc);
    }

    public List<Struct> history() {
        return Collections.unmodifiableList(history);
    }

    public List<Struct> events() {
        return Collections.unmodifiableList(events);
    }

    public List<Struct> simEvents() {
        return Collections.unmodifiableList(simEvents);
    }

    public List<Struct> serData() {
        return Collections.unmodifiableList(serData);
    }

    public List<Struct> messages() {
        return Collections.unmodifiableList(messages);
    }

    public List<Struct> tables() {
        return Collections.unmodifiableList(tables);
    }

    public List<Struct> summaries() {
        return Collections.unmodifiableList(summaries);
    }

    /** FrStatData written in this frame (static data stay valid for later frames too). */
    public List<Struct> statData() {
        return Collections.unmodifiableList(statData);
    }

    public List<Vect> auxData() {
        return Collections.unmodifiableList(auxData);
    }

    List<Struct> detectSimMutable() {
        return detectSim;
    }

    List<Struct> detectProcMutable() {
        return detectProc;
    }

    List<Struct> historyMutable() {
        return history;
    }

    List<Struct> eventsMutable() {
        return events;
    }

    List<Struct> simEventsMutable() {
        return simEvents;
    }

    List<Struct> serDataMutable() {
        return serData;
    }

    List<Struct> messagesMutable() {
        return messages;
    }

    List<Struct> tablesMutable() {
        return tables;
    }

    List<Struct> summariesMutable() {
        return summaries;
    }

    List<Struct> statDataMutable() {
        return statData;
    }

    List<Vect> auxDataMutable() {
        return auxData;
    }
}
