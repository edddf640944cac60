using System.Collections.Generic;
using System.Linq;
using ConvGen;

namespace ConvGen.Benchmarks;

// Every distinct convolution of torchvision's ResNet-18 and MobileNetV2 (width 1.0) at 224x224, batch 1,
// without bias as in torchvision (each conv is followed by BatchNorm). Identical configurations are
// declared once; SweepLayer.All records how many times each occurs in its network.
// Names: network, Cin x Cout, kernel, stride, input size; Dw = depthwise (groups = channels).
// benchmarks/pytorch_bench.py holds the same list and checks it against torchvision when installed.

// ResNet-18: stem, then 4 stages of 2 BasicBlocks (two 3x3 convs each; the first block of stages 2-4
// has stride 2 and a 1x1 stride-2 downsample). 20 convolutions, 11 distinct.
[Conv2d(@in: 3, @out: 64, k: 7, s: 2, p: 3, bias: false)] public partial class Rn18Stem3x64K7S2At224;
[Conv2d(@in: 64, @out: 64, k: 3, p: 1, bias: false)] public partial class Rn18C64x64K3At56;
[Conv2d(@in: 64, @out: 128, k: 3, s: 2, p: 1, bias: false)] public partial class Rn18C64x128K3S2At56;
[Conv2d(@in: 64, @out: 128, k: 1, s: 2, bias: false)] public partial class Rn18C64x128K1S2At56;
[Conv2d(@in: 128, @out: 128, k: 3, p: 1, bias: false)] public partial class Rn18C128x128K3At28;
[Conv2d(@in: 128, @out: 256, k: 3, s: 2, p: 1, bias: false)] public partial class Rn18C128x256K3S2At28;
[Conv2d(@in: 128, @out: 256, k: 1, s: 2, bias: false)] public partial class Rn18C128x256K1S2At28;
[Conv2d(@in: 256, @out: 256, k: 3, p: 1, bias: false)] public partial class Rn18C256x256K3At14;
[Conv2d(@in: 256, @out: 512, k: 3, s: 2, p: 1, bias: false)] public partial class Rn18C256x512K3S2At14;
[Conv2d(@in: 256, @out: 512, k: 1, s: 2, bias: false)] public partial class Rn18C256x512K1S2At14;
[Conv2d(@in: 512, @out: 512, k: 3, p: 1, bias: false)] public partial class Rn18C512x512K3At7;

