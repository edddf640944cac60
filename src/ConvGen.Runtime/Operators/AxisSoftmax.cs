using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>
/// ONNX Softmax and LogSoftmax along one axis (and the runtime's Softmax layer); called by generated networks, not meant
/// for direct use. The input is [outer, length, inner]: with inner = 1 each run of <c>length</c> values is contiguous and
/// takes a few <see cref="TensorPrimitives"/> passes; otherwise the runs are columns <c>inner</c> apart, and chunks of up
/// to 256 neighbouring columns advance together, one vectorised pass per row of the chunk, their maxima and sums on the
/// stack. The maximum is subtracted first, so large inputs do not overflow; a NaN in a run makes the whole run NaN.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AxisSoftmax
{
    private const int Chunk = 256;

    /// <summary>
    /// y = exp(x - max) / sum(exp(x - max)) (or, with <paramref name="log"/>, (x - max) - log(sum(exp(x - max)))) over
    /// each run of <paramref name="length"/> values <paramref name="inner"/> apart in <paramref name="x"/>, viewed as
    /// [<paramref name="outer"/>, <paramref name="length"/>, <paramref name="inner"/>]. <paramref name="y"/> must not
    /// overlap <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive or a span is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, Span<float> y, int outer, int length, int inner, bool log)
    {
        long count = (long)outer * length * inner;
        if (outer < 0 || length < 1 || inner < 1 || x.Length < count || y.Length < count)
        {
            throw new ArgumentException($"[{outer}, {length}, {inner}] needs {count} input and output values, not {x.Length} and {y.Length}.");
        }

        int block = length * inner;
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<float> values = x.Slice(o * block, block);
            Span<float> result = y.Slice(o * block, block);
            if (inner == 1)
            {
                Contiguous(values, result, log);
            }
            else
            {
                Strided(values, result, length, inner, log);
            }
        }
    }

    private static void Contiguous(ReadOnlySpan<float> x, Span<float> y, bool log)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        float sum = TensorPrimitives.Sum(y);
        if (log)
        {
            // (x - max) - log(sum), not x - (max + log(sum)): exact for large inputs.
            TensorPrimitives.Subtract(x, max, y);
            TensorPrimitives.Subtract(y, MathF.Log(sum), y);
        }
        else
        {
            TensorPrimitives.Divide(y, sum, y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strided(ReadOnlySpan<float> x, Span<float> y, int length, int inner, bool log)
    {
        Span<float> buffer = stackalloc float[2 * Chunk];
        for (int c0 = 0; c0 < inner; c0 += Chunk)
        {
            int n = Math.Min(Chunk, inner - c0);
            Span<float> max = buffer[..n];
            Span<float> sum = buffer.Slice(Chunk, n);
            x.Slice(c0, n).CopyTo(max);
            for (int k = 1; k < length; k++)
            {
                TensorPrimitives.Max(max, x.Slice((k * inner) + c0, n), max);
            }

            sum.Clear();
            for (int k = 0; k < length; k++)
            {
                Span<float> row = y.Slice((k * inner) + c0, n);
                TensorPrimitives.Subtract(x.Slice((k * inner) + c0, n), max, row);
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Add(sum, row, sum);
            }

            if (log)
            {
                TensorPrimitives.Log(sum, sum);
            }

            for (int k = 0; k < length; k++)
            {
                Span<float> row = y.Slice((k * inner) + c0, n);
                if (log)
                {
                    TensorPrimitives.Subtract(x.Slice((k * inner) + c0, n), max, row);
                    TensorPrimitives.Subtract(row, sum, row);
                }
                else
                {
                    TensorPrimitives.Divide(row, sum, row);
                }
            }
        }
    }
}
