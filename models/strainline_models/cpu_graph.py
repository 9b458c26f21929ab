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

from .span_graph import span_graph

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
    del g.node[:]
    g.node.extend(nodes)
    g.initializer.extend(new_inits)
    _fold_interleave(model, done)
    used = {i for n in g.node for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(model)
    return model, done


def _fold_interleave(model, done):
    """A stride-1 Conv with fewer output than input channels that reads a polyphase interleave
    (the ..._poly_reshape2 above) reads the phases instead: y[s*m + r] = P[c*s + r, m], so its
    output at n = s*q + u is a Conv over the s*C phase channels, output channel o*s + u, taps at
    phase offsets floor((u + k - pad_left) / s). The interleave then moves its c_out*s output
    phases instead of the c_in*s input ones (DeepClean's head: 1 channel instead of 21)."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    outputs = {o.name for o in g.output}
    nodes = []
    for n in g.node:
        src = producer.get(n.input[0]) if n.input else None
        if (n.op_type != "Conv" or src is None or not src.name.endswith("_poly_reshape2") or n.input[1] not in inits
                or len(consumers.get(n.input[0], [])) != 1 or n.input[0] in outputs):
            nodes.append(n)
            continue
        a = _attrs(n)
        h = numpy_helper.to_array(inits[n.input[1]])
        if (h.ndim != 3 or a.get("group", 1) != 1 or a.get("dilations", [1]) != [1] or a.get("strides", [1]) != [1]
                or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET") or h.shape[0] >= h.shape[1]):
            nodes.append(n)
            continue
        base = src.name[:-len("_reshape2")]
        shape1 = numpy_helper.to_array(inits[producer[producer[src.input[0]].input[0]].input[1]])
        s = int(shape1[2])
        phases = producer[producer[src.input[0]].input[0]].input[0]   # the (B, c_in * s, L) phases
        co, ci, k = h.shape
        pl, pr = a.get("pads", [0, 0])
        if pl + pr != k - 1:
            nodes.append(n)
            continue
        taps = [(u, t, (u + t - pl) // s, (u + t - pl) % s) for u in range(s) for t in range(k)]
        dmin = min(d for _, _, d, _ in taps)
        dmax = max(d for _, _, d, _ in taps)
        v = np.zeros((co * s, ci * s, dmax - dmin + 1), dtype=h.dtype)
        for u, t, d, r in taps:
            v[u::s, r::s, d - dmin] += h[:, :, t]
        bias = numpy_helper.to_array(inits[n.input[2]]) if len(n.input) > 2 and n.input[2] else np.zeros(co, h.dtype)
        hb = (n.name or n.output[0]).strip("/").replace("/", "_") + "_phased"
        g.initializer.extend([numpy_helper.from_array(v, hb + "_w"),
                              numpy_helper.from_array(np.repeat(bias, s).astype(h.dtype), hb + "_b"),
                              numpy_helper.from_array(np.array([0, co, s, -1], np.int64), hb + "_shape1"),
                              numpy_helper.from_array(np.array([0, co, -1], np.int64), hb + "_shape2")])
        nodes.append(helper.make_node("Conv", [phases, hb + "_w", hb + "_b"], [hb + "_conv"], name=hb + "_conv",
                                      kernel_shape=[v.shape[2]], pads=[-dmin, dmax], strides=[1], dilations=[1], group=1))
        nodes.append(helper.make_node("Reshape", [hb + "_conv", hb + "_shape1"], [hb + "_phases"], name=hb + "_reshape1"))
        nodes.append(helper.make_node("Transpose", [hb + "_phases"], [hb + "_interleaved"], name=hb + "_transpose",
                                      perm=[0, 1, 3, 2]))
        nodes.append(helper.make_node("Reshape", [hb + "_interleaved", hb + "_shape2"], [n.output[0]], name=hb + "_reshape2"))
        drop = {id(producer[src.input[0]]), id(src), id(producer[producer[src.input[0]].input[0]])}
        nodes = [x for x in nodes if id(x) not in drop]
        done.append(f"{n.name or n.output[0]}: Conv(k{k}, {ci}->{co}) on {base}'s {s} phases before their interleave"
                    f" (Conv(k{v.shape[2]}, {ci * s}->{co * s}))")
    del g.node[:]
    g.node.extend(nodes)


def _save(version_dir, name, model, source, extra):
    """Writes a graph derived from model.onnx (bytes `source`) beside it; its card entry."""
    data = model.SerializeToString()
    with open(os.path.join(version_dir, name), "wb") as f:
        f.write(data)
    entry = {"file": name, "source_sha256": hashlib.sha256(source).hexdigest(), "sha256": hashlib.sha256(data).hexdigest()}
    entry.update(extra)
    return entry


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
        card["cpu_graph"] = _save(version_dir, "model.cpu.onnx", model, raw, {"rewritten": done})
        for d in done:
            print(f"{src}: {d}")
    spanned, min_stride, why = span_graph(model if done else onnx.load_from_string(raw))
    if spanned is None:
        print(f"{src}: no span graph: {why}")
        card.pop("span_graph", None)
    else:
        card["span_graph"] = _save(version_dir, "model.span.onnx", spanned, raw, {"min_stride": min_stride, "rewritten": why})
        print(f"{src}: span graph: {why} (strides from {min_stride} samples)")
    with open(card_path, "w") as f:
        f.write(head)
        yaml.safe_dump(card, f, sort_keys=False, width=100)


if __name__ == "__main__":
    for d in sys.argv[1:]:
        write(d)
