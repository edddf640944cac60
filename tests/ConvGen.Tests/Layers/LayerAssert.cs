using System;
using System.Numerics.Tensors;
using Xunit;

namespace ConvGen.Tests.Layers;

internal static class LayerAssert
{
    /// <summary>Every value within absolute + relative tolerance of the reference; NaN must match NaN, infinities exactly.</summary>
    public static void Close(ReadOnlySpan<float> actual, double[] expected, double absolute, double relative, string context)
    {
        Assert.True(actual.Length == expected.Length, $"{context}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < actual.Length; i++)
        {
            double e = expected[i], a = actual[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? a == e
                : Math.Abs(a - e) <= absolute + (relative * Math.Abs(e));
            if (!ok)
            {
                Assert.Fail($"{context}: value {i} is {a:R}, expected {e:R} (error {Math.Abs(a - e):E2})");
            }
        }
    }

    public static float[] Values(Tensor<float> tensor)
    {
        var values = new float[tensor.FlattenedLength];
        tensor.FlattenTo(values);
        return values;
    }

    public static float[] Uniform(Random random, int length, double scale = 1)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
        }

        return values;
    }
}
