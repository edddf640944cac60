using System;
using System.Numerics.Tensors;
using ConvGen.Operators;

namespace ConvGen;

/// <summary>
/// Element-wise activations applied in place, with PyTorch's semantics. Allocation-free and vectorised
/// (System.Numerics.Tensors' <see cref="TensorPrimitives"/>); generated convolutions call
/// <see cref="Apply"/> for a fused activation.
/// </summary>
public static class Activations
{
    // Scratch for the activations that need a second operand (SiLU, GELU): chunks of 1024 floats on the
    // stack (at most 12 KB), long enough that the per-call cost of each TensorPrimitives pass is small.
    private const int Chunk = 1024;

    // Abramowitz and Stegun 7.1.26: erf(a) = 1 - (a1 t + ... + a5 t^5) exp(-a^2), t = 1 / (1 + p a), a >= 0,
    // with |error| <= 1.5e-7 (plus float rounding), vectorisable with TensorPrimitives. PyTorch's own float erf is
    // within 5e-8 of the exact one, so GELU here may differ from nn.GELU() by about 0.5 |x| 2e-7; tests check the
    // erf against a float64 series (< 1e-6) and the network against PyTorch's outputs.
    private const float ErfP = 0.3275911f;
    private const float ErfA1 = 0.254829592f;
    private const float ErfA2 = -0.284496736f;
    private const float ErfA3 = 1.421413741f;
    private const float ErfA4 = -1.453152027f;
    private const float ErfA5 = 1.061405429f;
    private const float InverseSqrt2 = 0.70710678118654752f;

    /// <summary>Applies <paramref name="activation"/> to every value of <paramref name="values"/>, in place.</summary>
    /// <param name="activation">The activation; <see cref="Activation.None"/> leaves the values unchanged.</param>
    /// <param name="values">Any number of values (including none).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not an <see cref="Activation"/> value.</exception>
    public static void Apply(Activation activation, Span<float> values)
    {
        // TensorPrimitives rejects some empty inputs; there is nothing to do for them anyway.
        if (values.IsEmpty && activation is >= Activation.None and <= Activation.GELU)
        {
            return;
        }

        switch (activation)
        {
            case Activation.None:
                break;
            case Activation.ReLU:
                // max(x, 0) propagates NaN, as torch.relu does.
                TensorPrimitives.Max(values, 0f, values);
                break;
            case Activation.ReLU6:
                TensorPrimitives.Max(values, 0f, values);
                TensorPrimitives.Min(values, 6f, values);
                break;
            case Activation.Sigmoid:
                TensorPrimitives.Sigmoid(values, values);
                break;
            case Activation.Tanh:
                TensorPrimitives.Tanh(values, values);
                break;
            case Activation.SiLU:
                SiLU(values);
                break;
            case Activation.GELU:
                Gelu(values);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, $"{activation} is not an Activation value.");
        }
    }

    /// <summary>PyTorch's <c>nn.LeakyReLU(negative_slope)</c> in place: x when x &gt;= 0, else slope * x.</summary>
    /// <param name="values">Any number of values.</param>
    /// <param name="negativeSlope">The slope for negative inputs (PyTorch's default is 0.01); any finite value.</param>
    public static void LeakyReLU(Span<float> values, float negativeSlope) => Elementwise.LeakyRelu(values, values, negativeSlope);

    /// <summary>The standard normal CDF's erf as GELU uses it: erf(x) with |error| &lt;= 1.5e-7 plus float rounding.</summary>
    /// <param name="x">Any float.</param>
    /// <returns>erf(x), in [-1, 1].</returns>
    public static float Erf(float x)
    {
        float a = MathF.Abs(x);
        float t = 1f / (1f + (ErfP * a));
        float poly = ((((((((ErfA5 * t) + ErfA4) * t) + ErfA3) * t) + ErfA2) * t) + ErfA1) * t;
        float erf = 1f - (poly * MathF.Exp(-a * a));
        return float.IsNaN(x) ? x : MathF.CopySign(erf, x);
    }

    // x * sigmoid(x), chunk by chunk so the original x survives the sigmoid.
    private static void SiLU(Span<float> values)
    {
        Span<float> sigmoid = stackalloc float[Chunk];
        for (int start = 0; start < values.Length; start += Chunk)
        {
            Span<float> x = values.Slice(start, Math.Min(Chunk, values.Length - start));
            Span<float> s = sigmoid[..x.Length];
            TensorPrimitives.Sigmoid(x, s);
            TensorPrimitives.Multiply(x, s, x);
        }
    }

    // x * 0.5 * (1 + erf(x / sqrt 2)), with erf as in Erf(float), vectorised chunk by chunk.
    private static void Gelu(Span<float> values)
    {
        Span<float> buffer = stackalloc float[2 * Chunk];
        for (int start = 0; start < values.Length; start += Chunk)
        {
            Span<float> x = values.Slice(start, Math.Min(Chunk, values.Length - start));
            Span<float> a = buffer[..x.Length];
            Span<float> t = buffer.Slice(Chunk, x.Length);

            // a = |x| / sqrt 2; t = 1 / (1 + p a)
            TensorPrimitives.Abs(x, a);
            TensorPrimitives.Multiply(a, InverseSqrt2, a);
            TensorPrimitives.Multiply(a, ErfP, t);
            TensorPrimitives.Add(t, 1f, t);
            TensorPrimitives.Reciprocal(t, t);

            // a = exp(-a^2)
            TensorPrimitives.Multiply(a, a, a);
            TensorPrimitives.Negate(a, a);
            TensorPrimitives.Exp(a, a);

            // a = erfc(|x|/sqrt 2) = poly(t) * exp(-a^2), poly by Horner's rule in t
            Span<float> poly = t;
            HornerInPlace(poly, a);

            // erf(|x|/sqrt 2) = 1 - a, signed as x; gelu = x * 0.5 * (1 + erf)
            TensorPrimitives.Subtract(1f, a, a);
            TensorPrimitives.CopySign(a, x, a);
            TensorPrimitives.Add(a, 1f, a);
            TensorPrimitives.Multiply(a, 0.5f, a);
            TensorPrimitives.Multiply(x, a, x);
        }
    }

    // a = a * (((((A5 t + A4) t + A3) t + A2) t + A1) t), overwriting t's span with the polynomial.
    private static void HornerInPlace(Span<float> t, Span<float> a)
    {
        Span<float> p = stackalloc float[Chunk];
        p = p[..t.Length];
        TensorPrimitives.Multiply(t, ErfA5, p);
        TensorPrimitives.Add(p, ErfA4, p);
        TensorPrimitives.MultiplyAdd(p, t, ErfA3, p);
        TensorPrimitives.MultiplyAdd(p, t, ErfA2, p);
        TensorPrimitives.MultiplyAdd(p, t, ErfA1, p);
        TensorPrimitives.Multiply(p, t, p);
        TensorPrimitives.Multiply(a, p, a);
    }
}
