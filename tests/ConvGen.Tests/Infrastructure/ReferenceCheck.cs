using System;
using Xunit;

namespace ConvGen.Tests.Infrastructure;

/// <summary>
/// Compares a layer's output with expected values within a rigorous float32 bound: a sum of
/// n = fan_in + 1 terms accumulated in float32 in any order is within n * 2^-24 * sum|terms| of the
/// exact sum. <c>magnitude</c> is that sum of |terms| per output (from the float64 reference).
/// A wrong tap, weight or offset errs by about |w*x| ~ magnitude / fan_in, far above the bound.
/// </summary>
internal static class ReferenceCheck
{
    /// <param name="computations">How many float32 computations the comparison spans: 1 against the
    /// float64 reference, 2 against another float32 implementation (ONNX's data, ONNX Runtime).</param>
    public static void AssertClose(
        ReadOnlySpan<float> actual, Func<int, double> expected, ReadOnlySpan<double> magnitude, int fanIn, int computations, string context)
    {
        Assert.Equal(magnitude.Length, actual.Length);
        double relative = 2.0 * computations * (fanIn + 1) * Math.Pow(2, -24);
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected(i));
            double bound = (relative * magnitude[i]) + 1e-30;
            if (!(error <= bound))
            {
                Assert.Fail($"{context}: output {i} is {actual[i]}, expected {expected(i)} (error {error:E2} > bound {bound:E2})");
            }
        }
    }

    /// <summary>The float64 reference's magnitude (|bias| + sum |w*x|) per output.</summary>
    public static double[] Magnitude(ConvGeometry geometry, float[] input, int batch, int height, int width, float[] weight, float[] bias, out double[] reference)
    {
        int length = batch * geometry.OutChannels * geometry.OutputHeight(height) * geometry.OutputWidth(width);
        reference = new double[length];
        var magnitude = new double[length];
        ReferenceConvolution.Conv2d(geometry, input, batch, height, width, weight, bias, reference, magnitude);
        return magnitude;
    }
}
