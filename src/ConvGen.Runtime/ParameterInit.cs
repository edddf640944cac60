using System;

namespace ConvGen;

/// <summary>Parameter initialisation as PyTorch does it.</summary>
public static class ParameterInit
{
    /// <summary>
    /// PyTorch's <c>_ConvNd.reset_parameters</c>: <c>kaiming_uniform_(a=sqrt(5))</c> draws weights from
    /// U(-b, b) with b = gain * sqrt(3 / fan_in) = sqrt(1/3) * sqrt(3 / fan_in) = 1/sqrt(fan_in), and the
    /// bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    /// </summary>
    public static void ConvUniform(Span<float> weight, Span<float> bias, int fanIn, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        double bound = 1.0 / Math.Sqrt(fanIn);
        Uniform(weight, bound, random);
        Uniform(bias, bound, random);
    }

    private static void Uniform(Span<float> values, double bound, Random random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2) - 1) * bound);
        }
    }
}
