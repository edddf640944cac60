using System;
using System.Buffers;
using System.Numerics.Tensors;

namespace ConvGen;

/// <summary>
/// PyTorch's <c>nn.AvgPool2d</c> on NCHW (or CHW) input: kernel, stride, zero padding, <c>ceil_mode</c>,
/// <c>count_include_pad</c> and <c>divisor_override</c>. With <c>count_include_pad</c> the divisor counts the padding
/// inside the window but not the part of a ceil-mode window beyond the padding, exactly as PyTorch.
/// </summary>
public sealed class AvgPool2d : ILayer
{
    /// <summary>A square window: <c>nn.AvgPool2d(kernel_size, stride=kernel_size, padding, ceil_mode, count_include_pad, divisor_override)</c>.</summary>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Step between windows; null (PyTorch's default) means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit zero padding on every side; at most half the kernel.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <param name="countIncludePad">Count padded positions in the divisor (PyTorch's default).</param>
    /// <param name="divisorOverride">A fixed divisor instead of the window size; null for none.</param>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : this(kernelSize, kernelSize, stride ?? kernelSize, stride ?? kernelSize, padding, padding, ceilMode, countIncludePad, divisorOverride)
    {
    }

    /// <summary>A rectangular window with per-axis stride and padding.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, a padding is negative or larger than half the kernel,
    /// or the divisor override is not positive.</exception>
    public AvgPool2d(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        PoolGeometry.CheckAxis(kernelHeight, strideHeight, padHeight, 1, kernelHeight / 2, "height");
        PoolGeometry.CheckAxis(kernelWidth, strideWidth, padWidth, 1, kernelWidth / 2, "width");
        if (divisorOverride is { } divisor)
        {
            LayerArguments.AtLeast(divisor, 1, nameof(divisorOverride));
        }

        (KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadHeight, PadWidth, CeilMode, CountIncludePad, DivisorOverride) =
            (kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth, ceilMode, countIncludePad, divisorOverride);
    }

    /// <summary>Window height.</summary>
    public int KernelHeight { get; }

    /// <summary>Window width.</summary>
    public int KernelWidth { get; }

    /// <summary>Vertical step.</summary>
    public int StrideHeight { get; }

    /// <summary>Horizontal step.</summary>
    public int StrideWidth { get; }

    /// <summary>Zero padding at top and bottom.</summary>
    public int PadHeight { get; }

    /// <summary>Zero padding at left and right.</summary>
    public int PadWidth { get; }

    /// <summary>Whether output sizes round up.</summary>
    public bool CeilMode { get; }

    /// <summary>Whether padded positions count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <summary>A fixed divisor, or null.</summary>
    public int? DivisorOverride { get; }

    /// <summary>Always 0.</summary>
    public int ParameterCount => 0;

    /// <summary>The output height for an input height.</summary>
    public int OutputHeight(int height) =>
        PoolGeometry.OutputSize(height, KernelHeight, StrideHeight, PadHeight, 1, CeilMode, nameof(AvgPool2d), "height");

    /// <summary>The output width for an input width.</summary>
    public int OutputWidth(int width) =>
        PoolGeometry.OutputSize(width, KernelWidth, StrideWidth, PadWidth, 1, CeilMode, nameof(AvgPool2d), "width");

    /// <inheritdoc/>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape)
    {
        LayerArguments.Images(inputShape, nameof(AvgPool2d), out int batch, out int channels, out int height, out int width);
        return LayerShapes.Images(inputShape.Length, batch, channels, OutputHeight(height), OutputWidth(width));
    }

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output)
    {
        LayerArguments.Images(inputShape, nameof(AvgPool2d), out int batch, out int channels, out int height, out int width);
        int outHeight = OutputHeight(height), outWidth = OutputWidth(width);
        long planes = (long)batch * channels;
        LayerArguments.Spans(input, planes * height * width, output, planes * outHeight * outWidth);
        float[] scratch = ArrayPool<float>.Shared.Rent(PoolRows.ScratchLength(height, width, StrideWidth));
        int rowLength = StrideWidth == 1 ? width : PoolRows.SplitWidth(width, StrideWidth);
        try
        {
            for (long plane = 0; plane < planes; plane++)
            {
                ReadOnlySpan<float> x = input.Slice((int)(plane * height * width), height * width);
                Span<float> y = output.Slice((int)(plane * outHeight * outWidth), outHeight * outWidth);
                ReadOnlySpan<float> rows = x;
                if (StrideWidth > 1)
                {
                    PoolRows.Split(x, height, width, StrideWidth, scratch);
                    rows = scratch;
                }

                for (int oh = 0; oh < outHeight; oh++)
                {
                    // Sum the window's rows that lie in the input, one vectorised add per tap across the output row.
                    Span<float> target = y.Slice(oh * outWidth, outWidth);
                    target.Clear();
                    int h0 = (oh * StrideHeight) - PadHeight;
                    for (int h = Math.Max(h0, 0); h < Math.Min(h0 + KernelHeight, height); h++)
                    {
                        PoolRows.Fold(rows.Slice(h * rowLength, rowLength), width, target, KernelWidth, StrideWidth, 1, PadWidth, max: false);
                    }

                    Divide(target, h0, height, width);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    // Divides each window's sum by PyTorch's divisor: the override, else the window clipped to the padded input
    // (count_include_pad) or to the input. A window with no input element keeps its sum, 0.
    private void Divide(Span<float> sums, int h0, int height, int width)
    {
        int h1 = Math.Min(h0 + KernelHeight, height + PadHeight);
        int paddedRows = h1 - h0, rows = Math.Min(h1, height) - Math.Max(h0, 0);
        for (int ow = 0; ow < sums.Length; ow++)
        {
            int w0 = (ow * StrideWidth) - PadWidth;
            int w1 = Math.Min(w0 + KernelWidth, width + PadWidth);
            int columns = Math.Min(w1, width) - Math.Max(w0, 0);
            if (rows <= 0 || columns <= 0)
            {
                sums[ow] = 0;
                continue;
            }

            int divisor = DivisorOverride ?? (CountIncludePad ? paddedRows * (w1 - w0) : rows * columns);
            sums[ow] /= divisor;
        }
    }
}
