using ConvGen;

namespace ConvGen.Sample;

// The design card's layer: an RGB stem.
[Conv2d(@in: 3, @out: 64, k: 3, s: 1, p: 1, groups: 1)]
public partial class Stem;

// Depthwise 3x3, stride 2: halves the resolution channel by channel.
[Conv2d(@in: 64, @out: 64, k: 3, s: 2, p: 1, groups: 64, bias: false)]
public partial class DepthwiseDown;

// Pointwise 1x1: mixes channels.
[Conv2d(@in: 64, @out: 128, k: 1)]
public partial class Pointwise;

// A dilated 3x3 with 'same' padding.
[Conv2d(@in: 128, @out: 32, k: 3, d: 2, padding: Padding.Same)]
public partial class Context;

// A 1-D filter bank over a signal.
[Conv1d(@in: 1, @out: 16, k: 9, s: 2, p: 4)]
public partial class FilterBank;
