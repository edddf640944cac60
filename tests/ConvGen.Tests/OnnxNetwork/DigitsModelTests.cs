using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>The digits CNN of samples/Digits (conv-relu-pool x3, flatten, linear) generated from its model.onnx
/// and compared with ONNX Runtime on the held-out images.</summary>
public class DigitsModelTests
{
    private static readonly Lazy<(byte[] Model, string Path)> Model = new(() =>
    {
        string path = Path.Combine(RepositoryRoot(), "samples", "Digits", "data", "model.onnx");
        return (File.ReadAllBytes(path), path);
    });

    private static readonly Lazy<ILayer> Net = new(() => OnnxModelHarness.Compile(Model.Value.Path));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void Generated_network_matches_ONNX_Runtime_on_held_out_images(int batch)
    {
        float[] input = Images(batch);
        long[] shape = [batch, 1, 16, 16];
        float[] expected = OnnxModelHarness.RunOnnxRuntime(Model.Value.Model, input, shape, out long[] expectedShape);

        float[] actual = OnnxModelHarness.Forward(Net.Value, input, shape, out nint[] actualShape);

        Assert.Equal(expectedShape.Select(d => (nint)d), actualShape);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"logit {i}: ConvGen {actual[i]}, ONNX Runtime {expected[i]}");
        }
    }

    [Fact]
    public void Batches_of_different_sizes_reuse_the_network_and_agree()
    {
        float[] eight = OnnxModelHarness.Forward(Net.Value, Images(8), [8, 1, 16, 16], out _);
        float[] two = OnnxModelHarness.Forward(Net.Value, Images(2), [2, 1, 16, 16], out _);

        Assert.Equal(eight.AsSpan(0, 20).ToArray(), two);
    }

    [Fact]
    public void Wrong_shapes_are_rejected_with_the_expected_shape()
    {
        var error = Assert.Throws<ArgumentException>(() => Net.Value.GetOutputShape([1, 1, 8, 8]));
        Assert.Contains("[batch, 1, 16, 16]", error.Message);
        Assert.Throws<ArgumentException>(() => Net.Value.Forward(new float[255], [1, 1, 16, 16], new float[10]));
        Assert.Throws<ArgumentException>(() => Net.Value.Forward(new float[256], [1, 1, 16, 16], new float[11]));
    }

    /// <summary>The first <paramref name="count"/> held-out images, preprocessed as train.py does.</summary>
    internal static float[] Images(int count)
    {
        byte[] images = File.ReadAllBytes(Path.Combine(RepositoryRoot(), "samples", "Digits", "data", "test_images.u8"));
        var x = new float[count * 256];
        for (int n = 0; n < count; n++)
        {
            for (int y = 0; y < 16; y++)
            {
                for (int xx = 0; xx < 16; xx++)
                {
                    x[(n * 256) + (y * 16) + xx] = images[(n * 64) + ((y / 2) * 8) + (xx / 2)] / 16f;
                }
            }
        }

        return x;
    }

    internal static string RepositoryRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
