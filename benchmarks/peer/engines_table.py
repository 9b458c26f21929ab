#!/usr/bin/env python3
"""The engines' table from run-engines.sh's rounds: per model and batch, the median over rounds of
each engine's median run, windows per second, ONNX Runtime's speed as a ratio to PyTorch's, and
the achieved GFLOP/s beside the sgemm rate measured in the same run.

    engines_table.py WORK_DIR     (reads WORK_DIR/torch-*.jsonl and WORK_DIR/ort-*.jsonl)
"""
import glob
import json
import os
import statistics
import sys


def rows(pattern):
    out = []
    for f in sorted(glob.glob(pattern)):
        with open(f) as fh:
            out += [json.loads(l) for l in fh if l.strip()]
    return out


def main():
    work = sys.argv[1]
    torch_rows = rows(os.path.join(work, "torch-*.jsonl"))
    ort_rows = rows(os.path.join(work, "ort-*.jsonl"))
    sg = [r["gflops"] for r in torch_rows if r.get("what") == "sgemm"]
    sgemm = statistics.median(sg)
    macs = {r["model"]: r["macs_per_window"] for r in torch_rows if "macs_per_window" in r}

    def med(rs, model, batch):
        v = [r["median_ms"] for r in rs if r.get("model") == model and r["batch"] == batch]
        return statistics.median(v) if v else None

    def alloc(model, batch):
        v = [r["alloc_bytes_per_run"] for r in ort_rows if r.get("model") == model and r["batch"] == batch]
        return statistics.median(v) if v else None

    threads = torch_rows[0]["threads"]
    print(f"sgemm (torch.mm 1024^3, {threads} thread(s)): {sgemm:.1f} GFLOP/s (median of {len(sg)} rounds: "
          + ", ".join(f"{x:.1f}" for x in sg) + ")\n")
    print("| model | batch | PyTorch ms | ONNX Runtime ms | ONNX Runtime, model.onnx ms | windows/s (ORT) | ORT / PyTorch "
          "| GFLOP/s ORT (PyTorch) | ORT % of sgemm | ORT bytes allocated per run | ORT fed the span ms (PyTorch / it) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    summary = []
    models = []
    for r in torch_rows:
        if "model" in r and r["model"] not in models:
            models.append(r["model"])
    for m in models:
        batches = sorted({r["batch"] for r in torch_rows if r.get("model") == m})
        for b in batches:
            t = med(torch_rows, m, b)
            o = med(ort_rows, m, b)
            raw = med(ort_rows, m + "/model.onnx", b)
            # DeepClean's span graph, where it takes the batch's stride (the daemon's engine)
            span = med([r for r in ort_rows if r.get("span_stride", 0) > 0], m + "/span", b)
            if t is None or o is None:
                continue
            gf = 2 * macs[m] * b / (o / 1e3) / 1e9
            gft = 2 * macs[m] * b / (t / 1e3) / 1e9
            a = alloc(m, b)
            print(f"| {m} | {b} | {t:.2f} | {o:.2f} | {'' if raw is None else f'{raw:.2f}'} | {b / (o / 1e3):.0f} | "
                  f"**{t / o:.2f} x** | {gf:.1f} ({gft:.1f}) | {100 * gf / sgemm:.0f} % | {a:.0f} | "
                  f"{'' if span is None else f'{span:.2f} ({t / span:.2f} x)'} |")
            summary.append({"model": m, "batch": b, "torch_ms": t, "ort_ms": o, "ort_model_onnx_ms": raw,
                            "ratio": t / o, "gflops": gf, "gflops_torch": gft, "alloc_bytes_per_run": a,
                            "ort_span_ms": span, "span_ratio": None if span is None else t / span})
    ratios = [s["ratio"] for s in summary]
    print(f"\nONNX Runtime / PyTorch over {len(ratios)} model-batch pairs: min {min(ratios):.2f} x, "
          f"median {statistics.median(ratios):.2f} x, max {max(ratios):.2f} x")
    with open(os.path.join(work, "engines.json"), "w") as f:
        json.dump({"sgemm_gflops": sgemm, "rows": summary}, f, indent=1)


if __name__ == "__main__":
    main()
