using System;
using System.Numerics.Tensors;
using Xunit;

namespace ConvGen.Tests.Layers;

/// <summary>MaxPool2d, AvgPool2d and AdaptiveAvgPool2d against the float64 references of LayerReference on drawn
/// configurations (odd sizes, padding, ceil mode, stride larger than the kernel, dilation) and on hand-picked edges.</summary>
public class PoolingTests
{
    // 400 drawn max-pool configurations; those whose output would be empty must be rejected with ArgumentException.
    [Fact]
    public void MaxPool2d_matches_reference_on_drawn_configurations()
    {
        var random = new Random(11);
        int run = 0, rejected = 0;
        for (int t = 0; t < 400; t++)
        {
            int kh = random.Next(1, 5), kw = random.Next(1, 5), sh = random.Next(1, 6), sw = random.Next(1, 6);
            int ph = random.Next(0, (kh / 2) + 1), pw = random.Next(0, (kw / 2) + 1), dh = random.Next(1, 4), dw = random.Next(1, 4);
            int n = random.Next(1, 3), c = random.Next(1, 4), h = random.Next(1, 14), w = random.Next(1, 14);
            bool ceil = random.Next(2) == 0;
            var layer = new MaxPool2d(kh, kw, sh, sw, ph, pw, dh, dw, ceil);
            string context = $"MaxPool2d(k {kh}x{kw}, s {sh}x{sw}, p {ph}x{pw}, d {dh}x{dw}, ceil {ceil}) on {n}x{c}x{h}x{w}";
            float[] x = LayerAssert.Uniform(random, n * c * h * w);
            if (t % 10 == 0)
            {
                x[random.Next(x.Length)] = float.NaN; // NaN wins its windows
            }

            double[] expected = LayerReference.MaxPool(x, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ceil, out int oh, out int ow);
            nint[] shape = [n, c, h, w];
            if (oh == 0 || ow == 0)
            {
                Assert.Throws<ArgumentException>(() => layer.GetOutputShape(shape));
                rejected++;
                continue;
            }

            Assert.Equal([n, c, oh, ow], layer.GetOutputShape(shape));
            var y = new float[n * c * oh * ow];
            layer.Forward(x, shape, y);
            LayerAssert.Close(y, expected, 0, 0, context);
            run++;
        }

        Assert.True(run > 250 && rejected > 5, $"{run} run, {rejected} rejected: the draw should exercise both");
    }

    // The 2x2 stride-2 pool on even planes runs on vectors (32 and 16 columns at a time, the rest one output at a time):
    // every even width up to 70, NaN included, against the reference.
    [Fact]
    public void MaxPool2d_2x2_on_even_planes_matches_reference_at_every_width()
    {
        var random = new Random(12);
        var layer = new MaxPool2d(2);
        for (int w = 2; w <= 70; w += 2)
        {
            int n = 1 + (w % 3), c = 1 + (w % 2), h = 2 * (1 + (w % 4));
            float[] x = LayerAssert.Uniform(random, n * c * h * w);
            x[random.Next(x.Length)] = float.NaN;
            double[] expected = LayerReference.MaxPool(x, n, c, h, w, 2, 2, 2, 2, 0, 0, 1, 1, false, out int oh, out int ow);
            var y = new float[n * c * oh * ow];
            layer.Forward(x, [n, c, h, w], y);
            LayerAssert.Close(y, expected, 0, 0, $"MaxPool2d(2) on {n}x{c}x{h}x{w}");
        }
    }

    [Fact]
    public void AvgPool2d_matches_reference_on_drawn_configurations()
    {
        var random = new Random(12);
        int run = 0, rejected = 0;
        for (int t = 0; t < 400; t++)
        {
            int kh = random.Next(1, 5), kw = random.Next(1, 5), sh = random.Next(1, 6), sw = random.Next(1, 6);
            int ph = random.Next(0, (kh / 2) + 1), pw = random.Next(0, (kw / 2) + 1);
            int n = random.Next(1, 3), c = random.Next(1, 4), h = random.Next(1, 14), w = random.Next(1, 14);
            bool ceil = random.Next(2) == 0, includePad = random.Next(2) == 0;
            int? divisor = random.Next(5) == 0 ? random.Next(1, 10) : null;
            var layer = new AvgPool2d(kh, kw, sh, sw, ph, pw, ceil, includePad, divisor);
            string context = $"AvgPool2d(k {kh}x{kw}, s {sh}x{sw}, p {ph}x{pw}, ceil {ceil}, include pad {includePad}, divisor {divisor}) on {n}x{c}x{h}x{w}";
            float[] x = LayerAssert.Uniform(random, n * c * h * w);
            double[] expected = LayerReference.AvgPool(x, n, c, h, w, kh, kw, sh, sw, ph, pw, ceil, includePad, divisor, out int oh, out int ow);
            nint[] shape = [n, c, h, w];
            if (oh == 0 || ow == 0)
            {
                Assert.Throws<ArgumentException>(() => layer.GetOutputShape(shape));
                rejected++;
                continue;
            }

            var y = new float[n * c * oh * ow];
            layer.Forward(x, shape, y);
            LayerAssert.Close(y, expected, 1e-6, 1e-6, context);
            run++;
        }

        Assert.True(run > 250 && rejected > 5, $"{run} run, {rejected} rejected");
    }

