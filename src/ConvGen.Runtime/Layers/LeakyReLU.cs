using System;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>PyTorch's <c>nn.LeakyReLU(negative_slope)</c> on a tensor of any shape: x when x &gt;= 0, else slope * x.</summary>
public sealed class LeakyReLU : ILayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="negativeSlope">The slope for negative inputs; PyTorch's default is 0.01.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="negativeSlope"/> is not finite.</exception>
    public LeakyReLU(float negativeSlope = 0.01f)
    {
        if (!float.IsFinite(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "negativeSlope must be finite.");
        }

        NegativeSlope = negativeSlope;
    }

    /// <summary>The slope for negative inputs.</summary>
    public float NegativeSlope { get; }

    /// <summary>Always 0.</summary>
    public int ParameterCount => 0;

    /// <summary>The input shape.</summary>
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
        Activations.LeakyReLU(output, NegativeSlope);
    }
}
