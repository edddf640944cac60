using System;
using System.Numerics.Tensors;
using ConvGen.Operators;

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
        var window = new PoolWindow(KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadHeight, PadWidth, PadHeight, PadWidth);
        Pool.Average(input, output, (int)planes, height, width, outHeight, outWidth, window, CountIncludePad, DivisorOverride ?? 0);
    }
}
