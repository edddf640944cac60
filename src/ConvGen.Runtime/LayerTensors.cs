using System;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>Runs span-based layers on System.Numerics.Tensors tensors.</summary>
public static class LayerTensors
{
    /// <summary>Runs <paramref name="layer"/> on <paramref name="input"/> (dense or strided) and returns a new dense output.</summary>
    public static Tensor<float> Forward(ILayer layer, Tensor<float> input)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        nint[] outputShape = layer.GetOutputShape(input.Lengths);
        var output = new float[LayerShapes.ElementCount(outputShape)];
        layer.Forward(Contiguous(input), input.Lengths, output);
        return Tensor.Create(output, outputShape);
    }

    /// <summary>The tensor's values in row-major order: its own memory when dense, else a copy.</summary>
    public static ReadOnlySpan<float> Contiguous(Tensor<float> tensor)
    {
        int length = LayerShapes.ElementCount(tensor.Lengths);
        Span<nint> start = stackalloc nint[tensor.Rank];
        if (tensor.TryGetSpan(start, length, out ReadOnlySpan<float> values))
        {
            return values;
        }

        var copy = new float[length];
        tensor.FlattenTo(copy);
        return copy;
    }
}
