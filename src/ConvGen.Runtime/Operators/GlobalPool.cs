using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>ONNX GlobalMaxPool and GlobalAveragePool (and the runtime's AdaptiveAvgPool2d to 1x1): one value per plane,
/// each plane one vectorised <see cref="TensorPrimitives"/> reduction; called by generated networks, not meant for direct
/// use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GlobalPool
{
    /// <summary>y[p] = the largest of the <paramref name="planeSize"/> values of plane p of <paramref name="x"/>, NaN if
    /// any is, for each of <paramref name="planes"/> planes.</summary>
    /// <exception cref="ArgumentException">A size is not positive or a span is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Max(ReadOnlySpan<float> x, Span<float> y, int planes, int planeSize)
    {
        Check(x, y, planes, planeSize);
        for (int p = 0; p < planes; p++)
        {
            y[p] = TensorPrimitives.Max(x.Slice(p * planeSize, planeSize));
        }
    }

    /// <summary>y[p] = the mean of the <paramref name="planeSize"/> values of plane p of <paramref name="x"/> (their sum
    /// divided by the size), for each of <paramref name="planes"/> planes.</summary>
    /// <exception cref="ArgumentException">A size is not positive or a span is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Average(ReadOnlySpan<float> x, Span<float> y, int planes, int planeSize)
    {
        Check(x, y, planes, planeSize);
        if (planeSize == 1)
        {
            x.Slice(0, planes).CopyTo(y);
            return;
        }

        for (int p = 0; p < planes; p++)
        {
            y[p] = TensorPrimitives.Sum(x.Slice(p * planeSize, planeSize)) / planeSize;
        }
    }

    private static void Check(ReadOnlySpan<float> x, Span<float> y, int planes, int planeSize)
    {
        if (planes < 0 || planeSize < 1 || x.Length < (long)planes * planeSize || y.Length < planes)
        {
            throw new ArgumentException(
                $"{planes} planes of {planeSize} values need {(long)planes * planeSize} input and {planes} output values, not {x.Length} and {y.Length}.");
        }
    }
}
