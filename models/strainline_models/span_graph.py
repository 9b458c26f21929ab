"""The span graph of a DeepClean CPU graph: the same function, fed the stream instead of its windows.

A batch of B one-second windows, S samples apart, is cut from one span of L = K + (B - 1) * S
samples per channel. The windows graph takes the (B, C, K) windows, written out by the caller (22 MB
a second for DeepClean at 64 windows of (21, 4096)), and its first layer, a stride-1 Conv(C -> C, k,
pad (k - 1) / 2), then computes every output sample of the span about K / S times over. The span
graph takes the span (1, C, L) instead and

    Y = act(Conv(span))                          the first layer once over the whole span
    first block of each window: its first p = (k - 1) / 2 outputs recomputed from the window's first
        2p samples with the window's own zero padding; last block: its last p the same way
    windows = Gather(rows of S samples of [Y | first blocks | last blocks], rows)   (B, C, K)

and then the rest of the CPU graph unchanged: the same function up to float rounding, with one
gather in place of the caller's copies (8.7 x fewer bytes written a second by the caller) and
the first layer's work divided by about K / S.

Inputs:
    span  (1, C, L) float32: the newest L samples of each channel, oldest first
    rows  (B, C, M) int64, M = K / S: which row of S samples each (window, channel, block) is:
          with nb = M + B - 1 blocks in the span,
          rows[b, c, m] = c * (nb + 2B) + (nb + b if m == 0 else nb + B + b if m == M - 1 else b + m)
          (a constant of (B, S); the engine makes it once)

Valid where S divides K, M >= 2 and S >= 2p (recorded in the card as min_stride); elsewhere the
daemon feeds the windows graph. Written by cpu_graph.write beside model.cpu.onnx and recorded in
model.yaml (span_graph: file, sha256, the model.onnx it was made from, min_stride).
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ELEMENTWISE = {"Tanh", "Relu", "Sigmoid", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "Softsign"}


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def span_graph(model):
    """Returns (span model, min_stride, what it did), or (None, 0, why not)."""
    model = onnx.load_from_string(model.SerializeToString())
    g = model.graph
    if len(g.input) != 1:
        return None, 0, "the graph has more than one input"
    x = g.input[0].name
    inits = {t.name: t for t in g.initializer}
    users = [n for n in g.node if x in n.input]
    if len(users) != 1 or users[0].op_type != "Conv" or users[0].input[0] != x or users[0].input[1] not in inits:
        return None, 0, "the input does not go into one Conv alone"
    conv = users[0]
    a = _attrs(conv)
    w = numpy_helper.to_array(inits[conv.input[1]])
    if w.ndim != 3 or a.get("group", 1) != 1 or a.get("strides", [1]) != [1] or a.get("dilations", [1]) != [1]:
        return None, 0, "the first Conv is not 1-D, stride 1, dilation 1, group 1"
    c_out, c, k = w.shape
    p = (k - 1) // 2
    if k % 2 != 1 or list(a.get("pads", [0, 0])) != [p, p] or c_out != c:
        return None, 0, "the first Conv is not C -> C with an odd kernel and 'same' padding"
    bias = [conv.input[2]] if len(conv.input) > 2 and conv.input[2] else []
    after = [n for n in g.node if conv.output[0] in n.input]
    act = after[0] if len(after) == 1 and after[0].op_type in ELEMENTWISE else None
    out = act.output[0] if act is not None else conv.output[0]

    def c64(name, v):
        g.initializer.append(numpy_helper.from_array(np.array(v, dtype=np.int64), name))

    for name, v in {"span_0": [0], "span_1": [1], "span_2": [2], "span_C": [c], "span_p": [p], "span_2p": [2 * p],
                    "span_m1": [-1], "span_axes12": [1, 2], "span_00": [0, 0], "span_m2p": [-2 * p],
                    "span_end": [1 << 40], "span_mp": [-p]}.items():
        c64(name, v)
    N = helper.make_node

    def layer(inp, outp, pads):
        ns = [N("Conv", [inp, conv.input[1]] + bias, [outp + "_conv"], kernel_shape=[k], pads=pads, strides=[1],
                dilations=[1], group=1)]
        if act is None:
            ns.append(N("Identity", [outp + "_conv"], [outp]))
        else:
            ns.append(N(act.op_type, [outp + "_conv"], [outp], **_attrs(act)))
        return ns

    nodes = [
        N("Shape", ["rows"], ["span_rows_shape"]), N("Shape", ["span"], ["span_shape"]),
        N("Gather", ["span_rows_shape", "span_0"], ["span_B"], axis=0),
        N("Gather", ["span_rows_shape", "span_2"], ["span_M"], axis=0),
        N("Gather", ["span_shape", "span_2"], ["span_L"], axis=0),
        N("Add", ["span_M", "span_B"], ["span_MB"]), N("Sub", ["span_MB", "span_1"], ["span_nb"]),
        N("Div", ["span_L", "span_nb"], ["span_S"]), N("Mul", ["span_M", "span_S"], ["span_K"]),
        N("Add", ["span_M", "span_m1"], ["span_M1"]), N("Add", ["span_M1", "span_B"], ["span_M1B"]),
        N("Concat", ["span_C", "span_nb", "span_S"], ["span_blocks_shape"], axis=0),
        N("Concat", ["span_m1", "span_S"], ["span_rows_of_S"], axis=0),
        N("Concat", ["span_B", "span_C", "span_K"], ["span_windows_shape"], axis=0),
    ]
    # the first layer once over the whole span (its ends padded as the first and last windows' are)
    nodes += layer("span", "span_Y", [p, p])
    nodes += [N("Reshape", ["span_Y", "span_blocks_shape"], ["span_Yb"]),
              N("Reshape", ["span", "span_blocks_shape"], ["span_xb"]),
              # window b's first block is block b: its first 2p samples, with the window's zero padding
              N("Concat", ["span_B", "span_2p"], ["span_first_end"], axis=0),
              N("Slice", ["span_xb", "span_00", "span_first_end", "span_axes12"], ["span_xf"]),
              N("Transpose", ["span_xf"], ["span_xft"], perm=[1, 0, 2])]
    nodes += layer("span_xft", "span_ef", [p, 0])
    nodes += [N("Transpose", ["span_ef"], ["span_EL"], perm=[1, 0, 2]),
              N("Concat", ["span_0", "span_p"], ["span_fy_begin"], axis=0),
              N("Concat", ["span_B", "span_end"], ["span_fy_end"], axis=0),
              N("Slice", ["span_Yb", "span_fy_begin", "span_fy_end", "span_axes12"], ["span_yf"]),
              N("Concat", ["span_EL", "span_yf"], ["span_first"], axis=2),
              # its last block is block b + M - 1: its last 2p samples, the same way
              N("Concat", ["span_M1", "span_m2p"], ["span_last_begin"], axis=0),
              N("Concat", ["span_M1B", "span_end"], ["span_last_end"], axis=0),
              N("Slice", ["span_xb", "span_last_begin", "span_last_end", "span_axes12"], ["span_xl"]),
              N("Transpose", ["span_xl"], ["span_xlt"], perm=[1, 0, 2])]
    nodes += layer("span_xlt", "span_el", [0, p])
    nodes += [N("Transpose", ["span_el"], ["span_ER"], perm=[1, 0, 2]),
              N("Concat", ["span_M1", "span_0"], ["span_ly_begin"], axis=0),
              N("Concat", ["span_M1B", "span_mp"], ["span_ly_end"], axis=0),
              N("Slice", ["span_Yb", "span_ly_begin", "span_ly_end", "span_axes12"], ["span_yl"]),
              N("Concat", ["span_yl", "span_ER"], ["span_last"], axis=2),
              # every window's rows in one gather
              N("Concat", ["span_Yb", "span_first", "span_last"], ["span_sources"], axis=1),
              N("Reshape", ["span_sources", "span_rows_of_S"], ["span_rows_src"]),
              N("Gather", ["span_rows_src", "rows"], ["span_windows"], axis=0),
              N("Reshape", ["span_windows", "span_windows_shape"], [out])]
    skip = {id(conv)} | ({id(act)} if act is not None else set())
    rest = [n for n in g.node if id(n) not in skip]
    del g.node[:]
    g.node.extend(nodes + rest)
    del g.input[:]
    g.input.extend([helper.make_tensor_value_info("span", TensorProto.FLOAT, [1, c, "L"]),
                    helper.make_tensor_value_info("rows", TensorProto.INT64, ["B", c, "M"])])
    onnx.checker.check_model(model)
    return model, 2 * p, (f"the first layer (Conv k{k}, {c}->{c}" + (f", {act.op_type}" if act else "")
                          + ") once over the span; windows gathered after it")
