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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, Span<float> y, bool tanh)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"the output has {y.Length} values for {x.Length} inputs.", nameof(y));
        }

        int i = 0;
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            Of(new Vector<float>(x.Slice(i)), tanh).CopyTo(y.Slice(i));
        }

        if (i < x.Length)
        {
            // The tail through the same formula, in one padded vector.
            Span<float> tail = stackalloc float[Vector<float>.Count];
            x.Slice(i).CopyTo(tail);
            Of(new Vector<float>(tail), tanh).CopyTo(tail);
            tail.Slice(0, x.Length - i).CopyTo(y.Slice(i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Of(Vector<float> x, bool tanh)
    {
        if (!tanh)
        {
            return x * new Vector<float>(0.5f) * (Vector<float>.One + Erf.Of(x * new Vector<float>(InverseSqrt2)));
        }

        var twiceU = new Vector<float>(TwoSqrt2OverPi) * (x + (new Vector<float>(Cubic) * x * x * x));
        return x / (Vector<float>.One + Vector.Exp(-twiceU));
    }
}
