"""The CPU graph of a model: the same function as model.onnx, in the operators ONNX Runtime's CPU
provider runs fastest.

ONNX Runtime runs a 1-D ConvTranspose as a GEMM into a column buffer followed by a generic
col2im, and does not fold a following BatchNormalization into it: in DeepClean the four transposed
convolutions took ~60% of a batch while doing ~28% of its multiply-adds. A transposed convolution
of stride s is s ordinary convolutions (its polyphase components) whose outputs interleave, so
each one here becomes

    Conv(C_in -> s * C_out, K', pads)  [BatchNormalization folded in]  [activation]
    -> Reshape (B, C_out, s, L) -> Transpose (B, C_out, L, s) -> Reshape (B, C_out, s * L)

where the Conv computes, for output channel c and phase r, y[s*m + r] = sum of x[m + d] W[:, c, k]
over the taps k whose input offset d = (r + pad_left - k) / s is whole; K' spans the offsets of
all phases (taps a phase does not use are zero). The result is the same function up to float
rounding (summation order); the parity tests hold both graphs to the PyTorch reference outputs.

Only ConvTranspose nodes that are 1-D, group 1, dilation 1, with constant weights and an output
exactly s times the input (k + output_padding - pads = s, true of DeepClean's k7 s2 p3 op1) are
rewritten; anything else is left as it is.

    /usr/bin/python3 -m strainline_models.cpu_graph models/repository/deepclean-h1/1

writes model.cpu.onnx beside model.onnx and records it in model.yaml (cpu_graph: file, the
sha256 of the model.onnx it was made from, what was rewritten); the ONNX Runtime engine runs it
instead of model.onnx only while that hash still matches.
"""
import hashlib
import os
import sys

import numpy as np
import onnx
import yaml
from onnx import helper, numpy_helper