    // Hand-computed ceil-mode edge: width 4, kernel 3, stride 2, padding 1 gives 3 windows in ceil mode (2 in floor
    // mode), starting at -1, 1 and 3. The last covers column 3, the right padding column 4 and column 5 beyond the
    // padded input: count_include_pad divides by 2 (columns 3 and 4), otherwise by 1.
    [Theory]
    [InlineData(true, new float[] { 1, 3, 2 })]
    [InlineData(false, new float[] { 1.5f, 3, 4 })]
    public void AvgPool2d_ceil_mode_last_window_divisor(bool countIncludePad, float[] expected)
    {
        var layer = new AvgPool2d(1, 3, 1, 2, 0, 1, ceilMode: true, countIncludePad: countIncludePad);
        Assert.Equal([1, 1, 1, 3], layer.GetOutputShape([1, 1, 1, 4]));
        Assert.Equal([1, 1, 1, 2], new AvgPool2d(1, 3, 1, 2, 0, 1, ceilMode: false).GetOutputShape([1, 1, 1, 4]));
        var y = new float[3];
        layer.Forward([1, 2, 3, 4], [1, 1, 1, 4], y);
        Assert.Equal(expected, y);
    }

    // stride > kernel skips input; padding 0 and floor mode drops the partial last window.
    [Fact]
    public void MaxPool2d_stride_larger_than_kernel_skips_columns()
    {
        var layer = new MaxPool2d(1, 2, 1, 3, 0, 0);
        float[] x = [1, 9, 2, 3, 8, 4, 5, 7];
        var y = new float[3];
        layer.Forward(x, [1, 1, 1, 8], y);
        Assert.Equal([9f, 8f, 7f], y); // windows at columns 0, 3 and 6; 1, 4 and 7 are never read as window starts
    }

    [Fact]
    public void MaxPool2d_propagates_NaN_and_pads_with_minus_infinity()
    {
        var layer = new MaxPool2d(3, stride: 1, padding: 1);
        float[] x = [-5, -6, float.NaN, -7];
        var y = new float[4];
        layer.Forward(x, [1, 1, 4], y);
        Assert.Equal(-5f, y[0]);   // window {pad, -5, -6}: padding (-inf) never wins
        Assert.True(float.IsNaN(y[1]) && float.IsNaN(y[2]) && float.IsNaN(y[3]));
    }

    [Theory]
    [InlineData(3, 2)]   // padding more than half the kernel: PyTorch rejects it
    [InlineData(0, 0)]
    [InlineData(2, -1)]
    public void Pools_reject_bad_windows(int kernel, int padding)
    {
        Assert.ThrowsAny<ArgumentException>(() => new MaxPool2d(kernel, padding: padding));
        Assert.ThrowsAny<ArgumentException>(() => new AvgPool2d(kernel, padding: padding));
    }

    [Fact]
    public void Pools_reject_bad_shapes_and_spans()
    {
        var layer = new MaxPool2d(2);
        Assert.Contains("[1, 3]", Assert.Throws<ArgumentException>(() => layer.GetOutputShape([1, 3])).Message);
        Assert.Throws<ArgumentException>(() => layer.GetOutputShape([1, 3, 0, 4]));
        Assert.Throws<ArgumentException>(() => layer.GetOutputShape([1, 1, 1, 1]));
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new float[15], [1, 1, 4, 4], new float[4])).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => layer.Forward(new float[16], [1, 1, 4, 4], new float[5])).ParamName);
        var shared = new float[20];
        layer.Forward(shared.AsSpan(0, 16), [1, 1, 4, 4], shared.AsSpan(16, 4)); // adjacent, not overlapping
        Assert.Throws<ArgumentException>(() => layer.Forward(shared.AsSpan(0, 16), [1, 1, 4, 4], shared.AsSpan(12, 4)));
    }

    [Fact]
    public void AdaptiveAvgPool2d_matches_reference_including_outputs_larger_than_inputs()
    {
        var random = new Random(13);
        for (int t = 0; t < 200; t++)
        {
            int n = random.Next(1, 3), c = random.Next(1, 4), h = random.Next(1, 14), w = random.Next(1, 14);
            int oh = random.Next(1, h + 4), ow = random.Next(1, w + 4);
            float[] x = LayerAssert.Uniform(random, n * c * h * w);
            var layer = new AdaptiveAvgPool2d(oh, ow);
            var y = new float[n * c * oh * ow];
            layer.Forward(x, [n, c, h, w], y);
            LayerAssert.Close(y, LayerReference.AdaptiveAvgPool(x, n, c, h, w, oh, ow), 1e-6, 1e-6, $"AdaptiveAvgPool2d({oh}, {ow}) on {n}x{c}x{h}x{w}");
        }
    }

    [Fact]
    public void Global_average_pooling_and_None_sizes()
    {
        var random = new Random(14);
        float[] x = LayerAssert.Uniform(random, 2 * 3 * 7 * 5);
        var global = new AdaptiveAvgPool2d(1);
        Tensor<float> y = global.Forward(Tensor.Create(x, [2, 3, 7, 5]));
        Assert.Equal([2, 3, 1, 1], y.Lengths.ToArray());
        LayerAssert.Close(LayerAssert.Values(y), LayerReference.AdaptiveAvgPool(x, 2, 3, 7, 5, 1, 1), 1e-6, 1e-6, "global");

        var keepWidth = new AdaptiveAvgPool2d(2, null);
        Assert.Equal([3, 2, 5], keepWidth.GetOutputShape([3, 7, 5]));
    }
}
