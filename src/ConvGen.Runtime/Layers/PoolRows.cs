using System;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>
/// The inner loop of MaxPool2d and AvgPool2d: folds one input row into a row of outputs, one vectorised
/// <see cref="TensorPrimitives"/> call per kernel tap. With stride s &gt; 1 each plane is first split into s column
/// phases per row (phase r holds columns r, r + s, ...; <see cref="Split"/>), so every tap reads one contiguous run.
/// </summary>
internal static class PoolRows
{
    /// <summary>Values per row after <see cref="Split"/>: min(s, width) non-empty phases of ceil(width / s) columns (at most 2 x width).</summary>
    public static int SplitWidth(int width, int stride) => Math.Min(stride, width) * PhaseLength(width, stride);

    /// <summary>Scratch for one split plane (none for stride 1), or a clear error when it cannot be one array.</summary>
    public static int ScratchLength(int height, int width, int stride)
    {
        long length = stride == 1 ? 0 : (long)height * SplitWidth(width, stride);
        return length <= Array.MaxLength
            ? (int)length
            : throw new ArgumentException($"the pooling scratch for a {height} x {width} plane ({length} values) is too large for one buffer.", "inputShape");
    }

    /// <summary>Writes every row of <paramref name="plane"/> as its stride phases into <paramref name="scratch"/>.</summary>
    public static void Split(ReadOnlySpan<float> plane, int height, int width, int stride, Span<float> scratch)
    {
        int phaseLength = PhaseLength(width, stride), splitWidth = SplitWidth(width, stride);
        for (int h = 0; h < height; h++)
        {
            ReadOnlySpan<float> row = plane.Slice(h * width, width);
            Span<float> split = scratch.Slice(h * splitWidth, splitWidth);
            for (int r = 0; r < Math.Min(stride, width); r++)
            {
                Span<float> phase = split.Slice(r * phaseLength, phaseLength);
                int j = 0;
                for (int c = r; c < width; c += stride)
                {
                    phase[j++] = row[c];
                }
            }
        }
    }

    /// <summary>
    /// target[o] = max (or sum) of target[o] and column o * stride + k * dilation - pad of the row, for every tap k
    /// and every o whose column lies inside the row. <paramref name="row"/> is the plain row when stride is 1, else
    /// its split form. Max propagates NaN, as PyTorch's pooling does.
    /// </summary>
    public static void Fold(ReadOnlySpan<float> row, int width, Span<float> target, int kernel, int stride, int dilation, int pad, bool max)
    {
        int phaseLength = PhaseLength(width, stride);
        for (int k = 0; k < kernel; k++)
        {
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
                : row.Slice(((column % stride) * phaseLength) + (column / stride), count);
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
