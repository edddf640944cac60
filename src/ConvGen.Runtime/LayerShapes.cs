using System;

namespace ConvGen;

/// <summary>Reads and builds the tensor shapes of generated layers (PyTorch's batched and unbatched forms).</summary>
public static class LayerShapes
{
    /// <summary>Reads an NCHW (or unbatched CHW) shape with <paramref name="channels"/> channels.</summary>
    public static void ReadImages(ReadOnlySpan<nint> shape, int channels, out int batch, out int height, out int width)
    {
        if (shape.Length is not (3 or 4))
        {
            throw new ArgumentException($"expected an NCHW or CHW input, got shape {Format(shape)}.", nameof(shape));
        }

        int offset = shape.Length - 3;
        batch = offset == 1 ? Extent(shape, 0) : 1;
        CheckChannels(shape, offset, channels);
        height = Extent(shape, offset + 1);
        width = Extent(shape, offset + 2);
    }

    /// <summary>Reads an NCL (or unbatched CL) shape with <paramref name="channels"/> channels.</summary>
    public static void ReadSequences(ReadOnlySpan<nint> shape, int channels, out int batch, out int length)
    {
        if (shape.Length is not (2 or 3))
        {
            throw new ArgumentException($"expected an NCL or CL input, got shape {Format(shape)}.", nameof(shape));
        }

        int offset = shape.Length - 2;
        batch = offset == 1 ? Extent(shape, 0) : 1;
        CheckChannels(shape, offset, channels);
        length = Extent(shape, offset + 1);
    }

    /// <summary>The output shape of an image layer, batched or not as its input was.</summary>
    public static nint[] Images(int inputRank, int batch, int channels, int height, int width) =>
        inputRank == 4 ? [batch, channels, height, width] : [channels, height, width];

    /// <summary>The output shape of a sequence layer, batched or not as its input was.</summary>
    public static nint[] Sequences(int inputRank, int batch, int channels, int length) =>
        inputRank == 3 ? [batch, channels, length] : [channels, length];

    /// <summary>The number of elements of a shape, or an error when it does not fit one span.</summary>
    public static int ElementCount(ReadOnlySpan<nint> shape)
    {
        long count = 1;
        foreach (nint extent in shape)
        {
            count *= extent;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"shape {Format(shape)} has more elements than one array can hold.", nameof(shape));
            }
        }

        return (int)count;
    }

    /// <summary>A shape as PyTorch prints it, e.g. [1, 3, 224, 224].</summary>
    public static string Format(ReadOnlySpan<nint> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    private static void CheckChannels(ReadOnlySpan<nint> shape, int index, int channels)
    {
        if (shape[index] != channels)
        {
            throw new ArgumentException($"expected {channels} input channels, got shape {Format(shape)}.", nameof(shape));
        }
    }

    private static int Extent(ReadOnlySpan<nint> shape, int index) => shape[index] is > 0 and <= int.MaxValue
        ? (int)shape[index]
        : throw new ArgumentException($"dimension {index} of shape {Format(shape)} must be between 1 and int.MaxValue.", nameof(shape));
}
