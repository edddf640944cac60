namespace ConvGen;

/// <summary>How a convolution pads its input, as PyTorch's <c>padding</c> argument.</summary>
public enum Padding
{
    /// <summary>The pads given by <c>p</c> / <c>ph</c> / <c>pw</c> (zero when none is given).</summary>
    Explicit = 0,

    /// <summary>PyTorch <c>'same'</c>: output size equals input size (stride 1 only); total pad
    /// <c>d*(k-1)</c>, the odd extra element at the end (bottom/right).</summary>
    Same = 1,

    /// <summary>PyTorch <c>'valid'</c>: no padding.</summary>
    Valid = 2,

    /// <summary>Pad <c>d*(k-1)</c> on both sides, so every partial overlap produces an output.</summary>
    Full = 3,
}
