using System;
using System.Collections.Generic;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Numeric;

/// <summary>
/// Layers whose input is larger than a band's budget (96K floats), so the kernel runs its output rows in two or
/// more bands, with every channel tile inside each band: flat sweeps with staging, row sweeps, strides, dilation,
/// a 1x1 layer read in place and one on odd sizes, and layers of fixed size whose kernels hold only the loops their
/// bands run, against the float64 reference, on one thread and on three.
/// </summary>
public class RowBandTests
{
    private static readonly (string Attribute, ConvGeometry Geometry, int Channels, int Height, int Width)[] Layers =
    [
        ("Conv2d(@in: 24, @out: 10, k: 3, p: 1)", new ConvGeometry(24, 10, 3, 3, 1, 1, 1, 1, 1, 1), 24, 75, 61),
        ("Conv2d(@in: 8, @out: 12, k: 3, s: 2, p: 1)", new ConvGeometry(8, 12, 3, 3, 2, 2, 1, 1, 1, 1), 8, 150, 131),
        ("Conv2d(@in: 4, @out: 9, k: 5, d: 2, p: 4)", new ConvGeometry(4, 9, 5, 5, 1, 1, 4, 4, 4, 4, 2, 2), 4, 130, 300),
        ("Conv2d(@in: 64, @out: 20, k: 1)", new ConvGeometry(64, 20, 1, 1), 64, 40, 41),
        ("Conv2d(@in: 12, @out: 12, k: 3, p: 1, groups: 3)", new ConvGeometry(12, 12, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 3), 12, 97, 180),
        // Fixed sizes: the kernels hold only the loops their bands run (SweepLoops).
        ("Conv2d(@in: 24, @out: 10, k: 3, p: 1, h: 75, w: 61)", new ConvGeometry(24, 10, 3, 3, 1, 1, 1, 1, 1, 1), 24, 75, 61),
        ("Conv2d(@in: 8, @out: 12, k: 3, s: 2, p: 1, h: 150, w: 131)", new ConvGeometry(8, 12, 3, 3, 2, 2, 1, 1, 1, 1), 8, 150, 131),
        // Depthwise, swept row by row in row tiles of 4: bands of 64, 64 and 62 rows, so only the last band ends in single rows.
        ("Conv2d(@in: 2, @out: 2, k: 3, p: 1, groups: 2, h: 190, w: 1022)", new ConvGeometry(2, 2, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 2), 2, 190, 1022),
    ];

    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(() => LayerCompiler.Compile(Array.ConvertAll(Layers, l => l.Attribute)));

    public static IEnumerable<object[]> Cases()
    {
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            yield return [layer, 1];
            yield return [layer, 3];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_layer_run_in_bands_matches_the_float64_reference(int index, int degree)
    {
        var (attribute, geometry, channels, height, width) = Layers[index];
        var random = new Random(index);
        float[] weight = TestValues.Uniform(random, geometry.WeightLength), bias = TestValues.Uniform(random, geometry.OutChannels);
        float[] input = TestValues.Uniform(random, channels * height * width);
        var output = new float[geometry.OutChannels * geometry.OutputHeight(height) * geometry.OutputWidth(width)];
        Factory.Value(index, weight, bias).Forward(input, [1, channels, height, width], output, degree);

        double[] magnitude = ReferenceCheck.Magnitude(geometry, input, 1, height, width, weight, bias, out double[] reference);
        ReferenceCheck.AssertClose(output, i => reference[i], magnitude, geometry.FanIn, computations: 1, $"{attribute} on {channels}x{height}x{width}, degree {degree}");
    }
}
