package org.strainline.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.nio.charset.StandardCharsets;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * The one probe of the CUDA driver, made once per process: JCuda's native libraries fail at
 * class initialisation without a driver, and every later use then fails differently
 * ({@code NoClassDefFoundError}), so the first answer is kept. Never throws.
 */
public final class Cuda {
    /** What the probe found: a device, or why not. */
    public record Probe(boolean available, String reason, String device, int computeMajor, int computeMinor, int driverVersion) {
        /** e.g. {@code 90} for compute capability 9.0. */
        public int computeCapability() {
            return 10 * computeMajor + computeMinor;
        }

        @Override
        public String toString() {
            return available ? device + " (compute " + computeMajor + "." + computeMinor + ", driver CUDA "
                    + driverVersion / 1000 + "." + driverVersion % 1000 / 10 + ")" : "no GPU: " + reason;
        }
    }

    private static Probe probe;

    private Cuda() {
    }

    /** The probe's result (made on the first call). */
    public static synchronized Probe probe() {
        if (probe == null) {
            probe = run();
        }
        return probe;
    }

    private static Probe run() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] n = {0};
            cuDeviceGetCount(n);
            if (n[0] == 0) {
                return new Probe(false, "the CUDA driver reports no device", null, 0, 0, 0);
            }
            CUdevice dev = new CUdevice();
            cuDeviceGet(dev, 0);
            byte[] name = new byte[256];
            cuDeviceGetName(name, name.length, dev);
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            int[] major = {0};
            int[] minor = {0};
            cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
            cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
            int[] version = {0};
            cuDriverGetVersion(version);
            return new Probe(true, null, new String(name, 0, len, StandardCharsets.US_ASCII), major[0], minor[0], version[0]);
        } catch (Throwable t) {   // UnsatisfiedLinkError (no libcuda.so.1), CudaException, NoClassDefFoundError, ...
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String msg = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
            return new Probe(false, "CUDA driver not usable: " + root.getClass().getSimpleName() + ": " + msg, null, 0, 0, 0);
        }
    }
}
