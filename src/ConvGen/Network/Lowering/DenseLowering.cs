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
        double alpha = at.Float("alpha", 1f), beta = at.Float("beta", 1f);
        var weight = new float[m * k];
        for (int o = 0; o < m; o++)
        {
            for (int i = 0; i < k; i++)
            {
                float value = transB ? b.Values[(o * k) + i] : b.Values[(i * m) + o];
                weight[(o * k) + i] = alpha == 1 ? value : (float)(alpha * value);
            }
        }

        float[]? bias = null;
        if (at.Node.Inputs.Count > 2 && at.Node.Inputs[2].Length > 0)
        {
            var c = at.Constant(2, "C");
            if (c.Values.Length != m && c.Values.Length != 1)
            {
                throw at.Unsupported($"has C [{string.Join(", ", c.Dims)}]; only a bias of {m} values (or one) is supported");
            }

            bias = new float[m];
            for (int o = 0; o < m; o++)
            {
                float value = c.Values[c.Values.Length == 1 ? 0 : o];
                bias[o] = beta == 1 ? value : (float)(beta * value);
            }
        }

        int y = AddValue(at.Node.Outputs[0], [m], null);
        AddStep(new DenseStep(at.Name, x, y, k, m, new FloatBlob(weight), bias is null ? null : new FloatBlob(bias)));
    }

    private void MatMul(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = at.Rank(x, 1, "a 2-D input [N, K] and a constant [K, M]");
        var b = at.Constant(1, "B");
        if (b.Dims.Count != 2 || b.Dims[0] != shape[0])
        {
            throw at.Unsupported($"multiplies {_values[x].ShapeText} by [{string.Join(", ", b.Dims)}], which do not match");
        }

        int k = shape[0], m = (int)b.Dims[1];
        var weight = new float[m * k];
        for (int o = 0; o < m; o++)
        {
            for (int i = 0; i < k; i++)
            {
                weight[(o * k) + i] = b.Values[(i * m) + o];
            }
        }

        int y = AddValue(at.Node.Outputs[0], [m], null);
        AddStep(new DenseStep(at.Name, x, y, k, m, new FloatBlob(weight), null));
    }
}
