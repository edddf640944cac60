using System;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>
/// A standalone element-wise activation (PyTorch's <c>nn.ReLU</c>, <c>nn.ReLU6</c>, <c>nn.Sigmoid</c>, <c>nn.Tanh</c>,
/// <c>nn.SiLU</c>, <c>nn.GELU</c>) on a tensor of any shape. Runs in place when input and output are the same memory.
/// </summary>
public sealed class ActivationLayer : ILayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="activation">The activation to apply.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not an <see cref="ConvGen.Activation"/> value.</exception>
    public ActivationLayer(Activation activation)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, $"{activation} is not an Activation value.");
        }

        Activation = activation;
    }

    /// <summary>The activation this layer applies.</summary>
    public Activation Activation { get; }

    /// <summary>Always 0.</summary>
    public int ParameterCount => 0;

    /// <summary>The input shape: activations keep the shape.</summary>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape)
    {
        LayerArguments.Count(inputShape);
        return inputShape.ToArray();
    }

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <summary>Applies the activation; <paramref name="output"/> may be <paramref name="input"/>'s own memory.</summary>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output)
    {
        long count = LayerArguments.Count(inputShape);
        LayerArguments.Spans(input, count, output, count, allowInPlace: true);
        input.CopyTo(output);
        Activations.Apply(Activation, output);
    }

    /// <inheritdoc/>
    public override string ToString() => Activation.ToString();
}
