#!/usr/bin/env python3
"""Exports the full-size aframe ResNet1D (blocks [3, 4, 6, 3], widths 64-512, ~7.2 M parameters)
with random weights, for benchmarks only (the file is ~29 MB and is not committed):

    python3 models/export_aframe_full.py /tmp/aframe-full.onnx
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strainline_models.aframe import full  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/aframe-full.onnx"
torch.manual_seed(0)
m = full().eval()
print("parameters:", sum(p.numel() for p in m.parameters()))
torch.onnx.export(m, torch.randn(1, 2, 3072), out, input_names=["strain"], output_names=["logit"],
                  dynamic_axes={"strain": {0: "batch"}, "logit": {0: "batch"}}, opset_version=13)
print("->", out)