ELEMENTWISE = {"Tanh", "Relu", "Sigmoid", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "Softsign"}


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def polyphase(w, bias, stride, pad_left):
    """ConvTranspose weights (C_in, C_out, k) -> Conv weights (C_out * s, C_in, K'), bias, and
    the Conv's (pad_left, pad_right)."""
    cin, cout, k = w.shape
    taps = []                       # (phase, tap, input offset)
    for r in range(stride):
        for t in range(k):
            if (r + pad_left - t) % stride == 0:
                taps.append((r, t, (r + pad_left - t) // stride))
    dmin = min(d for _, _, d in taps)
    dmax = max(d for _, _, d in taps)
    v = np.zeros((cout * stride, cin, dmax - dmin + 1), dtype=w.dtype)
    for r, t, d in taps:
        v[r::stride, :, d - dmin] = w[:, :, t].T
    b = np.repeat(bias if bias is not None else np.zeros(cout, w.dtype), stride)
    return v, b.astype(w.dtype), (-dmin, dmax)


def rewrite(model):
    """Returns (new model, list of what was rewritten)."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    outputs = {o.name for o in g.output}
    done = []
    drop = set()
    nodes = []
    new_inits = []
    for n in g.node:
        if id(n) in drop:
            continue
        if n.op_type != "ConvTranspose" or n.input[1] not in inits:
            nodes.append(n)
            continue
        a = _attrs(n)
        w = numpy_helper.to_array(inits[n.input[1]])
        s = a.get("strides", [1])
        pads = a.get("pads", [0, 0])
        op = a.get("output_padding", [0])
        if (w.ndim != 3 or a.get("group", 1) != 1 or a.get("dilations", [1]) != [1] or len(s) != 1
                or "output_shape" in a or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET")
                or w.shape[2] + op[0] - pads[0] - pads[1] != s[0]):
            nodes.append(n)
            continue
        stride = s[0]
        bias = numpy_helper.to_array(inits[n.input[2]]) if len(n.input) > 2 and n.input[2] else None
        v, b, (pl, pr) = polyphase(w, bias, stride, pads[0])
        cout = w.shape[1]
        out = n.output[0]
        what = f"{n.name or out}: ConvTranspose(k{w.shape[2]}, s{stride}) as Conv(k{v.shape[2]}, {cout}x{stride} phases)"
        nxt = consumers.get(out, [])
        if len(nxt) == 1 and nxt[0].op_type == "BatchNormalization" and out not in outputs \
                and all(i in inits for i in nxt[0].input[1:5]):
            bn = nxt[0]
            gamma, beta, mean, var = (numpy_helper.to_array(inits[i]).astype(np.float64) for i in bn.input[1:5])
            eps = _attrs(bn).get("epsilon", 1e-5)
            scale = gamma / np.sqrt(var + eps)
            v = (v * np.repeat(scale, stride)[:, None, None]).astype(w.dtype)
            b = ((b - np.repeat(mean, stride)) * np.repeat(scale, stride) + np.repeat(beta, stride)).astype(w.dtype)
            drop.add(id(bn))
            out = bn.output[0]
            what += ", BatchNormalization folded"
        nxt = consumers.get(out, [])
        act = None
        if len(nxt) == 1 and nxt[0].op_type in ELEMENTWISE and out not in outputs:
            act = nxt[0]
            drop.add(id(act))
            out = act.output[0]
            what += f", {act.op_type} before the interleave"
        base = (n.name or n.output[0]).strip("/").replace("/", "_") + "_poly"
        wn, bn_, s1, s2 = base + "_w", base + "_b", base + "_shape1", base + "_shape2"
        new_inits += [numpy_helper.from_array(v, wn), numpy_helper.from_array(b, bn_),
                      numpy_helper.from_array(np.array([0, cout, stride, -1], np.int64), s1),
                      numpy_helper.from_array(np.array([0, cout, -1], np.int64), s2)]
        conv_out = base + "_conv"
        nodes.append(helper.make_node("Conv", [n.input[0], wn, bn_], [conv_out], name=base + "_conv",
                                      kernel_shape=[v.shape[2]], pads=[pl, pr], strides=[1], dilations=[1], group=1))
        cur = conv_out
        if act is not None:
            nodes.append(helper.make_node(act.op_type, [cur], [base + "_act"], name=base + "_act",
                                          **_attrs(act)))
            cur = base + "_act"
        nodes.append(helper.make_node("Reshape", [cur, s1], [base + "_phases"], name=base + "_reshape1"))
        nodes.append(helper.make_node("Transpose", [base + "_phases"], [base + "_interleaved"], name=base + "_transpose",
                                      perm=[0, 1, 3, 2]))
        nodes.append(helper.make_node("Reshape", [base + "_interleaved", s2], [out], name=base + "_reshape2"))
        done.append(what)
    used = {i for n in nodes for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    onnx.checker.check_model(model)
    return model, done


def write(version_dir):
    src = os.path.join(version_dir, "model.onnx")
    with open(src, "rb") as f:
        raw = f.read()
    model, done = rewrite(onnx.load_from_string(raw))
    card_path = os.path.join(version_dir, "model.yaml")
    with open(card_path) as f:
        text = f.read()
    head = "".join(l for l in text.splitlines(keepends=True) if l.startswith("#"))
    card = yaml.safe_load(text)
    if not done:
        print(f"{src}: nothing to rewrite; no model.cpu.onnx")
        card.pop("cpu_graph", None)
    else:
        data = model.SerializeToString()
        with open(os.path.join(version_dir, "model.cpu.onnx"), "wb") as f:
            f.write(data)
        card["cpu_graph"] = {"file": "model.cpu.onnx", "source_sha256": hashlib.sha256(raw).hexdigest(),
                             "sha256": hashlib.sha256(data).hexdigest(), "rewritten": done}
        for d in done:
            print(f"{src}: {d}")
    with open(card_path, "w") as f:
        f.write(head)
        yaml.safe_dump(card, f, sort_keys=False, width=100)


if __name__ == "__main__":
    for d in sys.argv[1:]:
        write(d)
