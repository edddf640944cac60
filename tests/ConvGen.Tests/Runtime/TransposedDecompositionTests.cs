using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Tests.Infrastructure;
using ConvGen.Transposed;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary>
/// The runtime half of a transposed convolution without the generator, its phases in one shared convolution per axis and
/// in one per padding they need: each phase convolution's weights and biases packed by
/// <see cref="TransposedConvolution"/>, computed by the float64 <see cref="ReferenceConvolution"/>, and
/// <see cref="TransposedConvolution.Scatter"/> placing their outputs must give the scatter definition of
/// <see cref="ReferenceTransposedConvolution"/>. Cheap enough to run under every instruction set tests/run disables, so
/// the placing's Vector512, Vector256 and scalar interleaves (rows of more than 32 outputs at stride 2) are all checked.
/// </summary>
public class TransposedDecompositionTests
{
    public static IEnumerable<object[]> Shapes =>
    [
        // in, out, kh, kw, sh, sw, top, bottom, left, right, oph, opw, dh, dw, groups; batch, height, width
        [new TransposedShape(3, 4, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1), 2, 5, 29],     // U-Net up-sampling: 29 = 16 + 8 + 5 pairs per row
        [new TransposedShape(2, 3, 4, 4, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1), 1, 4, 33],     // DCGAN k4 s2 p1
        [new TransposedShape(2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1), 1, 6, 20],     // k3 s2 p1 op1
        [new TransposedShape(2, 2, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 1), 1, 3, 18],     // phases without taps: bias only
        [new TransposedShape(4, 4, 16, 16, 8, 8, 4, 4, 4, 4, 0, 0, 1, 1, 4), 1, 3, 4],    // FCN depthwise up-sampling: gathered columns
        [new TransposedShape(2, 2, 4, 5, 3, 4, 1, 1, 2, 2, 2, 1, 1, 1, 1), 2, 3, 5],      // strides 3 and 4, every phase: gathered columns
        [new TransposedShape(2, 3, 3, 5, 3, 3, 2, 0, 1, 4, 2, 1, 2, 2, 1), 1, 4, 7],      // stride 3, dilation 2, uneven pads
        [new TransposedShape(2, 2, 3, 3, 1, 1, 4, 4, 5, 5, 0, 0, 1, 1, 1), 1, 9, 11],     // stride 1 cropping past the kernel
        [new TransposedShape(4, 6, 3, 3, 2, 1, 0, 1, 1, 1, 1, 0, 2, 1, 2), 2, 5, 6],      // groups, stride 2 x 1, dilation 2
        [new TransposedShape(3, 2, 1, 4, 1, 2, 0, 0, 1, 1, 0, 0, 1, 1, 1), 2, 1, 70],     // a 1-D layer: kernel height 1
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Packed_phases_convolved_and_placed_give_the_transposed_convolution(TransposedShape shape, int batch, int height, int width)
    {
        // One shared convolution per axis, and one per padding the phases need along either or both axes.
        foreach (var (rows, columns) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var geometry = new TransposedGeometry(shape.InChannels, shape.OutChannels, shape.Groups,
                new TransposedAxis(shape.KernelHeight, shape.StrideHeight, shape.PadTop, shape.PadBottom - shape.OutputPadHeight, shape.DilationHeight, rows),
                new TransposedAxis(shape.KernelWidth, shape.StrideWidth, shape.PadLeft, shape.PadRight - shape.OutputPadWidth, shape.DilationWidth, columns));
            AssertPlacedPhases(shape, geometry, batch, height, width, $"{shape} on {batch}x{height}x{width}, separate rows {rows}, columns {columns}");
        }
    }

    private static void AssertPlacedPhases(TransposedShape shape, TransposedGeometry geometry, int batch, int height, int width, string what)
    {
        var random = new Random(height * 131 + width);
        float[] weight = TestValues.Uniform(random, shape.WeightLength);
        float[] bias = TestValues.Uniform(random, shape.OutChannels);
        float[] input = TestValues.Uniform(random, batch * shape.InChannels * height * width);

        // Each phase convolution's packed weights and biases, convolved in float64, its outputs after the previous ones'.
        var phases = new List<float>();
        var (v, h) = (geometry.Vertical, geometry.Horizontal);
        for (int c = 0; c < geometry.Convolutions; c++)
        {
            var phaseWeight = new float[geometry.ConvolutionWeightLength(c)];
            var phaseBias = new float[geometry.ConvolutionOutChannels(c)];
            TransposedConvolution.PackPhaseWeight(geometry, c, weight, phaseWeight);
            TransposedConvolution.PackPhaseBias(geometry, c, bias, phaseBias);
            int rows = geometry.VerticalClass(c), columns = geometry.HorizontalClass(c);
            var convolution = new ConvGeometry(shape.InChannels, geometry.ConvolutionOutChannels(c), v.SubKernel(rows), h.SubKernel(columns), 1, 1,
                v.ConvPadBefore(rows), v.ConvPadAfter(rows), h.ConvPadBefore(columns), h.ConvPadAfter(columns), v.SubDilation, h.SubDilation, shape.Groups);
            var convOutput = new double[batch * geometry.ConvolutionOutputLength(c, height, width)];
            ReferenceConvolution.Conv2d(convolution, input, batch, height, width, phaseWeight, phaseBias, convOutput);
            phases.AddRange(convOutput.Select(p => (float)p));
        }

        Assert.Equal(TransposedConvolution.PhaseOutputLength(geometry, batch, height, width), phases.Count);
        var empty = new float[shape.OutChannels];
        TransposedConvolution.EmptyPhaseValues(bias, Activation.None, empty);
        int length = batch * shape.OutChannels * shape.OutputHeight(height) * shape.OutputWidth(width);
        var output = new float[length + 2];
        output.AsSpan().Fill(float.NaN);
        float[] phaseValues = [.. phases];
        TransposedConvolution.Scatter(geometry, phaseValues, output.AsSpan(1, length), batch, height, width, empty);
        var split = new float[length];
        TransposedConvolution.Scatter(geometry, phaseValues, split, batch, height, width, empty, degreeOfParallelism: 2);
        Assert.Equal(output.AsSpan(1, length).ToArray(), split);

        Assert.True(float.IsNaN(output[0]) && float.IsNaN(output[^1]), "Scatter wrote outside the output");
        var reference = ReferenceTransposedConvolution.Run(shape, input, batch, height, width, weight, bias, Activation.None, out var magnitude);
        ReferenceCheck.AssertClose(output.AsSpan(1, length), i => reference[i], magnitude, shape.Terms, computations: 1, what);
    }

    [Fact]
    public void Spans_of_the_wrong_length_are_refused_naming_both_lengths()
    {
        var geometry = new TransposedGeometry(2, 2, 1, new TransposedAxis(2, 2, 0, 0, 1), new TransposedAxis(2, 2, 0, 0, 1));
        var error = Assert.Throws<ArgumentException>(() => TransposedConvolution.PackPhaseWeight(geometry, 0, new float[15], new float[geometry.ConvWeightLength]));
        Assert.Equal("weight has 15 values, but the transposed convolution's geometry needs 16. (Parameter 'weight')", error.Message);
        error = Assert.Throws<ArgumentException>(() => TransposedConvolution.Scatter(geometry, new float[71], new float[72], 1, 3, 3, []));
        Assert.Equal("phases has 71 values, but the transposed convolution's geometry needs 72. (Parameter 'phases')", error.Message);
        error = Assert.Throws<ArgumentException>(() => TransposedConvolution.Scatter(geometry, new float[72], new float[73], 1, 3, 3, []));
        Assert.Equal("output has 73 values, but the transposed convolution's geometry needs 72. (Parameter 'output')", error.Message);
    }
}
