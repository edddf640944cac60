using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>ONNX <c>Gelu</c> (opset 20), element-wise; called by generated networks, not meant for direct use. Exact:
/// x * 0.5 * (1 + erf(x / sqrt 2)), erf as <see cref="Erf"/> computes it. The tanh approximation,
/// x * 0.5 * (1 + tanh(u)) with u = sqrt(2 / pi) * (x + 0.044715 x^3), as x / (1 + exp(-2u)): the same value, without
/// the cancellation 1 + tanh(u) suffers for negative x.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Gelu
{
    private const float InverseSqrt2 = 0.70710678118654752f;
    private const float TwoSqrt2OverPi = 1.5957691216057308f; // 2 * sqrt(2 / pi)
    private const float Cubic = 0.044715f;

    /// <summary>y[i] = gelu(x[i]); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Run(ReadOnlySpan<float> x, Span<float> y, bool tanh)
    {
        if (tanh)
        {
            NumericsMap.Run(x, y, default(TanhOf));
        }
        else
        {
            NumericsMap.Run(x, y, default(ExactOf));
        }
    }

    /// <summary>x * 0.5 * (1 + erf(x / sqrt 2)).</summary>
    private readonly struct ExactOf : INumericsFunction
    {
        public Vector<float> Of(Vector<float> x) =>
            x * new Vector<float>(0.5f) * (Vector<float>.One + Erf.Of(x * new Vector<float>(InverseSqrt2)));
    }

    /// <summary>x * 0.5 * (1 + tanh(u)) = x / (1 + exp(-2u)).</summary>
    private readonly struct TanhOf : INumericsFunction
    {
        public Vector<float> Of(Vector<float> x)
        {
            var twiceU = new Vector<float>(TwoSqrt2OverPi) * (x + (new Vector<float>(Cubic) * x * x * x));
            return x / (Vector<float>.One + Vector.Exp(-twiceU));
        }
    }
}
