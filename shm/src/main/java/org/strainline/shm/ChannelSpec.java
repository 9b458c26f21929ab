package org.strainline.shm;

/**
 * A channel the daemon reads from a stream: its name and the sample rate it must have. The rate
 * sizes the channel's slot (one second of samples); a frame whose channel has another rate or
 * another number of samples is flagged, never silently resampled.
 */
public record ChannelSpec(String name, int rateHz) {
    /** The largest rate accepted (samples per second). */
    public static final int MAX_RATE_HZ = 1 << 20;

    public ChannelSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("channel name is empty");
        }
        if (rateHz <= 0 || rateHz > MAX_RATE_HZ) {
            throw new IllegalArgumentException("channel '" + name + "': rateHz must be in 1.." + MAX_RATE_HZ + ", got " + rateHz);
        }
    }

    /** Parses {@code NAME@RATE}, e.g. {@code H1:GDS-CALIB_STRAIN@16384}. */
    public static ChannelSpec parse(String s) {
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            throw new IllegalArgumentException("channel '" + s + "': expected NAME@RATE_HZ");
        }
        try {
            return new ChannelSpec(s.substring(0, at), Integer.parseInt(s.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("channel '" + s + "': rate '" + s.substring(at + 1) + "' is not a whole number");
        }
    }

    @Override
    public String toString() {
        return name + "@" + rateHz;
    }
}
