using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using static ConvGen.Tests.OnnxNetwork.NetworkConformanceTests;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// NaN and infinities in the input propagate through every operator as in ONNX Runtime: each single-operator graph
/// runs on an input holding NaN, +Inf and -Inf at fixed places (some in one pooling window together), and every output
/// that ONNX Runtime makes NaN must be NaN, every infinity the same infinity, every finite value within 1e-4.
/// One exception: max pooling and max/min reductions give NaN wherever their window holds a NaN, as PyTorch does
/// (an IEEE maximum), where ONNX Runtime's answer depends on the NaN's place in the window (its MaxPool 2x2 of
/// [1, 2, 3, NaN] is NaN, of [NaN, 1, 2, 3] is 3; its ReduceMax of the same two is 3 and NaN). Which windows hold a
/// NaN is still ONNX Runtime's to say: it runs once more on the input with each NaN made the extreme the operator
/// picks (+Inf for a maximum, -Inf for a minimum) and the real infinities made 0, and every output that is then that
/// infinity must be NaN.
/// </summary>
public class NonFiniteTests
{
    private static readonly long[] Sample = [4, 9, 10];

    // The operators that give NaN for any NaN in their window, with the infinity that marks such a window.
    private static readonly Dictionary<string, float> NanWindowMarker = new()
    {
        ["MaxPool3x3"] = float.PositiveInfinity, ["MaxPool2x2"] = float.PositiveInfinity, ["GlobalMaxPool"] = float.PositiveInfinity,
        ["ReduceMax"] = float.PositiveInfinity, ["ReduceMin"] = float.NegativeInfinity,
    };

    public static TheoryData<string> Operators => new(
        "Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "HardSigmoid", "HardSwish", "Softplus", "Exp", "Abs", "Neg",
        "Sqrt", "Reciprocal", "Erf", "Gelu", "GeluTanh", "LayerNormalization",
        "MaxPool3x3", "MaxPool2x2", "AveragePool", "GlobalMaxPool", "GlobalAveragePool", "ReduceMax", "ReduceMin",
        "ReduceMean", "ReduceSum", "Max", "Min", "Add", "Mul", "Div", "Pow", "MaxConstant", "Softmax", "LogSoftmax", "Conv",
        "ConvRelu", "ConvClip", "Depthwise", "ConvTranspose", "Concat", "Resize", "PadReflect", "PadEdge", "Gemm", "Transpose",
        "BatchNormalization");

    [Theory]
    [MemberData(nameof(Operators))]
    public void Non_finite_inputs_propagate_as_in_ONNX_Runtime(string op)
    {
        byte[] model = Graph(op).ToArray();
        var net = OnnxModelHarness.Compile(OnnxModelHarness.WriteModel("model.onnx", model));
        foreach (int batch in new[] { 1, 2 })
        {
            long[] shape = [batch, .. Sample];
            float[] input = Input(batch);
            float[] expected = OnnxModelHarness.RunOnnxRuntime(model, input, shape, out _);
            if (NanWindowMarker.TryGetValue(op, out float marker))
            {
                float[] marked = [.. input.Select(v => float.IsNaN(v) ? marker : float.IsInfinity(v) ? 0f : v)];
                float[] windows = OnnxModelHarness.RunOnnxRuntime(model, marked, shape, out _);
                for (int i = 0; i < expected.Length; i++)
                {
                    expected[i] = windows[i] == marker ? float.NaN : expected[i];
                }
            }

            float[] actual = OnnxModelHarness.Forward(net, input, shape, out _);
            var wrong = new List<string>();
            for (int i = 0; i < expected.Length; i++)
            {
                float e = expected[i], a = actual[i];
                bool same = float.IsNaN(e) ? float.IsNaN(a) : float.IsInfinity(e) ? a == e : float.IsFinite(a) && Math.Abs(a - e) <= 1e-4 * Math.Max(1, Math.Abs(e));
                if (!same)
                {
                    wrong.Add($"output {i}: ConvGen {a}, ONNX Runtime {e}");
                }
            }

            int nonFinite = expected.Count(v => !float.IsFinite(v));
            Assert.True(nonFinite > 0 || op is "Sigmoid" or "Tanh", $"{op}: no non-finite output to compare (the test input does not reach one)");
            Assert.True(wrong.Count == 0, $"{op}, batch {batch}: {wrong.Count} of {expected.Length} outputs differ ({nonFinite} non-finite in ONNX Runtime's), e.g. {string.Join("; ", wrong.Take(4))}");
        }
    }

    /// <summary>Values in [-3, 3] with NaN, +Inf and -Inf at fixed places in each sample: alone, next to each other, and
    /// a NaN and an infinity in one 2x2 window.</summary>
    private static float[] Input(int batch)
    {
        int size = (int)Sample.Aggregate(1L, (p, d) => p * d);
        float[] x = Values(new Random(3), batch * size, 3f);
        for (int n = 0; n < batch; n++)
        {
            int s = n * size;
            x[s + 5] = float.NaN;
            x[s + 47] = float.PositiveInfinity;
            x[s + 120] = float.NaN;
            x[s + 121] = float.NegativeInfinity;
            x[s + 203] = float.PositiveInfinity;
            x[s + 213] = float.NaN; // below 203: the same 2x2 window as the +Inf
            x[s + 300] = float.NegativeInfinity;
        }

        return x;
    }

