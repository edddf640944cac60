using ConvGen;

namespace ConvGen.Samples.ImageFilters;

// Every filter is depthwise over RGB (groups: 3): each colour channel is convolved with its own copy
// of the kernel, so colours never mix. Weights are fixed (see Program.cs), not learned.

/// <summary>Gaussian blur: the 5x5 binomial kernel (1 4 6 4 1)^T (1 4 6 4 1) / 256, size-preserving.</summary>
[Conv2d(@in: 3, @out: 3, k: 5, padding: Padding.Same, groups: 3, bias: false)]
public partial class GaussianBlur;

/// <summary>Sharpen: identity plus the negative Laplacian, [0 -1 0; -1 5 -1; 0 -1 0].</summary>
[Conv2d(@in: 3, @out: 3, k: 3, p: 1, groups: 3, bias: false)]
public partial class Sharpen;

/// <summary>Sobel: a depthwise multiplier of 2, so each channel gives d/dx (output 2c) and d/dy (output 2c+1).</summary>
[Conv2d(@in: 3, @out: 6, k: 3, p: 1, groups: 3, bias: false)]
public partial class SobelEdges;

/// <summary>Emboss: a diagonal derivative lifted to mid-grey by the bias (0.5 per channel).</summary>
[Conv2d(@in: 3, @out: 3, k: 3, p: 1, groups: 3)]
public partial class Emboss;
