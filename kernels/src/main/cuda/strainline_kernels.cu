// Strainline's GPU kernels: the same contracts as the Java kernels of org.strainline.kernels
// (SnapshotState, StandardScaler, Resampler, OverlapAggregator), on device memory that the host
// allocates once at start-up. Each kernel's comment names its Java twin; the Java side launches
// them through org.strainline.kernels.cuda.CudaKernels. extern "C": the names are looked up as is.

extern "C" {

// SnapshotState.update: append n new samples of every channel (src: channel-major, n per
// channel, of which the first `skip` are older than the ring can hold) to the doubled ring
// (2 * capacity floats per channel) at position `head`. One thread per (channel, new sample).
__global__ void snapshot_update(float* ring, const float* src, int channels, int capacity, int head,
                                int n, int skip) {
    int todo = n - skip;
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long) channels * todo) {
        return;
    }
    int c = (int) (i / todo);
    int t = (int) (i % todo);
    int pos = (int) (((long long) head + skip + t) % capacity);
    float v = src[(long long) c * n + skip + t];
    float* base = ring + (long long) c * 2 * capacity;
    base[pos] = v;
    base[pos + capacity] = v;
}

// SnapshotState.windows: the batch of windows into dst (batch, channels, window); the oldest
// window starts at ring position start0 (mod capacity), the next ones stride later. One thread
// per output element: consecutive threads write consecutive floats.
__global__ void snapshot_windows(float* dst, const float* ring, int channels, int capacity, int window,
                                 int batch, int stride, long long start0) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long) batch * channels * window;
    if (i >= total) {
        return;
    }
    int k = (int) (i % window);
    long long bc = i / window;
    int c = (int) (bc % channels);
    int b = (int) (bc / channels);
    long long q = (start0 + (long long) b * stride) % capacity;
    if (q < 0) {
        q += capacity;
    }
    dst[i] = ring[(long long) c * 2 * capacity + q + k];
}

// StandardScaler.scale / unscale over a (channels, n) block: x = (x - mean) * invStd, or
// x = x * std + mean. One thread per element.
__global__ void scale(float* x, const float* mean, const float* invStd, int channels, int n) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long) channels * n) {
        return;
    }
    int c = (int) (i / n);
    x[i] = (x[i] - mean[c]) * invStd[c];
}

__global__ void unscale(float* x, const float* mean, const float* stdev, int channels, int n) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long) channels * n) {
        return;
    }
    int c = (int) (i / n);
    x[i] = x[i] * stdev[c] + mean[c];
}

// Resampler.process: `count` outputs of every channel. work holds, per channel, `history` past
// inputs then the new block (stride workLen); phases holds the `up` polyphase filters, each
// phaseLen long (zero-padded), already multiplied by `up`. Output m = outTotal + j reads input
// index n0 = (m * down) / up, phase (m * down) % up. One thread per (channel, output).
__global__ void resample(float* out, int outStride, const double* work, int workLen, int history,
                         const double* phases, int phaseLen, int up, int down, long long outTotal,
                         long long blockStart, int channels, int count) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long) channels * count) {
        return;
    }
    int c = (int) (i / count);
    int j = (int) (i % count);
    long long m = outTotal + j;
    long long t = m * down;
    int p = (int) (t % up);
    long long n0 = t / up;
    const double* h = phases + (long long) p * phaseLen;
    const double* x = work + (long long) c * workLen + history + (n0 - blockStart);
    double acc = 0;
    for (int k = 0; k < phaseLen; k++) {
        acc += h[k] * x[-k];
    }
    out[(long long) c * outStride + j] = (float) acc;
}

// OverlapAggregator.add, one window: add the prediction (window samples ending at `end`) to the
// ring of sums and counts (length `length`), skipping samples already released (< emitted).
__global__ void aggregate_add(double* sum, int* count, int length, const float* pred, int window,
                              long long end, long long emitted) {
    int k = blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= window) {
        return;
    }
    long long t = end - window + k;
    if (t < emitted) {
        return;
    }
    int i = (int) (((t % length) + length) % length);
    sum[i] += pred[k];
    count[i] += 1;
}

// OverlapAggregator.add, release: samples [from, from + n) leave the ring as means into out.
__global__ void aggregate_release(float* out, double* sum, int* count, int length, long long from, int n) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= n) {
        return;
    }
    long long t = from + j;
    int i = (int) (((t % length) + length) % length);
    out[j] = count[i] == 0 ? 0.0f : (float) (sum[i] / count[i]);
    sum[i] = 0;
    count[i] = 0;
}

}
