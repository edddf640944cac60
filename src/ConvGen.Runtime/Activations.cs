using System;
using System.Numerics.Tensors;
using ConvGen.Operators;

namespace ConvGen;

/// <summary>
/// Element-wise activations applied in place, with PyTorch's semantics. Allocation-free and vectorised
/// (System.Numerics.Tensors' <see cref="TensorPrimitives"/> and the runtime's <see cref="Elementwise"/>); generated convolutions call
/// <see cref="Apply"/> for a fused activation.
/// </summary>
public static class Activations
{
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
                Elementwise.Sigmoid(values, values);
                break;
            case Activation.Tanh:
                TensorPrimitives.Tanh(values, values);
                break;
            case Activation.SiLU:
                Elementwise.SiLU(values, values);
                break;
            case Activation.GELU:
                Gelu.Run(values, values, tanh: false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, $"{activation} is not an Activation value.");
        }
    }

    /// <summary>PyTorch's <c>nn.LeakyReLU(negative_slope)</c> in place: x when x &gt;= 0, else slope * x.</summary>
    /// <param name="values">Any number of values.</param>
    /// <param name="negativeSlope">The slope for negative inputs (PyTorch's default is 0.01); any finite value.</param>
    public static void LeakyReLU(Span<float> values, float negativeSlope) => Elementwise.LeakyRelu(values, values, negativeSlope);

    /// <summary>The standard normal CDF's erf as GELU uses it (the operator core <see cref="Operators.Erf"/>).</summary>
    /// <param name="x">Any float.</param>
    /// <returns>erf(x), in [-1, 1], within 2e-7 of the exact value; NaN for NaN.</returns>
    public static float Erf(float x)
    {
        Span<float> value = [x];
        Operators.Erf.Run(value, value);
        return value[0];
    }
}
