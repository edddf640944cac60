using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>
/// Copies a strided view of a tensor into contiguous memory: ONNX Transpose (the strides permuted) and Slice/Split
/// of computed tensors (an offset, steps as strides); called by generated networks, not meant for direct use.
/// The generator merges dimensions that stay contiguous, so a transpose that keeps the last axes (a channel shuffle)
/// or a slice along an outer axis copies whole rows with one memmove each.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Strided
{
    /// <summary>Most merged dimensions.</summary>
    public const int MaxRank = 16;

    /// <summary>
    /// y[n, i0, .., ik] = x[offset + n * batchStride + Σ i_d * strides[d]] for every sample n &lt; <paramref name="batch"/>
    /// and index within <paramref name="dims"/>; y is contiguous and must not overlap x. Strides may be negative
    /// (a slice with a negative step).
    /// </summary>
    /// <exception cref="ArgumentException">The shape arrays disagree or are too long.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy(ReadOnlySpan<float> x, Span<float> y, int batch, int batchStride, int offset, ReadOnlySpan<int> dims, ReadOnlySpan<int> strides)
    {
        int rank = dims.Length;
        if (rank is 0 or > MaxRank || strides.Length != rank)
        {
            throw new ArgumentException($"dimensions [{string.Join(", ", dims.ToArray())}] and strides [{string.Join(", ", strides.ToArray())}] are not a view the generator writes.");
        }

        int sample = 1;
        foreach (int dim in dims)
        {
            sample *= dim;
        }

        int inner = dims[rank - 1], step = strides[rank - 1];
        int rows = sample / inner;
        Span<int> index = stackalloc int[rank];
        for (int n = 0; n < batch; n++)
        {
            int from = offset + (n * batchStride), to = n * sample;
            index.Clear();
            for (int row = 0; row < rows; row++, to += inner)
            {
                if (step == 1)
                {
                    x.Slice(from, inner).CopyTo(y.Slice(to, inner));
                }
                else
                {
                    Span<float> target = y.Slice(to, inner);
                    for (int i = 0, at = from; i < target.Length; i++, at += step)
                    {
                        target[i] = x[at];
                    }
                }

                for (int d = rank - 2; d >= 0; d--)
                {
                    from += strides[d];
                    if (++index[d] < dims[d])
                    {
                        break;
                    }

                    from -= strides[d] * dims[d];
                    index[d] = 0;
                }
            }
        }
    }
}
