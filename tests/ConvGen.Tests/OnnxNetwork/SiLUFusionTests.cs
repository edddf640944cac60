using System;
using System.Linq;
using Xunit;
using static ConvGen.Tests.OnnxNetwork.NetworkConformanceTests;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// PyTorch's SiLU exports to ONNX as Sigmoid(x) and Mul(x, sigmoid): [OnnxModel] computes the pair as one SiLU, fused
/// into the convolution that writes x when nothing else reads x, else as an activation step of its own; a sigmoid
/// that something else also reads stays a Sigmoid and a Mul.
/// </summary>
public class SiLUFusionTests
{
    /// <summary>conv1 -> SiLU (fused), + x -> SiLU (a step: an Add wrote it, Mul's operands swapped), conv2 whose output
    /// a third node reads -> Sigmoid and Mul apart, a sigmoid read twice -> apart.</summary>
    private static byte[] Model()
    {
        var random = new Random(8);
        return new OnnxGraphWriter(13)
            .Input("x", [null, 3, 6, 7])
            .Initializer("w1", [3, 3, 3, 3], Values(random, 81, 0.5f)).Initializer("b1", [3], Values(random, 3, 0.2f))
            .Initializer("w2", [3, 3, 1, 1], Values(random, 9, 0.5f))
            .Node("Conv", ["x", "w1", "b1"], ["c1"], "conv1", ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Sigmoid", ["c1"], ["s1"], "sigmoid1")
            .Node("Mul", ["c1", "s1"], ["m1"], "mul1")
            .Node("Add", ["m1", "x"], ["a"], "add")
            .Node("Sigmoid", ["a"], ["s2"], "sigmoid2")
            .Node("Mul", ["s2", "a"], ["m2"], "mul2")
            .Node("Conv", ["m2", "w2"], ["c2"], "conv2")
            .Node("Sigmoid", ["c2"], ["s3"], "sigmoid3")
            .Node("Mul", ["c2", "s3"], ["m3"], "mul3")
            .Node("Add", ["m3", "c2"], ["r"], "residual")
            .Node("Sigmoid", ["r"], ["s4"], "sigmoid4")
            .Node("Mul", ["r", "s4"], ["m4"], "mul4")
            .Node("Add", ["m4", "s4"], ["y"], "sum")
            .Output("y").ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SiLU_pairs_match_ONNX_Runtime(int batch) => AssertMatchesOnnxRuntime(Model(), [batch, 3, 6, 7]);

    [Fact]
    public void The_pair_fuses_into_the_conv_or_becomes_one_step_only_where_nothing_else_reads_its_values()
    {
        string path = OnnxModelHarness.WriteModel("silu.onnx", Model());
        var result = OnnxModelHarness.Run("using ConvGen;\nnamespace Nets;\n[OnnxModel(\"silu.onnx\")] public partial class Net;\n", path);
        Assert.Empty(result.AllDiagnostics);
        string network = string.Join("\n", result.Output.SyntaxTrees.Select(tree => tree.ToString()));
        Assert.Contains("// conv1 + sigmoid1 + mul1: conv 3->3 3x3, SiLU fused,", network);
        Assert.Contains("// sigmoid2 + mul2: SiLU, element-wise.", network);
        Assert.Contains("// conv2: conv 3->3 1x1, [N", network); // conv2's output is read by the residual Add too
        Assert.Contains("// sigmoid3 + mul3: SiLU, element-wise.", network);
        Assert.Contains("// sigmoid4: Sigmoid, element-wise.", network); // its sigmoid is read by the sum too
        Assert.Contains("// mul4: ", network);
        Assert.Equal(2, network.Split("Elementwise.SiLU(").Length - 1);
    }
}
