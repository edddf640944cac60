using System;
using System.Collections.Generic;
using System.Linq;

namespace ConvGen.Benchmarks;

/// <summary>One benchmarked layer: its label as in shared/notes/kernels.md, its geometry, input size, a factory
/// (weight, bias) and whether it has a bias (the sweep's layers, like torchvision's, have none).</summary>
public sealed record BenchmarkLayer(string Label, ConvGeometry Geometry, int Size, Func<float[], float[], ILayer> Create, bool HasBias = true)
{
    public static readonly IReadOnlyList<BenchmarkLayer> All =
    [
        new("3,64,3,1,1,1,1,224", Padded(3, 64, 3, 1, 1, 1, 1), 224, (w, b) => new CardStem(w, b)),
        new("3,64,7,2,3,1,1,224", Padded(3, 64, 7, 2, 3, 1, 1), 224, (w, b) => new ResNetStem(w, b)),
        new("64,64,3,1,1,1,1,56", Padded(64, 64, 3, 1, 1, 1, 1), 56, (w, b) => new Dense64(w, b)),
        new("64,128,3,2,1,1,1,56", Padded(64, 128, 3, 2, 1, 1, 1), 56, (w, b) => new Dense64To128Stride2(w, b)),
        new("32,32,3,1,1,1,32,112", Padded(32, 32, 3, 1, 1, 1, 32), 112, (w, b) => new Depthwise32(w, b)),
        new("32,64,1,1,0,1,1,112", Padded(32, 64, 1, 1, 0, 1, 1), 112, (w, b) => new Pointwise32To64(w, b)),
        new("128,128,3,1,1,1,4,28", Padded(128, 128, 3, 1, 1, 1, 4), 28, (w, b) => new Grouped128(w, b)),
        new("64,64,3,1,2,2,1,56", Padded(64, 64, 3, 1, 2, 2, 1), 56, (w, b) => new Dilated64(w, b)),
    ];

    public static BenchmarkLayer Find(string label) => All.Single(layer => layer.Label == label);

    public int OutputSize => Geometry.OutputHeight(Size);

    /// <summary>2 * N * Cout * Hout * Wout * (Cin/groups) * kh * kw.</summary>
    public double Flops => 2.0 * Geometry.OutChannels * OutputSize * OutputSize * Geometry.FanIn;

    internal static ConvGeometry Padded(int cin, int cout, int k, int s, int p, int d, int groups) =>
        new(cin, cout, k, k, s, s, p, p, p, p, d, d, groups);
}
