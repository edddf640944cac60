using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Numeric;

/// <summary>
/// Small fixed-size layers the planner runs on gathered taps (im2col rows fed to a 1x1 kernel): rows made by
/// permutes (one or two plane vectors per output vector) and by row copies (more vectors than the permutes list),
/// strides, dilation, a rectangular kernel, a remainder tile, a plane narrower than a vector, a Conv1d and a fused
/// ReLU, and tiny planes gathered straight from the image (with AVX-512; from the padded copy otherwise); on one thread,
/// on three (one image's tiles split, the gather split by channels) and two images on two. Each is checked to really
/// run a gathered kernel (and to gather from the image or not, as listed), then against the float64 reference.
/// </summary>
public class GatheredTapsTests
{
    private static readonly (string Attribute, ConvGeometry Geometry, int Height, int Width, bool ReLU, bool FromImage)[] Layers =
    [
        ("Conv2d(@in: 16, @out: 32, k: 3, p: 1, h: 8, w: 8)", new ConvGeometry(16, 32, 3, 3, 1, 1, 1, 1, 1, 1), 8, 8, false, true),
        ("Conv2d(@in: 32, @out: 32, k: 3, p: 1, h: 4, w: 4, activation: Activation.ReLU)", new ConvGeometry(32, 32, 3, 3, 1, 1, 1, 1, 1, 1), 4, 4, true, true),
        ("Conv2d(@in: 12, @out: 13, k: 3, s: 2, p: 1, h: 13, w: 11)", new ConvGeometry(12, 13, 3, 3, 2, 2, 1, 1, 1, 1), 13, 11, false, false),
        ("Conv2d(@in: 6, @out: 10, k: 3, d: 2, p: 2, h: 7, w: 9)", new ConvGeometry(6, 10, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2), 7, 9, false, true),
        ("Conv2d(@in: 10, @out: 9, kh: 2, kw: 3, sh: 1, sw: 2, h: 6, w: 9, bias: false)", new ConvGeometry(10, 9, 2, 3, 1, 2, 0, 0, 0, 0), 6, 9, false, false),
        ("Conv2d(@in: 16, @out: 16, k: 3, p: 1, h: 3, w: 5)", new ConvGeometry(16, 16, 3, 3, 1, 1, 1, 1, 1, 1), 3, 5, false, false),
        ("Conv2d(@in: 16, @out: 32, k: 3, p: 1, h: 12, w: 12)", new ConvGeometry(16, 32, 3, 3, 1, 1, 1, 1, 1, 1), 12, 12, false, false),
        ("Conv1d(@in: 16, @out: 24, k: 5, s: 2, p: 2, length: 30)", new ConvGeometry(16, 24, 1, 5, 1, 2, 0, 0, 2, 2), 1, 30, false, false),
    ];

    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(() => LayerCompiler.Compile(Array.ConvertAll(Layers, l => l.Attribute)));

    public static IEnumerable<object[]> Cases()
    {
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            yield return [layer, 1, 1];
            yield return [layer, 1, 3];
            yield return [layer, 2, 2];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_layer_on_gathered_taps_matches_the_float64_reference(int index, int batch, int degree)
    {
        var (attribute, geometry, height, width, relu, fromImage) = Layers[index];
        var random = new Random(index);
        float[] weight = TestValues.Uniform(random, geometry.WeightLength);
        float[] bias = attribute.Contains("bias: false") ? [] : TestValues.Uniform(random, geometry.OutChannels);
        var layer = Factory.Value(index, weight, bias);
        var methods = layer.GetType().GetMethods(BindingFlags.NonPublic | BindingFlags.Static);
        Assert.Contains(methods, m => m.Name.Contains("Gathered_"));
        Assert.Equal(fromImage, methods.Any(m => m.Name == "GatherImageTaps"));

        int channels = geometry.InChannels;
        float[] input = TestValues.Uniform(random, batch * channels * height * width);
        var output = new float[batch * geometry.OutChannels * geometry.OutputHeight(height) * geometry.OutputWidth(width)];
        nint[] shape = attribute.StartsWith("Conv1d") ? [batch, channels, width] : [batch, channels, height, width];
        layer.Forward(input, shape, output, degree);

        double[] magnitude = ReferenceCheck.Magnitude(geometry, input, batch, height, width, weight, bias, out double[] reference);
        ReferenceCheck.AssertClose(output, i => relu ? Math.Max(0, reference[i]) : reference[i], magnitude, geometry.FanIn, computations: 1,
            $"{attribute}, batch {batch}, degree {degree}");
    }
}
