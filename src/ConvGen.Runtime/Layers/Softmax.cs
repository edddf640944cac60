using System;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>PyTorch's <c>nn.Softmax(dim)</c>: exp(x - max) / sum(exp(x - max)) along one dimension of a tensor of any rank.</summary>
public sealed class Softmax : ILayer
{
    private const int Chunk = 256;

    /// <summary>Creates the layer.</summary>
    /// <param name="dim">The dimension to normalise; negative counts from the end (-1: the last).</param>
    public Softmax(int dim)
    {
        Dim = dim;
    }

    /// <summary>The normalised dimension (may be negative).</summary>
    public int Dim { get; }

    /// <summary>Always 0.</summary>
    public int ParameterCount => 0;

    /// <summary>The input shape.</summary>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape)
    {
        Resolve(inputShape, out _, out _, out _);
        return inputShape.ToArray();
    }

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output)
    {
        Resolve(inputShape, out long outer, out int size, out int inner);
        long count = outer * size * inner;
        LayerArguments.Spans(input, count, output, count);
        int block = size * inner;
        for (long o = 0; o < outer; o++)
        {
            ReadOnlySpan<float> x = input.Slice((int)(o * block), block);
            Span<float> y = output.Slice((int)(o * block), block);
            if (inner == 1)
            {
                float max = TensorPrimitives.Max(x);
                TensorPrimitives.Subtract(x, max, y);
                TensorPrimitives.Exp(y, y);
                TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
            }
            else
            {
                Strided(x, y, size, inner);
            }
        }
    }

    // Softmax along a dimension of stride inner: chunks of up to 256 columns, each with its max and sum on the stack.
    private static void Strided(ReadOnlySpan<float> x, Span<float> y, int size, int inner)
    {
        Span<float> buffer = stackalloc float[2 * Chunk];
        for (int c0 = 0; c0 < inner; c0 += Chunk)
        {
            int n = Math.Min(Chunk, inner - c0);
            Span<float> max = buffer[..n];
            Span<float> sum = buffer.Slice(Chunk, n);
            x.Slice(c0, n).CopyTo(max);
            for (int k = 1; k < size; k++)
            {
                TensorPrimitives.Max(max, x.Slice((k * inner) + c0, n), max);
            }

            sum.Clear();
            for (int k = 0; k < size; k++)
            {
                Span<float> row = y.Slice((k * inner) + c0, n);
                TensorPrimitives.Subtract(x.Slice((k * inner) + c0, n), max, row);
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Add(sum, row, sum);
            }

            for (int k = 0; k < size; k++)
            {
                Span<float> row = y.Slice((k * inner) + c0, n);
                TensorPrimitives.Divide(row, sum, row);
            }
        }
    }

    private void Resolve(ReadOnlySpan<nint> shape, out long outer, out int size, out int inner)
    {
        long count = LayerArguments.Count(shape);
        int dim = Dim < 0 ? Dim + shape.Length : Dim;
        if (dim < 0 || dim >= shape.Length)
        {
            throw new ArgumentException($"Softmax(dim: {Dim}) does not fit an input of rank {shape.Length} (shape {LayerShapes.Format(shape)}).", "inputShape");
        }

        size = (int)shape[dim];
        long innerCount = 1;
        for (int i = dim + 1; i < shape.Length; i++)
        {
            innerCount *= shape[i];
        }

        inner = (int)innerCount;
        outer = count / (size * innerCount);
    }
}
