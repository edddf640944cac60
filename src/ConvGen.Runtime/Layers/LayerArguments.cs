using System;

namespace ConvGen;

/// <summary>Argument checks shared by the runtime layers (pooling, activations, Linear, ...).</summary>
internal static class LayerArguments
{
    /// <summary>Throws unless the spans hold the element counts of their shapes and do not overlap
    /// (unless <paramref name="allowInPlace"/> and they are exactly the same memory).</summary>
    public static void Spans(ReadOnlySpan<float> input, long inputCount, Span<float> output, long outputCount, bool allowInPlace = false)
    {
        if (input.Length != inputCount)
        {
            throw new ArgumentException($"input has {input.Length} values, but its shape needs {inputCount}.", nameof(input));
        }

        if (output.Length != outputCount)
        {
            throw new ArgumentException($"output has {output.Length} values, but the output shape needs {outputCount}.", nameof(output));
        }

        if (input.Overlaps(output, out int offset) && !(allowInPlace && offset == 0 && input.Length == output.Length))
        {
            throw new ArgumentException(allowInPlace
                ? "input and output partly overlap; pass the same memory (in place) or separate memory."
                : "input and output overlap; this layer cannot run in place.", nameof(output));
        }
    }

    /// <summary>The element count of a shape with every extent between 1 and int.MaxValue.</summary>
    public static long Count(ReadOnlySpan<nint> shape)
    {
        Extents(shape);
        return LayerShapes.ElementCount(shape);
    }

    /// <summary>Throws unless every extent of <paramref name="shape"/> is positive and fits an int.</summary>
    public static void Extents(ReadOnlySpan<nint> shape)
    {
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] is <= 0 or > int.MaxValue)
            {
                throw new ArgumentException($"dimension {i} of shape {LayerShapes.Format(shape)} must be between 1 and int.MaxValue.", "inputShape");
            }
        }
    }

    /// <summary>Reads an NCHW or unbatched CHW shape with any channel count.</summary>
    public static void Images(ReadOnlySpan<nint> shape, string layer, out int batch, out int channels, out int height, out int width)
    {
        if (shape.Length is not (3 or 4))
        {
            throw new ArgumentException($"{layer} expects an NCHW or CHW input, got shape {LayerShapes.Format(shape)}.", "inputShape");
        }

        Extents(shape);
        LayerShapes.ElementCount(shape);
        int offset = shape.Length - 3;
        batch = offset == 1 ? (int)shape[0] : 1;
        channels = (int)shape[offset];
        height = (int)shape[offset + 1];
        width = (int)shape[offset + 2];
    }

    /// <summary>Throws unless <paramref name="value"/> is at least <paramref name="minimum"/>.</summary>
    public static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum}, but is {value}.");
        }
    }
}
