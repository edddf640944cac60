using System;
using System.Linq;
using ConvGen.Tests.Runtime.OperatorCores;
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
        A_batch_split_over_threads_gives_every_sample_its_lone_bits(net, [3, 20, 20]);
    }

    /// <summary>Batches of 2 to 9 on 2, 3 and 4 threads (each thread runs a run of samples through the whole network):
    /// every sample's output equals that sample run alone, bit for bit, and nothing outside the output is written.</summary>
    private static void A_batch_split_over_threads_gives_every_sample_its_lone_bits(ILayer net, long[] sample)
    {
        nint[] Shape(int batch) => [batch, .. sample.Select(d => (nint)d)];
        int sampleSize = (int)sample.Aggregate(1L, (p, d) => p * d), outputSize = (int)net.GetOutputShape(Shape(1)).Aggregate(1L, (p, d) => p * d);
        float[] input = ZooTests.Zoo.RandomInput([9, .. sample], seed: 9);
        var alone = new float[9 * outputSize];
        for (int n = 0; n < 9; n++)
        {
            net.Forward(input.AsSpan(n * sampleSize, sampleSize), Shape(1), alone.AsSpan(n * outputSize, outputSize), degreeOfParallelism: 1);
        }

        foreach (int threads in new[] { 2, 3, 4 })
        {
            for (int batch = 2; batch <= 9; batch++)
            {
                var output = Guarded.Output(batch * outputSize);
                net.Forward(input.AsSpan(0, batch * sampleSize), Shape(batch), output.AsSpan(0, batch * outputSize), threads);
                Guarded.Untouched(output, batch * outputSize, $"batch {batch} on {threads} threads");
                for (int n = 0; n < batch; n++)
                {
                    Assert.True(output.AsSpan(n * outputSize, outputSize).SequenceEqual(alone.AsSpan(n * outputSize, outputSize)), $"batch {batch} on {threads} threads: sample {n} differs from its lone call");
                }
            }
        }
    }
}
