using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>ONNX Resize in 'linear' mode (bilinear on [N, C, H, W]); called by generated networks, not meant for direct
/// use. The generator computes, for every output row and column, its two source rows (columns) and their weights with
/// the node's coordinate transformation, as ONNX Runtime does (the source coordinate clamped to the input, the far
/// neighbour clamped to the last row or column, both weights 0.5 where the two are one), so here each output value is
/// the same four products summed in the same order.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ResizeLinear
{
    /// <summary>
    /// Resizes each of <paramref name="planes"/> planes of <paramref name="height"/> x <paramref name="width"/> values in
    /// <paramref name="x"/> to rowWeights.Length / 2 rows of columnWeights.Length / 2 values in <paramref name="y"/>.
    /// Output row i blends source rows <paramref name="rows"/>[2i] and [2i + 1] with weights
    /// <paramref name="rowWeights"/>[2i] and [2i + 1]; columns likewise.
    /// </summary>
    /// <exception cref="ArgumentException">The tables disagree, an index is outside the input, or a span is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width,
        ReadOnlySpan<int> rows, ReadOnlySpan<float> rowWeights, ReadOnlySpan<int> columns, ReadOnlySpan<float> columnWeights)
    {
        int outputHeight = rowWeights.Length / 2, outputWidth = columnWeights.Length / 2;
        if (planes < 0 || height < 1 || width < 1 || rows.Length != rowWeights.Length || columns.Length != columnWeights.Length
            || rowWeights.Length % 2 != 0 || columnWeights.Length % 2 != 0
            || x.Length < (long)planes * height * width || y.Length < (long)planes * outputHeight * outputWidth
            || !Within(rows, height) || !Within(columns, width))
        {
            throw new ArgumentException(
                $"{planes} planes of {height}x{width} to {outputHeight}x{outputWidth} ({rows.Length} row and {columns.Length} column indices, "
                + $"{rowWeights.Length} and {columnWeights.Length} weights) do not fit {x.Length} input and {y.Length} output values.");
        }

        for (int plane = 0; plane < planes; plane++)
        {
            var image = x.Slice(plane * height * width, height * width);
            var resized = y.Slice(plane * outputHeight * outputWidth, outputHeight * outputWidth);
            for (int oy = 0; oy < outputHeight; oy++)
            {
                var top = image.Slice(rows[2 * oy] * width, width);
                var bottom = image.Slice(rows[(2 * oy) + 1] * width, width);
                float wTop = rowWeights[2 * oy], wBottom = rowWeights[(2 * oy) + 1];
                var line = resized.Slice(oy * outputWidth, outputWidth);
                for (int ox = 0; ox < outputWidth; ox++)
                {
                    int left = columns[2 * ox], right = columns[(2 * ox) + 1];
                    float wLeft = columnWeights[2 * ox], wRight = columnWeights[(2 * ox) + 1];
                    line[ox] = (wLeft * wTop * top[left]) + (wRight * wTop * top[right]) + (wLeft * wBottom * bottom[left]) + (wRight * wBottom * bottom[right]);
                }
            }
        }
    }

    /// <summary>Whether every index is in [0, size).</summary>
    internal static bool Within(ReadOnlySpan<int> indices, int size)
    {
        foreach (int i in indices)
        {
            if ((uint)i >= (uint)size)
            {
                return false;
            }
        }

        return true;
    }
}
