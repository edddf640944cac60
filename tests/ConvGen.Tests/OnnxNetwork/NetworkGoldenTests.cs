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
}
