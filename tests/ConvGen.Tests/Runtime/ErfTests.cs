using System;
using System.Linq;
using ConvGen.Operators;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary><see cref="Erf"/> against erf computed in float64 from its Maclaurin series (exact enough up to |x| = 4;
/// beyond, erf is 1 within 2e-8), on every vector path (tests/run repeats this namespace without AVX-512, AVX2 and
/// intrinsics), at every length up to three vectors (tails), in place, and on NaN and infinities.</summary>
public class ErfTests
{
    private static double Reference(double x)
    {
        if (Math.Abs(x) > 4)
        {
            return Math.Sign(x);
        }

        double sum = 0, term = x; // term = (-1)^n x^(2n+1) / n!
        for (int n = 0; n < 80; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    [Fact]
    public void Matches_float64_erf_within_2e_7_absolute_and_1e_6_relative_near_0()
    {
        float[] x = [.. Enumerable.Range(-6000, 12001).Select(i => i / 1000f), 1e-30f, -3e-8f, 0.9999999f, 1.0000001f];
        var y = new float[x.Length];
        Erf.Run(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Reference(x[i]), error = Math.Abs(y[i] - expected);
            Assert.True(error <= 2e-7 && (Math.Abs(x[i]) >= 1 || error <= 1e-6 * Math.Abs(expected)), $"erf({x[i]}) = {y[i]}, float64 {expected}");
        }
    }

    [Fact]
    public void Every_length_runs_in_place_and_keeps_NaN_and_the_infinities_limits()
    {
        for (int length = 1; length <= 50; length++)
        {
            float[] x = [.. Enumerable.Range(0, length).Select(i => (i % 7) - 3.3f)];
            x[length / 2] = float.NaN;
            x[length - 1] = (length % 2 == 0) ? float.PositiveInfinity : float.NegativeInfinity;
            float[] y = (float[])x.Clone();
            Erf.Run(y, y);
            for (int i = 0; i < length; i++)
            {
                float expected = float.IsNaN(x[i]) ? float.NaN : float.IsInfinity(x[i]) ? Math.Sign(x[i]) : (float)Reference(x[i]);
                Assert.True(float.IsNaN(expected) ? float.IsNaN(y[i]) : Math.Abs(y[i] - expected) <= 2e-7, $"length {length}, erf({x[i]}) = {y[i]}");
            }
        }
    }

    [Fact]
    public void A_short_output_is_rejected_before_anything_is_written()
    {
        float[] y = [7f, 7f];
        var error = Assert.Throws<ArgumentException>(() => Erf.Run(new float[3], y));
        Assert.Contains("2 values for 3 inputs", error.Message);
        Assert.Equal([7f, 7f], y);
    }
}
