using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>The binary operators <see cref="Broadcast"/> applies.</summary>
public enum BinaryOperator
{
    /// <summary>a + b (ONNX Add).</summary>
    Add,

    /// <summary>a - b (ONNX Sub).</summary>
    Subtract,

    /// <summary>a * b (ONNX Mul).</summary>
    Multiply,

    /// <summary>a / b (ONNX Div).</summary>
    Divide,

    /// <summary>The larger of a and b, NaN if either is (ONNX Max of two inputs).</summary>
    Max,

    /// <summary>The smaller of a and b, NaN if either is (ONNX Min of two inputs).</summary>
    Min,

    /// <summary>a raised to b (ONNX Pow).</summary>
    Pow,
}

/// <summary>
/// Binary element-wise operators under numpy broadcasting (ONNX Add, Sub, Mul, Div, Max, Min, Pow); called by
/// generated networks, not meant for direct use. The generator collapses the operands' shapes into runs of
/// dimensions where each operand either advances or repeats, so the innermost run is one vectorised
/// <see cref="TensorPrimitives"/> call over a span (or a span and a scalar).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Broadcast
{
    /// <summary>Most collapsed dimensions (they alternate between broadcast patterns, so real graphs use 1 to 4).</summary>
    public const int MaxRank = 16;

    /// <summary>
    /// y[n, i0, .., ik] = a[n * batchStrideA + Σ i_d * stridesA[d]] op b[n * batchStrideB + Σ i_d * stridesB[d]] for
    /// every sample n &lt; <paramref name="batch"/> and index within <paramref name="dims"/>; y is contiguous. A stride
    /// is 0 where that operand repeats (broadcasts); the last stride of each operand is 1 or 0. <paramref name="y"/> may
    /// be the same memory as an operand that never repeats, not otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">The shape arrays disagree or are too long.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        BinaryOperator op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, int batch, int batchStrideA, int batchStrideB,
        ReadOnlySpan<int> dims, ReadOnlySpan<int> stridesA, ReadOnlySpan<int> stridesB)
    {
        int rank = dims.Length;
        if (rank is 0 or > MaxRank || stridesA.Length != rank || stridesB.Length != rank || stridesA[rank - 1] is not (0 or 1) || stridesB[rank - 1] is not (0 or 1))
        {
            throw new ArgumentException($"dimensions [{string.Join(", ", dims.ToArray())}] with strides [{string.Join(", ", stridesA.ToArray())}] and [{string.Join(", ", stridesB.ToArray())}] are not a broadcast the generator writes.");
        }

        int sample = 1;
        foreach (int dim in dims)
        {
            sample *= dim;
        }

        int inner = dims[rank - 1];
        bool aRepeats = stridesA[rank - 1] == 0, bRepeats = stridesB[rank - 1] == 0;
        int rows = sample / inner;
        Span<int> index = stackalloc int[rank];
        for (int n = 0; n < batch; n++)
        {
            int offsetA = n * batchStrideA, offsetB = n * batchStrideB, offsetY = n * sample;
            index.Clear();
            for (int row = 0; row < rows; row++)
            {
                Inner(op, a.Slice(offsetA, aRepeats ? 1 : inner), aRepeats, b.Slice(offsetB, bRepeats ? 1 : inner), bRepeats, y.Slice(offsetY, inner));
                offsetY += inner;

                // Advance the outer dimensions like an odometer, moving each operand by its strides.
                for (int d = rank - 2; d >= 0; d--)
                {
                    offsetA += stridesA[d];
                    offsetB += stridesB[d];
                    if (++index[d] < dims[d])
                    {
                        break;
                    }

                    offsetA -= stridesA[d] * dims[d];
                    offsetB -= stridesB[d] * dims[d];
                    index[d] = 0;
                }
            }
        }
    }

    /// <summary>One innermost run: span op span, span op scalar or scalar op span.</summary>
    private static void Inner(BinaryOperator op, ReadOnlySpan<float> a, bool aScalar, ReadOnlySpan<float> b, bool bScalar, Span<float> y)
    {
        if (aScalar && bScalar)
        {
            y.Fill(Scalar(op, a[0], b[0]));
            return;
        }

        switch (op)
        {
            case BinaryOperator.Add:
                if (aScalar) { TensorPrimitives.Add(b, a[0], y); } else if (bScalar) { TensorPrimitives.Add(a, b[0], y); } else { TensorPrimitives.Add(a, b, y); }
                break;
            case BinaryOperator.Subtract:
                if (aScalar) { TensorPrimitives.Subtract(a[0], b, y); } else if (bScalar) { TensorPrimitives.Subtract(a, b[0], y); } else { TensorPrimitives.Subtract(a, b, y); }
                break;
            case BinaryOperator.Multiply:
                if (aScalar) { TensorPrimitives.Multiply(b, a[0], y); } else if (bScalar) { TensorPrimitives.Multiply(a, b[0], y); } else { TensorPrimitives.Multiply(a, b, y); }
                break;
            case BinaryOperator.Divide:
                if (aScalar) { TensorPrimitives.Divide(a[0], b, y); } else if (bScalar) { TensorPrimitives.Divide(a, b[0], y); } else { TensorPrimitives.Divide(a, b, y); }
                break;
            case BinaryOperator.Max:
                if (aScalar) { TensorPrimitives.Max(b, a[0], y); } else if (bScalar) { TensorPrimitives.Max(a, b[0], y); } else { TensorPrimitives.Max(a, b, y); }
                break;
            case BinaryOperator.Min:
                if (aScalar) { TensorPrimitives.Min(b, a[0], y); } else if (bScalar) { TensorPrimitives.Min(a, b[0], y); } else { TensorPrimitives.Min(a, b, y); }
                break;
            default:
                if (aScalar) { TensorPrimitives.Pow(a[0], b, y); } else if (bScalar) { TensorPrimitives.Pow(a, b[0], y); } else { TensorPrimitives.Pow(a, b, y); }
                break;
        }
    }

    private static float Scalar(BinaryOperator op, float a, float b) => op switch
    {
        BinaryOperator.Add => a + b,
        BinaryOperator.Subtract => a - b,
        BinaryOperator.Multiply => a * b,
        BinaryOperator.Divide => a / b,
        BinaryOperator.Max => MathF.Max(a, b),
        BinaryOperator.Min => MathF.Min(a, b),
        _ => MathF.Pow(a, b),
    };
}
