using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>MaxPool, AveragePool and the global pools.</summary>
internal sealed partial class OnnxGraphLowering
{
    private void Pool(NodeContext at)
    {
        int x = at.Input(0);
        // A 1-D pool on [N, C, L] runs as a 2-D one on [N, C, 1, L] with a window of height 1.
        bool oneDimensional = _values[x].Shape.Count == 2;
        int[] shape = oneDimensional ? [_values[x].Shape[0], 1, _values[x].Shape[1]] : at.Rank(x, 3, "a 3-D input [N, C, L] or a 4-D input [N, C, H, W]");
        bool isMax = at.Node.OpType == "MaxPool";
        if (at.Node.Outputs.Count > 1 && at.Node.Outputs[1].Length > 0)
        {
            throw at.Unsupported("returns indices (a second output)");
        }

        if (at.Int("storage_order", 0) != 0)
        {
            throw at.Unsupported("has storage_order 1");
        }

        var kernel = at.Ints2d("kernel_shape", 0, oneDimensional, 1);
        if (kernel.Length != 2 || kernel[1] < 1)
        {
            throw at.Unsupported($"has a kernel_shape of {at.Ints("kernel_shape", null).Length} dimensions for an input of rank {_values[x].Shape.Count + 1}; 1-D and 2-D pools are supported");
        }

        var strides = at.Ints2d("strides", 1, oneDimensional, 1);
        var dilations = at.Ints2d("dilations", 1, oneDimensional, 1);
        bool ceil = at.Int("ceil_mode", 0) != 0;
        var (pads, outputHeight, outputWidth) = at.Window(shape[1], shape[2], (int)kernel[0], (int)kernel[1], strides, dilations, ceil, oneDimensional);
        bool includePad = at.Int("count_include_pad", 0) != 0;
        int y = AddValue(at.Node.Outputs[0], oneDimensional ? [shape[0], outputWidth] : [shape[0], outputHeight, outputWidth], null);
        AddStep(new PoolStep(at.Name, x, y, isMax, shape[0], shape[1], shape[2], outputHeight, outputWidth,
            (int)kernel[0], (int)kernel[1], (int)strides[0], (int)strides[1], (int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3],
            (int)dilations[0], (int)dilations[1], includePad));
    }

    private void GlobalPool(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = _values[x].Shape.ToArray();
        if (shape.Length < 2)
        {
            throw at.Unsupported($"has an input of rank {shape.Length + 1}; it needs [N, C, spatial...]");
        }

        int plane = 1;
        var outputShape = new int[shape.Length];
        outputShape[0] = shape[0];
        for (int d = 1; d < shape.Length; d++)
        {
            plane *= shape[d];
            outputShape[d] = 1;
        }

        int y = AddValue(at.Node.Outputs[0], outputShape, null);
        AddStep(new GlobalPoolStep(at.Name, x, y, at.Node.OpType == "GlobalMaxPool", shape[0], plane));
    }
}
