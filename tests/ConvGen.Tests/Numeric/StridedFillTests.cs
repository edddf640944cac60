using System;
using System.Collections.Generic;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Numeric;

/// <summary>
/// Stride-2 layers at every width from the smallest the kernel allows to 70, with padding on either side, against the
/// float64 reference: rows that fit one or two vectors (each plane row one permute, with AVX-512), and rows wide enough
/// for the vectorised column split (16 columns from 32 floats, the last 16 read backwards from the row's end). A lane
/// taken from the wrong pair or vector, or a column of the wrong phase, shows.
/// </summary>
public class StridedFillTests
{
    private static readonly (string Attribute, ConvGeometry Geometry)[] Layers =
    [
        ("Conv2d(@in: 2, @out: 3, k: 3, s: 2, p: 1)", new ConvGeometry(2, 3, 3, 3, 2, 2, 1, 1, 1, 1)),
        ("Conv2d(@in: 2, @out: 3, k: 5, s: 2, p: 2)", new ConvGeometry(2, 3, 5, 5, 2, 2, 2, 2, 2, 2)),
        ("Conv2d(@in: 2, @out: 3, k: 3, s: 2)", new ConvGeometry(2, 3, 3, 3, 2, 2)),
        ("Conv2d(@in: 1, @out: 2, kh: 1, kw: 4, sw: 2, pw: 3)", new ConvGeometry(1, 2, 1, 4, 1, 2, 0, 0, 3, 3)),
        ("Conv2d(@in: 2, @out: 2, k: 3, s: 2, d: 2, p: 1, groups: 2)", new ConvGeometry(2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, 2)),
    ];

    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(() => LayerCompiler.Compile(Array.ConvertAll(Layers, l => l.Attribute)));

    public static IEnumerable<object[]> Cases()
    {
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            yield return [layer];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_width_up_to_70_matches_the_float64_reference(int index)
    {
        var (attribute, geometry) = Layers[index];
        var random = new Random(index);
        float[] weight = TestValues.Uniform(random, geometry.WeightLength), bias = TestValues.Uniform(random, geometry.OutChannels);
        var layer = Factory.Value(index, weight, bias);
        int smallest = Math.Max(1, (geometry.DilationWidth * (geometry.KernelWidth - 1)) + 1 - geometry.PadLeft - geometry.PadRight);
        for (int width = smallest; width <= 70; width++)
        {
            const int height = 5;
            float[] input = TestValues.Uniform(random, geometry.InChannels * height * width);
            var output = new float[geometry.OutChannels * geometry.OutputHeight(height) * geometry.OutputWidth(width)];
            layer.Forward(input, [1, geometry.InChannels, height, width], output, 1);
            double[] magnitude = ReferenceCheck.Magnitude(geometry, input, 1, height, width, weight, bias, out double[] reference);
            ReferenceCheck.AssertClose(output, i => reference[i], magnitude, geometry.FanIn, computations: 1, $"{attribute} on width {width}");
        }
    }
}
