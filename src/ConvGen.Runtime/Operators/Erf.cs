using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>ONNX <c>Erf</c>, element-wise (exported PyTorch GELU is x * 0.5 * (1 + erf(x / sqrt 2))); called by generated
/// networks, not meant for direct use. Below |x| = 1 its Maclaurin series to x^21 (relative error under 1e-7, exact
/// near 0), from 1 on Abramowitz and Stegun's 7.1.26 (absolute error under 1.5e-7); NaN stays NaN, +-Inf gives +-1.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Erf
{
    // 2/sqrt(pi) * (-1)^n / (n! (2n + 1)), n = 0..10: erf(x) = x * sum c[n] x^2n.
    private const float S0 = 1.1283791671e+00f, S1 = -3.7612638903e-01f, S2 = 1.1283791671e-01f, S3 = -2.6866170645e-02f,
        S4 = 5.2239776254e-03f, S5 = -8.5483270235e-04f, S6 = 1.2055332982e-04f, S7 = -1.4925650358e-05f,
        S8 = 1.6462114366e-06f, S9 = -1.6365844691e-07f, S10 = 1.4807192816e-08f;

    // Abramowitz and Stegun 7.1.26: erf(a) = 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-a^2), t = 1 / (1 + p a).
    private const float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;

    /// <summary>y[i] = erf(x[i]); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Run(ReadOnlySpan<float> x, Span<float> y) => NumericsMap.Run(x, y, default(ErfOf));

    private readonly struct ErfOf : INumericsFunction
    {
        public Vector<float> Of(Vector<float> x) => Erf.Of(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<float> Of(Vector<float> x)
    {
        var square = x * x;
        var series = x * Horner(square, S10, S9, S8, S7, S6, S5, S4, S3, S2, S1, S0);
        var a = Vector.Abs(x);
        var t = Vector<float>.One / (Vector<float>.One + (new Vector<float>(P) * a));
        var tail = Vector<float>.One - (t * Horner(t, A5, A4, A3, A2, A1) * Vector.Exp(-square));
        var far = Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -tail, tail);
        // NaN fails a < 1, and the far formula keeps it NaN.
        return Vector.ConditionalSelect(Vector.LessThan(a, Vector<float>.One), series, far);
    }

    /// <summary>c[0] v^(n-1) + ... + c[n-1] by Horner's rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Horner(Vector<float> v, params ReadOnlySpan<float> c)
    {
        var sum = new Vector<float>(c[0]);
        for (int k = 1; k < c.Length; k++)
        {
            sum = (sum * v) + new Vector<float>(c[k]);
        }

        return sum;
    }
}
