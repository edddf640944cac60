using System;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>Runs span-based layers on System.Numerics.Tensors tensors and tensor spans.</summary>
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

    /// <summary>
    /// Runs <paramref name="layer"/> from <paramref name="input"/> into <paramref name="output"/>, whose shape must be
    /// <see cref="ILayer.GetOutputShape"/> of the input's (e.g. NCHW [1, 3, 224, 224] into [1, 64, 224, 224]). Both must
    /// be dense: contiguous and row-major, as <see cref="Tensor{T}"/>s from <c>Tensor.Create</c> and whole-batch slices
    /// are; copy a strided or broadcast view first (<see cref="Forward(ILayer, Tensor{float})"/> takes those). Writes
    /// nothing outside <paramref name="output"/>. Allocates nothing when this thread's previous call had the same layer
    /// and input shape (the expected output shape is kept per thread), so a steady stream of calls allocates nothing.
    /// </summary>
    /// <param name="layer">Any layer: generated convolutions and networks, and the runtime's layers.</param>
    /// <param name="input">The input tensor span.</param>
    /// <param name="output">Receives the output.</param>
    /// <param name="degreeOfParallelism">As <see cref="ILayer.Forward(ReadOnlySpan{float}, ReadOnlySpan{nint}, Span{float}, int)"/>:
    /// 0 lets the layer decide.</param>
    /// <exception cref="ArgumentException">The layer does not take the input's shape, the output's shape is not the one the
    /// layer gives (the message names both), or a span is not dense (the message names its shape and strides).</exception>
    public static void Forward(this ILayer layer, ReadOnlyTensorSpan<float> input, TensorSpan<float> output, int degreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ReadOnlySpan<float> values = Dense(input, nameof(input));
        nint[] expected = ExpectedShape(layer, input.Lengths);
        if (!output.Lengths.SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"output has shape {LayerShapes.Format(output.Lengths)}, but the layer gives {LayerShapes.Format(expected)} for input {LayerShapes.Format(input.Lengths)}.",
                nameof(output));
        }

        layer.Forward(values, input.Lengths, Dense(output, nameof(output)), degreeOfParallelism);
    }

    // This thread's last layer (held weakly: a cache must not keep a layer, or the context that loaded its type, alive),
    // the input shape it was called with, and the output shape that gave.
    [ThreadStatic]
    private static (WeakReference<ILayer>? Layer, nint[] Input, nint[] Output) t_lastShape;

    /// <summary>The layer's output shape for <paramref name="input"/>, from this thread's last call when it matches.</summary>
    private static nint[] ExpectedShape(ILayer layer, ReadOnlySpan<nint> input)
    {
        var last = t_lastShape;
        if (last.Layer is not null && last.Layer.TryGetTarget(out var lastLayer) && ReferenceEquals(lastLayer, layer) && input.SequenceEqual(last.Input))
        {
            return last.Output;
        }

        nint[] output = layer.GetOutputShape(input);
        var weak = last.Layer ?? new WeakReference<ILayer>(layer);
        weak.SetTarget(layer);
        t_lastShape = (weak, input.ToArray(), output);
        return output;
    }

    /// <summary>A tensor of shape [<paramref name="batch"/>, ..<paramref name="sampleShape"/>] over <paramref name="values"/>
    /// (not copied), which must hold exactly that many. Called by generated networks of several outputs.</summary>
    /// <exception cref="ArgumentException">The length of <paramref name="values"/> is not the shape's element count.</exception>
    public static Tensor<float> Create(float[] values, int batch, ReadOnlySpan<int> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(values);
        var lengths = new nint[sampleShape.Length + 1];
        lengths[0] = batch;
        for (int d = 0; d < sampleShape.Length; d++)
        {
            lengths[d + 1] = sampleShape[d];
        }

        if (values.Length != LayerShapes.ElementCount(lengths))
        {
            throw new ArgumentException($"values has {values.Length} elements, but shape {LayerShapes.Format(lengths)} needs {LayerShapes.ElementCount(lengths)}.", nameof(values));
        }

        return Tensor.Create(values, lengths);
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

    private static ReadOnlySpan<float> Dense(ReadOnlyTensorSpan<float> tensor, string name)
    {
        int length = LayerShapes.ElementCount(tensor.Lengths);
        Span<nint> start = stackalloc nint[tensor.Rank];
        return tensor.IsDense && tensor.TryGetSpan(start, length, out ReadOnlySpan<float> values)
            ? values
            : throw NotDense(tensor.Lengths, tensor.Strides, name);
    }

    private static Span<float> Dense(TensorSpan<float> tensor, string name)
    {
        int length = LayerShapes.ElementCount(tensor.Lengths);
        Span<nint> start = stackalloc nint[tensor.Rank];
        return tensor.IsDense && tensor.TryGetSpan(start, length, out Span<float> values)
            ? values
            : throw NotDense(tensor.Lengths, tensor.Strides, name);
    }

    private static ArgumentException NotDense(ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides, string name) => new(
        $"{name} must be dense (contiguous, row-major), but shape {LayerShapes.Format(lengths)} has strides {LayerShapes.Format(strides)}; copy it into a dense tensor first.",
        name);
}
