using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>Gemm and MatMul with constant weights.</summary>
internal sealed partial class OnnxGraphLowering
{
    private void Gemm(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = at.Rank(x, 1, "a 2-D input [N, K]");
        if (at.Int("transA", 0) != 0)
        {
            throw at.Unsupported("has transA 1 (it would transpose the batch away)");
        }

        var b = at.Constant(1, "B");
        bool transB = at.Int("transB", 0) != 0;
        if (b.Dims.Count != 2 || b.Dims[transB ? 1 : 0] != shape[0])
        {
            throw at.Unsupported($"multiplies {_values[x].ShapeText} by B [{string.Join(", ", b.Dims)}]{(transB ? " transposed" : "")}, which do not match");
        }

        int k = shape[0], m = (int)b.Dims[transB ? 0 : 1];
        string weight = at.Weight(1, "B");
        string? bias = null;
        if (at.Node.Inputs.Count > 2 && at.Node.Inputs[2].Length > 0)
        {
            var c = at.Constant(2, "C");
            if (c.Count != m && c.Count != 1)
            {
                throw at.Unsupported($"has C [{string.Join(", ", c.Dims)}]; only a bias of {m} values (or one) is supported");
            }

            bias = at.Weight(2, "C");
        }

        int y = AddValue(at.Node.Outputs[0], [m], null);
        AddStep(new DenseStep(at.Name, x, y, 1, k, m, weight, transB, at.Float("alpha", 1f), bias, at.Float("beta", 1f)));
    }

    /// <summary>MatMul of a computed [N, .., K] by a constant [K, M]: a dense layer applied at every position of the
    /// dimensions between the batch and K (a channels-last Linear, as in ConvNeXt's blocks).</summary>
    private void MatMul(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = _values[x].Shape.ToArray();
        var b = at.Constant(1, "B");
        if (b.Dims.Count != 2 || b.Dims[0] != shape[shape.Length - 1])
        {
            throw at.Unsupported($"multiplies {_values[x].ShapeText} by [{string.Join(", ", b.Dims)}]; it needs a constant [K, M] whose K is the input's last dimension");
        }

        int k = shape[shape.Length - 1], m = (int)b.Dims[1];
        int rows = shape.Take(shape.Length - 1).Aggregate(1, (product, dim) => product * dim);
        int y = AddValue(at.Node.Outputs[0], [.. shape.Take(shape.Length - 1), m], null);
        AddStep(new DenseStep(at.Name, x, y, rows, k, m, at.Weight(1, "B"), WeightIsOutByIn: false, Alpha: 1f, Bias: null, Beta: 1f));
    }
}
