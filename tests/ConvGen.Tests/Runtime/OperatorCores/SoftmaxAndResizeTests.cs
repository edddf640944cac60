using System;
using System.Linq;
using ConvGen.Operators;
using ConvGen.Tests.Layers;
using Xunit;

namespace ConvGen.Tests.Runtime.OperatorCores;

/// <summary><see cref="AxisSoftmax"/> and <see cref="ResizeNearest"/> against float64 loops written here: contiguous
/// and strided runs (inner widths below, at and past the 256-column chunk), both forms, NaN and large inputs; resize
/// tables that repeat rows, keep columns in place, reverse and skip them.</summary>
public class SoftmaxAndResizeTests
{
    private static double[] Reference(float[] x, int outer, int length, int inner, bool log)
    {
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int At(int k) => (((o * length) + k) * inner) + i;
                double max = double.NegativeInfinity;
                bool nan = false;
                for (int k = 0; k < length; k++)
                {
                    nan |= float.IsNaN(x[At(k)]);
                    max = Math.Max(max, x[At(k)]);
                }

                double sum = 0;
                for (int k = 0; k < length; k++)
                {
                    sum += Math.Exp(x[At(k)] - max);
                }

                for (int k = 0; k < length; k++)
                {
                    y[At(k)] = nan ? double.NaN : log ? x[At(k)] - max - Math.Log(sum) : Math.Exp(x[At(k)] - max) / sum;
                }
            }
        }

        return y;
    }

    [Theory]
    [InlineData(1, 10, 1)]
    [InlineData(3, 1, 1)]
    [InlineData(2, 37, 1)]
    [InlineData(2, 1000, 1)]
    [InlineData(2, 5, 3)]
    [InlineData(1, 4, 17)]
    [InlineData(2, 3, 300)]
    [InlineData(3, 7, 256)]
    public void Softmax_and_log_softmax_match_the_float64_reference(int outer, int length, int inner)
    {
        var random = new Random(41 + length + inner);
        foreach (bool log in new[] { false, true })
        {
            float[] x = LayerAssert.Uniform(random, outer * length * inner, 20);
            x[0] = 1000f; // subtracting the maximum first keeps exp finite
            if (x.Length > 2)
            {
                x[x.Length - 2] = float.NaN; // its run is all NaN, the others untouched
            }

            var y = Guarded.Output(x.Length);
            AxisSoftmax.Run(x, y, outer, length, inner, log);
            LayerAssert.Close(y.AsSpan(0, x.Length), Reference(x, outer, length, inner, log), 1e-6, 1e-6, $"{(log ? "log-" : "")}softmax of [{outer}, {length}, {inner}]");
            Guarded.Untouched(y, x.Length, $"softmax of [{outer}, {length}, {inner}]");
        }

        var error = Assert.Throws<ArgumentException>(() => AxisSoftmax.Run(new float[5], new float[6], 2, 3, 1, false));
        Assert.Contains("[2, 3, 1] needs 6 input and output values, not 5 and 6", error.Message);
    }

    [Fact]
    public void Nearest_resize_matches_the_reference_for_every_kind_of_table()
    {
        var random = new Random(42);
        (int H, int W, int[] Rows, int[] Columns)[] cases =
        [
            (3, 4, [0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2, 3, 3]), // up by 2: every other row a copy
            (4, 5, [0, 2], [0, 1, 2, 3, 4]),                      // down by 2, columns in place (a row copy)
            (2, 3, [1, 0, 1], [2, 1, 0, 0]),                      // reversed, repeated
            (5, 1, [4, 4, 4], [0, 0, 0]),
            (1, 70, [0], [.. Enumerable.Range(0, 23).Select(i => i * 3)]),
        ];
        foreach (var (h, w, rows, columns) in cases)
        {
            const int planes = 3;
            float[] x = LayerAssert.Uniform(random, planes * h * w);
            var y = Guarded.Output(planes * rows.Length * columns.Length);
            ResizeNearest.Run(x, y, planes, h, w, rows, columns);
            var expected = new double[planes * rows.Length * columns.Length];
            for (int p = 0, i = 0; p < planes; p++)
            {
                foreach (int r in rows)
                {
                    foreach (int c in columns)
                    {
                        expected[i++] = x[(p * h * w) + (r * w) + c];
                    }
                }
            }

            LayerAssert.Close(y.AsSpan(0, expected.Length), expected, 0, 0, $"resize {h}x{w} with rows [{string.Join(", ", rows)}]");
            Guarded.Untouched(y, expected.Length, $"resize {h}x{w}");
        }

        var error = Assert.Throws<ArgumentException>(() => ResizeNearest.Run(new float[6], new float[4], 1, 2, 3, [0, 2], [0, 1]));
        Assert.Contains("outside the 2x3 input", error.Message);
        error = Assert.Throws<ArgumentException>(() => ResizeNearest.Run(new float[6], new float[3], 1, 2, 3, [0, 1], [0, 1]));
        Assert.Contains("need 6 input and 4 output values, not 6 and 3", error.Message);
    }
}