// MobileNetV2: 3x3 stride-2 stem, 17 inverted residual blocks (1x1 expand unless t = 1, 3x3 depthwise,
// 1x1 project), final 1x1 to 1280. 52 convolutions, 30 distinct.
[Conv2d(@in: 3, @out: 32, k: 3, s: 2, p: 1, bias: false)] public partial class Mv2Stem3x32K3S2At224;
[Conv2d(@in: 32, @out: 32, k: 3, p: 1, groups: 32, bias: false)] public partial class Mv2Dw32At112;
[Conv2d(@in: 32, @out: 16, k: 1, bias: false)] public partial class Mv2C32x16At112;
[Conv2d(@in: 16, @out: 96, k: 1, bias: false)] public partial class Mv2C16x96At112;
[Conv2d(@in: 96, @out: 96, k: 3, s: 2, p: 1, groups: 96, bias: false)] public partial class Mv2Dw96S2At112;
[Conv2d(@in: 96, @out: 24, k: 1, bias: false)] public partial class Mv2C96x24At56;
[Conv2d(@in: 24, @out: 144, k: 1, bias: false)] public partial class Mv2C24x144At56;
[Conv2d(@in: 144, @out: 144, k: 3, p: 1, groups: 144, bias: false)] public partial class Mv2Dw144At56;
[Conv2d(@in: 144, @out: 24, k: 1, bias: false)] public partial class Mv2C144x24At56;
[Conv2d(@in: 144, @out: 144, k: 3, s: 2, p: 1, groups: 144, bias: false)] public partial class Mv2Dw144S2At56;
[Conv2d(@in: 144, @out: 32, k: 1, bias: false)] public partial class Mv2C144x32At28;
[Conv2d(@in: 32, @out: 192, k: 1, bias: false)] public partial class Mv2C32x192At28;
[Conv2d(@in: 192, @out: 192, k: 3, p: 1, groups: 192, bias: false)] public partial class Mv2Dw192At28;
[Conv2d(@in: 192, @out: 32, k: 1, bias: false)] public partial class Mv2C192x32At28;
[Conv2d(@in: 192, @out: 192, k: 3, s: 2, p: 1, groups: 192, bias: false)] public partial class Mv2Dw192S2At28;
[Conv2d(@in: 192, @out: 64, k: 1, bias: false)] public partial class Mv2C192x64At14;
[Conv2d(@in: 64, @out: 384, k: 1, bias: false)] public partial class Mv2C64x384At14;
[Conv2d(@in: 384, @out: 384, k: 3, p: 1, groups: 384, bias: false)] public partial class Mv2Dw384At14;
[Conv2d(@in: 384, @out: 64, k: 1, bias: false)] public partial class Mv2C384x64At14;
[Conv2d(@in: 384, @out: 96, k: 1, bias: false)] public partial class Mv2C384x96At14;
[Conv2d(@in: 96, @out: 576, k: 1, bias: false)] public partial class Mv2C96x576At14;
[Conv2d(@in: 576, @out: 576, k: 3, p: 1, groups: 576, bias: false)] public partial class Mv2Dw576At14;
[Conv2d(@in: 576, @out: 96, k: 1, bias: false)] public partial class Mv2C576x96At14;
[Conv2d(@in: 576, @out: 576, k: 3, s: 2, p: 1, groups: 576, bias: false)] public partial class Mv2Dw576S2At14;
[Conv2d(@in: 576, @out: 160, k: 1, bias: false)] public partial class Mv2C576x160At7;
[Conv2d(@in: 160, @out: 960, k: 1, bias: false)] public partial class Mv2C160x960At7;
[Conv2d(@in: 960, @out: 960, k: 3, p: 1, groups: 960, bias: false)] public partial class Mv2Dw960At7;
[Conv2d(@in: 960, @out: 160, k: 1, bias: false)] public partial class Mv2C960x160At7;
[Conv2d(@in: 960, @out: 320, k: 1, bias: false)] public partial class Mv2C960x320At7;
[Conv2d(@in: 320, @out: 1280, k: 1, bias: false)] public partial class Mv2C320x1280At7;

/// <summary>One distinct convolution of a network and how many times it occurs there.</summary>
public sealed record SweepLayer(string Network, BenchmarkLayer Layer, int Count)
{
    public const string ResNet18 = "resnet18";
    public const string MobileNetV2 = "mobilenet_v2";

