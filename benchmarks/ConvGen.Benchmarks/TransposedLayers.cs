using ConvGen;

namespace ConvGen.Benchmarks;

// The transposed convolutions benchmarked by --transposed (TransposedBenchmarkLayer.All), batch 1, with bias, at the
// fixed input size a user who knows it declares.

/// <summary>U-Net's up-convolution (2x2, stride 2: every output has exactly one tap) at the 56x56 level.</summary>
[ConvTranspose2d(@in: 64, @out: 32, k: 2, s: 2, h: 56, w: 56)]
public partial class UNetUpConvolution;

/// <summary>A DCGAN generator block: 4x4, stride 2, padding 1, 16x16 to 32x32.</summary>
[ConvTranspose2d(@in: 128, @out: 64, k: 4, s: 2, p: 1, h: 16, w: 16)]
public partial class DcganBlock;

/// <summary>FCN-style x8 up-sampling of 21 class maps: depthwise (one 16x16 kernel per class, as a bilinear up-sampler), stride 8, padding 4, 28x28 to 224x224.</summary>
[ConvTranspose2d(@in: 21, @out: 21, k: 16, s: 8, p: 4, groups: 21, h: 28, w: 28)]
public partial class FcnUpsampleX8;

/// <summary>A 1-D x2 up-sampling (4 taps, stride 2, padding 1), 4000 to 8000 samples: an audio or signal decoder's.</summary>
[ConvTranspose1d(@in: 64, @out: 32, k: 4, s: 2, p: 1, length: 4000)]
public partial class Upsample1dX2;
