package org.strainline.shm;

/**
 * GPS time from the system clock. GPS started at 1980-01-06T00:00:00 UTC and has no leap seconds:
 * GPS = Unix + 18 s - 315964800 s since the leap second of 2016-12-31 (none has been scheduled
 * since; IERS Bulletin C announces each one six months ahead, and this table must grow with it).
 */
public final class GpsTime {
    /** Unix seconds at the GPS epoch. */
    public static final long GPS_EPOCH_UNIX_S = 315_964_800L;
    /** Leap seconds between GPS and UTC since 2017-01-01. */
    public static final int LEAP_SECONDS = 18;

    private GpsTime() {
    }

    /** GPS seconds for Unix seconds (after 2017-01-01). */
    public static long fromUnixS(long unixS) {
        return unixS - GPS_EPOCH_UNIX_S + LEAP_SECONDS;
    }

    /** Unix seconds for GPS seconds (after 2017-01-01). */
    public static long toUnixS(long gpsS) {
        return gpsS + GPS_EPOCH_UNIX_S - LEAP_SECONDS;
    }

    /** The current GPS second. */
    public static long nowS() {
        return fromUnixS(System.currentTimeMillis() / 1000);
    }
}
