using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Conformance;

/// <summary>
/// ONNX's own Conv backend tests: each 1-D/2-D case becomes a generated layer of the matching
/// configuration (fixed input size included), runs on the case's data, and must reproduce ONNX's
/// expected output within the float32 bound of <see cref="ReferenceCheck"/> (two float32
/// computations: ONNX's and ours). 3-D cases must be reported as unsupported with a reason.
/// </summary>
public class OnnxConformanceTests
{
    private static readonly Lazy<(IReadOnlyList<string> Names, Func<int, float[], float[], ILayer> Factory)> Supported = new(() =>
    {
        var names = OnnxConformanceCase.Discover().Where(name => !IsThreeD(name)).ToList();
        var attributes = names.Select(name => OnnxConformanceCase.Load(name).Map().Attribute).ToList();
        return (names, LayerCompiler.Compile(attributes));
    });

    public static TheoryData<string> Cases => new(OnnxConformanceCase.Discover().Where(name => !IsThreeD(name)));

    public static TheoryData<string> ThreeDCases => new(OnnxConformanceCase.Discover().Where(IsThreeD));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_layer_reproduces_ONNX_expected_output(string name)
    {
        var conformance = OnnxConformanceCase.Load(name);
        var mapped = conformance.Map();
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
            var magnitude = ReferenceCheck.Magnitude(mapped.Geometry, data.X.Values, (int)data.X.Dims[0], height, (int)data.X.Dims[^1], data.W.Values, bias, out _);
            ReferenceCheck.AssertClose(output, i => data.Y.Values[i], magnitude, mapped.Geometry.FanIn, computations: 2, $"{name} as [{mapped.Attribute}]");
        }
    }

    [Theory]
    [MemberData(nameof(ThreeDCases))]
    public void Three_dimensional_cases_are_reported_unsupported_with_a_reason(string name)
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxConformanceCase.Load(name).Map());
        Assert.Contains("3-D convolution", e.Message);
    }

    [Fact]
    public void All_expected_cases_are_present()
    {
        var names = OnnxConformanceCase.Discover();
        Assert.Equal(25, names.Count(name => !IsThreeD(name)));
        Assert.Equal(7, names.Count(IsThreeD));
        Assert.Contains("node/test_conv_with_autopad_same", names);
        Assert.Contains("pytorch-converted/test_Conv2d_depthwise_with_multiplier", names);
    }

    private static bool IsThreeD(string name) => name.Contains("Conv3d", StringComparison.Ordinal);
}
