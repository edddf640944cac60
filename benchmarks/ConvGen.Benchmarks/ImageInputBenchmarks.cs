using System;
using BenchmarkDotNet.Attributes;

namespace ConvGen.Benchmarks;

/// <summary><see cref="ImageInput.ToNchw(ReadOnlySpan{byte}, PixelLayout, int, int, Span{float}, ImageNormalization, ChannelOrder)"/>
/// on one 224x224 image with ImageNet's normalisation, per pixel layout, against the scalar loop a user would write
/// (the baseline: the same three float32 operations per value, so the same bits).</summary>
[MemoryDiagnoser]
public class ImageInputBenchmarks
{
    private const int Size = 224;
    private byte[] _pixels = [];
    private float[] _output = [];
    private ImageNormalization _normalization = null!;
    private int _bytesPerPixel, _channels;

    [Params(PixelLayout.Rgb24, PixelLayout.Bgra32, PixelLayout.Gray8)]
    public PixelLayout Layout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_bytesPerPixel, _channels) = Layout switch
        {
            PixelLayout.Gray8 => (1, 1),
            PixelLayout.Rgb24 => (3, 3),
            _ => (4, 3),
        };
        _pixels = new byte[Size * Size * _bytesPerPixel];
        new Random(1).NextBytes(_pixels);
        _output = new float[_channels * Size * Size];
        _normalization = _channels == 1 ? new ImageNormalization([0.449f], [0.226f]) : ImageNormalization.ImageNet;
    }

    [Benchmark(Baseline = true)]
    public void ScalarLoop()
    {
        const int plane = Size * Size;
        for (int c = 0; c < _channels; c++)
        {
            // BGRA holds red at byte 2: the loop swaps into the model's RGB order as ToNchw does.
            int offset = Layout == PixelLayout.Bgra32 ? 2 - c : c;
            float mean = _normalization.Mean[c], std = _normalization.Std[c];
            for (int p = 0; p < plane; p++)
            {
                _output[(c * plane) + p] = ((_pixels[(p * _bytesPerPixel) + offset] / 255f) - mean) / std;
            }
        }
    }

    [Benchmark]
    public void ToNchw() => ImageInput.ToNchw(_pixels, Layout, Size, Size, _output, _normalization);
}
