using System;
using ConvGen.Generator.Transposed;

namespace ConvGen.Generator.Model;

/// <summary>
/// A valid transposed convolution (PyTorch's <c>nn.ConvTranspose2d</c>/<c>nn.ConvTranspose1d</c>) with every default and
/// override resolved. Pads are the outputs dropped on each side; output padding adds outputs at the bottom and right.
/// A ConvTranspose1d is held as a 2-D one of kernel height 1, stride 1 and no vertical padding.
/// <see cref="Activation"/> is applied to conv_transpose(x) + bias.
/// </summary>
internal sealed record TransposedConvSpec(
    LayerKind Kind,
    int InChannels,
    int OutChannels,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int PadTop,
    int PadBottom,
    int PadLeft,
    int PadRight,
    int OutputPadHeight,
    int OutputPadWidth,
    int DilationHeight,
    int DilationWidth,
    int Groups,
    bool HasBias,
    int? InputHeight,
    int? InputWidth,
    ActivationKind Activation = ActivationKind.None) : LayerSpec
{
    public bool Is2d => Kind == LayerKind.ConvTranspose2d;

    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>Weights, PyTorch layout [in, out/groups, kh, kw].</summary>
    public int WeightLength => InChannels * OutChannelsPerGroup * KernelHeight * KernelWidth;

    public int ParameterCount => WeightLength + (HasBias ? OutChannels : 0);

    /// <summary>PyTorch's fan_in for a transposed convolution's weight: its dimension 1 times the taps, (out/groups) * kh * kw.</summary>
    public int FanIn => OutChannelsPerGroup * KernelHeight * KernelWidth;

    /// <summary>Multiply-adds per input position: each input channel's value meets <see cref="FanIn"/> weights (with
    /// padding, some of the products land on cropped outputs).</summary>
    public long MultiplyAddsPerInput => (long)InChannels * FanIn;

    /// <summary>Multiply-adds of one image whose products land in the output, when the input size is fixed; else null.</summary>
    public long? MultiplyAdds => (Is2d ? InputHeight : 1) is { } h && InputWidth is { } w
        ? (long)InChannels * OutChannelsPerGroup * Landing(Vertical, h) * Landing(Horizontal, w)
        : null;

    public TransposedAxis Vertical => new(KernelHeight, StrideHeight, PadTop, PadBottom - OutputPadHeight, DilationHeight);

    public TransposedAxis Horizontal => new(KernelWidth, StrideWidth, PadLeft, PadRight - OutputPadWidth, DilationWidth);

    /// <summary>The phases with one shared convolution per axis.</summary>
    public TransposedGeometry Geometry => SplitGeometry(false, false);

    /// <summary>The phases with one convolution per padding they need along the axes that say so (see <see cref="TransposedAxis"/>).</summary>
    public TransposedGeometry SplitGeometry(bool separateRows, bool separateColumns) => new(InChannels, OutChannels, Groups,
        new(KernelHeight, StrideHeight, PadTop, PadBottom - OutputPadHeight, DilationHeight, separateRows),
        new(KernelWidth, StrideWidth, PadLeft, PadRight - OutputPadWidth, DilationWidth, separateColumns));

    /// <summary>Pairs of input position i and kernel tap j along an axis whose output o = i*stride + j*dilation - padBefore
    /// lies in the output.</summary>
    private static long Landing(TransposedAxis axis, long input)
    {
        long outputs = axis.OutputSize(input), pairs = 0;
        for (int j = 0; j < axis.Kernel; j++)
        {
            // o >= 0 and o < outputs bound i to [ceil((padBefore - j*d) / s), floor((outputs - 1 + padBefore - j*d) / s)].
            long shift = axis.PadBefore - ((long)j * axis.Dilation);
            long first = Math.Max(0, FloorDiv(shift + axis.Stride - 1, axis.Stride));
            long last = Math.Min(input - 1, FloorDiv(outputs - 1 + shift, axis.Stride));
            pairs += Math.Max(0, last - first + 1);
        }

        return pairs;
    }

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}
