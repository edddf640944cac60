using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Conformance;

/// <summary>
/// ONNX's own ConvTranspose backend tests (node/test_convtranspose_*: pads, output_padding, output_shape, auto_pad,
/// dilations, kernel_shape, 1-D) and the layers PyTorch exported into that data (pytorch-converted/test_ConvTranspose2d*,
/// pytorch-operator/test_operator_convtranspose: groups, dilation, output padding): each 1-D/2-D case becomes a generated
/// layer of the matching configuration (fixed input size included), runs on the case's data and must reproduce ONNX's
/// expected output within the float32 bound of <see cref="ReferenceCheck"/> (two float32 computations, against the
/// magnitudes of the float64 definition). The 3-D case and ONNX's SAME_UPPER case (whose pads PyTorch's attributes cannot
/// say) must be reported as unsupported with a reason.
/// </summary>
public class OnnxTransposedConformanceTests
{
    private static readonly Lazy<(IReadOnlyList<string> Names, Func<int, float[], float[], ILayer> Factory)> Supported = new(() =>
    {
        var names = Discover().Where(IsMapped).ToList();
        return (names, LayerCompiler.Compile([.. names.Select(name => Map(OnnxConformanceCase.Load(name)).Attribute)]));
    });

    public static TheoryData<string> Cases => new(Discover().Where(IsMapped));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_layer_reproduces_ONNX_expected_output(string name)
    {
        var conformance = OnnxConformanceCase.Load(name);
        var mapped = Map(conformance);
        var (names, factory) = Supported.Value;
        foreach (var data in conformance.DataSets)
        {
            float[] bias = data.B?.Values ?? [];
            var layer = factory(names.ToList().IndexOf(name), data.W.Values, bias);
            nint[] inputShape = [.. data.X.Dims.Select(d => (nint)d)];
            Assert.Equal(data.Y.Dims.Select(d => (nint)d), layer.GetOutputShape(inputShape));
            var output = new float[data.Y.Values.Length];
            layer.Forward(data.X.Values, inputShape, output);

            int height = mapped.Is1d ? 1 : (int)data.X.Dims[2];
            ReferenceTransposedConvolution.Run(mapped.Shape, data.X.Values, (int)data.X.Dims[0], height, (int)data.X.Dims[^1], data.W.Values, bias, Activation.None, out var magnitude);
            ReferenceCheck.AssertClose(output, i => data.Y.Values[i], magnitude, mapped.Shape.Terms, computations: 2, $"{name} as [{mapped.Attribute}]");
        }
    }

    [Fact]
    public void The_three_dimensional_case_is_reported_unsupported_with_a_reason()
    {
        var e = Assert.Throws<NotSupportedException>(() => Map(OnnxConformanceCase.Load("node/test_convtranspose_3d")));
        Assert.Contains("3-D transposed convolution", e.Message, StringComparison.Ordinal);
    }

    // SAME_UPPER at stride 2 leaves one pad, which ONNX puts at the end: the natural output without its last row and
    // column. PyTorch's padding crops both ends alike and output padding only adds at the end, so no attribute says it.
    [Fact]
    public void SAME_UPPER_with_an_odd_pad_is_reported_as_no_PyTorch_padding()
    {
        var e = Assert.Throws<NotSupportedException>(() => Map(OnnxConformanceCase.Load(SameUpper)));
        Assert.Equal("pads begin 0, end 1 with output_padding 0 need output padding -1 on axis 0, but PyTorch's output padding (ConvGen's op) " +
            "is from 0 to max(stride, dilation) - 1 = 1.", e.Message);
    }

    [Fact]
    public void All_expected_cases_are_present()
    {
        var names = Discover();
        Assert.Equal(
            ["node/test_convtranspose", "node/test_convtranspose_1d", "node/test_convtranspose_3d", "node/test_convtranspose_autopad_same",
             "node/test_convtranspose_dilations", "node/test_convtranspose_kernel_shape", "node/test_convtranspose_output_shape",
             "node/test_convtranspose_pad", "node/test_convtranspose_pads", "node/test_convtranspose_with_kernel",
             "pytorch-converted/test_ConvTranspose2d", "pytorch-converted/test_ConvTranspose2d_no_bias", "pytorch-operator/test_operator_convtranspose"],
            names);
    }

    private static MappedTransposed Map(OnnxConformanceCase c) =>
        OnnxConvTransposeMapping.Map(c.Conv, c.DataSets[0].X.Dims, c.DataSets[0].W.Dims, c.DataSets[0].B is not null);

    private static IReadOnlyList<string> Discover()
    {
        _ = OnnxConformanceCase.Discover(); // throws, naming the package, when the data is missing
        return [.. new[] { ("node", "test_convtranspose*"), ("pytorch-converted", "test_ConvTranspose*"), ("pytorch-operator", "test_operator_convtranspose*") }
            .SelectMany(p => Directory.GetDirectories(Path.Combine(OnnxConformanceCase.DataRoot, p.Item1), p.Item2).Select(d => $"{p.Item1}/{Path.GetFileName(d)}"))
            .Order(StringComparer.Ordinal)];
    }

    private const string SameUpper = "node/test_convtranspose_autopad_same";

    private static bool IsMapped(string name) => !name.EndsWith("_3d", StringComparison.Ordinal) && name != SameUpper;
}
