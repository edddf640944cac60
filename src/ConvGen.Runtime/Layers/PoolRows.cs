using System;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>
/// The inner loop of MaxPool2d and AvgPool2d: folds one input row into a row of outputs, one vectorised
/// <see cref="TensorPrimitives"/> call per kernel tap. With stride s &gt; 1 the input row is first split into s phases
/// (phase r holds columns r, r + s, ...), so every tap reads one contiguous run.
/// </summary>
internal static class PoolRows
{
    /// <summary>Elements of scratch <see cref="Fold"/> needs for rows of <paramref name="width"/> with stride <paramref name="stride"/>.</summary>
    public static int ScratchLength(int width, int stride) => stride == 1 ? 0 : stride * PhaseLength(width, stride);

    /// <summary>
    /// target[ow] = max (or sum) of target[ow] and row[ow * stride + kw * dilation - pad] for every tap kw and every ow
    /// whose column lies inside the row. Max propagates NaN, as PyTorch's pooling does.
    /// </summary>
    public static void Fold(ReadOnlySpan<float> row, Span<float> target, Span<float> scratch, int kernel, int stride, int dilation, int pad, bool max)
    {
        int width = row.Length, phaseLength = PhaseLength(width, stride);
        if (stride > 1)
        {
            for (int c = 0; c < width; c++)
            {
                scratch[((c % stride) * phaseLength) + (c / stride)] = row[c];
            }
        }

        for (int k = 0; k < kernel; k++)
        {
            // Input column of output o: o * stride + offset; valid while 0 <= column < width.
            int offset = (k * dilation) - pad;
            int first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
            int last = width - 1 - offset < 0 ? -1 : Math.Min(target.Length - 1, (width - 1 - offset) / stride);
            if (last < first)
            {
                continue;
            }

            int count = last - first + 1;
            Span<float> destination = target.Slice(first, count);
            int column = (first * stride) + offset;
            ReadOnlySpan<float> source = stride == 1
                ? row.Slice(column, count)
                : scratch.Slice(((column % stride) * phaseLength) + (column / stride), count);
            if (max)
            {
                TensorPrimitives.Max(destination, source, destination);
            }
            else
            {
                TensorPrimitives.Add(destination, source, destination);
            }
        }
    }

    private static int PhaseLength(int width, int stride) => (width + stride - 1) / stride;
}
