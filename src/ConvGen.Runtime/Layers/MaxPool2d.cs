using System;
using System.Buffers;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>
/// PyTorch's <c>nn.MaxPool2d</c> on NCHW (or CHW) input: kernel, stride, padding (treated as -infinity), dilation and
/// <c>ceil_mode</c>. A NaN in a window is its maximum, as in PyTorch.
/// </summary>
public sealed class MaxPool2d : ILayer
{
    /// <summary>A square window: <c>nn.MaxPool2d(kernel_size, stride=kernel_size, padding, dilation, ceil_mode)</c>.</summary>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Step between windows; null (PyTorch's default) means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit -infinity padding on every side; at most half the kernel.</param>
    /// <param name="dilation">Spacing between window elements.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        : this(kernelSize, kernelSize, stride ?? kernelSize, stride ?? kernelSize, padding, padding, dilation, dilation, ceilMode)
    {
    }

    /// <summary>A rectangular window with per-axis stride, padding and dilation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, a padding is negative or larger than half the dilated kernel.</exception>
    public MaxPool2d(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
        int dilationHeight = 1, int dilationWidth = 1, bool ceilMode = false)
    {
        PoolGeometry.CheckAxis(kernelHeight, strideHeight, padHeight, dilationHeight, kernelHeight / 2, "height");
        PoolGeometry.CheckAxis(kernelWidth, strideWidth, padWidth, dilationWidth, kernelWidth / 2, "width");
        (KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadHeight, PadWidth, DilationHeight, DilationWidth, CeilMode) =
            (kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth, dilationHeight, dilationWidth, ceilMode);
    }

    /// <summary>Window height.</summary>
    public int KernelHeight { get; }

    /// <summary>Window width.</summary>
    public int KernelWidth { get; }

    /// <summary>Vertical step.</summary>
    public int StrideHeight { get; }

    /// <summary>Horizontal step.</summary>
    public int StrideWidth { get; }

    /// <summary>Padding at top and bottom.</summary>
    public int PadHeight { get; }

    /// <summary>Padding at left and right.</summary>
    public int PadWidth { get; }

    /// <summary>Vertical dilation.</summary>
    public int DilationHeight { get; }

    /// <summary>Horizontal dilation.</summary>
    public int DilationWidth { get; }

    /// <summary>Whether output sizes round up.</summary>
    public bool CeilMode { get; }

    /// <summary>Always 0.</summary>
    public int ParameterCount => 0;

    /// <summary>The output height for an input height.</summary>
    public int OutputHeight(int height) =>
        PoolGeometry.OutputSize(height, KernelHeight, StrideHeight, PadHeight, DilationHeight, CeilMode, nameof(MaxPool2d), "height");

    /// <summary>The output width for an input width.</summary>
    public int OutputWidth(int width) =>
        PoolGeometry.OutputSize(width, KernelWidth, StrideWidth, PadWidth, DilationWidth, CeilMode, nameof(MaxPool2d), "width");

    /// <inheritdoc/>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape)
    {
        LayerArguments.Images(inputShape, nameof(MaxPool2d), out int batch, out int channels, out int height, out int width);
        return LayerShapes.Images(inputShape.Length, batch, channels, OutputHeight(height), OutputWidth(width));
    }

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output)
    {
        LayerArguments.Images(inputShape, nameof(MaxPool2d), out int batch, out int channels, out int height, out int width);
        int outHeight = OutputHeight(height), outWidth = OutputWidth(width);
        long planes = (long)batch * channels;
        LayerArguments.Spans(input, planes * height * width, output, planes * outHeight * outWidth);
        int phaseLength = (width + StrideWidth - 1) / StrideWidth;
        float[]? rented = StrideWidth == 1 ? null : ArrayPool<float>.Shared.Rent(StrideWidth * phaseLength);
        try
        {
            for (long plane = 0; plane < planes; plane++)
            {
                ReadOnlySpan<float> x = input.Slice((int)(plane * height * width), height * width);
                Span<float> y = output.Slice((int)(plane * outHeight * outWidth), outHeight * outWidth);
                for (int oh = 0; oh < outHeight; oh++)
                {
                    Span<float> target = y.Slice(oh * outWidth, outWidth);
                    target.Fill(float.NegativeInfinity); // padding never wins
                    int h0 = (oh * StrideHeight) - PadHeight;
                    for (int kh = 0; kh < KernelHeight; kh++)
                    {
                        int h = h0 + (kh * DilationHeight);
                        if ((uint)h < (uint)height)
                        {
                            Row(x.Slice(h * width, width), target, rented, phaseLength);
                        }
                    }
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    // target[ow] = max(target[ow], row[ow * s + kw * d - pad]) for every tap kw and every ow whose column lies in the row.
    // With stride s > 1 the row is first split into s phases (phase r holds columns r, r + s, ...), so each tap reads one
    // contiguous run and the maximum is one vectorised TensorPrimitives.Max (which propagates NaN, as PyTorch does).
    private void Row(ReadOnlySpan<float> row, Span<float> target, float[]? phases, int phaseLength)
    {
        int width = row.Length, stride = StrideWidth;
        if (phases is not null)
        {
            for (int c = 0; c < width; c++)
            {
                phases[((c % stride) * phaseLength) + (c / stride)] = row[c];
            }
        }

        for (int kw = 0; kw < KernelWidth; kw++)
        {
            // Input column of output ow: ow * s + offset; valid while 0 <= column < width.
            int offset = (kw * DilationWidth) - PadWidth;
            int first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
            int last = width - 1 - offset < 0 ? -1 : Math.Min(target.Length - 1, (width - 1 - offset) / stride);
            if (last < first)
            {
                continue;
            }

            int count = last - first + 1;
            Span<float> destination = target.Slice(first, count);
            int column = (first * stride) + offset;
            ReadOnlySpan<float> source = phases is null
                ? row.Slice(column, count)
                : phases.AsSpan(((column % stride) * phaseLength) + (column / stride), count);
            TensorPrimitives.Max(destination, source, destination);
        }
    }
}
