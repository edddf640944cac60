#!/usr/bin/env python3
"""Writes structurally corrupted copies of an ONNX model, for the generator's fuzz test (tests/ConvGen.Tests/Robustness/
ModelFuzzTests.cs), which adds byte-level damage (flips, truncation, zeroed and duplicated chunks) itself.

Each copy is the model with one seeded mutation of its graph, the kinds a broken exporter or a hostile file gives:
absurd or overflowing dimensions, cycles, dangling inputs, attributes out of range, missing or duplicated tensors,
wrong element types, unknown operators and opsets. Copies are written as <dir>/<stem>-<index>-<kind>.onnx and
listed on stdout, one path per line. Usage: corrupt.py model.onnx out_dir count seed
"""
import random
import sys

import onnx
from onnx import TensorProto

HUGE = [0, -1, -7, 2**31 - 1, 2**31, 2**32 + 3, 2**40, 2**62, -(2**63)]


def absurd(r):
    return r.choice(HUGE + [r.randint(0, 4), r.randint(5, 100000)])


def conv_like(graph):
    return [n for n in graph.node if n.attribute]


def mutate(model, r):
    g = model.graph
    kind = r.choice([
        "initializer_dims", "input_dims", "cycle", "dangling_input", "attribute_int", "attribute_list",
        "attribute_float", "drop_initializer", "duplicate_initializer", "duplicate_output", "op_type",
        "element_type", "opset", "drop_output", "extra_output", "drop_node", "raw_data_length", "node_arity",
    ])
    if kind == "initializer_dims" and g.initializer:
        t = r.choice(g.initializer)
        i = r.randrange(len(t.dims) + 1)
        if i == len(t.dims):
            t.dims.append(absurd(r))
        else:
            t.dims[i] = absurd(r)
    elif kind == "input_dims":
        dims = g.input[0].type.tensor_type.shape.dim
        d = r.choice(dims)
        d.dim_value = absurd(r) if r.random() < 0.8 else 0
        if r.random() < 0.3:
            d.dim_param = "n"
    elif kind == "cycle":
        later = r.randrange(len(g.node))
        earlier = r.randrange(later + 1)
        if g.node[earlier].input:
            g.node[earlier].input[0] = g.node[later].output[0]
    elif kind == "dangling_input":
        n = r.choice(g.node)
        if n.input:
            n.input[r.randrange(len(n.input))] = "missing_" + str(r.randrange(100))
    elif kind == "attribute_int":
        nodes = conv_like(g)
        if nodes:
            a = r.choice(r.choice(nodes).attribute)
            if a.type == onnx.AttributeProto.INT:
                a.i = absurd(r)
            elif a.type == onnx.AttributeProto.INTS and a.ints:
                a.ints[r.randrange(len(a.ints))] = absurd(r)
    elif kind == "attribute_list":
        nodes = conv_like(g)
        if nodes:
            a = r.choice(r.choice(nodes).attribute)
            if a.type == onnx.AttributeProto.INTS:
                if a.ints and r.random() < 0.5:
                    a.ints.pop()
                else:
                    a.ints.extend([absurd(r)] * r.randint(1, 3))
    elif kind == "attribute_float":
        nodes = [n for n in g.node if any(a.type == onnx.AttributeProto.FLOAT for a in n.attribute)]
        if nodes:
            a = r.choice([a for a in r.choice(nodes).attribute if a.type == onnx.AttributeProto.FLOAT])
            a.f = r.choice([float("nan"), float("inf"), -float("inf"), 0.0, -1.0, 1e30])
    elif kind == "drop_initializer" and g.initializer:
        del g.initializer[r.randrange(len(g.initializer))]
    elif kind == "duplicate_initializer" and len(g.initializer) > 1:
        a, b = r.sample(range(len(g.initializer)), 2)
        g.initializer[a].name = g.initializer[b].name
    elif kind == "duplicate_output" and len(g.node) > 1:
        a, b = r.sample(range(len(g.node)), 2)
        g.node[a].output[0] = g.node[b].output[0]
    elif kind == "op_type":
        r.choice(g.node).op_type = r.choice(["Conv", "Relu", "Add", "Concat", "MaxPool", "Gemm", "Reshape",
                                             "Transpose", "ConvTranspose", "Resize", "NoSuchOp", ""])
    elif kind == "element_type":
        t = r.choice(list(g.initializer) or [None])
        if t is not None:
            t.data_type = r.choice([0, TensorProto.INT64, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.STRING, 99])
        else:
            g.input[0].type.tensor_type.elem_type = TensorProto.INT64
    elif kind == "opset":
        model.opset_import[0].version = r.choice([0, 1, 6, 9, 10000, -1])
    elif kind == "drop_output":
        del g.output[:]
    elif kind == "extra_output":
        g.output.append(onnx.helper.make_tensor_value_info(r.choice(g.node).output[0], TensorProto.FLOAT, None))
    elif kind == "drop_node":
        del g.node[r.randrange(len(g.node))]
    elif kind == "raw_data_length" and g.initializer:
        t = r.choice(g.initializer)
        if t.raw_data:
            t.raw_data = t.raw_data[: r.randrange(len(t.raw_data))] if r.random() < 0.7 else t.raw_data * 2
    elif kind == "node_arity":
        n = r.choice(g.node)
        if n.input and r.random() < 0.5:
            n.input.pop()
        else:
            n.input.append(r.choice([n.input[0] if n.input else "", "", "extra"]))
    return kind


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    path, out_dir, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    original = onnx.load(path)
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    r = random.Random(seed)
    for index in range(count):
        model = onnx.ModelProto()
        model.CopyFrom(original)
        kind = mutate(model, r)
        out = "%s/%s-%04d-%s.onnx" % (out_dir, stem, index, kind)
        with open(out, "wb") as f:
            f.write(model.SerializeToString())
        print(out)


if __name__ == "__main__":
    main()
