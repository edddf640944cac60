using System;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>A layer that maps a float32 tensor to another; generated convolutions implement it.</summary>
/// <remarks>Every layer also runs on tensor spans, from a <see cref="ReadOnlyTensorSpan{T}"/> into a
/// <see cref="TensorSpan{T}"/>: <see cref="LayerTensors.Forward(ILayer, ReadOnlyTensorSpan{float}, TensorSpan{float}, int)"/>.</remarks>
public interface ILayer
{
    /// <summary>Number of learnable parameters (weights and biases).</summary>
    int ParameterCount { get; }

    /// <summary>The output shape for an input of <paramref name="inputShape"/>.</summary>
    /// <exception cref="ArgumentException">The layer cannot take an input of that shape.</exception>
    nint[] GetOutputShape(ReadOnlySpan<nint> inputShape);

    /// <summary>Runs the layer on <paramref name="input"/> and returns a new dense output tensor.</summary>
    Tensor<float> Forward(Tensor<float> input);

    /// <summary>Runs the layer on contiguous memory: <paramref name="input"/> has
    /// <paramref name="inputShape"/>, <paramref name="output"/> has <see cref="GetOutputShape"/>.
    /// Allocates nothing in steady state.</summary>
    void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output);

    /// <summary>As <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{nint}, Span{float})"/>, on up to
    /// <paramref name="degreeOfParallelism"/> threads (0: the layer decides, one per core where the work is large enough
    /// to gain). Layers that do not split their work run on the calling thread.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degreeOfParallelism"/> is negative.</exception>
    void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output, int degreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(degreeOfParallelism);
        Forward(input, inputShape, output);
    }
}
