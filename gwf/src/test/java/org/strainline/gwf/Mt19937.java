package org.strainline.gwf;

/** The Mersenne Twister as NumPy's legacy {@code np.random.seed(n); np.random.rand(k)} uses it. */
final class Mt19937 {
    private final int[] mt = new int[624];
    private int mti;

    Mt19937(long seed) {
        mt[0] = (int) seed;
        for (mti = 1; mti < 624; mti++) {
            mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
        }
    }

    int next() {
        if (mti >= 624) {
            for (int k = 0; k < 624; k++) {
                int y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
                mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            mti = 0;
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** NumPy's random_sample: 53-bit double in [0, 1). */
    double nextDouble() {
        long a = (next() & 0xFFFFFFFFL) >>> 5;
        long b = (next() & 0xFFFFFFFFL) >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    double[] rand(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = nextDouble();
        }
        return d;
    }
}
