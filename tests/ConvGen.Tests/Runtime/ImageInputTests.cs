using System;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary>
/// <see cref="ImageInput"/> against a scalar float64 reference written here: every layout, both model orders, batches,
/// sizes that leave every kind of vector tail, all 256 byte values; bad arguments (named in the message, nothing
/// written) and allocation. tests/run repeats these without AVX-512, AVX2 and hardware intrinsics, so the Vector256,
/// Vector128 and scalar paths must give the same bits as the Vector512 one.
/// </summary>
public class ImageInputTests
{
    /// <summary>Fills outputs before a call: a value the conversion can never write (it is NaN).</summary>
    private static readonly float Sentinel = BitConverter.Int32BitsToSingle(0x7FC0_DEAD);

    /// <summary>A normalisation unlike ImageNet's: a negative std, a mean outside [0, 1] and one that cancels.</summary>
    private static readonly ImageNormalization Unusual = new([0.5f, -0.25f, 1.5f], [0.125f, -0.3f, 2f]);

    private static readonly ImageNormalization GrayNormalization = new([0.449f], [0.226f]);

    public static TheoryData<PixelLayout, ChannelOrder, int, int, int> Cases()
    {
        var data = new TheoryData<PixelLayout, ChannelOrder, int, int, int>();
        foreach (PixelLayout layout in Enum.GetValues<PixelLayout>())
        {
            foreach (ChannelOrder order in Enum.GetValues<ChannelOrder>())
            {
                // 1x1 and 3x5: scalar only; 4x4: one block; 7x5: blocks and an overlapping tail; 33x17, 224x224: many.
                foreach ((int batch, int height, int width) in new[] { (1, 1, 1), (2, 3, 5), (1, 4, 4), (3, 7, 5), (2, 33, 17), (1, 224, 224) })
                {
                    data.Add(layout, order, batch, height, width);
                }
            }
        }

        return data;
    }

    // ---- The reference ----

    /// <summary>Which byte of a pixel holds colour <paramref name="colour"/> ('R', 'G', 'B'; grey has one).</summary>
    private static int ByteOf(PixelLayout layout, char colour) => layout switch
    {
        PixelLayout.Gray8 => 0,
        PixelLayout.Rgb24 or PixelLayout.Rgba32 => "RGB".IndexOf(colour, StringComparison.Ordinal),
        PixelLayout.Bgr24 or PixelLayout.Bgra32 => "BGR".IndexOf(colour, StringComparison.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(layout)),
    };

    private static int BytesPerPixel(PixelLayout layout) => layout switch
    {
        PixelLayout.Gray8 => 1,
        PixelLayout.Rgb24 or PixelLayout.Bgr24 => 3,
        _ => 4,
    };

    /// <summary>The colours of the output planes, in order.</summary>
    private static string Planes(PixelLayout layout, ChannelOrder order) =>
        layout == PixelLayout.Gray8 ? "Y" : order == ChannelOrder.Rgb ? "RGB" : "BGR";

    /// <summary>torchvision's float32 x.div(255).sub(mean).div(std), each operation computed in float64 and rounded
    /// once to float32. That equals the float32 operation exactly: float64 carries more than 2 x 24 + 2 bits, so
    /// rounding its correctly rounded quotient or difference again to float32 cannot differ (double rounding is
    /// innocuous for +, -, x, / at that precision).</summary>
    private static float Reference(byte x, float mean, float std)
    {
        float scaled = (float)(x / 255.0);
        float centred = (float)(scaled - (double)mean);
        return (float)(centred / (double)std);
    }

