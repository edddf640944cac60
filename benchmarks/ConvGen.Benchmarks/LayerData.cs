using System;
using System.Linq;

namespace ConvGen.Benchmarks;

/// <summary>The harnesses' data: uniform random weights and inputs, and how far two engines' outputs differ.</summary>
public static class LayerData
{
    public static float[] Uniform(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1))];

    /// <summary>The largest difference between <paramref name="actual"/> and <paramref name="expected"/>, relative to
    /// <paramref name="expected"/>'s largest magnitude: ~1e-6 is float rounding, above <see cref="ResultFiles.MismatchThreshold"/>
    /// the engines computed different things.</summary>
    public static double MaxRelativeError(float[] actual, float[] expected)
    {
        double maxError = 0, scale = 1e-6;
        for (int i = 0; i < expected.Length; i++)
        {
            maxError = Math.Max(maxError, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return maxError / scale;
    }
}
