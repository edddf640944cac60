using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace ConvGen.Operators;

/// <summary>ONNX <c>LayerNormalization</c> over contiguous runs; called by generated networks, not meant for direct use.
/// Each run is normalised with its mean and its variance about that mean (taken after the mean is subtracted, so a
/// large mean costs no precision), then scaled and shifted element by element.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LayerNorm
{
    /// <summary>
    /// y = (x - mean) / sqrt(variance + <paramref name="epsilon"/>) * scale + bias for each of <paramref name="rows"/>
    /// runs of <paramref name="length"/> values; <paramref name="bias"/> may be empty (none), <paramref name="y"/> may be
    /// <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length does not match <paramref name="rows"/> and <paramref name="length"/>.</exception>
    public static void Run(ReadOnlySpan<float> x, Span<float> y, int rows, int length, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, float epsilon)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        long values = (long)rows * length;
        if (x.Length != values || y.Length != values)
        {
            throw new ArgumentException($"x has {x.Length} and y {y.Length} values; {rows} runs of {length} need {values}.", x.Length != values ? nameof(x) : nameof(y));
        }

        if (scale.Length != length || (bias.Length != 0 && bias.Length != length))
        {
            throw new ArgumentException($"scale has {scale.Length} and bias {bias.Length} values; runs of {length} need {length} (bias: or none).", scale.Length != length ? nameof(scale) : nameof(bias));
        }

        for (int row = 0; row < rows; row++)
        {
            var input = x.Slice(row * length, length);
            var output = y.Slice(row * length, length);
            // The mean as the run's first value plus the mean of the differences from it: a large common offset
            // (activations around 1000) then costs the sum no precision.
            float pivot = input[0];
            TensorPrimitives.Subtract(input, pivot, output);
            TensorPrimitives.Subtract(output, TensorPrimitives.Sum(output) / length, output);
            float variance = TensorPrimitives.SumOfSquares(output) / length;
            TensorPrimitives.Multiply(output, 1f / MathF.Sqrt(variance + epsilon), output);
            if (bias.IsEmpty)
            {
                TensorPrimitives.Multiply(output, scale, output);
            }
            else
            {
                TensorPrimitives.FusedMultiplyAdd(output, scale, bias, output);
            }
        }
    }
}
