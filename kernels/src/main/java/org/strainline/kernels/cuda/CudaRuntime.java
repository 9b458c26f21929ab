package org.strainline.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleLoadFatBinary;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.nvrtc.JNvrtc.nvrtcCompileProgram;
import static jcuda.nvrtc.JNvrtc.nvrtcCreateProgram;
import static jcuda.nvrtc.JNvrtc.nvrtcDestroyProgram;
import static jcuda.nvrtc.JNvrtc.nvrtcGetPTX;
import static jcuda.nvrtc.JNvrtc.nvrtcGetProgramLog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;

/**
 * The process's CUDA context (the primary context of device 0) and Strainline's kernel module.
 *
 * <p>The module is compiled at start-up with NVRTC from the kernels' source packed in the jar, for
 * the exact compute capability of the device found: the host's own NVRTC produces code its own
 * driver accepts, whatever CUDA version built the jar (PTX from a newer nvcc is refused by older
 * drivers). Where NVRTC is missing, the fatbin built by nvcc with the jar (SASS for sm_75, 80, 86,
 * 89, 90 and PTX for compute_75) is loaded instead, which needs a driver of the build's CUDA
 * version or later. {@link #how()} says which was used.
 *
 * <p>Create with {@link #open()} after {@link Cuda#probe()} says a device is there; thread
 * confinement: a thread that launches must call {@link #makeCurrent()} first.
 */
public final class CudaRuntime {
    private static final System.Logger LOG = System.getLogger(CudaRuntime.class.getName());
    private static CudaRuntime instance;

    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final String how;

    private CudaRuntime(Cuda.Probe p) throws IOException {
        CUdevice dev = new CUdevice();
        cuDeviceGet(dev, 0);
        cuDevicePrimaryCtxRetain(context, dev);
        cuCtxSetCurrent(context);
        String via;
        String source = resource("cuda/strainline_kernels.cu");
        String ptx = null;
        String nvrtcProblem = null;
        try {
            ptx = compile(source, p.computeCapability());
        } catch (Throwable t) {
            nvrtcProblem = t.toString();
        }
        if (ptx != null) {
            byte[] b = (ptx + "\0").getBytes(StandardCharsets.US_ASCII);
            cuModuleLoadData(module, b);
            via = "NVRTC for compute_" + p.computeCapability();
        } else {
            byte[] fat = resourceBytes("cuda/strainline_kernels.fatbin");
            if (fat == null) {
                throw new IOException("cannot build the CUDA kernels: NVRTC failed (" + nvrtcProblem
                        + ") and the jar holds no fatbin (it was built without nvcc)");
            }
            cuModuleLoadFatBinary(module, fat);
            via = "the build's fatbin (NVRTC unavailable: " + nvrtcProblem + ")";
        }
        this.how = via;
        LOG.log(System.Logger.Level.INFO, "CUDA kernels on " + p + " compiled by " + via);
    }

    /** The runtime, created on first use; fails (IOException) where no device or kernels can be had. */
    public static synchronized CudaRuntime open() throws IOException {
        if (instance == null) {
            Cuda.Probe p = Cuda.probe();
            if (!p.available()) {
                throw new IOException(p.reason());
            }
            instance = new CudaRuntime(p);
        }
        return instance;
    }

    private static String compile(String source, int cc) {
        JNvrtc.setExceptionsEnabled(true);
        nvrtcProgram prog = new nvrtcProgram();
        nvrtcCreateProgram(prog, source, "strainline_kernels.cu", 0, null, null);
        try {
            try {
                nvrtcCompileProgram(prog, 2, new String[] {"--gpu-architecture=compute_" + cc, "-default-device"});
            } catch (RuntimeException e) {
                String[] log = new String[1];
                nvrtcGetProgramLog(prog, log);
                throw new IllegalStateException("NVRTC: " + log[0], e);
            }
            String[] ptx = new String[1];
            nvrtcGetPTX(prog, ptx);
            return ptx[0];
        } finally {
            nvrtcDestroyProgram(prog);
        }
    }

    private static String resource(String name) throws IOException {
        byte[] b = resourceBytes(name);
        if (b == null) {
            throw new IOException("resource " + name + " missing from the kernels jar");
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static byte[] resourceBytes(String name) throws IOException {
        try (InputStream in = CudaRuntime.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** How the kernels were compiled. */
    public String how() {
        return how;
    }

    /** Makes the context current on the calling thread. */
    public void makeCurrent() {
        cuCtxSetCurrent(context);
    }

    /** A kernel of the module. */
    public CUfunction function(String name) {
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, module, name);
        return f;
    }

    /** A new stream (one per stage). */
    public CUstream newStream() {
        CUstream s = new CUstream();
        cuStreamCreate(s, 0);
        return s;
    }
}
