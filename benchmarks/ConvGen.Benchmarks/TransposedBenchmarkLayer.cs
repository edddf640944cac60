using System;
using System.Collections.Generic;
using ConvGen.Tests.Conformance;
using ConvGen.Tests.Infrastructure;

namespace ConvGen.Benchmarks;

/// <summary>One benchmarked transposed convolution (batch 1, with bias): what it is, its hyper-parameters, input size
/// (a 1-D layer has height 1) and a factory (weight, bias) for the generated layer.</summary>
public sealed record TransposedBenchmarkLayer(string Name, TransposedShape Shape, bool Is1d, int Height, int Width, Func<float[], float[], ILayer> Create)
{
    public static readonly IReadOnlyList<TransposedBenchmarkLayer> All =
    [
        new("U-Net up-convolution", Square(64, 32, 2, 2, 0, 1), false, 56, 56, (w, b) => new UNetUpConvolution(w, b)),
        new("DCGAN block", Square(128, 64, 4, 2, 1, 1), false, 16, 16, (w, b) => new DcganBlock(w, b)),
        new("FCN x8 depthwise up-sampling", Square(21, 21, 16, 8, 4, 21), false, 28, 28, (w, b) => new FcnUpsampleX8(w, b)),
        new("1-D x2 up-sampling", new(64, 32, 1, 4, 1, 2, 0, 0, 1, 1, 0, 0, 1, 1, 1), true, 1, 4000, (w, b) => new Upsample1dX2(w, b)),
    ];

    /// <summary>Cin,Cout,k,s,p,groups,input (HxW, or the length of a 1-D layer).</summary>
    public string Label => $"{Shape.InChannels},{Shape.OutChannels},{Shape.KernelWidth},{Shape.StrideWidth},{Shape.PadLeft},{Shape.Groups},"
        + (Is1d ? $"{Width}" : $"{Height}x{Width}");

    public long[] InputShape => Is1d ? [1, Shape.InChannels, Width] : [1, Shape.InChannels, Height, Width];

    public long[] OutputShape => Is1d
        ? [1, Shape.OutChannels, Shape.OutputWidth(Width)]
        : [1, Shape.OutChannels, Shape.OutputHeight(Height), Shape.OutputWidth(Width)];

    /// <summary>The multiply-adds of the definition (every input value times every kernel tap it scatters through,
    /// cropped outputs included), 2 FLOPs each: 2 * N * Cin * (Cout/groups) * kh * kw * H * W.</summary>
    public double Flops => 2.0 * Shape.WeightLength * Height * Width;

    /// <summary>ONNX Runtime on the same layer: the one-node ConvTranspose model of <see cref="OnnxConvModelWriter.WriteTransposed"/>.</summary>
    public OrtConv CreateOrt(float[] weight, float[] bias, float[] input, float[] output, int threads) =>
        new(OnnxConvModelWriter.WriteTransposed(Shape, Is1d, InputShape, weight, bias), input, InputShape, output, OutputShape, threads);

    // k x k, stride s, padding p on every side, no output padding or dilation.
    private static TransposedShape Square(int cin, int cout, int k, int s, int p, int groups) =>
        new(cin, cout, k, k, s, s, p, p, p, p, 0, 0, 1, 1, groups);
}