    public static readonly IReadOnlyList<SweepLayer> All =
    [
        Make(ResNet18, 1, 3, 64, 7, 2, 3, 1, 224, w => new Rn18Stem3x64K7S2At224(w)),
        Make(ResNet18, 4, 64, 64, 3, 1, 1, 1, 56, w => new Rn18C64x64K3At56(w)),
        Make(ResNet18, 1, 64, 128, 3, 2, 1, 1, 56, w => new Rn18C64x128K3S2At56(w)),
        Make(ResNet18, 1, 64, 128, 1, 2, 0, 1, 56, w => new Rn18C64x128K1S2At56(w)),
        Make(ResNet18, 3, 128, 128, 3, 1, 1, 1, 28, w => new Rn18C128x128K3At28(w)),
        Make(ResNet18, 1, 128, 256, 3, 2, 1, 1, 28, w => new Rn18C128x256K3S2At28(w)),
        Make(ResNet18, 1, 128, 256, 1, 2, 0, 1, 28, w => new Rn18C128x256K1S2At28(w)),
        Make(ResNet18, 3, 256, 256, 3, 1, 1, 1, 14, w => new Rn18C256x256K3At14(w)),
        Make(ResNet18, 1, 256, 512, 3, 2, 1, 1, 14, w => new Rn18C256x512K3S2At14(w)),
        Make(ResNet18, 1, 256, 512, 1, 2, 0, 1, 14, w => new Rn18C256x512K1S2At14(w)),
        Make(ResNet18, 3, 512, 512, 3, 1, 1, 1, 7, w => new Rn18C512x512K3At7(w)),

        Make(MobileNetV2, 1, 3, 32, 3, 2, 1, 1, 224, w => new Mv2Stem3x32K3S2At224(w)),
        Make(MobileNetV2, 1, 32, 32, 3, 1, 1, 32, 112, w => new Mv2Dw32At112(w)),
        Make(MobileNetV2, 1, 32, 16, 1, 1, 0, 1, 112, w => new Mv2C32x16At112(w)),
        Make(MobileNetV2, 1, 16, 96, 1, 1, 0, 1, 112, w => new Mv2C16x96At112(w)),
        Make(MobileNetV2, 1, 96, 96, 3, 2, 1, 96, 112, w => new Mv2Dw96S2At112(w)),
        Make(MobileNetV2, 1, 96, 24, 1, 1, 0, 1, 56, w => new Mv2C96x24At56(w)),
        Make(MobileNetV2, 2, 24, 144, 1, 1, 0, 1, 56, w => new Mv2C24x144At56(w)),
        Make(MobileNetV2, 1, 144, 144, 3, 1, 1, 144, 56, w => new Mv2Dw144At56(w)),
        Make(MobileNetV2, 1, 144, 24, 1, 1, 0, 1, 56, w => new Mv2C144x24At56(w)),
        Make(MobileNetV2, 1, 144, 144, 3, 2, 1, 144, 56, w => new Mv2Dw144S2At56(w)),
        Make(MobileNetV2, 1, 144, 32, 1, 1, 0, 1, 28, w => new Mv2C144x32At28(w)),
        Make(MobileNetV2, 3, 32, 192, 1, 1, 0, 1, 28, w => new Mv2C32x192At28(w)),
        Make(MobileNetV2, 2, 192, 192, 3, 1, 1, 192, 28, w => new Mv2Dw192At28(w)),
        Make(MobileNetV2, 2, 192, 32, 1, 1, 0, 1, 28, w => new Mv2C192x32At28(w)),
        Make(MobileNetV2, 1, 192, 192, 3, 2, 1, 192, 28, w => new Mv2Dw192S2At28(w)),
        Make(MobileNetV2, 1, 192, 64, 1, 1, 0, 1, 14, w => new Mv2C192x64At14(w)),
        Make(MobileNetV2, 4, 64, 384, 1, 1, 0, 1, 14, w => new Mv2C64x384At14(w)),
        Make(MobileNetV2, 4, 384, 384, 3, 1, 1, 384, 14, w => new Mv2Dw384At14(w)),
        Make(MobileNetV2, 3, 384, 64, 1, 1, 0, 1, 14, w => new Mv2C384x64At14(w)),
        Make(MobileNetV2, 1, 384, 96, 1, 1, 0, 1, 14, w => new Mv2C384x96At14(w)),
        Make(MobileNetV2, 3, 96, 576, 1, 1, 0, 1, 14, w => new Mv2C96x576At14(w)),
        Make(MobileNetV2, 2, 576, 576, 3, 1, 1, 576, 14, w => new Mv2Dw576At14(w)),
        Make(MobileNetV2, 2, 576, 96, 1, 1, 0, 1, 14, w => new Mv2C576x96At14(w)),
        Make(MobileNetV2, 1, 576, 576, 3, 2, 1, 576, 14, w => new Mv2Dw576S2At14(w)),
        Make(MobileNetV2, 1, 576, 160, 1, 1, 0, 1, 7, w => new Mv2C576x160At7(w)),
        Make(MobileNetV2, 3, 160, 960, 1, 1, 0, 1, 7, w => new Mv2C160x960At7(w)),
        Make(MobileNetV2, 3, 960, 960, 3, 1, 1, 960, 7, w => new Mv2Dw960At7(w)),
        Make(MobileNetV2, 2, 960, 160, 1, 1, 0, 1, 7, w => new Mv2C960x160At7(w)),
        Make(MobileNetV2, 1, 960, 320, 1, 1, 0, 1, 7, w => new Mv2C960x320At7(w)),
        Make(MobileNetV2, 1, 320, 1280, 1, 1, 0, 1, 7, w => new Mv2C320x1280At7(w)),
    ];

    public static IEnumerable<string> Networks => All.Select(layer => layer.Network).Distinct();

    // Label as in Layers.cs (Cin,Cout,k,s,p,d,groups,HxW); these layers have no bias, so the factory ignores b.
    private static SweepLayer Make(string network, int count, int cin, int cout, int k, int s, int p, int groups, int size, System.Func<float[], ILayer> create) =>
        new(network, new BenchmarkLayer($"{cin},{cout},{k},{s},{p},1,{groups},{size}", BenchmarkLayer.Padded(cin, cout, k, s, p, 1, groups), size, (w, _) => create(w), HasBias: false), count);
}
