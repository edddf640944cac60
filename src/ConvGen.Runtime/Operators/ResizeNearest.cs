using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvGen.Operators;

/// <summary>ONNX Resize/Upsample in 'nearest' mode on [N, C, H, W] (and the runtime's Upsample): every output row and
/// column reads one source row and column, given as tables (the generator computes them with the node's coordinate
/// transformation and rounding); called by generated networks, not meant for direct use. An output row whose source row
/// is the previous output row's is a copy of that row (one memmove: up-sampling by k gathers only every k-th row); a
/// row whose columns are the identity is a copy of its source row; any other row gathers its columns one by one.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ResizeNearest
{
    /// <summary>
    /// Resizes each of <paramref name="planes"/> planes of <paramref name="height"/> x <paramref name="width"/> values in
    /// <paramref name="x"/> to rows.Length x columns.Length values in <paramref name="y"/>: y[p, oy, ox] =
    /// x[p, rows[oy], columns[ox]]. <paramref name="y"/> must not overlap <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, an index is outside the input, or a span is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns)
    {
        int outputHeight = rows.Length, outputWidth = columns.Length;
        if (planes < 0 || height < 1 || width < 1 || outputHeight < 1 || outputWidth < 1
            || x.Length < (long)planes * height * width || y.Length < (long)planes * outputHeight * outputWidth)
        {
            throw new ArgumentException(
                $"{planes} planes of {height}x{width} resized to {outputHeight}x{outputWidth} need {(long)planes * height * width} input and "
                + $"{(long)planes * outputHeight * outputWidth} output values, not {x.Length} and {y.Length}.");
        }

        if (!ResizeLinear.Within(rows, height) || !ResizeLinear.Within(columns, width))
        {
            throw new ArgumentException($"a source row or column is outside the {height}x{width} input (rows [{string.Join(", ", rows.ToArray())}], columns [{string.Join(", ", columns.ToArray())}]).");
        }

        bool identity = outputWidth == width;
        for (int ox = 0; identity && ox < outputWidth; ox++)
        {
            identity = columns[ox] == ox;
        }

        ref int column = ref MemoryMarshal.GetReference(columns);
        for (int plane = 0; plane < planes; plane++)
        {
            ReadOnlySpan<float> image = x.Slice(plane * height * width, height * width);
            Span<float> resized = y.Slice(plane * outputHeight * outputWidth, outputHeight * outputWidth);
            for (int oy = 0; oy < outputHeight; oy++)
            {
                Span<float> line = resized.Slice(oy * outputWidth, outputWidth);
                if (oy > 0 && rows[oy] == rows[oy - 1])
                {
                    resized.Slice((oy - 1) * outputWidth, outputWidth).CopyTo(line);
                    continue;
                }

                ReadOnlySpan<float> row = image.Slice(rows[oy] * width, width);
                if (identity)
                {
                    row.CopyTo(line);
                    continue;
                }

                // Every column index was checked against the width above.
                ref float from = ref MemoryMarshal.GetReference(row);
                ref float to = ref MemoryMarshal.GetReference(line);
                for (int ox = 0; ox < outputWidth; ox++)
                {
                    Unsafe.Add(ref to, ox) = Unsafe.Add(ref from, Unsafe.Add(ref column, ox));
                }
            }
        }
    }
}
