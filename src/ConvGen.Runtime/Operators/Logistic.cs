using System;
using System.Runtime.CompilerServices;
using ConvGen.Kernels;

namespace ConvGen.Operators;

/// <summary>
/// The logistic sigmoid 1 / (1 + e^-x) on one vector of any width, within 3e-7 relative error of the exact value (as
/// TensorPrimitives.Sigmoid), so that SiLU is one pass: x * sigmoid(x). e^-x is
/// Cephes' single-precision exp: -x = n ln 2 + r with n = round(-x / ln 2) and |r| &lt;= ln 2 / 2 (ln 2 in two parts, the
/// first exact in n ln 2), e^r by its degree-7 Taylor-like polynomial, then times 2^n through the exponent bits. Below
/// -88.38 (where e^-x would leave float) the result is 0, as the exact value rounds there or nearly; NaN stays NaN.
/// </summary>
internal static class Logistic
{
    private const float Lowest = -88.37626f; // e^88.37626 is just below float.MaxValue / 2

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Of<TVector, TOps>(TVector x)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        // -x within exp's range (a NaN lane may become a bound here: the last line gives NaN back).
        TVector a = TOps.ClampNative(TOps.Subtract(TOps.Zero, x), TOps.Create(-87.33654f), TOps.Create(-Lowest));
        TVector n = TOps.Round(TOps.Multiply(a, TOps.Create(1.44269504f)));
        TVector r = TOps.MultiplyAddEstimate(n, TOps.Create(-0.693359375f), a);
        r = TOps.MultiplyAddEstimate(n, TOps.Create(2.12194440e-4f), r);
        TVector p = TOps.MultiplyAddEstimate(TOps.Create(1.9875691500e-4f), r, TOps.Create(1.3981999507e-3f));
        p = TOps.MultiplyAddEstimate(p, r, TOps.Create(8.3334519073e-3f));
        p = TOps.MultiplyAddEstimate(p, r, TOps.Create(4.1665795894e-2f));
        p = TOps.MultiplyAddEstimate(p, r, TOps.Create(1.6666665459e-1f));
        p = TOps.MultiplyAddEstimate(p, r, TOps.Create(5.0000001201e-1f));
        p = TOps.MultiplyAddEstimate(TOps.Multiply(p, r), r, TOps.Add(r, TOps.Create(1f)));
        TVector one = TOps.Create(1f);
        TVector sigmoid = TOps.Divide(one, TOps.Add(one, TOps.TimesPowerOfTwo(p, n)));
        sigmoid = TOps.ConditionalSelect(TOps.LessThan(x, TOps.Create(Lowest)), TOps.Zero, sigmoid);
        return TOps.ConditionalSelect(TOps.EqualTo(x, x), sigmoid, x);
    }

    /// <summary>The same function on one value, where no vector is accelerated.</summary>
    public static float Of(float x) => x < Lowest ? 0f : 1f / (1f + MathF.Exp(-x));
}
