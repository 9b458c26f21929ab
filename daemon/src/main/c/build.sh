#!/usr/bin/env bash
# Compiles the ONNX Runtime call shim (strainline_ortrun.c) when a C compiler is on PATH (called
# by the Maven build; skipped, with a message, without one). Output, packed into the daemon jar:
#   native/<JNA resource prefix>/libstrainline_ortrun.so   e.g. native/linux-x86-64/...
# Without it the CPU engine runs through ONNX Runtime's Java API, which allocates ~0.5 kB per
# run, and says so in its log line.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"
out="${1:?output directory}"
cc="${CC:-cc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[c] no C compiler ($cc) on PATH: the ONNX Runtime shim is not built (the engine uses the Java API)"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) prefix=linux-x86-64 ;;
  Linux-aarch64) prefix=linux-aarch64 ;;
  *) echo "[c] $(uname -s)-$(uname -m): no ONNX Runtime shim for this platform (the engine uses the Java API)"; exit 0 ;;
esac
mkdir -p "$out/$prefix"
"$cc" -O2 -std=c99 -Wall -Wextra -Werror -shared -fPIC -o "$out/$prefix/libstrainline_ortrun.so" "$src/strainline_ortrun.c"
echo "[c] built $out/$prefix/libstrainline_ortrun.so with $("$cc" --version | head -1)"
