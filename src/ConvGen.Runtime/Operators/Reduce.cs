using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>The reductions <see cref="Reduce"/> computes.</summary>
public enum ReduceKind
{
    /// <summary>The sum (ONNX ReduceSum).</summary>
    Sum,

    /// <summary>The sum divided by the number of values reduced (ONNX ReduceMean).</summary>
    Mean,

    /// <summary>The largest value, NaN if any is (ONNX ReduceMax).</summary>
    Max,

    /// <summary>The smallest value, NaN if any is (ONNX ReduceMin).</summary>
    Min,
}

/// <summary>
/// ONNX ReduceSum/ReduceMean/ReduceMax/ReduceMin over any axes but the batch; called by generated networks, not meant
/// for direct use. The generator merges neighbouring axes that are both reduced or both kept, so the input is
/// [batch, d0, .., dk] with the dimensions alternating between kept and reduced; the innermost run is one
/// vectorised <see cref="TensorPrimitives"/> call (a horizontal sum or maximum of a row when it is reduced,
/// an element-wise sum or maximum into the output row when it is kept).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Reduce
{
    /// <summary>Most merged dimensions.</summary>
    public const int MaxRank = 16;

    /// <summary>
    /// Reduces <paramref name="x"/>, [batch, ..dims] contiguous, over the dimensions whose bit is set in
    /// <paramref name="reducedMask"/> (bit d for dims[d]) into <paramref name="y"/>, [batch, ..kept dims] contiguous.
    /// <paramref name="y"/> must not overlap <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The dimensions are empty or too many.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReduceKind kind, ReadOnlySpan<float> x, Span<float> y, int batch, ReadOnlySpan<int> dims, int reducedMask)
    {
        int rank = dims.Length;
        if (rank is 0 or > MaxRank)
        {
            throw new ArgumentException($"{rank} dimensions are not a reduction the generator writes.");
        }

        // The output's stride of each dimension (0 for a reduced one) and the sizes of a sample on both sides.
        Span<int> outputStride = stackalloc int[rank];
        int kept = 1, count = 1, sample = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            sample *= dims[d];
            if ((reducedMask >> d & 1) != 0)
            {
                count *= dims[d];
            }
            else
            {
                outputStride[d] = kept;
                kept *= dims[d];
            }
        }

        Span<float> result = y.Slice(0, batch * kept);
        result.Fill(kind switch { ReduceKind.Max => float.NegativeInfinity, ReduceKind.Min => float.PositiveInfinity, _ => 0f });
        int inner = dims[rank - 1];
        bool innerReduced = (reducedMask >> (rank - 1) & 1) != 0;
        int rows = sample / inner;
        Span<int> index = stackalloc int[rank];
        for (int n = 0; n < batch; n++)
        {
            int offsetX = n * sample, offsetY = n * kept;
            index.Clear();
            for (int row = 0; row < rows; row++, offsetX += inner)
            {
                ReadOnlySpan<float> values = x.Slice(offsetX, inner);
                if (innerReduced)
                {
                    ref float target = ref result[offsetY];
                    target = kind switch
                    {
                        ReduceKind.Max => MathF.Max(target, TensorPrimitives.Max(values)),
                        ReduceKind.Min => MathF.Min(target, TensorPrimitives.Min(values)),
                        _ => target + TensorPrimitives.Sum(values),
                    };
                }
                else
                {
                    Span<float> target = result.Slice(offsetY, inner);
                    switch (kind)
                    {
                        case ReduceKind.Max: TensorPrimitives.Max(target, values, target); break;
                        case ReduceKind.Min: TensorPrimitives.Min(target, values, target); break;
                        default: TensorPrimitives.Add(target, values, target); break;
                    }
                }

                // Advance the outer dimensions like an odometer; the output moves only along kept ones.
                for (int d = rank - 2; d >= 0; d--)
                {
                    offsetY += outputStride[d];
                    if (++index[d] < dims[d])
                    {
                        break;
                    }

                    offsetY -= outputStride[d] * dims[d];
                    index[d] = 0;
                }
            }
        }

        if (kind == ReduceKind.Mean)
        {
            TensorPrimitives.Divide(result, count, result);
        }
    }
}
