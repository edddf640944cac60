using System;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>PyTorch's <c>nn.Flatten(start_dim=1, end_dim=-1)</c>: merges dimensions start..end into one (a copy of the values).</summary>
public sealed class Flatten : ILayer
{
    /// <summary>Creates the layer; negative dimensions count from the end, as in PyTorch.</summary>
    /// <param name="startDim">First dimension to merge (PyTorch's default 1 keeps the batch).</param>
    /// <param name="endDim">Last dimension to merge (-1: the last).</param>
    public Flatten(int startDim = 1, int endDim = -1)
    {
        (StartDim, EndDim) = (startDim, endDim);
    }

    /// <summary>First merged dimension.</summary>
    public int StartDim { get; }

    /// <summary>Last merged dimension.</summary>
    public int EndDim { get; }

    /// <summary>Always 0.</summary>
    public int ParameterCount => 0;

    /// <inheritdoc/>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape)
    {
        LayerArguments.Count(inputShape);
        int rank = inputShape.Length;
        int start = StartDim < 0 ? StartDim + rank : StartDim;
        int end = EndDim < 0 ? EndDim + rank : EndDim;
        if (rank == 0 || start < 0 || start >= rank || end < 0 || end >= rank || start > end)
        {
            throw new ArgumentException(
                $"Flatten(start_dim: {StartDim}, end_dim: {EndDim}) does not fit an input of rank {rank} (shape {LayerShapes.Format(inputShape)}).",
                nameof(inputShape));
        }

        var shape = new nint[rank - (end - start)];
        inputShape[..start].CopyTo(shape);
        long merged = 1;
        for (int i = start; i <= end; i++)
        {
            merged *= inputShape[i];
        }

        shape[start] = (nint)merged;
        inputShape[(end + 1)..].CopyTo(shape.AsSpan(start + 1));
        return shape;
    }

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <summary>Copies the values (flattening changes only the shape); in place when both are the same memory.</summary>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output)
    {
        long count = LayerArguments.Count(inputShape);
        int rank = inputShape.Length;
        int start = StartDim < 0 ? StartDim + rank : StartDim;
        int end = EndDim < 0 ? EndDim + rank : EndDim;
        if (rank == 0 || start < 0 || start >= rank || end < 0 || end >= rank || start > end)
        {
            GetOutputShape(inputShape); // throws the descriptive error
        }

        LayerArguments.Spans(input, count, output, count, allowInPlace: true);
        input.CopyTo(output);
    }
}
