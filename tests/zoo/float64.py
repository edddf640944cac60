#!/usr/bin/python3
"""Evaluates a zoo model in float64: the reference ZooTests falls back to where ConvGen and ONNX Runtime differ by more
than ONNX Runtime differs from itself (a random-weight model can amplify float32 rounding so much that two correct
float32 engines disagree by percents of its outputs).

    /usr/bin/python3 tests/zoo/float64.py NAME INPUT OUTPUT

INPUT holds float32 values of a batch of samples (export.py's sample shape at its default size, little-endian, no
header); OUTPUT gets the model's outputs for them in float64, the graph's outputs one after another in export order.
The model is export.py's (same seed, biases and batch norms), unfused and in float64 throughout.
"""

import sys

import numpy as np
import torch

import export


def main():
    name, source, destination = sys.argv[1:4]
    shape = export.input_shape(name, export.SIZE)
    x = np.fromfile(source, dtype="<f4")
    sample = int(np.prod(shape))
    if x.size == 0 or x.size % sample:
        sys.exit("%s: %d values are not a whole number of %s samples" % (source, x.size, "x".join(map(str, shape))))
    model = export.build(name, export.SIZE).double().eval()
    with torch.no_grad():
        outputs = model(torch.from_numpy(x.reshape(-1, *shape).astype(np.float64)))
    outputs = list(outputs.values()) if isinstance(outputs, dict) else [outputs]
    np.concatenate([o.numpy().ravel() for o in outputs]).astype("<f8").tofile(destination)


if __name__ == "__main__":
    main()
