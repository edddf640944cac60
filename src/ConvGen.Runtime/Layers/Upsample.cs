using System;
using System.Buffers;
using System.Numerics.Tensors;
using ConvGen.Operators;

namespace ConvGen;

/// <summary>
/// PyTorch's <c>nn.Upsample(mode='nearest')</c> / <c>F.interpolate(mode='nearest')</c> on NCHW input (4-D only: PyTorch
/// reads a 3-D input as NCL, not as an unbatched image): output
/// index o reads input index min(floor(o * scale), in - 1), scale being 1 / scale_factor when a factor is given and
/// in / out for a size, computed in float as PyTorch does ('nearest', not 'nearest-exact').
/// </summary>
public sealed class Upsample : ILayer
{
    private Upsample(int? height, int? width, double? scaleHeight, double? scaleWidth)
    {
        (Height, Width, ScaleHeight, ScaleWidth) = (height, width, scaleHeight, scaleWidth);
    }

    /// <summary>The fixed output height, or null when a scale factor is used.</summary>
    public int? Height { get; }

    /// <summary>The fixed output width, or null when a scale factor is used.</summary>
    public int? Width { get; }

    /// <summary>The vertical scale factor, or null when a size is used.</summary>
    public double? ScaleHeight { get; }

    /// <summary>The horizontal scale factor, or null when a size is used.</summary>
    public double? ScaleWidth { get; }

    /// <summary>Always 0.</summary>
    public int ParameterCount => 0;

    /// <summary><c>nn.Upsample(scale_factor=(sh, sw), mode='nearest')</c>: output size floor(in * factor).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A factor is not positive and finite.</exception>
    public static Upsample WithScale(double scaleHeight, double scaleWidth)
    {
        CheckScale(scaleHeight, nameof(scaleHeight));
        CheckScale(scaleWidth, nameof(scaleWidth));
        return new Upsample(null, null, scaleHeight, scaleWidth);
    }

    /// <summary><c>nn.Upsample(scale_factor=s, mode='nearest')</c>.</summary>
    public static Upsample WithScale(double scale) => WithScale(scale, scale);

    /// <summary><c>nn.Upsample(size=(h, w), mode='nearest')</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static Upsample WithSize(int height, int width)
    {
        LayerArguments.AtLeast(height, 1, nameof(height));
        LayerArguments.AtLeast(width, 1, nameof(width));
        return new Upsample(height, width, null, null);
    }

    /// <inheritdoc/>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape)
    {
        Read(inputShape, out int batch, out int channels, out int height, out int width);
        return LayerShapes.Images(inputShape.Length, batch, channels, OutputSize(height, Height, ScaleHeight, "height"), OutputSize(width, Width, ScaleWidth, "width"));
    }

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output)
    {
        Read(inputShape, out int batch, out int channels, out int height, out int width);
        int outHeight = OutputSize(height, Height, ScaleHeight, "height");
        int outWidth = OutputSize(width, Width, ScaleWidth, "width");
        long planes = (long)batch * channels;
        LayerArguments.Spans(input, planes * height * width, output, planes * outHeight * outWidth);
        float scaleH = Scale(height, outHeight, ScaleHeight), scaleW = Scale(width, outWidth, ScaleWidth);

        // The source row of every output row and the source column of every output column, for the nearest-resize core.
        int[] tables = ArrayPool<int>.Shared.Rent(outHeight + outWidth);
        try
        {
            Span<int> rows = tables.AsSpan(0, outHeight), columns = tables.AsSpan(outHeight, outWidth);
            for (int oh = 0; oh < outHeight; oh++)
            {
                rows[oh] = Source(oh, height, outHeight, scaleH);
            }

            for (int ow = 0; ow < outWidth; ow++)
            {
                columns[ow] = Source(ow, width, outWidth, scaleW);
            }

            ResizeNearest.Run(input, output, (int)planes, height, width, rows, columns);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(tables);
        }
    }

    private static void Read(ReadOnlySpan<nint> shape, out int batch, out int channels, out int height, out int width)
    {
        if (shape.Length != 4)
        {
            throw new ArgumentException(
                $"Upsample expects an NCHW input, got shape {LayerShapes.Format(shape)} (PyTorch reads 3-D input as NCL, which this layer does not support).",
                "inputShape");
        }

        LayerArguments.Images(shape, nameof(Upsample), out batch, out channels, out height, out width);
    }

    // PyTorch's nearest_idx: identity and exact doubling are special-cased; otherwise floor(o * scale) in float, clamped.
    private static int Source(int o, int input, int output, float scale)
    {
        if (output == input)
        {
            return o;
        }

        if (output == 2 * input)
        {
            return o >> 1;
        }

        return Math.Min((int)MathF.Floor(o * scale), input - 1);
    }

    // PyTorch's compute_scales_value: 1 / scale_factor when one was given, else in / out, as float.
    private static float Scale(int input, int output, double? factor) =>
        factor is { } f ? (float)(1.0 / f) : (float)input / output;

    private static int OutputSize(int input, int? size, double? factor, string axis)
    {
        if (size is { } fixedSize)
        {
            return fixedSize;
        }

        double output = Math.Floor(input * factor!.Value);
        if (output < 1 || output > int.MaxValue)
        {
            throw new ArgumentException($"Upsample: input {axis} {input} with scale factor {factor} gives output {axis} {output}, which must be between 1 and int.MaxValue.", "inputShape");
        }

        return (int)output;
    }

    private static void CheckScale(double scale, string name)
    {
        if (!(scale > 0) || !double.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(name, scale, $"{name} must be positive and finite, but is {scale}.");
        }
    }
}
