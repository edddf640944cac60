using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Numeric;

/// <summary>
/// Draws 320 valid layers with a fixed seed, generates and compiles all of them in one in-memory
/// compilation, runs each on random data and compares every output with the float64 reference.
/// Tolerance: float32 accumulation of n = fan_in + 1 terms in any order is within
/// n * 2^-24 * sum|terms| of the exact sum; we allow twice that, relative to the reference's
/// magnitude (|bias| + sum |w*x|) of each output. A wrong tap, weight or offset errs by about
/// |w*x| ~ magnitude / fan_in, far above this bound.
/// </summary>
public class RandomLayerTests
{
    private const int Seed = 20261122;
    private const int Count = 320;

    private static readonly IReadOnlyList<RandomLayerCase> Cases = RandomLayerCase.Draw(Seed, Count);
    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(CompileAll);

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

        var expected = new double[output.Length];
        var magnitude = new double[output.Length];
        ReferenceConvolution.Conv2d(g, input, layerCase.Batch, layerCase.Height, layerCase.Width, weight, bias, expected, magnitude);
        Assert.Equal(expected.Length, output.Length);
        int fanIn = g.InChannels / g.Groups * g.KernelHeight * g.KernelWidth;
        double relative = 2.0 * (fanIn + 1) * Math.Pow(2, -24);
        for (int i = 0; i < output.Length; i++)
        {
            double error = Math.Abs(output[i] - expected[i]);
            if (!(error <= relative * magnitude[i]))
            {
                Assert.Fail($"{layerCase}: output {i} of shape {LayerShapes.Format(outputShape)} is {output[i]}, " +
                    $"the reference says {expected[i]} (error {error:E2} > {relative * magnitude[i]:E2})");
            }
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

    private static float[] Uniform(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    /// <summary>Generates every case into one compilation (with a factory to construct them), checks it
    /// has no diagnostic at all, loads it, and returns the factory.</summary>
    private static Func<int, float[], float[], ILayer> CompileAll()
    {
        var source = new StringBuilder("using ConvGen;\nnamespace RandomLayers;\n");
        foreach (var layerCase in Cases)
        {
            source.AppendLine($"[{layerCase.Attribute}] public partial class {layerCase.ClassName};");
        }

        source.AppendLine("public static class Factory");
        source.AppendLine("{");
        source.AppendLine("    public static ILayer Create(int index, float[] weight, float[] bias) => index switch");
        source.AppendLine("    {");
        foreach (var layerCase in Cases)
        {
            source.AppendLine($"        {layerCase.Index} => new {layerCase.ClassName}(weight, bias),");
        }

        source.AppendLine("        _ => throw new System.ArgumentOutOfRangeException(nameof(index)),");
        source.AppendLine("    };");
        source.AppendLine("}");

        var result = GeneratorRunner.Run(source.ToString());
        Assert.Empty(result.AllDiagnostics);
        var create = InMemoryAssembly.Load(result.Output).GetType("RandomLayers.Factory")!.GetMethod("Create")!;
        return (index, weight, bias) =>
        {
            try
            {
                return (ILayer)create.Invoke(null, [index, weight, bias])!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        };
    }
}
