using System;
using System.Runtime.InteropServices;

namespace ConvGen;

/// <summary>
/// Turns interleaved 8-bit images (HWC, as decoders give them) into the normalised NCHW float32 input of a network, as
/// torchvision's <c>ToTensor()</c> then <c>Normalize(mean, std)</c> do: value x of channel c becomes
/// <c>(x / 255 - mean[c]) / std[c]</c>, computed as torchvision's float32 tensor operations are (x.div(255), then
/// sub(mean), then div(std): three correctly rounded float32 operations, not a fused multiply-add with precomputed
/// constants). Vectorised (Vector512, Vector256 or Vector128, else scalar, all with the same bits), allocation-free,
/// into the caller's span.
/// </summary>
public static class ImageInput
{
    /// <summary>Converts one image of <paramref name="height"/> x <paramref name="width"/> pixels into
    /// [1, channels, height, width] (channels: 1 for <see cref="PixelLayout.Gray8"/>, else 3; alpha is dropped).</summary>
    /// <param name="pixels">The image, row after row, <paramref name="layout"/>'s bytes per pixel, no row padding.</param>
    /// <param name="layout">The channels of a pixel in memory (RGB or BGR, with or without alpha, or grey).</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="output">Receives channels x height x width values, one plane per channel in
    /// <paramref name="modelOrder"/>.</param>
    /// <param name="normalization">Mean and std per output channel, in <paramref name="modelOrder"/>, e.g.
    /// <see cref="ImageNormalization.ImageNet"/>.</param>
    /// <param name="modelOrder">The channel order the model expects; BGR pixels are swapped into RGB planes and back.</param>
    /// <exception cref="ArgumentException">A size is not positive, a span's length does not match the sizes, the
    /// normalisation's channel count does not match the output's, or the spans overlap. The message names the
    /// expected and the actual value; nothing is written.</exception>
    public static void ToNchw(
        ReadOnlySpan<byte> pixels, PixelLayout layout, int height, int width, Span<float> output,
        ImageNormalization normalization, ChannelOrder modelOrder = ChannelOrder.Rgb) =>
        ToNchw(pixels, layout, 1, height, width, output, normalization, modelOrder);

    /// <summary>Converts <paramref name="batch"/> images of <paramref name="height"/> x <paramref name="width"/>
    /// pixels, stored one after another, into [batch, channels, height, width] (channels: 1 for
    /// <see cref="PixelLayout.Gray8"/>, else 3; alpha is dropped).</summary>
    /// <param name="pixels">The images one after another (NHWC), each row after row, no row padding.</param>
    /// <param name="layout">The channels of a pixel in memory (RGB or BGR, with or without alpha, or grey).</param>
    /// <param name="batch">Number of images.</param>
    /// <param name="height">Rows per image.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="output">Receives batch x channels x height x width values.</param>
    /// <param name="normalization">Mean and std per output channel, in <paramref name="modelOrder"/>.</param>
    /// <param name="modelOrder">The channel order the model expects.</param>
    /// <exception cref="ArgumentException">As the single-image overload.</exception>
    public static void ToNchw(
        ReadOnlySpan<byte> pixels, PixelLayout layout, int batch, int height, int width, Span<float> output,
        ImageNormalization normalization, ChannelOrder modelOrder = ChannelOrder.Rgb)
    {
        ArgumentNullException.ThrowIfNull(normalization);
        Positive(batch, nameof(batch));
        Positive(height, nameof(height));
        Positive(width, nameof(width));
        if (modelOrder is not (ChannelOrder.Rgb or ChannelOrder.Bgr))
        {
            throw new ArgumentOutOfRangeException(nameof(modelOrder), modelOrder, $"modelOrder must be Rgb or Bgr, but is {(int)modelOrder}.");
        }

        (int bytesPerPixel, int channels, bool bgr) = layout switch
        {
            PixelLayout.Gray8 => (1, 1, false),
            PixelLayout.Rgb24 => (3, 3, false),
            PixelLayout.Bgr24 => (3, 3, true),
            PixelLayout.Rgba32 => (4, 3, false),
            PixelLayout.Bgra32 => (4, 3, true),
            _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, $"layout must be a PixelLayout, but is {(int)layout}."),
        };

        // In double: exact up to 2^53, and a larger product cannot equal a span's length anyway.
        double pixelCount = (double)batch * height * width;
        if (pixels.Length != pixelCount * bytesPerPixel)
        {
            throw new ArgumentException(
                $"pixels has {pixels.Length} bytes, but {batch} {layout} image(s) of {height} x {width} need {pixelCount * bytesPerPixel:F0} ({bytesPerPixel} per pixel).",
                nameof(pixels));
        }

        if (output.Length != pixelCount * channels)
        {
            throw new ArgumentException(
                $"output has {output.Length} values, but shape [{batch}, {channels}, {height}, {width}] needs {pixelCount * channels:F0}.", nameof(output));
        }

        if (normalization.Channels != channels)
        {
            throw new ArgumentException(
                $"normalization has {normalization.Channels} channel(s) ({normalization}), but {layout} images give {channels}.", nameof(normalization));
        }

        if (pixels.Overlaps(MemoryMarshal.AsBytes(output)))
        {
            throw new ArgumentException("pixels and output overlap; the conversion cannot run in place.", nameof(output));
        }

        // The byte within a pixel of each output channel (the model's order): reversed when the orders differ.
        bool reverse = channels == 3 && bgr != (modelOrder == ChannelOrder.Bgr);
        Span<int> source = stackalloc int[channels];
        for (int c = 0; c < channels; c++)
        {
            source[c] = reverse ? 2 - c : c;
        }

        ImagePlanes.Convert(pixels, bytesPerPixel, source, height * width, normalization.Mean, normalization.Std, output);
    }

    private static void Positive(int size, string name)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(name, size, $"{name} must be positive, but is {size}.");
        }
    }
}
