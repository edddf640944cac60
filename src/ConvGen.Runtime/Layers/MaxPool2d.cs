using System;
using System.Numerics.Tensors;
using ConvGen.Operators;

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
        var window = new PoolWindow(KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadHeight, PadWidth, PadHeight, PadWidth, DilationHeight, DilationWidth);
        Pool.Max(input, output, (int)planes, height, width, outHeight, outWidth, window);
    }
}
