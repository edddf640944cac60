using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Numeric;

/// <summary>
/// Draws 320 valid layers with a fixed seed, generates and compiles all of them in one in-memory
/// compilation, runs each on random data and compares every output with the float64 reference,
/// within twice the float32 accumulation bound of <see cref="ReferenceCheck"/>.
/// </summary>
public class RandomLayerTests
{
    private const int Seed = 20261122;
    private const int Count = 320;

    private static readonly IReadOnlyList<RandomLayerCase> Cases = RandomLayerCase.Draw(Seed, Count);
    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(() => LayerCompiler.Compile([.. Cases.Select(c => c.Attribute)]));

    public static IEnumerable<object[]> CaseIndices => Enumerable.Range(0, Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Generated_layer_matches_the_float64_reference(int index)
    {
        var layerCase = Cases[index];
        var run = layerCase.Run((weight, bias) => Factory.Value(index, weight, bias), Seed + index);

        var g = layerCase.Geometry;
        ReferenceCheck.AssertClose(run.Output, i => run.Reference[i], run.Magnitude, g.FanIn,
            computations: 1, $"{layerCase}, output shape {LayerShapes.Format(run.OutputShape)}");
    }

    // Splitting a call over threads (by images, by groups, or by one image's channel tiles) changes which thread
    // computes an output, never how: every degree must give the single-thread output bit for bit.
    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Every_split_over_threads_gives_the_single_thread_output_bit_for_bit(int index)
    {
        var layerCase = Cases[index];
        var random = new Random(Seed - index);
        var layer = Factory.Value(index, TestValues.Uniform(random, layerCase.Geometry.WeightLength),
            layerCase.HasBias ? TestValues.Uniform(random, layerCase.Geometry.OutChannels) : []);
        float[] input = TestValues.Uniform(random, layerCase.Batch * layerCase.Geometry.InChannels * layerCase.Height * layerCase.Width);
        int length = LayerShapes.ElementCount(layer.GetOutputShape(layerCase.InputShape));
        var single = new float[length];
        layer.Forward(input, layerCase.InputShape, single, 1);
        foreach (int degree in new[] { 2, 3, 5, 0 })
        {
            var split = new float[length];
            split.AsSpan().Fill(float.NaN);
            layer.Forward(input, layerCase.InputShape, split, degree);
            Assert.True(single.AsSpan().SequenceEqual(split), $"{layerCase}: degree {degree} differs from one thread");
        }
    }

    [Fact]
    public void The_draw_covers_every_feature()
    {
        Assert.Contains(Cases, c => c.Is1d);
        Assert.Contains(Cases, c => !c.Is1d && c.Geometry.KernelHeight != c.Geometry.KernelWidth);
        Assert.Contains(Cases, c => c.Geometry.StrideHeight != c.Geometry.StrideWidth);
        Assert.Contains(Cases, c => c.Geometry.DilationHeight > 1 || c.Geometry.DilationWidth > 1);
        Assert.Contains(Cases, c => c.Attribute.Contains("Padding.Same") && c.Geometry.PadLeft != c.Geometry.PadRight);
        Assert.Contains(Cases, c => c.Attribute.Contains("Padding.Valid"));
        Assert.Contains(Cases, c => c.Attribute.Contains("Padding.Full"));
        Assert.Contains(Cases, c => c.Attribute.Contains("ph: ") && c.Geometry.PadTop != c.Geometry.PadLeft);
        Assert.Contains(Cases, c => c.Geometry.Groups == c.Geometry.InChannels && c.Geometry.OutChannels == c.Geometry.InChannels && c.Geometry.Groups > 1);
        Assert.Contains(Cases, c => c.Geometry.Groups == c.Geometry.InChannels && c.Geometry.OutChannels > c.Geometry.InChannels);
        Assert.Contains(Cases, c => c.Geometry.Groups > 1 && c.Geometry.Groups < c.Geometry.InChannels);
        Assert.Contains(Cases, c => !c.HasBias);
        Assert.Contains(Cases, c => c.Batch > 1);
        Assert.Contains(Cases, c => c.Attribute.Contains("h: ") || c.Attribute.Contains("length: "));
        Assert.Contains(Cases, c => c.Geometry.KernelWidth > 16 || c.Geometry.KernelHeight * c.Geometry.KernelWidth > 64);
        Assert.Contains(Cases, c => c.Geometry.OutChannels / c.Geometry.Groups % 8 != 0 && c.Geometry.OutChannels / c.Geometry.Groups > 8);
        Assert.Contains(Cases, c => c.Geometry.OutputWidth(c.Width) < 4);
    }
}
