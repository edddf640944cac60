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

    public TransposedAxis Vertical => new(KernelHeight, StrideHeight, PadTop, PadBottom - OutputPadHeight, DilationHeight);

    public TransposedAxis Horizontal => new(KernelWidth, StrideWidth, PadLeft, PadRight - OutputPadWidth, DilationWidth);

    public TransposedGeometry Geometry => new(InChannels, OutChannels, Groups, Vertical, Horizontal);
}