    private static OnnxGraphWriter Graph(string op)
    {
        var random = new Random(8);
        var g = new OnnxGraphWriter(op switch { "HardSwish" => 14, "LayerNormalization" => 17, "Gelu" or "GeluTanh" => 20, _ => 13 }).Input("x", [null, 4, 9, 10]);
        switch (op)
        {
            case "Relu" or "Sigmoid" or "Tanh" or "Elu" or "HardSigmoid" or "HardSwish" or "Softplus" or "Exp" or "Abs" or "Neg" or "Sqrt" or "Reciprocal" or "Erf":
                g.Node(op, ["x"], ["y"], "op");
                break;
            case "LeakyRelu":
                g.Node(op, ["x"], ["y"], "op", ("alpha", 0.1f));
                break;
            case "Gelu":
                g.Node(op, ["x"], ["y"], "op");
                break;
            case "GeluTanh":
                g.Node("Gelu", ["x"], ["y"], "op", ("approximate", "tanh"));
                break;
            case "LayerNormalization":
                g.Initializer("scale", [10], Values(random, 10, 1f)).Initializer("bias", [10], Values(random, 10, 1f))
                    .Node(op, ["x", "scale", "bias"], ["y"], "op");
                break;
            case "Clip":
                g.Initializer("lo", [], [0f]).Initializer("hi", [], [6f]).Node("Clip", ["x", "lo", "hi"], ["y"], "op");
                break;
            case "MaxPool3x3":
                g.Node("MaxPool", ["x"], ["y"], "op", ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }));
                break;
            case "MaxPool2x2":
                g.Node("MaxPool", ["x"], ["y"], "op", ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }));
                break;
            case "AveragePool":
                g.Node(op, ["x"], ["y"], "op", ("kernel_shape", new long[] { 3, 3 }), ("pads", new long[] { 1, 1, 1, 1 }));
                break;
            case "GlobalMaxPool" or "GlobalAveragePool":
                g.Node(op, ["x"], ["y"], "op");
                break;
            case "ReduceMax" or "ReduceMin" or "ReduceMean":
                g.Node(op, ["x"], ["y"], "op", ("axes", new long[] { 2, 3 }), ("keepdims", 1L));
                break;
            case "ReduceSum":
                g.Int64Initializer("axes", [3]).Node(op, ["x", "axes"], ["y"], "op", ("keepdims", 0L));
                break;
            case "Max" or "Min" or "Add" or "Mul" or "Div" or "Pow":
                g.Node("Sigmoid", ["x"], ["s"], "sigmoid").Node(op, ["x", "s"], ["y"], "op");
                break;
            case "MaxConstant":
                g.Initializer("c", [1, 4, 1, 1], [0.5f, -1f, float.NaN, 2f]).Node("Max", ["x", "c"], ["y"], "op");
                break;
            case "Softmax" or "LogSoftmax":
                g.Node(op, ["x"], ["y"], "op", ("axis", -1L));
                break;
            case "Conv" or "ConvRelu" or "ConvClip":
                g.Initializer("w", [6, 4, 3, 3], Values(random, 216, 0.4f)).Initializer("b", [6], Values(random, 6, 0.1f))
                    .Node("Conv", ["x", "w", "b"], [op == "Conv" ? "y" : "c"], "op", ("pads", new long[] { 1, 1, 1, 1 }));
                if (op == "ConvRelu")
                {
                    g.Node("Relu", ["c"], ["y"], "relu");
                }
                else if (op == "ConvClip")
                {
                    g.Initializer("lo", [], [0f]).Initializer("hi", [], [6f]).Node("Clip", ["c", "lo", "hi"], ["y"], "clip");
                }

                break;
            case "Depthwise":
                g.Initializer("w", [4, 1, 3, 3], Values(random, 36, 0.4f))
                    .Node("Conv", ["x", "w"], ["y"], "op", ("pads", new long[] { 1, 1, 1, 1 }), ("group", 4L), ("strides", new long[] { 2, 2 }));
                break;
            case "ConvTranspose":
                g.Initializer("w", [4, 3, 2, 2], Values(random, 48, 0.4f)).Node(op, ["x", "w"], ["y"], "op", ("strides", new long[] { 2, 2 }));
                break;
            case "Concat":
                g.Node("Neg", ["x"], ["n"], "neg").Node(op, ["x", "n"], ["y"], "op", ("axis", 1L));
                break;
            case "Resize":
                g.Initializer("roi", [0], []).Initializer("scales", [4], [1f, 1f, 2f, 2f]).Node(op, ["x", "roi", "scales"], ["y"], "op", ("mode", "nearest"));
                break;
            case "PadReflect" or "PadEdge":
                g.Int64Initializer("pads", [0, 0, 2, 1, 0, 0, 1, 2]).Node("Pad", ["x", "pads"], ["y"], "op", ("mode", op == "PadReflect" ? "reflect" : "edge"));
                break;
            case "Gemm":
                g.Initializer("w", [5, 360], Values(random, 1800, 0.1f)).Initializer("b", [5], Values(random, 5, 0.1f))
                    .Node("Flatten", ["x"], ["f"], "flatten").Node(op, ["f", "w", "b"], ["y"], "op", ("transB", 1L));
                break;
            case "Transpose":
                g.Node(op, ["x"], ["y"], "op", ("perm", new long[] { 0, 2, 3, 1 }));
                break;
            case "BatchNormalization":
                g.Initializer("scale", [4], [1f, 2f, 0.5f, -1f]).Initializer("bias", [4], [0f, 1f, -1f, 0.5f])
                    .Initializer("mean", [4], [0.1f, 0f, -0.2f, 0.3f]).Initializer("var", [4], [1f, 0.5f, 2f, 1.5f])
                    .Node(op, ["x", "scale", "bias", "mean", "var"], ["y"], "op");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "no graph for this operator");
        }

        return g.Output("y");
    }
}
