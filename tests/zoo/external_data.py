#!/usr/bin/python3
"""Re-saves an ONNX model with its tensors as ONNX external data, the way large exports are saved, for ExternalDataTests.cs
and the packaging test: onnx.save_model(..., save_as_external_data=True, all_tensors_to_one_file=True), which writes the
model and one data file beside it; each tensor of at least --threshold bytes moves to that file and keeps only its
location, offset and length in the model.

    /usr/bin/python3 tests/zoo/external_data.py IN.onnx OUT.onnx [--location NAME] [--threshold BYTES] [--attributes]

--location names the data file, relative to OUT's folder (default: OUT's file name + ".data", as torch.onnx writes it);
--threshold is onnx's size_threshold (default 1024, onnx's own; 0 moves every tensor); --attributes moves the tensors of
Constant nodes too (onnx's convert_attribute). Tensors that a model holds in typed fields (int64_data, float_data) are
rewritten as raw_data first, since onnx moves only raw_data, so the threshold alone decides what moves.
Prints one line: OUT, the number of external and inline tensors, and the two files' sizes.
"""

import argparse
import os
import sys

import onnx
from onnx import numpy_helper
from onnx.external_data_helper import _get_all_tensors, _get_initializer_tensors, uses_external_data


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--location", help="the data file, relative to OUT's folder (default: OUT's name + .data)")
    parser.add_argument("--threshold", type=int, default=1024, help="move tensors of at least this many bytes (default 1024)")
    parser.add_argument("--attributes", action="store_true", help="move Constant nodes' tensors too")
    args = parser.parse_args()

    model = onnx.load(args.input)
    tensors = list(_get_all_tensors(model) if args.attributes else _get_initializer_tensors(model))
    for tensor in tensors:
        if not tensor.HasField("raw_data") and tensor.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.INT32, onnx.TensorProto.INT64):
            tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor), tensor.name))

    location = args.location or os.path.basename(args.output) + ".data"
    data = os.path.join(os.path.dirname(os.path.abspath(args.output)), location)
    os.makedirs(os.path.dirname(data), exist_ok=True)
    if os.path.exists(data):
        os.remove(data)  # onnx appends to an existing data file
    onnx.save_model(model, args.output, save_as_external_data=True, all_tensors_to_one_file=True, location=location,
                    size_threshold=args.threshold, convert_attribute=args.attributes)

    saved = onnx.load(args.output, load_external_data=False)
    external = sum(1 for t in _get_all_tensors(saved) if uses_external_data(t))
    inline = sum(1 for t in _get_all_tensors(saved) if not uses_external_data(t))
    onnx.checker.check_model(args.output)  # with the path: the checker resolves the data file beside it
    print("%s %d external %d inline %d model bytes %d data bytes" % (
        args.output, external, inline, os.path.getsize(args.output), os.path.getsize(data) if external else 0), flush=True)
    return 0 if external > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
