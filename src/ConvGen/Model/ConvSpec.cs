namespace ConvGen.Generator.Model;

/// <summary>
/// A valid convolution with every default and override resolved. A Conv1d is held as a Conv2d of
/// height 1 (kernel 1, stride 1, no vertical padding), so planner and emitter serve both.
/// <see cref="Activation"/> is applied to conv(x) + bias. <see cref="Winograd"/>: whether the planner may transform rows.
/// </summary>
internal sealed record ConvSpec(
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
    int DilationHeight,
    int DilationWidth,
    int Groups,
    bool HasBias,
    PaddingMode Padding,
    int? InputHeight,
    int? InputWidth,
    ActivationKind Activation = ActivationKind.None,
    bool Winograd = true) : LayerSpec
{
    public int InChannelsPerGroup => InChannels / Groups;

    public int OutChannelsPerGroup => OutChannels / Groups;

    public int WeightLength => OutChannels * InChannelsPerGroup * KernelHeight * KernelWidth;

    public int ParameterCount => WeightLength + (HasBias ? OutChannels : 0);

    /// <summary>Inputs each output sums over: PyTorch's fan_in.</summary>
    public int FanIn => InChannelsPerGroup * KernelHeight * KernelWidth;

    /// <summary>Input rows when the input size is fixed (a Conv1d has one row), else null.</summary>
    public int? FixedInputHeight => Kind == LayerKind.Conv1d ? 1 : InputHeight;

    /// <summary>Multiply-adds per output position: each output channel sums <see cref="FanIn"/> products.</summary>
    public long MultiplyAddsPerOutput => (long)OutChannels * FanIn;

    /// <summary>Multiply-adds of one image when the input size is fixed (taps on padding included), else null.</summary>
    public long? MultiplyAdds => FixedInputHeight is { } h && InputWidth is { } w
        ? MultiplyAddsPerOutput * Vertical.OutputSize(h) * Horizontal.OutputSize(w)
        : null;

    /// <summary>A 1x1, stride-1, unpadded layer: each input channel already is the plane its one tap reads.</summary>
    public bool IsUnpaddedPointwise => KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1
        && PadTop + PadBottom + PadLeft + PadRight == 0;

    public ConvAxis Vertical => new(KernelHeight, StrideHeight, PadTop, PadBottom, DilationHeight);

    public ConvAxis Horizontal => new(KernelWidth, StrideWidth, PadLeft, PadRight, DilationWidth);
}
