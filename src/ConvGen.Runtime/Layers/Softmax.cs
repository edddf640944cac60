using System;
using System.Numerics.Tensors;
using ConvGen.Operators;

namespace ConvGen;

/// <summary>PyTorch's <c>nn.Softmax(dim)</c>: exp(x - max) / sum(exp(x - max)) along one dimension of a tensor of any rank.</summary>
public sealed class Softmax : ILayer
{
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
        AxisSoftmax.Run(input, output, (int)outer, size, inner, log: false);
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
