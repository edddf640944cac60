using System;
using System.Linq;
using ConvGen.Operators;
using ConvGen.Tests.Layers;
using Xunit;

namespace ConvGen.Tests.Runtime.OperatorCores;

/// <summary><see cref="Dense"/> and <see cref="ScaleShift"/> against float64 loops written here: row counts around the
/// four-row tile, output counts around every vector width and the three-vector tile, input widths of one to a few
/// vectors and one so wide that row blocks hold one tile, with and without bias, a guard after the output; the scale-shift in place and with one-value planes.</summary>
public class DenseTests
{
    [Fact]
    public void Every_shape_matches_the_float64_reference_within_the_accumulation_bound()
    {
        var random = new Random(31);
        foreach (int rows in new[] { 0, 1, 2, 3, 4, 5, 7, 8, 9 })
        {
            foreach (int inFeatures in new[] { 1, 3, 16, 17, 70, 8200 })
            {
                foreach (int outFeatures in new[] { 1, 3, 4, 5, 8, 12, 15, 16, 17, 24, 31, 33, 47, 48, 49, 64, 96, 100 })
                {
                    bool biased = (rows + inFeatures + outFeatures) % 2 == 0;
                    float[] x = LayerAssert.Uniform(random, rows * inFeatures, 2);
                    float[] weight = LayerAssert.Uniform(random, outFeatures * inFeatures);
                    float[] bias = biased ? LayerAssert.Uniform(random, outFeatures) : [];
                    var y = Guarded.Output(rows * outFeatures);
                    Dense.Run(x, y, rows, inFeatures, outFeatures, Dense.Pack(weight, outFeatures, inFeatures), bias);
                    for (int r = 0; r < rows; r++)
                    {
                        for (int m = 0; m < outFeatures; m++)
                        {
                            double sum = biased ? bias[m] : 0, magnitude = Math.Abs(sum);
                            for (int i = 0; i < inFeatures; i++)
                            {
                                double term = (double)x[(r * inFeatures) + i] * weight[(m * inFeatures) + i];
                                sum += term;
                                magnitude += Math.Abs(term);
                            }

                            // float32 accumulation: at most (in + 2) roundings of the running sums' magnitude.
                            double bound = (inFeatures + 2) * Math.Pow(2, -24) * magnitude;
                            float actual = y[(r * outFeatures) + m];
                            Assert.True(Math.Abs(actual - sum) <= bound, $"{rows}x{inFeatures} -> {outFeatures}, bias {biased}: y[{r}, {m}] = {actual}, float64 {sum} (bound {bound:E2})");
                        }
                    }

                    Guarded.Untouched(y, rows * outFeatures, $"{rows}x{inFeatures} -> {outFeatures}");
                }
            }
        }
    }

    [Fact]
    public void A_rows_outputs_are_the_same_bits_whatever_rows_share_its_call()
    {
        // Generated networks split a batch over threads; each image must come out as it does in the whole batch.
        var random = new Random(32);
        foreach (var (inFeatures, outFeatures) in new[] { (70, 100), (17, 49), (200, 96) })
        {
            float[] x = LayerAssert.Uniform(random, 9 * inFeatures, 2);
            float[] weight = Dense.Pack(LayerAssert.Uniform(random, outFeatures * inFeatures), outFeatures, inFeatures);
            float[] bias = LayerAssert.Uniform(random, outFeatures);
            var all = new float[9 * outFeatures];
            Dense.Run(x, all, 9, inFeatures, outFeatures, weight, bias);
            for (int r = 0; r < 9; r++)
            {
                var alone = new float[outFeatures];
                Dense.Run(x.AsSpan(r * inFeatures, inFeatures), alone, 1, inFeatures, outFeatures, weight, bias);
                Assert.True(alone.AsSpan().SequenceEqual(all.AsSpan(r * outFeatures, outFeatures)), $"{inFeatures} -> {outFeatures}: row {r} alone differs from row {r} of 9");
            }
        }
    }

    [Fact]
    public void Bad_weight_bias_and_span_lengths_are_rejected_with_both_sizes()
    {
        float[] y = [7f, 7f, 7f, 7f, 7f, 7f];
        var error = Assert.Throws<ArgumentException>(() => Dense.Run(new float[6], y, 2, 3, 3, new float[8], []));
        Assert.Contains("a [3, 3] weight packed by Dense.Pack (48 values) and a bias of 3 (or none) were expected, not 8 and 0 values", error.Message);
        error = Assert.Throws<ArgumentException>(() => Dense.Run(new float[6], y, 2, 3, 3, new float[48], new float[2]));
        Assert.Contains("not 48 and 2 values", error.Message);
        error = Assert.Throws<ArgumentException>(() => Dense.Run(new float[5], y, 2, 3, 3, new float[48], []));
        Assert.Contains("need 6 input and 6 output values, not 5 and 6", error.Message);
        Assert.Throws<ArgumentException>(() => Dense.Run(new float[6], y.AsSpan(1), 2, 3, 3, new float[48], []));
        Assert.Equal([7f, 7f, 7f, 7f, 7f, 7f], y);
    }

    [Theory]
    [InlineData(1, 5, 1)]
    [InlineData(3, 4, 1)]
    [InlineData(2, 3, 7)]
    [InlineData(2, 6, 49)]
    public void Scale_shift_matches_the_reference_in_place_and_not(int batch, int channels, int planeSize)
    {
        var random = new Random(32 + planeSize);
        float[] x = LayerAssert.Uniform(random, batch * channels * planeSize, 4);
        float[] scale = LayerAssert.Uniform(random, channels, 2), shift = LayerAssert.Uniform(random, channels);
        var expected = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / planeSize % channels;
            expected[i] = ((double)x[i] * scale[c]) + shift[c];
        }

        var y = Guarded.Output(x.Length);
        ScaleShift.Run(x, y, batch, channels, planeSize, scale, shift);
        LayerAssert.Close(y.AsSpan(0, x.Length), expected, 1e-6, 2.5e-7, $"scale-shift {batch}x{channels}x{planeSize}");
        Guarded.Untouched(y, x.Length, $"scale-shift {batch}x{channels}x{planeSize}");
        ScaleShift.Run(x, x, batch, channels, planeSize, scale, shift);
        Assert.Equal(y.Take(x.Length), x);

        var error = Assert.Throws<ArgumentException>(() => ScaleShift.Run(x, x, batch, channels, planeSize, scale.AsSpan(1), shift));
        Assert.Contains($"need {channels} scales and shifts", error.Message);
    }
}
