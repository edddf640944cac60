using System.Linq;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>The generated network class and its weights file for a small model, checked against Golden/*.verified.cs
/// (set CONVGEN_UPDATE_GOLDEN=1 to accept a change). The nested convolution is LayerEmitter's, covered by its own goldens.</summary>
public class NetworkGoldenTests
{
    [Fact]
    public void Small_network_matches_its_golden_files()
    {
        // Conv(1->2, 3x3, pad 1) + BN + Relu, 2x2 max pool, flatten, Gemm(18->3), softmax; integer-ish weights so the literals stay short.
        float[] conv = [.. Enumerable.Range(0, 18).Select(i => (i % 5) - 2f)];
        var model = new OnnxGraphWriter(13)
            .Input("image", [null, 1, 6, 6])
            .Initializer("conv.weight", [2, 1, 3, 3], conv).Initializer("conv.bias", [2], [0.5f, -0.5f])
            .Initializer("bn.weight", [2], [2f, 0.5f]).Initializer("bn.bias", [2], [0.25f, 0f])
            .Initializer("bn.running_mean", [2], [1f, -1f]).Initializer("bn.running_var", [2], [3f, 0f])
            .Initializer("fc.weight", [3, 18], [.. Enumerable.Range(0, 54).Select(i => ((i % 7) - 3) / 4f)])
            .Initializer("fc.bias", [3], [0.125f, 0f, -0.125f])
            .Node("Conv", ["image", "conv.weight", "conv.bias"], ["c"], "/conv/Conv", ("kernel_shape", new long[] { 3, 3 }), ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("BatchNormalization", ["c", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"], ["b"], "/bn/BatchNormalization", ("epsilon", 1f))
            .Node("Relu", ["b"], ["r"], "/relu/Relu")
            .Node("MaxPool", ["r"], ["p"], "/pool/MaxPool", ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }))
            .Node("Flatten", ["p"], ["f"], "/Flatten")
            .Node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"], "/fc/Gemm", ("transB", 1L))
            .Node("Softmax", ["logits"], ["probabilities"], "/Softmax", ("axis", -1L))
            .Output("probabilities");
        string path = OnnxModelHarness.WriteModel("tiny.onnx", model.ToArray());

        var result = OnnxModelHarness.Run("using ConvGen;\nnamespace Demo;\n[OnnxModel(\"tiny.onnx\")] public partial class TinyNet;\n", path);

        Assert.Empty(result.AllDiagnostics);
        GoldenFile.Verify("TinyNet", result.GeneratedSource("Demo.TinyNet.g.cs"));
    }

    [Fact]
    public void Operator_network_matches_its_golden_file()
    {
        // No convolution: squeeze-excitation (a broadcast Mul), a per-channel constant bias, a split and a concat, a
        // channel shuffle (Reshape, Transpose, Reshape), a mean over the spatial axes and x.view(x.size(0), -1).
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 3, 4])
            .Initializer("bias", [4, 1, 1], [0.5f, -0.5f, 0.25f, 0f])
            .Int64Initializer("halves", [2, 2]).Int64Initializer("grouped", [0, 2, 2, 3, 4]).Int64Initializer("back", [0, 4, 3, 4])
            .Int64Initializer("axes", [2, 3]).Int64Initializer("zero", [], [0]).Int64Initializer("minus_one", [-1]).Int64Initializer("first", [0])
            .Node("GlobalAveragePool", ["x"], ["g"], "/se/pool")
            .Node("Sigmoid", ["g"], ["s"], "/se/gate")
            .Node("Mul", ["x", "s"], ["e"], "/se/Mul")
            .Node("Add", ["e", "bias"], ["b"], "/bias/Add")
            .Node("Split", ["b", "halves"], ["l", "r"], "/Split", ("axis", 1L))
            .Node("Relu", ["r"], ["rr"], "/Relu")
            .Node("Concat", ["l", "rr"], ["c"], "/Concat", ("axis", 1L))
            .Node("Reshape", ["c", "grouped"], ["cg"], "/shuffle/Reshape")
            .Node("Transpose", ["cg"], ["t"], "/shuffle/Transpose", ("perm", new long[] { 0, 2, 1, 3, 4 }))
            .Node("Reshape", ["t", "back"], ["u"], "/shuffle/Reshape_1")
            .Node("ReduceMean", ["u", "axes"], ["m"], "/ReduceMean", ("keepdims", 0L))
            .Node("Shape", ["m"], ["shape"], "/Shape")
            .Node("Gather", ["shape", "zero"], ["n"], "/Gather", ("axis", 0L))
            .Node("Unsqueeze", ["n", "first"], ["n1"], "/Unsqueeze")
            .Node("Concat", ["n1", "minus_one"], ["target"], "/Concat_1", ("axis", 0L))
            .Node("Reshape", ["m", "target"], ["y"], "/Reshape")
            .Output("y");
        string path = OnnxModelHarness.WriteModel("ops.onnx", model.ToArray());

        var result = OnnxModelHarness.Run("using ConvGen;\nnamespace Demo;\n[OnnxModel(\"ops.onnx\")] public partial class OperatorNet;\n", path);

        Assert.Empty(result.AllDiagnostics);
        GoldenFile.Verify("OperatorNet", result.GeneratedSource("Demo.OperatorNet.g.cs"));
    }
}
