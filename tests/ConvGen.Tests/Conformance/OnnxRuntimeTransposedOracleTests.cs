using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Tests.Infrastructure;
using ConvGen.Tests.Transposed;
using Xunit;

namespace ConvGen.Tests.Conformance;

/// <summary>
/// ONNX Runtime as a differential oracle for transposed convolutions: 120 valid layers drawn with their own seed, each
/// built as a one-node ONNX ConvTranspose model (explicit pads and output_padding) and run single-threaded in ORT; its
/// output, with the layer's fused activation applied in float64, must agree with the generated layer within the
/// float32 bound of <see cref="ReferenceCheck"/> (two float32 computations). ORT refuses an output_padding of the stride
/// or more, which PyTorch allows below the dilation: such a layer is written with its end pad reduced instead (the same
/// outputs), and the few where the pad cannot absorb it are left out.
/// </summary>
public class OnnxRuntimeTransposedOracleTests
{
    private const int Seed = 32018;
    private const int Count = 120;

    private static readonly IReadOnlyList<RandomTransposedCase> Cases = RandomTransposedCase.Draw(Seed, Count);
    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(() => LayerCompiler.Compile([.. Cases.Select(c => c.Attribute)]));

    public static IEnumerable<object[]> CaseIndices => Enumerable.Range(0, Count).Where(i => OnnxShape(Cases[i].Shape) is not null).Select(i => new object[] { i });

    [Fact]
    public void Output_padding_of_the_stride_or_more_is_checked_too()
    {
        var runnable = CaseIndices.Select(i => Cases[(int)i[0]].Shape).ToList();
        Assert.True(runnable.Count >= 110, $"only {runnable.Count} of {Count} layers run in ORT");
        Assert.Contains(runnable, s => s.OutputPadHeight >= s.StrideHeight || s.OutputPadWidth >= s.StrideWidth);
    }

    /// <summary>The same layer with output padding moved into the end pads as far as they go, or null when what is left
    /// is still the stride or more (ORT's limit).</summary>
    private static TransposedShape? OnnxShape(TransposedShape s)
    {
        int foldH = Math.Min(s.PadBottom, s.OutputPadHeight), foldW = Math.Min(s.PadRight, s.OutputPadWidth);
        var onnx = s with { PadBottom = s.PadBottom - foldH, OutputPadHeight = s.OutputPadHeight - foldH, PadRight = s.PadRight - foldW, OutputPadWidth = s.OutputPadWidth - foldW };
        return onnx.OutputPadHeight < onnx.StrideHeight && onnx.OutputPadWidth < onnx.StrideWidth ? onnx : null;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Generated_layer_agrees_with_ONNX_Runtime(int index)
    {
        var c = Cases[index];
        var random = new Random(Seed + index);
        float[] weight = TestValues.Uniform(random, c.Shape.WeightLength);
        float[] bias = c.HasBias ? TestValues.Uniform(random, c.Shape.OutChannels) : [];
        float[] input = TestValues.Uniform(random, c.Batch * c.Shape.InChannels * c.Height * c.Width);
        var layer = Factory.Value(index, weight, bias);
        var output = new float[LayerShapes.ElementCount(layer.GetOutputShape(c.InputShape))];
        layer.Forward(input, c.InputShape, output);

        long[] shape = [.. c.InputShape.Select(d => (long)d)];
        float[] expected = OnnxRuntimeOracleTests.RunOnnxRuntime(OnnxConvModelWriter.WriteTransposed(OnnxShape(c.Shape)!.Value, c.Is1d, shape, weight, bias), input, shape, out long[] expectedShape);
        Assert.Equal(expectedShape.Select(d => (nint)d), layer.GetOutputShape(c.InputShape));
        ReferenceTransposedConvolution.Run(c.Shape, input, c.Batch, c.Is1d ? 1 : c.Height, c.Width, weight, bias, c.Activation, out var magnitude);
        ReferenceCheck.AssertClose(output, i => ActivationReference.Apply(c.Activation, expected[i]), magnitude, c.Shape.Terms, computations: 2, c.ToString());
    }
}
