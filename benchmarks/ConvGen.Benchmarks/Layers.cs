using ConvGen;

namespace ConvGen.Benchmarks;

// The eight layers of shared/notes/kernels.md (Cin, Cout, k, s, p, d, groups, HxW), batch 1.

[Conv2d(@in: 3, @out: 64, k: 3, s: 1, p: 1)]
public partial class CardStem;

[Conv2d(@in: 3, @out: 64, k: 7, s: 2, p: 3)]
public partial class ResNetStem;

[Conv2d(@in: 64, @out: 64, k: 3, p: 1)]
public partial class Dense64;

[Conv2d(@in: 64, @out: 128, k: 3, s: 2, p: 1)]
public partial class Dense64To128Stride2;

[Conv2d(@in: 32, @out: 32, k: 3, p: 1, groups: 32)]
public partial class Depthwise32;

[Conv2d(@in: 32, @out: 64, k: 1)]
public partial class Pointwise32To64;

[Conv2d(@in: 128, @out: 128, k: 3, p: 1, groups: 4)]
public partial class Grouped128;

[Conv2d(@in: 64, @out: 64, k: 3, p: 2, d: 2)]
public partial class Dilated64;
