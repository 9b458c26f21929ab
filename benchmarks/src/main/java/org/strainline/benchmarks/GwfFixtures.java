package org.strainline.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.strainline.gwf.Channel;
import org.strainline.gwf.ChecksumPolicy;
import org.strainline.gwf.Compression;
import org.strainline.gwf.Frame;
import org.strainline.gwf.GwfException;
import org.strainline.gwf.GwfReader;
import org.strainline.gwf.GwfWriter;
import org.strainline.gwf.Vect;

/**
 * Deterministic frame files shaped like the low-latency ones the daemon reads: a one-second
 * {@code llhoft} frame (h(t) at 16384 Hz as REAL_8 plus the 16 Hz INT_4S state vector) and a
 * one-second {@code lldetchar} frame (20 REAL_4 channels at 256 to 16384 Hz, gzip), and the
 * payload sizes the bandwidth figures are computed from.
 */
public final class GwfFixtures {
    public static final String IFO = "H1";
    public static final long GPS_S = 1_400_000_000L;
    public static final String STRAIN = "H1:GDS-CALIB_STRAIN";
    public static final String STATE_VECTOR = "H1:GDS-CALIB_STATE_VECTOR";
    public static final int STRAIN_RATE = 16384;
    public static final int STATE_RATE = 16;
    /** The state vector of a frame where every bit that matters is set. */
    public static final int STATE_OK = 0x1FF;

    /** Expanded payload of one llhoft frame: strain (8-byte words) plus state vector (4-byte words). */
    public static final int LLHOFT_PAYLOAD_BYTES = STRAIN_RATE * 8 + STATE_RATE * 4;

    private static final String[] DETCHAR_NAMES = {
        "H1:CAL-DELTAL_EXTERNAL_DQ",
        "H1:LSC-DARM_IN1_DQ",
        "H1:LSC-MICH_IN1_DQ",
        "H1:LSC-PRCL_IN1_DQ",
        "H1:LSC-SRCL_IN1_DQ",
        "H1:OMC-DCPD_SUM_OUT_DQ",
        "H1:ASC-AS_A_RF45_I_PIT_OUT_DQ",
        "H1:ASC-AS_A_RF45_I_YAW_OUT_DQ",
        "H1:PEM-CS_ACC_BEAMTUBE_XMAN_X_DQ",
        "H1:PEM-CS_MAG_LVEA_VERTEX_Z_DQ",
        "H1:IMC-F_OUT_DQ",
        "H1:PSL-ISS_PDA_REL_OUT_DQ",
        "H1:PEM-EY_MAINSMON_EBAY_1_DQ",
        "H1:ISI-GND_STS_ITMY_Z_DQ",
        "H1:SUS-ETMX_L3_MASTER_OUT_UR_DQ",
        "H1:PEM-CS_MIC_LVEA_BS_DQ",
        "H1:HPI-ETMY_BLND_L4C_Z_IN1_DQ",
        "H1:ISI-HAM6_BLND_GS13Z_IN1_DQ",
        "H1:SUS-ITMX_M0_DAMP_P_IN1_DQ",
        "H1:PEM-EX_SEIS_VEA_FLOOR_X_DQ",
    };
    private static final int[] DETCHAR_RATES = {
        16384, 16384,
        4096, 4096, 4096, 4096,
        2048, 2048, 2048, 2048,
        1024, 1024, 1024, 1024,
        512, 512, 512,
        256, 256, 256,
    };

    /** Expanded payload of one lldetchar frame (4-byte words). */
    public static final int DETCHAR_PAYLOAD_BYTES = detcharSamples() * 4;

    private GwfFixtures() {
    }

    private static int detcharSamples() {
        int n = 0;
        for (int r : DETCHAR_RATES) {
            n += r;
        }
        return n;
    }

    /** Names of the lldetchar channels. */
    public static String[] detcharNames() {
        return DETCHAR_NAMES.clone();
    }

