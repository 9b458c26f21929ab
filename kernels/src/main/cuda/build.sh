#!/usr/bin/env bash
# Compiles the CUDA kernels when nvcc is on PATH (called by the Maven build; skipped, with a
# message, without it). Output, packed into the kernels jar under cuda/:
#   strainline_kernels.fatbin  SASS for sm_75 (Turing: T4), sm_80 (A100), sm_86 (A10, RTX 30xx),
#                              sm_89 (L4, RTX 40xx), sm_90 (H100, H200), plus PTX for compute_75
#   strainline_kernels.cu      the source, which the runtime compiles with NVRTC for the GPU it finds
# The runtime prefers NVRTC (the host's own compiler, so the code matches the host's driver); the
# fatbin is the fallback where NVRTC is missing, and its SASS needs a driver of CUDA 13 or later.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"
out="${1:?output directory}"
mkdir -p "$out"
cp "$src/strainline_kernels.cu" "$out/"
if ! command -v nvcc >/dev/null 2>&1; then
  echo "[cuda] nvcc not on PATH: no fatbin built (the runtime compiles the source with NVRTC where a GPU is present)"
  exit 0
fi
gencode=()
for sm in 75 80 86 89 90; do
  gencode+=(-gencode "arch=compute_${sm},code=sm_${sm}")
done
gencode+=(-gencode "arch=compute_75,code=compute_75")
nvcc -O3 -fatbin "${gencode[@]}" -o "$out/strainline_kernels.fatbin" "$src/strainline_kernels.cu"
echo "[cuda] built $out/strainline_kernels.fatbin with $(nvcc --version | tail -1)"
