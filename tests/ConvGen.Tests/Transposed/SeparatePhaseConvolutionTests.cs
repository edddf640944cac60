using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Transposed;

/// <summary>
/// Fixed-size transposed layers the planner runs as one phase convolution per padding their phases need (the random draw's
/// small layers all share one): split along columns, rows or both, sub-kernels of different sizes at stride 3, groups,
/// no bias, a fused activation, 1-D, batches above 1. Each is compared with the float64 definition, and every split over
/// threads (whole phase convolutions per thread included) must give the single-thread output bit for bit.
/// </summary>
public class SeparatePhaseConvolutionTests
{
    private static readonly (string Attribute, TransposedShape Shape, bool HasBias, Activation Activation, int Batch, int Height, int Width)[] Cases =
    [
        // DCGAN's block: four convolutions, one per (row, column) padding.
        ("ConvTranspose2d(@in: 128, @out: 64, k: 4, s: 2, p: 1, h: 16, w: 16)", new(128, 64, 4, 4, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1), true, Activation.None, 1, 16, 16),
        // Columns apart, rows shared; fused ReLU.
        ("ConvTranspose2d(@in: 64, @out: 32, k: 4, s: 2, p: 1, h: 16, w: 16, activation: Activation.ReLU)", new(64, 32, 4, 4, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1), true, Activation.ReLU, 2, 16, 16),
        // Rows apart, on gathered taps.
        ("ConvTranspose2d(@in: 64, @out: 32, k: 4, s: 2, p: 1, h: 7, w: 9)", new(64, 32, 4, 4, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1), true, Activation.None, 1, 7, 9),
        // Stride 3: sub-kernels of 1 and 2 taps on each axis, four convolutions, output padding.
        ("ConvTranspose2d(@in: 64, @out: 48, k: 5, s: 3, p: 2, op: 1, h: 10, w: 10)", new(64, 48, 5, 5, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1), true, Activation.None, 2, 10, 10),
        // Grouped, rectangular, per-axis stride, horizontal output padding.
        ("ConvTranspose2d(@in: 64, @out: 48, kh: 3, kw: 5, sh: 3, sw: 2, ph: 1, pw: 2, opw: 1, groups: 2, h: 10, w: 15)", new(64, 48, 3, 5, 3, 2, 1, 1, 2, 2, 0, 1, 1, 1, 2), true, Activation.None, 1, 10, 15),
        // Grouped without bias.
        ("ConvTranspose2d(@in: 64, @out: 64, k: 4, s: 2, p: 1, groups: 16, bias: false, h: 16, w: 16)", new(64, 64, 4, 4, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 16), false, Activation.None, 1, 16, 16),
        // 1-D.
        ("ConvTranspose1d(@in: 128, @out: 128, k: 4, s: 2, p: 1, length: 16)", new(128, 128, 1, 4, 1, 2, 0, 0, 1, 1, 0, 0, 1, 1, 1), true, Activation.None, 3, 1, 16),
    ];

    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(() => LayerCompiler.Compile([.. Cases.Select(c => c.Attribute)]));

    public static IEnumerable<object[]> CaseIndices => Enumerable.Range(0, Cases.Length).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Separate_phase_convolutions_give_the_definition_on_any_number_of_threads(int index)
    {
        var c = Cases[index];
        var random = new Random(index + 7);
        float[] weight = TestValues.Uniform(random, c.Shape.WeightLength);
        float[] bias = c.HasBias ? TestValues.Uniform(random, c.Shape.OutChannels) : [];
        float[] input = TestValues.Uniform(random, c.Batch * c.Shape.InChannels * c.Height * c.Width);
        var layer = Factory.Value(index, weight, bias);
        Assert.True(layer.GetType().GetNestedType("PhaseConvolution1", BindingFlags.NonPublic) is not null, $"[{c.Attribute}] runs one phase convolution");

        bool is1d = c.Attribute.StartsWith("ConvTranspose1d", StringComparison.Ordinal);
        nint[] inputShape = is1d ? [c.Batch, c.Shape.InChannels, c.Width] : [c.Batch, c.Shape.InChannels, c.Height, c.Width];
        int length = LayerShapes.ElementCount(layer.GetOutputShape(inputShape));
        var single = new float[length];
        layer.Forward(input, inputShape, single, 1);
        var reference = ReferenceTransposedConvolution.Run(c.Shape, input, c.Batch, c.Height, c.Width, weight, bias, c.Activation, out var magnitude);
        ReferenceCheck.AssertClose(single, i => reference[i], magnitude, c.Shape.Terms, computations: 1, c.Attribute);

        foreach (int degree in new[] { 2, 3, 0 })
        {
            var split = new float[length];
            split.AsSpan().Fill(float.NaN);
            layer.Forward(input, inputShape, split, degree);
            Assert.True(single.AsSpan().SequenceEqual(split), $"[{c.Attribute}]: degree {degree} differs from one thread");
        }
    }
}
