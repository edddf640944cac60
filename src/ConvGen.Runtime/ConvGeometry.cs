namespace ConvGen;

/// <summary>The hyper-parameters of a convolution with its padding resolved per side; a 1-D convolution
/// is a 2-D one of kernel height 1, stride 1, dilation 1 and no vertical padding.</summary>
public readonly record struct ConvGeometry(
    int InChannels,
    int OutChannels,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight = 1,
    int StrideWidth = 1,
    int PadTop = 0,
    int PadBottom = 0,
    int PadLeft = 0,
    int PadRight = 0,
    int DilationHeight = 1,
    int DilationWidth = 1,
    int Groups = 1)
{
    /// <summary>PyTorch's output size along one axis: floor((in + pads - d*(k-1) - 1) / s) + 1, or 0 when empty.</summary>
    public static int OutputSize(int input, int kernel, int stride, int padBefore, int padAfter, int dilation)
    {
        long span = (long)input + padBefore + padAfter - ((long)dilation * (kernel - 1)) - 1;
        return span < 0 ? 0 : (int)((span / stride) + 1);
    }

    /// <summary>Output rows for <paramref name="height"/> input rows.</summary>
    public int OutputHeight(int height) => OutputSize(height, KernelHeight, StrideHeight, PadTop, PadBottom, DilationHeight);

    /// <summary>Output columns for <paramref name="width"/> input columns.</summary>
    public int OutputWidth(int width) => OutputSize(width, KernelWidth, StrideWidth, PadLeft, PadRight, DilationWidth);

    /// <summary>Inputs each output sums over (PyTorch's fan_in): (in/groups) * kh * kw.</summary>
    public int FanIn => InChannels / Groups * KernelHeight * KernelWidth;

    /// <summary>Weight elements, PyTorch layout [out, in/groups, kh, kw].</summary>
    public int WeightLength => OutChannels * (InChannels / Groups) * KernelHeight * KernelWidth;
}
