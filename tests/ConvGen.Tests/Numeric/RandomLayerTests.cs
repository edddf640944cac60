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
        var g = layerCase.Geometry;
        var random = new Random(Seed + index);
        float[] weight = Uniform(random, g.WeightLength);
        float[] bias = layerCase.HasBias ? Uniform(random, g.OutChannels) : [];
        float[] input = Uniform(random, layerCase.Batch * g.InChannels * layerCase.Height * layerCase.Width);

        var layer = Factory.Value(index, weight, bias);
        nint[] outputShape = layer.GetOutputShape(layerCase.InputShape);
        var output = new float[outputShape.Aggregate(1, (product, extent) => product * (int)extent)];
        layer.Forward(input, layerCase.InputShape, output);

        var magnitude = ReferenceCheck.Magnitude(g, input, layerCase.Batch, layerCase.Height, layerCase.Width, weight, bias, out double[] expected);
        int fanIn = g.InChannels / g.Groups * g.KernelHeight * g.KernelWidth;
        ReferenceCheck.AssertClose(output, i => expected[i], magnitude, fanIn, computations: 1, $"{layerCase}, output shape {LayerShapes.Format(outputShape)}");
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

    private static float[] Uniform(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
