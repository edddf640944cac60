using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Transposed;

/// <summary>
/// Draws 320 valid transposed convolutions with a fixed seed, generates and compiles all of them in one in-memory
/// compilation, runs each on random data and compares every output with the float64 definition (each input value
/// scatters value x kernel), within the float32 accumulation bound of <see cref="ReferenceCheck"/>.
/// </summary>
public class RandomTransposedTests
{
    private const int Seed = 20261203;
    private const int Count = 320;

    private static readonly IReadOnlyList<RandomTransposedCase> Cases = RandomTransposedCase.Draw(Seed, Count);
    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(() => LayerCompiler.Compile([.. Cases.Select(c => c.Attribute)]));

    public static IEnumerable<object[]> CaseIndices => Enumerable.Range(0, Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Generated_layer_matches_the_float64_definition(int index)
    {
        var c = Cases[index];
        var random = new Random(Seed + index);
        float[] weight = TestValues.Uniform(random, c.Shape.WeightLength);
        float[] bias = c.HasBias ? TestValues.Uniform(random, c.Shape.OutChannels) : [];
        float[] input = TestValues.Uniform(random, c.Batch * c.Shape.InChannels * c.Height * c.Width);
        var layer = Factory.Value(index, weight, bias);
        nint[] outputShape = layer.GetOutputShape(c.InputShape);
        nint[] expectedShape = c.Is1d
            ? [c.Batch, c.Shape.OutChannels, c.Shape.OutputWidth(c.Width)]
            : [c.Batch, c.Shape.OutChannels, c.Shape.OutputHeight(c.Height), c.Shape.OutputWidth(c.Width)];
        Assert.Equal(expectedShape, outputShape);

        // NaN guards around the output: the layer must write every value and nothing outside.
        const int Guard = 19;
        int length = LayerShapes.ElementCount(outputShape);
        var buffer = new float[length + (2 * Guard)];
        buffer.AsSpan().Fill(float.NaN);
        layer.Forward(input, c.InputShape, buffer.AsSpan(Guard, length));
        Assert.True(buffer.AsSpan(0, Guard).ToArray().All(float.IsNaN) && buffer.AsSpan(Guard + length).ToArray().All(float.IsNaN), $"{c}: wrote outside the output");

        var reference = ReferenceTransposedConvolution.Run(c.Shape, input, c.Batch, c.Is1d ? 1 : c.Height, c.Width, weight, bias, c.Activation, out var magnitude);
        if (RunsOnTransformedRows(layer))
        {
            magnitude = TileMagnitude(magnitude, outputShape, c.Shape.StrideHeight);
        }

        ReferenceCheck.AssertClose(buffer.AsSpan(Guard, length), i => reference[i], magnitude, c.Shape.Terms, computations: 1,
            $"{c}, output shape {LayerShapes.Format(outputShape)}");
    }

    // A phase convolution on transformed rows (three sub-kernel rows) sums each 4-row tile's transformed inputs: an
    // output's rounding follows the terms of its whole tile, so an output whose own terms are all zero (a hole of a
    // dilated kernel) comes out near zero, not exactly zero. Its bound is the largest magnitude of the outputs that
    // share a tile with it: same plane and column, up to three phase rows (three strides) away.
    private static bool RunsOnTransformedRows(ILayer layer) =>
        layer.GetType().GetNestedTypes(BindingFlags.NonPublic).Any(t =>
            t.GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Any(m => m.Name.Contains("WinogradRows_")));

    private static double[] TileMagnitude(double[] magnitude, nint[] outputShape, int stride)
    {
        int height = (int)outputShape[2], width = (int)outputShape[3], plane = height * width;
        var tile = new double[magnitude.Length];
        for (int i = 0; i < magnitude.Length; i++)
        {
            int planeStart = i / plane * plane, row = i % plane / width, column = i % width;
            for (int r = Math.Max(0, row - (3 * stride)); r <= Math.Min(height - 1, row + (3 * stride)); r += 1)
            {
                tile[i] = Math.Max(tile[i], magnitude[planeStart + (r * width) + column]);
            }
        }

        return tile;
    }

    // The phase convolution splits a call over threads; the placing of its outputs must not depend on the split.
    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Every_split_over_threads_gives_the_single_thread_output_bit_for_bit(int index)
    {
        var c = Cases[index];
        var random = new Random(Seed - index);
        var layer = Factory.Value(index, TestValues.Uniform(random, c.Shape.WeightLength), c.HasBias ? TestValues.Uniform(random, c.Shape.OutChannels) : []);
        float[] input = TestValues.Uniform(random, c.Batch * c.Shape.InChannels * c.Height * c.Width);
        int length = LayerShapes.ElementCount(layer.GetOutputShape(c.InputShape));
        var single = new float[length];
        layer.Forward(input, c.InputShape, single, 1);
        foreach (int degree in new[] { 2, 3, 0 })
        {
            var split = new float[length];
            split.AsSpan().Fill(float.NaN);
            layer.Forward(input, c.InputShape, split, degree);
            Assert.True(single.AsSpan().SequenceEqual(split), $"{c}: degree {degree} differs from one thread");
        }
    }

    [Fact]
    public void The_draw_covers_every_feature()
    {
        var s = Cases.Select(c => (c, g: c.Shape)).ToList();
        Assert.Contains(s, x => x.c.Is1d);
        Assert.Contains(s, x => !x.c.Is1d && x.g.KernelHeight != x.g.KernelWidth);
        Assert.Contains(s, x => x.g.StrideHeight != x.g.StrideWidth && !x.c.Is1d);
        Assert.Contains(s, x => x.g.StrideWidth > 1 && x.c.Is1d);
        Assert.Contains(s, x => x.g.DilationHeight > 1 && x.g.StrideHeight > 1 && x.g.DilationHeight % x.g.StrideHeight == 0);
        Assert.Contains(s, x => x.g.DilationWidth > 1 && x.g.StrideWidth > 1 && x.g.DilationWidth % x.g.StrideWidth != 0);
        Assert.Contains(s, x => x.g.KernelWidth < x.g.StrideWidth); // phases without taps
        Assert.Contains(s, x => x.g.PadTop != x.g.PadLeft);
        Assert.Contains(s, x => x.g.PadLeft > x.g.DilationWidth * (x.g.KernelWidth - 1)); // more padding than the kernel: outputs cropped
        Assert.Contains(s, x => x.g.OutputPadHeight > 0 && x.g.OutputPadHeight >= x.g.StrideHeight); // allowed by the dilation
        Assert.Contains(s, x => x.g.OutputPadWidth > 0 && x.g.OutputPadWidth != x.g.OutputPadHeight);
        Assert.Contains(s, x => x.g.Groups == x.g.InChannels && x.g.OutChannels == x.g.InChannels && x.g.Groups > 1);
        Assert.Contains(s, x => x.g.Groups == x.g.InChannels && x.g.OutChannels > x.g.InChannels);
        Assert.Contains(s, x => x.g.Groups > 1 && x.g.Groups < x.g.InChannels);
        Assert.Contains(s, x => !x.c.HasBias);
        Assert.Contains(s, x => x.c.Activation != Activation.None);
        Assert.Contains(s, x => x.c.Batch > 1);
        Assert.Contains(s, x => x.c.Attribute.Contains("h: ") || x.c.Attribute.Contains("length: "));
        Assert.Contains(s, x => x.g.StrideHeight == 1 && x.g.StrideWidth == 1 && !x.c.Is1d);
        Assert.Contains(s, x => x.g.KernelWidth > 8);
    }
}
