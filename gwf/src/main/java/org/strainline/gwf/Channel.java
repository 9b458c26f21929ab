package org.strainline.gwf;

/**
 * A channel of a frame: an FrAdcData, FrProcData or FrSimData with its data vector.
 * Channels read from a file keep their whole structure ({@link #struct()}); channels made for
 * writing take defaults for everything but the name and data, and a per-channel compression.
 */
public final class Channel {
    /** Which structure holds the channel. */
    public enum Kind {
        ADC("adc"), PROC("proc"), SIM("sim");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The lower-case label ({@code adc}, {@code proc}, {@code sim}). */
        public String label() {
            return label;
        }

        String structName() {
            switch (this) {
                case ADC: return "FrAdcData";
                case PROC: return "FrProcData";
                default: return "FrSimData";
            }
        }
    }

    /** Ask the writer to use its default compression for this channel. */
    public static final int DEFAULT_COMPRESSION = -1;

    private final Kind kind;
    private final String name;
    private final Vect data;
    private final Struct struct;
    private final int compression;

    Channel(Kind kind, String name, Vect data, Struct struct, int compression) {
        this.kind = kind;
        this.name = name;
        this.data = data;
        this.struct = struct;
        this.compression = compression;
    }

    /** An ADC channel for writing. */
    public static Channel adc(String name, Vect data) {
        return new Channel(Kind.ADC, name, data, null, DEFAULT_COMPRESSION);
    }

    /** A processed-data channel (time series) for writing. */
    public static Channel proc(String name, Vect data) {
        return new Channel(Kind.PROC, name, data, null, DEFAULT_COMPRESSION);
    }

    /** A simulated-data channel for writing. */
    public static Channel sim(String name, Vect data) {
        return new Channel(Kind.SIM, name, data, null, DEFAULT_COMPRESSION);
    }

    /** The same channel, to be written with compression {@code code} (one of {@link Compression}'s codes). */
    public Channel withCompression(int code) {
        return new Channel(kind, name, data, struct, code);
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** The data vector (the one the structure's {@code data} points to), or null when it has none. */
    public Vect data() {
        return data;
    }

    /** The decoded structure when read from a file, else null. */
    public Struct struct() {
        return struct;
    }

    /** Requested compression for writing, or {@link #DEFAULT_COMPRESSION}. */
    public int compression() {
        return compression;
    }

    /** Sample rate 1/dx[0] of the data vector (0 when there is none). */
    public double sampleRate() {
        return data == null ? 0.0 : data.sampleRate();
    }

    /** The structure's timeOffset in seconds (0 for channels made for writing). */
    public double timeOffset() {
        return struct == null ? 0.0 : struct.getDouble("timeOffset");
    }

    @Override
    public String toString() {
        return kind.label() + " " + name + " " + data;
    }
}
