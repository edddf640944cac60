using System.Collections.Generic;

namespace ConvGen.Tests.Layers;

// Generated convolutions of the small CNN in Data/export_small_cnn.py (the test project runs the generator).

// conv1: nn.Conv2d(3, 8, 3, padding=1)
[Conv2d(@in: 3, @out: 8, k: 3, p: 1)]
public partial class SmallCnnConv1;

// block.depthwise: nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
[Conv2d(@in: 8, @out: 8, k: 3, p: 1, groups: 8, bias: false)]
public partial class SmallCnnDepthwise;

// block.pointwise: nn.Conv2d(8, 12, 1, bias=False)
[Conv2d(@in: 8, @out: 12, k: 1, bias: false)]
public partial class SmallCnnPointwise;

// conv2: nn.Conv2d(12, 16, 3, stride=2)
[Conv2d(@in: 12, @out: 16, k: 3, s: 2)]
public partial class SmallCnnConv2;

// Batch-norm folding: a convolution without bias, and the same geometry with a bias to receive the folded one.
[Conv2d(@in: 4, @out: 6, k: 3, s: 2, p: 1, bias: false)]
public partial class FoldSource;

[Conv2d(@in: 4, @out: 6, k: 3, s: 2, p: 1)]
public partial class FoldTarget;

/// <summary>The small CNN of Data/export_small_cnn.py rebuilt from ConvGen layers, with PyTorch's module names.</summary>
internal static class SmallCnn
{
    public static Sequential Create() => new(new (string, ILayer)[]
    {
        ("conv1", new SmallCnnConv1()),
        ("bn1", new BatchNorm2d(8)),
        ("relu1", new ActivationLayer(Activation.ReLU)),
        ("pool1", new MaxPool2d(3, stride: 2, padding: 1, ceilMode: true)),
        ("block", DepthwiseSeparable.Create(
            new SmallCnnDepthwise(),
            new SmallCnnPointwise(),
            new BatchNorm2d(8), new BatchNorm2d(12), Activation.ReLU6)),
        ("up", Upsample.WithScale(2)),
        ("conv2", new SmallCnnConv2()),
        ("gelu", new ActivationLayer(Activation.GELU)),
        ("pool2", new AvgPool2d(3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)),
        ("silu", new ActivationLayer(Activation.SiLU)),
        ("gap", new AdaptiveAvgPool2d(1)),
        ("flatten", new Flatten()),
        ("fc1", new Linear(16, 24)),
        ("tanh", new ActivationLayer(Activation.Tanh)),
        ("fc2", new Linear(24, 10)),
        ("softmax", new Softmax(1)),
    });

    /// <summary>The first <paramref name="count"/> layers of <paramref name="network"/>, as PyTorch's <c>model[:count]</c>.</summary>
    public static Sequential Prefix(Sequential network, int count)
    {
        var layers = new List<(string, ILayer)>();
        for (int i = 0; i < count; i++)
        {
            layers.Add((network.Names[i], network.Layers[i]));
        }

        return new Sequential(layers);
    }
}
