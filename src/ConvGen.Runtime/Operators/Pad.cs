using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>How <see cref="Pad"/> fills the border.</summary>
public enum PadMode
{
    /// <summary>With one value (ONNX mode 'constant').</summary>
    Constant,

    /// <summary>With the input mirrored about its first and last elements, which are not repeated (ONNX 'reflect').</summary>
    Reflect,

    /// <summary>With the input's first and last elements repeated (ONNX 'edge').</summary>
    Edge,
}

/// <summary>ONNX Pad of a computed tensor over any dimensions but the batch; called by generated networks, not
/// meant for direct use. Each output row is one memmove of the input row plus its few border values; rows wholly in
/// a constant border are one fill.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Pad
{
    /// <summary>Most dimensions.</summary>
    public const int MaxRank = 16;

    /// <summary>
    /// Pads <paramref name="x"/>, [batch, ..dims] contiguous, by <paramref name="before"/>[d] and <paramref name="after"/>[d]
    /// values along each dimension into <paramref name="y"/>, [batch, ..dims + before + after] contiguous. Pads are not
    /// negative, and less than the dimension for <see cref="PadMode.Reflect"/>. y must not overlap x.
    /// </summary>
    /// <exception cref="ArgumentException">The shape arrays disagree or are too long.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(PadMode mode, float value, ReadOnlySpan<float> x, Span<float> y, int batch, ReadOnlySpan<int> dims, ReadOnlySpan<int> before, ReadOnlySpan<int> after)
    {
        int rank = dims.Length;
        if (rank is 0 or > MaxRank || before.Length != rank || after.Length != rank)
        {
            throw new ArgumentException($"dimensions [{string.Join(", ", dims.ToArray())}] with pads [{string.Join(", ", before.ToArray())}] and [{string.Join(", ", after.ToArray())}] are not a pad the generator writes.");
        }

        Span<int> stride = stackalloc int[rank];
        int inputSample = 1, outputSample = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            stride[d] = inputSample;
            inputSample *= dims[d];
            outputSample *= dims[d] + before[d] + after[d];
        }

        int inner = dims[rank - 1], left = before[rank - 1], outputInner = inner + left + after[rank - 1];
        int rows = outputSample / outputInner;
        Span<int> index = stackalloc int[rank];
        for (int n = 0; n < batch; n++)
        {
            index.Clear();
            for (int row = 0, to = n * outputSample; row < rows; row++, to += outputInner)
            {
                // The input row this output row reads, or none in a constant border.
                int from = n * inputSample;
                bool inside = true;
                for (int d = 0; d < rank - 1 && inside; d++)
                {
                    int source = Source(mode, index[d] - before[d], dims[d]);
                    inside = source >= 0;
                    from += source * stride[d];
                }

                Span<float> target = y.Slice(to, outputInner);
                if (!inside)
                {
                    target.Fill(value);
                }
                else
                {
                    ReadOnlySpan<float> values = x.Slice(from, inner);
                    values.CopyTo(target.Slice(left, inner));
                    for (int i = 0; i < outputInner; i++)
                    {
                        if (i == left)
                        {
                            i += inner - 1;
                            continue;
                        }

                        int source = Source(mode, i - left, inner);
                        target[i] = source < 0 ? value : values[source];
                    }
                }

                for (int d = rank - 2; d >= 0; d--)
                {
                    if (++index[d] < dims[d] + before[d] + after[d])
                    {
                        break;
                    }

                    index[d] = 0;
                }
            }
        }
    }

    /// <summary>The input index an output index <paramref name="i"/> (relative to the input's start) reads, -1 for the constant.</summary>
    private static int Source(PadMode mode, int i, int dim)
    {
        if ((uint)i < (uint)dim)
        {
            return i;
        }

        switch (mode)
        {
            case PadMode.Edge:
                return i < 0 ? 0 : dim - 1;
            case PadMode.Reflect:
                if (dim == 1)
                {
                    return 0;
                }

                while ((uint)i >= (uint)dim)
                {
                    i = i < 0 ? -i : (2 * (dim - 1)) - i;
                }

                return i;
            default:
                return -1;
        }
    }
}
