using System;

namespace ConvGen.Tests.Infrastructure;

/// <summary>The activations in float64, from PyTorch's documented formulas (NaN in, NaN out), for the layer and
/// fused-activation tests alike.</summary>
internal static class ActivationReference
{
    public static double Apply(Activation activation, double x) => activation switch
    {
        Activation.None => x,
        Activation.ReLU => x > 0 ? x : double.IsNaN(x) ? x : 0,
        Activation.ReLU6 => double.IsNaN(x) ? x : Math.Min(Math.Max(x, 0), 6),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        Activation.SiLU => x / (1 + Math.Exp(-x)),
        Activation.GELU => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>erf in float64: its Maclaurin series below 3 (terms peak near e^9, so about 1e-12 is lost to
    /// cancellation), a continued fraction for erfc above.</summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        double result;
        if (a < 3)
        {
            // erf(a) = 2/sqrt(pi) * sum (-1)^n a^(2n+1) / (n! (2n+1))
            double term = a, sum = a;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
            {
                term *= -a * a / n;
                sum += term / ((2 * n) + 1);
            }

            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // erfc(a) = exp(-a^2)/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))), evaluated from the tail.
            double fraction = a;
            for (int k = 60; k >= 1; k--)
            {
                fraction = a + (k / 2.0 / fraction);
            }

            result = 1 - (Math.Exp(-a * a) / Math.Sqrt(Math.PI) / fraction);
        }

        return Math.CopySign(result, x);
    }
}
