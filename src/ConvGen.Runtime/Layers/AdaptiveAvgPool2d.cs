using System;
using System.Numerics.Tensors;
using ConvGen.Operators;

namespace ConvGen;

/// <summary>
/// PyTorch's <c>nn.AdaptiveAvgPool2d(output_size)</c> on NCHW (or CHW) input: output cell i averages input rows
/// floor(i * in / out) to ceil((i + 1) * in / out). <c>new AdaptiveAvgPool2d(1)</c> is global average pooling.
/// </summary>
public sealed class AdaptiveAvgPool2d : ILayer
{
    /// <summary>A square output: <c>nn.AdaptiveAvgPool2d(size)</c>.</summary>
    public AdaptiveAvgPool2d(int outputSize)
        : this(outputSize, outputSize)
    {
    }

    /// <summary>An output of <paramref name="outputHeight"/> x <paramref name="outputWidth"/>; null keeps that input size (PyTorch's None).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public AdaptiveAvgPool2d(int? outputHeight, int? outputWidth)
    {
        if (outputHeight is { } h)
        {
            LayerArguments.AtLeast(h, 1, nameof(outputHeight));
        }

        if (outputWidth is { } w)
        {
            LayerArguments.AtLeast(w, 1, nameof(outputWidth));
        }

        (OutputHeight, OutputWidth) = (outputHeight, outputWidth);
    }

    /// <summary>The output height, or null to keep the input's.</summary>
    public int? OutputHeight { get; }

    /// <summary>The output width, or null to keep the input's.</summary>
    public int? OutputWidth { get; }

    /// <summary>Always 0.</summary>
    public int ParameterCount => 0;

    /// <inheritdoc/>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape)
    {
        LayerArguments.Images(inputShape, nameof(AdaptiveAvgPool2d), out int batch, out int channels, out int height, out int width);
        return LayerShapes.Images(inputShape.Length, batch, channels, OutputHeight ?? height, OutputWidth ?? width);
    }

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output)
    {
        LayerArguments.Images(inputShape, nameof(AdaptiveAvgPool2d), out int batch, out int channels, out int height, out int width);
        int outHeight = OutputHeight ?? height, outWidth = OutputWidth ?? width;
        long planes = (long)batch * channels;
        LayerArguments.Spans(input, planes * height * width, output, planes * outHeight * outWidth);
        if (outHeight == 1 && outWidth == 1)
        {
            GlobalPool.Average(input, output, (int)planes, height * width);
            return;
        }

        for (long plane = 0; plane < planes; plane++)
        {
            ReadOnlySpan<float> x = input.Slice((int)(plane * height * width), height * width);
            Span<float> y = output.Slice((int)(plane * outHeight * outWidth), outHeight * outWidth);
            for (int oh = 0; oh < outHeight; oh++)
            {
                int h0 = Start(oh, height, outHeight), h1 = End(oh, height, outHeight);
                for (int ow = 0; ow < outWidth; ow++)
                {
                    int w0 = Start(ow, width, outWidth), w1 = End(ow, width, outWidth);
                    float sum = 0;
                    for (int h = h0; h < h1; h++)
                    {
                        sum += TensorPrimitives.Sum(x.Slice((h * width) + w0, w1 - w0));
                    }

                    y[(oh * outWidth) + ow] = sum / ((long)(h1 - h0) * (w1 - w0));
                }
            }
        }
    }

    // floor(i * in / out) and ceil((i + 1) * in / out), in 64 bits.
    private static int Start(int i, int input, int output) => (int)((long)i * input / output);

    private static int End(int i, int input, int output) => (int)((((long)(i + 1) * input) + output - 1) / output);
}