    /// <summary>NCHW by the definition: output[n, c, y, x] from pixel (n, y, x), the byte of plane c's colour.</summary>
    private static float[] ReferenceNchw(byte[] pixels, PixelLayout layout, ChannelOrder order, int batch, int height, int width,
        ImageNormalization normalization)
    {
        string planes = Planes(layout, order);
        int bytesPerPixel = BytesPerPixel(layout);
        var output = new float[batch * planes.Length * height * width];
        int i = 0;
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < planes.Length; c++)
            {
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        int pixel = (((n * height) + y) * width) + x;
                        byte value = pixels[(pixel * bytesPerPixel) + ByteOf(layout, planes[c])];
                        output[i++] = Reference(value, normalization.Mean[c], normalization.Std[c]);
                    }
                }
            }
        }

        return output;
    }

    private static byte[] RandomPixels(int length, int seed)
    {
        var pixels = new byte[length];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }

    private static float[] Filled(int length)
    {
        var output = new float[length];
        Array.Fill(output, Sentinel);
        return output;
    }

    private static void AssertBitwiseEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"output[{i}] is {actual[i]:R}, the reference {expected[i]:R}.");
            }
        }
    }

    // ---- Values ----

    // Every layout, both orders, batches and sizes with and without vector tails: bit for bit the reference, every
    // output written (the sentinel would differ).
    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_the_reference_bit_for_bit(PixelLayout layout, ChannelOrder order, int batch, int height, int width)
    {
        int channels = layout == PixelLayout.Gray8 ? 1 : 3;
        byte[] pixels = RandomPixels(batch * height * width * BytesPerPixel(layout), (height * 1000) + width);
        foreach (ImageNormalization normalization in channels == 1
            ? new[] { GrayNormalization, ImageNormalization.UnitRange(1) }
            : new[] { ImageNormalization.ImageNet, Unusual })
        {
            float[] output = Filled(batch * channels * height * width);
            if (batch == 1)
            {
                ImageInput.ToNchw(pixels, layout, height, width, output, normalization, order);
            }
            else
            {
                ImageInput.ToNchw(pixels, layout, batch, height, width, output, normalization, order);
            }

            AssertBitwiseEqual(ReferenceNchw(pixels, layout, order, batch, height, width, normalization), output);
        }
    }

    // All 256 values in every channel (a 16 x 16 image whose channels run through them in different orders).
    [Theory]
    [InlineData(PixelLayout.Rgb24)]
    [InlineData(PixelLayout.Bgra32)]
    [InlineData(PixelLayout.Gray8)]
    public void Every_byte_value_matches(PixelLayout layout)
    {
        int bytesPerPixel = BytesPerPixel(layout);
        var pixels = new byte[256 * bytesPerPixel];
        for (int p = 0; p < 256; p++)
        {
            for (int b = 0; b < bytesPerPixel; b++)
            {
                pixels[(p * bytesPerPixel) + b] = (byte)((p * ((2 * b) + 1)) + (37 * b));
            }
        }

        ImageNormalization normalization = layout == PixelLayout.Gray8 ? GrayNormalization : ImageNormalization.ImageNet;
        float[] output = Filled(pixels.Length / bytesPerPixel * normalization.Channels);
        ImageInput.ToNchw(pixels, layout, 16, 16, output, normalization);
        AssertBitwiseEqual(ReferenceNchw(pixels, layout, ChannelOrder.Rgb, 1, 16, 16, normalization), output);
    }

    // The reference's three roundings stay within 2^-22 (1 + |mean|) / |std| of the exact (x / 255 - mean) / std.
    [Fact]
    public void Reference_is_within_float32_rounding_of_the_exact_value()
    {
        foreach (ImageNormalization normalization in new[] { ImageNormalization.ImageNet, Unusual })
        {
            for (int c = 0; c < 3; c++)
            {
                double mean = normalization.Mean[c], std = normalization.Std[c];
                for (int x = 0; x < 256; x++)
                {
                    double exact = ((x / 255.0) - mean) / std;
                    Assert.True(Math.Abs(Reference((byte)x, (float)mean, (float)std) - exact) <= Math.Pow(2, -22) * (1 + Math.Abs(mean)) / Math.Abs(std));
                }
            }
        }
    }

    // Hand-computed planes: BGR pixels reach RGB planes swapped, and a BGR model gets them unswapped; alpha is dropped.
    [Fact]
    public void Colours_reach_the_planes_of_the_model_order()
    {
        var unit = ImageNormalization.UnitRange(3);
        byte[] bgra = [10, 20, 30, 99, 40, 50, 60, 77];
        float[] rgb = Filled(6), bgr = Filled(6);
        ImageInput.ToNchw(bgra, PixelLayout.Bgra32, 1, 2, rgb, unit);
        ImageInput.ToNchw(bgra, PixelLayout.Bgra32, 1, 2, bgr, unit, ChannelOrder.Bgr);
        Assert.Equal(new[] { 30 / 255f, 60 / 255f, 20 / 255f, 50 / 255f, 10 / 255f, 40 / 255f }, rgb);
        Assert.Equal(new[] { 10 / 255f, 40 / 255f, 20 / 255f, 50 / 255f, 30 / 255f, 60 / 255f }, bgr);
    }

    // Alpha never reaches the output, on the vector path too (64 pixels).
    [Fact]
    public void Alpha_is_ignored()
    {
        byte[] pixels = RandomPixels(64 * 4, 7);
        float[] first = Filled(3 * 64), second = Filled(3 * 64);
        ImageInput.ToNchw(pixels, PixelLayout.Rgba32, 8, 8, first, ImageNormalization.ImageNet);
        for (int p = 0; p < 64; p++)
        {
            pixels[(4 * p) + 3] ^= 0xFF;
        }

        ImageInput.ToNchw(pixels, PixelLayout.Rgba32, 8, 8, second, ImageNormalization.ImageNet);
        AssertBitwiseEqual(first, second);
    }

    [Fact]
    public void ImageNet_preset_is_torchvisions()
    {
        Assert.Equal(new[] { 0.485f, 0.456f, 0.406f }, ImageNormalization.ImageNet.Mean.ToArray());
        Assert.Equal(new[] { 0.229f, 0.224f, 0.225f }, ImageNormalization.ImageNet.Std.ToArray());
        Assert.Equal("mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]", ImageNormalization.ImageNet.ToString());
    }

    // ---- Bad arguments ----

    public static TheoryData<string, string[]> BadCalls() => new()
    {
        { "pixels short", ["pixels", "has 59 bytes", "need 60"] },
        { "pixels long", ["pixels", "has 61 bytes", "need 60"] },
        { "pixels of one image for two", ["pixels", "has 60 bytes", "2 Rgb24 image(s) of 4 x 5 need 120"] },
        { "output short", ["output", "has 59 values", "[1, 3, 4, 5] needs 60"] },
        { "output of gray for rgb", ["output", "has 20 values", "[1, 3, 4, 5] needs 60"] },
        { "batch 0", ["batch", "is 0"] },
        { "height 0", ["height", "is 0"] },
        { "width -3", ["width", "is -3"] },
        { "gray normalization for rgb", ["normalization", "has 1 channel(s)", "Rgb24 images give 3"] },
        { "rgb normalization for gray", ["normalization", "has 3 channel(s)", "Gray8 images give 1"] },
        { "layout 7", ["layout", "is 7"] },
        { "order 2", ["modelOrder", "is 2"] },
        { "overlap", ["output", "overlap"] },
    };

    // Each bad call throws an ArgumentException naming the argument, the actual and the expected value, and writes
    // nothing: the output still holds the sentinel.
    [Theory]
    [MemberData(nameof(BadCalls))]
    public void Bad_arguments_are_named_and_nothing_is_written(string call, string[] expectedInMessage)
    {
        byte[] rgb = RandomPixels(60, 3); // 4 x 5 RGB
        float[] output = Filled(60);
        var memory = new byte[4 * 60];
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(() =>
        {
            switch (call)
            {
                case "pixels short": ImageInput.ToNchw(rgb.AsSpan(1), PixelLayout.Rgb24, 4, 5, output, ImageNormalization.ImageNet); break;
                case "pixels long": ImageInput.ToNchw([.. rgb, 0], PixelLayout.Rgb24, 4, 5, output, ImageNormalization.ImageNet); break;
                case "pixels of one image for two": ImageInput.ToNchw(rgb, PixelLayout.Rgb24, 2, 4, 5, output, ImageNormalization.ImageNet); break;
                case "output short": ImageInput.ToNchw(rgb, PixelLayout.Rgb24, 4, 5, output.AsSpan(1), ImageNormalization.ImageNet); break;
                case "output of gray for rgb": ImageInput.ToNchw(rgb, PixelLayout.Rgb24, 4, 5, output.AsSpan(0, 20), ImageNormalization.ImageNet); break;
                case "batch 0": ImageInput.ToNchw(rgb, PixelLayout.Rgb24, 0, 4, 5, output, ImageNormalization.ImageNet); break;
                case "height 0": ImageInput.ToNchw(rgb, PixelLayout.Rgb24, 0, 5, output, ImageNormalization.ImageNet); break;
                case "width -3": ImageInput.ToNchw(rgb, PixelLayout.Rgb24, 4, -3, output, ImageNormalization.ImageNet); break;
                case "gray normalization for rgb": ImageInput.ToNchw(rgb, PixelLayout.Rgb24, 4, 5, output, GrayNormalization); break;
                case "rgb normalization for gray": ImageInput.ToNchw(rgb.AsSpan(0, 20), PixelLayout.Gray8, 4, 5, output.AsSpan(0, 20), ImageNormalization.ImageNet); break;
                case "layout 7": ImageInput.ToNchw(rgb, (PixelLayout)7, 4, 5, output, ImageNormalization.ImageNet); break;
                case "order 2": ImageInput.ToNchw(rgb, PixelLayout.Rgb24, 4, 5, output, ImageNormalization.ImageNet, (ChannelOrder)2); break;
                case "overlap":
                    // 60 RGB bytes at the start of memory, 60 floats over all of it: a conversion in place.
                    ImageInput.ToNchw(memory.AsSpan(0, 60), PixelLayout.Rgb24, 4, 5, MemoryMarshal.Cast<byte, float>(memory.AsSpan()), ImageNormalization.ImageNet);
                    break;
                default: throw new InvalidOperationException(call);
            }
        });
        Assert.Equal(expectedInMessage[0], e.ParamName);
        foreach (string part in expectedInMessage.Skip(1))
        {
            Assert.Contains(part, e.Message, StringComparison.Ordinal);
        }

        Assert.All(output, value => Assert.Equal(BitConverter.SingleToInt32Bits(Sentinel), BitConverter.SingleToInt32Bits(value)));
        Assert.All(memory, value => Assert.Equal(0, value));
    }

    [Fact]
    public void Null_normalization_is_rejected() =>
        Assert.Equal("normalization", Assert.Throws<ArgumentNullException>(() => ImageInput.ToNchw(new byte[3], PixelLayout.Rgb24, 1, 1, new float[3], null!)).ParamName);

    // The normalisation checks its own statistics: lengths, a zero or non-finite std, a non-finite mean.
    [Theory]
    [InlineData(new[] { 0.5f, 0.5f }, new[] { 0.2f, 0.2f, 0.2f }, "std", "std has 3 values, but mean has 2")]
    [InlineData(new float[0], new float[0], "mean", "mean has 0 values")]
    [InlineData(new[] { 0.5f, 0.5f, 0.5f }, new[] { 0.2f, 0f, 0.2f }, "std", "std[1] is 0")]
    [InlineData(new[] { 0.5f }, new[] { float.NaN }, "std", "std[0] is NaN")]
    [InlineData(new[] { 0.5f, float.PositiveInfinity }, new[] { 0.2f, 0.2f }, "mean", "mean[1] is Infinity")]
    public void Normalization_rejects_bad_statistics(float[] mean, float[] std, string parameter, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new ImageNormalization(mean, std));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnitRange_rejects_no_channels() =>
        Assert.Contains("is 0", Assert.Throws<ArgumentOutOfRangeException>(() => ImageNormalization.UnitRange(0)).Message, StringComparison.Ordinal);

    // ---- Allocation ----

    [Fact]
    public void Steady_state_allocates_nothing()
    {
        byte[] pixels = RandomPixels(3 * 4 * 37 * 29, 11);
        float[] output = new float[3 * 3 * 37 * 29];
        ImageNormalization normalization = ImageNormalization.ImageNet;
        foreach (PixelLayout layout in new[] { PixelLayout.Rgb24, PixelLayout.Bgra32, PixelLayout.Gray8 })
        {
            int channels = layout == PixelLayout.Gray8 ? 1 : 3;
            ImageNormalization used = channels == 1 ? GrayNormalization : normalization;
            ReadOnlySpan<byte> input = pixels.AsSpan(0, 3 * 37 * 29 * BytesPerPixel(layout));
            Span<float> planes = output.AsSpan(0, 3 * channels * 37 * 29);
            ImageInput.ToNchw(input, layout, 3, 37, 29, planes, used, ChannelOrder.Bgr); // warm-up
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                ImageInput.ToNchw(input, layout, 3, 37, 29, planes, used, ChannelOrder.Bgr);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
