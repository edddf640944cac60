using System;
using System.Linq;
using ConvGen.Operators;
using ConvGen.Tests.Layers;
using Xunit;

namespace ConvGen.Tests.Runtime.OperatorCores;

/// <summary>
/// <see cref="Pool"/> and <see cref="GlobalPool"/> against a float64 reference written here as ONNX defines the windows:
/// drawn windows with asymmetric pads, strides, dilations and ceil-mode sizes, widths up to 70 (every vector width's
/// interior and tail, the split of stride 2 and 3), the 2x2 fast path, NaN in windows, and a guard after the output that
/// must stay untouched. tests/run repeats this namespace without AVX-512, AVX2 and hardware intrinsics.
/// </summary>
public class PoolTests
{
    /// <summary>Max (NaN if any tap is, -Inf with no tap in the plane) or average (over taps in the plane or the padded
    /// plane, or a fixed divisor; 0 with no tap in the plane) of every window, in float64.</summary>
    private static double[] Reference(float[] x, int planes, int h, int w, int oh, int ow, PoolWindow p, bool max, bool includePad, int divisor)
    {
        var y = new double[planes * oh * ow];
        for (int plane = 0; plane < planes; plane++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double value = max ? double.NegativeInfinity : 0;
                    int inside = 0, padded = 0;
                    for (int ky = 0; ky < p.KernelHeight; ky++)
                    {
                        for (int kx = 0; kx < p.KernelWidth; kx++)
                        {
                            int r = (oy * p.StrideHeight) - p.PadTop + (ky * p.DilationHeight);
                            int c = (ox * p.StrideWidth) - p.PadLeft + (kx * p.DilationWidth);
                            padded += r < h + p.PadBottom && c < w + p.PadRight ? 1 : 0;
                            if (r >= 0 && r < h && c >= 0 && c < w)
                            {
                                double tap = x[(plane * h * w) + (r * w) + c];
                                value = max ? (double.IsNaN(tap) || double.IsNaN(value) ? double.NaN : Math.Max(value, tap)) : value + tap;
                                inside++;
                            }
                        }
                    }

                    y[(plane * oh * ow) + (oy * ow) + ox] = max ? value : inside == 0 ? 0 : value / (divisor > 0 ? divisor : includePad ? padded : inside);
                }
            }
        }

        return y;
    }

    private static void Check(Random random, int planes, int h, int w, int oh, int ow, PoolWindow p, bool max, bool includePad, int divisor, bool nan)
    {
        float[] x = LayerAssert.Uniform(random, planes * h * w, 3);
        if (nan)
        {
            x[random.Next(x.Length)] = float.NaN;
            x[random.Next(x.Length)] = float.PositiveInfinity;
        }

        var y = Guarded.Output(planes * oh * ow);
        if (max)
        {
            Pool.Max(x, y, planes, h, w, oh, ow, p);
        }
        else
        {
            Pool.Average(x, y, planes, h, w, oh, ow, p, includePad, divisor);
        }

        string context = $"{(max ? "max" : "average")} pool {p} on {planes}x{h}x{w} -> {oh}x{ow} (include pad {includePad}, divisor {divisor})";
        LayerAssert.Close(y.AsSpan(0, planes * oh * ow), Reference(x, planes, h, w, oh, ow, p, max, includePad, divisor), max ? 0 : 1e-6, max ? 0 : 1e-6, context);
        Guarded.Untouched(y, planes * oh * ow, context);
    }

    /// <summary>ONNX's output size: floor or ceil of (in + pads - dilated kernel) / stride, plus 1.</summary>
    private static int OutputSize(int size, int kernel, int stride, int before, int after, int dilation, bool ceil)
    {
        int span = size + before + after - (((kernel - 1) * dilation) + 1);
        return span < 0 ? 0 : ((ceil ? span + stride - 1 : span) / stride) + 1;
    }

    [Fact]
    public void Drawn_windows_match_the_float64_reference()
    {
        var random = new Random(21);
        int run = 0;
        for (int t = 0; t < 600; t++)
        {
            int kh = random.Next(1, 6), kw = random.Next(1, 6), sh = random.Next(1, 5), sw = random.Next(1, 5);
            int dh = random.Next(3) == 0 ? random.Next(2, 4) : 1, dw = random.Next(3) == 0 ? random.Next(2, 4) : 1;
            var p = new PoolWindow(kh, kw, sh, sw, random.Next(kh), random.Next(kw), random.Next(kh), random.Next(kw), dh, dw);
            int h = random.Next(1, 20), w = random.Next(1, 71), planes = random.Next(1, 4);
            bool ceil = random.Next(2) == 0;
            int oh = OutputSize(h, kh, sh, p.PadTop, p.PadBottom, dh, ceil), ow = OutputSize(w, kw, sw, p.PadLeft, p.PadRight, dw, ceil);
            if (oh < 1 || ow < 1)
            {
                continue;
            }

            bool max = t % 2 == 0;
            int divisor = !max && random.Next(6) == 0 ? random.Next(1, 10) : 0;
            Check(random, planes, h, w, oh, ow, p, max, includePad: random.Next(2) == 0, divisor, nan: t % 5 == 0);
            run++;
        }

        Assert.True(run > 400, $"only {run} windows fit their planes");
    }

    /// <summary>3x3 windows with pad 1 at strides 1, 2 and 3 at every width from 1 to 70: every vector width's interior,
    /// its overlapping last vector and the scalar remainder, and the stride-2 de-interleave's vector and scalar parts.</summary>
    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void Every_width_matches_the_reference(int stride, bool max)
    {
        var random = new Random(22 + stride);
        var p = new PoolWindow(3, 3, stride, stride, 1, 1, 1, 1);
        for (int w = 1; w <= 70; w++)
        {
            int h = 1 + (w % 5);
            Check(random, 2, h, w, OutputSize(h, 3, stride, 1, 1, 1, false), OutputSize(w, 3, stride, 1, 1, 1, false), p, max, includePad: w % 2 == 0, 0, nan: w % 7 == 0);
        }
    }

    /// <summary>1-D windows (height 1, as Conv1d networks pool) of every width from 1 to 6 at strides 1 to 4, on rows of
    /// every length to 70: the one-row loops per kernel width, the de-interleave and the split.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_row_windows_match_the_reference(bool max)
    {
        var random = new Random(max ? 25 : 26);
        for (int kernel = 1; kernel <= 6; kernel++)
        {
            for (int stride = 1; stride <= 4; stride++)
            {
                var p = new PoolWindow(1, kernel, 1, stride, 0, kernel / 2, 0, (kernel - 1) / 2);
                for (int w = 1; w <= 70; w += 1 + (w / 20))
                {
                    int ow = OutputSize(w, kernel, stride, p.PadLeft, p.PadRight, 1, false);
                    Check(random, 2, 1, w, 1, ow, p, max, includePad: w % 2 == 0, 0, nan: w % 9 == 0);
                    Check(random, 2, 1, w, 1, OutputSize(w, kernel, stride, 0, 0, 1, false) is > 0 and var unpadded ? unpadded : 1, p with { PadLeft = 0, PadRight = 0 }, max, false, 0, nan: false);
                }
            }
        }
    }

    /// <summary>2x2 max pools at stride 2: even planes take KernelSupport.MaxPool2x2, odd and ceil-mode ones the general path.</summary>
    [Fact]
    public void Two_by_two_max_pools_match_the_reference_on_even_and_odd_planes()
    {
        var random = new Random(23);
        var p = new PoolWindow(2, 2, 2, 2, 0, 0, 0, 0);
        for (int w = 1; w <= 70; w++)
        {
            int h = 1 + (w % 6);
            Check(random, 3, h, w, Math.Max(1, h / 2), Math.Max(1, w / 2), p with { PadBottom = h == 1 ? 1 : 0, PadRight = w == 1 ? 1 : 0 }, true, false, 0, nan: w % 3 == 0);
            Check(random, 1, h, w, (h + 1) / 2, (w + 1) / 2, p, true, false, 0, nan: false); // ceil mode: the last window clipped
        }
    }

    [Fact]
    public void Windows_without_a_tap_in_the_plane_give_minus_infinity_or_zero()
    {
        // Pad 2 before a 1-wide plane with a 2-wide window at stride 1: output column 0 covers only padding.
        var p = new PoolWindow(1, 2, 1, 1, 0, 2, 0, 0);
        var y = new float[2];
        Pool.Max([5f], y, 1, 1, 1, 1, 2, p);
        Assert.Equal([float.NegativeInfinity, 5f], y);
        Pool.Average([5f], y, 1, 1, 1, 1, 2, p, countIncludePad: true);
        Assert.Equal([0f, 2.5f], y);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_sizes_named_and_nothing_written()
    {
        var p = new PoolWindow(2, 2, 2, 2, 0, 0, 0, 0);
        float[] y = [7f, 7f, 7f, 7f];
        var error = Assert.Throws<ArgumentException>(() => Pool.Max(new float[15], y, 1, 4, 4, 2, 2, p));
        Assert.Contains("x has 15 values, but 1 planes of 4x4 need 16", error.Message);
        error = Assert.Throws<ArgumentException>(() => Pool.Average(new float[32], y, 2, 4, 4, 2, 2, p, false));
        Assert.Contains("y has 4 values, but 2 planes of 2x2 need 8", error.Message);
        Assert.Throws<ArgumentException>(() => Pool.Max(new float[16], y, 1, 4, 4, 2, 2, p with { StrideWidth = 0 }));
        Assert.Throws<ArgumentException>(() => Pool.Max(new float[16], y, 1, 4, 4, 2, 2, p with { PadLeft = -1 }));
        Assert.Throws<ArgumentException>(() => Pool.Average(new float[16], y, 1, 4, 4, 2, 2, p, false, divisorOverride: -1));
        Assert.Equal([7f, 7f, 7f, 7f], y);
    }

    [Fact]
    public void Global_pools_match_the_reference_at_every_plane_size()
    {
        var random = new Random(24);
        for (int size = 1; size <= 70; size++)
        {
            int planes = 1 + (size % 4);
            float[] x = LayerAssert.Uniform(random, planes * size, 3);
            if (size % 3 == 0)
            {
                x[random.Next(x.Length)] = float.NaN;
            }

            var max = Guarded.Output(planes);
            var average = Guarded.Output(planes);
            GlobalPool.Max(x, max, planes, size);
            GlobalPool.Average(x, average, planes, size);
            var segments = Enumerable.Range(0, planes).Select(p => x.Skip(p * size).Take(size).Select(v => (double)v).ToArray()).ToArray();
            LayerAssert.Close(max.AsSpan(0, planes), [.. segments.Select(s => s.Any(double.IsNaN) ? double.NaN : s.Max())], 0, 0, $"global max of {planes}x{size}");
            LayerAssert.Close(average.AsSpan(0, planes), [.. segments.Select(s => s.Sum() / size)], 1e-6, 1e-6, $"global average of {planes}x{size}");
            Guarded.Untouched(max, planes, $"global max of {planes}x{size}");
            Guarded.Untouched(average, planes, $"global average of {planes}x{size}");
        }

        var error = Assert.Throws<ArgumentException>(() => GlobalPool.Max(new float[11], new float[3], 3, 4));
        Assert.Contains("3 planes of 4 values need 12 input and 3 output values, not 11 and 3", error.Message);
    }
}
