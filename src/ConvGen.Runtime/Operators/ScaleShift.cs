using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>A per-channel affine map, y = x * scale[c] + shift[c] (an inference batch norm that did not fold into a
/// convolution, and the runtime's BatchNorm2d); called by generated networks, not meant for direct use. Each plane is a
/// vectorised <see cref="TensorPrimitives"/> multiply, then an add (two roundings, not a fused multiply-add); planes of
/// one value ([N, C] and [N, C, 1, 1]) run across the channels instead, in one multiply-add pass.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ScaleShift
{
    /// <summary>
    /// y[n, c, i] = x[n, c, i] * scale[c] + shift[c] over <paramref name="batch"/> samples of
    /// <paramref name="channels"/> planes of <paramref name="planeSize"/> values; <paramref name="y"/> may be
    /// <paramref name="x"/>'s own memory.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, or a span does not hold what the sizes say.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int planeSize, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        long count = (long)batch * channels * planeSize;
        if (batch < 0 || channels < 1 || planeSize < 1 || scale.Length != channels || shift.Length != channels || x.Length < count || y.Length < count)
        {
            throw new ArgumentException(
                $"{batch} samples of {channels} planes of {planeSize} values need {channels} scales and shifts and {count} input and output values, "
                + $"not {scale.Length}, {shift.Length}, {x.Length} and {y.Length}.");
        }

        int sample = channels * planeSize;
        for (int n = 0; n < batch; n++)
        {
            if (planeSize == 1)
            {
                TensorPrimitives.MultiplyAdd(x.Slice(n * sample, sample), scale, shift, y.Slice(n * sample, sample));
                continue;
            }

            for (int c = 0; c < channels; c++)
            {
                int offset = (n * sample) + (c * planeSize);
                Span<float> plane = y.Slice(offset, planeSize);
                TensorPrimitives.Multiply(x.Slice(offset, planeSize), scale[c], plane);
                TensorPrimitives.Add(plane, shift[c], plane);
            }
        }
    }
}
