package org.strainline.daemon.sim;

/**
 * An interferometer's place and orientation on the Earth, for projecting a gravitational wave:
 * the vertex (WGS-84 geodetic latitude, longitude, elevation, turned into Earth-fixed Cartesian
 * coordinates) and the arm directions (azimuths measured from East towards North, as bilby lists
 * them), giving the response tensor {@code D = (x x - y y) / 2}, the antenna factors
 * {@code F+ = D : e+}, {@code Fx = D : ex}, and the arrival time relative to the Earth's centre.
 */
public final class Detector {
    private static final double C = 299_792_458.0;
    private static final double WGS84_A = 6_378_137.0;
    private static final double WGS84_E2 = 0.00669437999014;

    /** LIGO Hanford: 46°27'18.528" N, 119°24'27.5657" W, 142.554 m; arms 125.9994° and 215.9994°. */
    public static final Detector H1 = new Detector("H1", 46 + 27 / 60.0 + 18.528 / 3600, -(119 + 24 / 60.0 + 27.5657 / 3600),
            142.554, 125.9994, 215.9994);
    /** LIGO Livingston: 30°33'46.4196" N, 90°46'27.2654" W, -6.574 m; arms 197.7165° and 287.7165°. */
    public static final Detector L1 = new Detector("L1", 30 + 33 / 60.0 + 46.4196 / 3600, -(90 + 46 / 60.0 + 27.2654 / 3600),
            -6.574, 197.7165, 287.7165);

    private final String name;
    private final double[] vertex = new double[3];
    private final double[][] d = new double[3][3];

    Detector(String name, double latDeg, double lonDeg, double elevationM, double xAzimuthDeg, double yAzimuthDeg) {
        this.name = name;
        double lat = Math.toRadians(latDeg);
        double lon = Math.toRadians(lonDeg);
        double nRad = WGS84_A / Math.sqrt(1 - WGS84_E2 * Math.sin(lat) * Math.sin(lat));
        vertex[0] = (nRad + elevationM) * Math.cos(lat) * Math.cos(lon);
        vertex[1] = (nRad + elevationM) * Math.cos(lat) * Math.sin(lon);
        vertex[2] = (nRad * (1 - WGS84_E2) + elevationM) * Math.sin(lat);
        double[] east = {-Math.sin(lon), Math.cos(lon), 0};
        double[] north = {-Math.sin(lat) * Math.cos(lon), -Math.sin(lat) * Math.sin(lon), Math.cos(lat)};
        double[] x = arm(east, north, Math.toRadians(xAzimuthDeg));
        double[] y = arm(east, north, Math.toRadians(yAzimuthDeg));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                d[i][j] = 0.5 * (x[i] * x[j] - y[i] * y[j]);
            }
        }
    }

    private static double[] arm(double[] east, double[] north, double azimuth) {
        double[] a = new double[3];
        for (int i = 0; i < 3; i++) {
            a[i] = Math.cos(azimuth) * east[i] + Math.sin(azimuth) * north[i];
        }
        return a;
    }

    public String name() {
        return name;
    }

    /** The vertex in Earth-fixed coordinates (m). */
    public double[] vertex() {
        return vertex.clone();
    }

    /** The unit vector from the Earth's centre towards a source at (ra, dec) at Greenwich sidereal angle {@code gmst}. */
    static double[] direction(double ra, double dec, double gmst) {
        double lon = ra - gmst;
        return new double[] {Math.cos(dec) * Math.cos(lon), Math.cos(dec) * Math.sin(lon), Math.sin(dec)};
    }

    /** {@code {F+, Fx}} for a source at (ra, dec), polarisation angle {@code psi}, Greenwich sidereal angle {@code gmst}. */
    public double[] antenna(double ra, double dec, double psi, double gmst) {
        double[] n = direction(ra, dec, gmst);
        // an orthonormal pair across the line of sight: e_theta-like and e_phi-like, rotated by psi
        double lon = ra - gmst;
        double[] u = {-Math.sin(lon), Math.cos(lon), 0};
        double[] v = {n[1] * u[2] - n[2] * u[1], n[2] * u[0] - n[0] * u[2], n[0] * u[1] - n[1] * u[0]};
        double[] p = new double[3];
        double[] q = new double[3];
        for (int i = 0; i < 3; i++) {
            p[i] = Math.cos(psi) * u[i] + Math.sin(psi) * v[i];
            q[i] = -Math.sin(psi) * u[i] + Math.cos(psi) * v[i];
        }
        double fp = 0;
        double fx = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                fp += d[i][j] * (p[i] * p[j] - q[i] * q[j]);
                fx += d[i][j] * (p[i] * q[j] + q[i] * p[j]);
            }
        }
        return new double[] {fp, fx};
    }

    /** Arrival time at this detector minus arrival at the Earth's centre (s), for a source at (ra, dec). */
    public double delay(double ra, double dec, double gmst) {
        double[] n = direction(ra, dec, gmst);
        return -(vertex[0] * n[0] + vertex[1] * n[1] + vertex[2] * n[2]) / C;
    }

    /** Greenwich mean sidereal angle (rad) at GPS time {@code gpsS} (IAU 1982, to well under a second of arc per day). */
    public static double gmst(double gpsS) {
        double unix = gpsS + 315_964_800.0 - 18;
        double jd = unix / 86_400.0 + 2_440_587.5;
        double deg = 280.46061837 + 360.98564736629 * (jd - 2_451_545.0);
        return Math.toRadians(((deg % 360) + 360) % 360);
    }
}