    /** Sample rates (Hz) of the lldetchar channels, in the order of {@link #detcharNames()}. */
    public static int[] detcharRates() {
        return DETCHAR_RATES.clone();
    }

    /**
     * One second of strain-like coloured noise, about 1e-21 rms: a red (low-frequency) component,
     * a mildly coloured broadband one and two lines (60 Hz mains, a 500 Hz violin mode).
     */
    public static double[] strain(long seed) {
        Random r = new Random(seed);
        double[] x = new double[STRAIN_RATE];
        double red = 0;
        double band = 0;
        for (int i = 0; i < x.length; i++) {
            double w = r.nextGaussian();
            red = 0.995 * red + w;
            band = 0.5 * band + w;
            double t = (double) i / STRAIN_RATE;
            x[i] = 1e-21 * (0.05 * red + band)
                    + 3e-22 * Math.sin(2 * Math.PI * 60 * t)
                    + 1e-22 * Math.sin(2 * Math.PI * 500.1 * t + 0.3);
        }
        return x;
    }

    /** The 16 Hz state vector of a good second. */
    public static int[] stateVector() {
        int[] s = new int[STATE_RATE];
        java.util.Arrays.fill(s, STATE_OK);
        return s;
    }

    /** Data of lldetchar channel {@code k}: noise, every third channel quantised like ADC counts. */
    public static float[] detcharData(int k) {
        Random r = new Random(1000 + k);
        float[] x = new float[DETCHAR_RATES[k]];
        double scale = Math.pow(10, (k % 7) - 3);
        double lp = 0;
        for (int i = 0; i < x.length; i++) {
            lp = 0.9 * lp + r.nextGaussian();
            double v = scale * lp;
            x[i] = (float) (k % 3 == 0 ? Math.rint(v * 300) : v);
        }
        return x;
    }

    /** A one-second llhoft frame file (strain and state vector stored with {@code compression}). */
    public static byte[] llhoft(int compression) throws IOException {
        Frame f = new Frame(IFO, 0, 0, GPS_S, 0, 1.0);
        f.addChannel(Channel.proc(STRAIN, Vect.of(STRAIN, strain(42), STRAIN_RATE, 0, "strain"))
                .withCompression(compression));
        f.addChannel(Channel.proc(STATE_VECTOR, Vect.of(STATE_VECTOR, stateVector(), STATE_RATE, 0, ""))
                .withCompression(compression));
        return GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, f);
    }

    /** A one-second lldetchar frame file, every channel gzip. */
    public static byte[] detchar() throws IOException {
        Frame f = new Frame(IFO, 0, 0, GPS_S, 0, 1.0);
        for (int k = 0; k < DETCHAR_NAMES.length; k++) {
            f.addChannel(Channel.adc(DETCHAR_NAMES[k], Vect.of(DETCHAR_NAMES[k], detcharData(k), DETCHAR_RATES[k], 0, "counts"))
                    .withCompression(Compression.GZIP));
        }
        return GwfWriter.toBytes(ByteOrder.LITTLE_ENDIAN, Compression.GZIP, f);
    }

    /** A direct buffer holding {@code bytes} (position 0, limit at the end), as a memory map would. */
    public static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    /**
     * The stored payload of {@code channel} in {@code file} as written (for a gzip channel: the
     * zlib stream the decoder inflates), copied into a direct buffer; fails unless it is stored with
     * compression method {@code expectedMethod}.
     */
    public static ByteBuffer storedPayload(byte[] file, String channel, int expectedMethod) throws GwfException {
        Vect v = new GwfReader(ChecksumPolicy.VERIFY).read(direct(file), "fixture").frames().get(0).channel(channel).data();
        if ((v.compress() & 0xFF) != expectedMethod) {
            throw new IllegalStateException(channel + " is stored as " + Compression.name(v.compress())
                    + ", expected " + Compression.name(expectedMethod));
        }
        ByteBuffer stored = v.storedBytes();
        ByteBuffer copy = ByteBuffer.allocateDirect(stored.remaining());
        copy.put(stored).flip();
        return copy;
    }
}
