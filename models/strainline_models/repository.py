"""Writes a model version into the repository: model.onnx, model.yaml and reference/*.npy."""
import hashlib
import os
import yaml
import numpy as np


def write_version(root, name, version, onnx_bytes, card, references):
    d = os.path.join(root, name, str(version))
    os.makedirs(os.path.join(d, "reference"), exist_ok=True)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(onnx_bytes)
    card = dict(card)
    card["onnx_sha256"] = hashlib.sha256(onnx_bytes).hexdigest()
    with open(os.path.join(d, "model.yaml"), "w") as f:
        f.write("# Strainline model card: what the daemon must feed this model, and what it was trained on.\n")
        yaml.safe_dump(card, f, sort_keys=False, width=100)
    for k, v in references.items():
        np.save(os.path.join(d, "reference", k + ".npy"), np.ascontiguousarray(v))
    return d
