using System;
using Xunit;
using static ConvGen.Tests.OnnxNetwork.NetworkConformanceTests;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>One generated network instance called from many threads at once gives each call the output it gives
/// alone, bit for bit, and allocates nothing in steady state (the zoo tests check the same on MobileNetV2 and SqueezeNet).</summary>
public class SharedInstanceTests
{
    /// <summary>A stem, SqueezeNet's fire module (two branches joined by Concat), a 1x1 projection added back to the
    /// stem's output (a residual Add), a transposed convolution up-sampling it and a global pool.</summary>
    [Fact]
    public void Eight_threads_share_one_network_with_concat_residual_add_and_transposed_conv()
    {
        var random = new Random(5);
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 3, 20, 20])
            .Initializer("w0", [8, 3, 3, 3], Values(random, 216, 0.4f)).Initializer("b0", [8], Values(random, 8, 0.1f))
            .Initializer("ws", [4, 8, 1, 1], Values(random, 32, 0.5f))
            .Initializer("we1", [4, 4, 1, 1], Values(random, 16, 0.5f))
            .Initializer("we3", [4, 4, 3, 3], Values(random, 144, 0.3f))
            .Initializer("wp", [8, 8, 1, 1], Values(random, 64, 0.4f))
            .Initializer("wt", [8, 4, 2, 2], Values(random, 128, 0.4f))
            .Node("Conv", ["x", "w0", "b0"], ["s"], "stem", ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Relu", ["s"], ["sr"], "stem_relu")
            .Node("Conv", ["sr", "ws"], ["q"], "squeeze")
            .Node("Conv", ["q", "we1"], ["e1"], "expand1x1")
            .Node("Conv", ["q", "we3"], ["e3"], "expand3x3", ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Concat", ["e1", "e3"], ["f"], "fire", ("axis", 1L))
            .Node("Conv", ["f", "wp"], ["p"], "project")
            .Node("Add", ["p", "sr"], ["r"], "residual")
            .Node("ConvTranspose", ["r", "wt"], ["u"], "up", ("strides", new long[] { 2, 2 }))
            .Node("GlobalAveragePool", ["u"], ["y"], "pool")
            .Output("y");
        var net = OnnxModelHarness.Compile(OnnxModelHarness.WriteModel("model.onnx", model.ToArray()));

        SharedInstanceCheck.Run(net, [3, 20, 20], threads: 8, calls: 500);
    }
}
