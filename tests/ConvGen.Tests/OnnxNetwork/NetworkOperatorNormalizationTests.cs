using System;
using System.Linq;
using ConvGen.Operators;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// LayerNormalization (opset 17) and Gelu (opset 20), the forms newer exporters write instead of the decomposed graphs
/// torch 1.13 gives at opset 13: against ONNX Runtime at batch 1 and 3, the runtime cores against float64 loops, and
/// one diagnostic per form that stays unsupported.
/// </summary>
public class NetworkOperatorNormalizationTests
{
    /// <summary>Over the last axis (a transformer's or ConvNeXt's channels-last norm) with a bias, and over the
    /// channels and the plane of an input offset by 100 (the variance is taken about the mean, so the offset costs no
    /// precision) without one, and over the plane only, whose scale has a leading 1.</summary>
    [Theory]
    [InlineData(-1L, new long[] { 10 }, true, 0f)]
    [InlineData(1L, new long[] { 4, 6, 10 }, false, 100f)]
    [InlineData(2L, new long[] { 1, 6, 10 }, true, 0f)]
    public void Layer_normalization_matches_ONNX_Runtime(long axis, long[] scaleShape, bool bias, float offset)
    {
        var random = new Random(4);
        int count = (int)scaleShape.Aggregate(1L, (p, d) => p * d);
        var model = new OnnxGraphWriter(17)
            .Input("x", [null, 4, 6, 10])
            .Initializer("offset", [], [offset])
            .Initializer("scale", scaleShape, NetworkConformanceTests.Values(random, count, 2f))
            .Initializer("bias", scaleShape, NetworkConformanceTests.Values(random, count, 1f))
            .Node("Add", ["x", "offset"], ["shifted"], "shift")
            .Node("LayerNormalization", bias ? ["shifted", "scale", "bias"] : ["shifted", "scale"], ["y"], "norm", ("axis", axis), ("epsilon", 1e-3f));
        NetworkOperatorTests.AssertMatches(model.Output("y").ToArray(), [4, 6, 10]);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("tanh")]
    public void Gelu_matches_ONNX_Runtime(string approximate)
    {
        var model = new OnnxGraphWriter(20)
            .Input("x", [null, 3, 37])
            .Initializer("k", [], [3f])
            .Node("Mul", ["x", "k"], ["wide"], "widen") // inputs in [-6, 6]: both tails
            .Node("Gelu", ["wide"], ["y"], "gelu", ("approximate", approximate));
        NetworkOperatorTests.AssertMatches(model.Output("y").ToArray(), [3, 37]);
    }

    /// <summary>The cores on their own against float64, every length from 1 to 70 (vector bodies and tails).</summary>
    [Fact]
    public void Gelu_core_matches_float64_on_every_tail_length()
    {
        var random = new Random(6);
        for (int length = 1; length <= 70; length++)
        {
            float[] x = [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 16) - 8))];
            var exact = new float[length];
            var approximate = new float[length];
            Gelu.Run(x, exact, tanh: false);
            Gelu.Run(x, approximate, tanh: true);
            for (int i = 0; i < length; i++)
            {
                double v = x[i];
                double erfForm = v * 0.5 * (1 + Erf64(v / Math.Sqrt(2)));
                double tanhForm = v * 0.5 * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + (0.044715 * v * v * v))));
                Assert.True(Math.Abs(exact[i] - erfForm) <= 2e-6 * Math.Max(1, Math.Abs(erfForm)), $"length {length}, gelu({v}) = {exact[i]}, float64 {erfForm}");
                Assert.True(Math.Abs(approximate[i] - tanhForm) <= 2e-6 * Math.Max(1, Math.Abs(tanhForm)), $"length {length}, tanh gelu({v}) = {approximate[i]}, float64 {tanhForm}");
            }
        }
    }

    [Fact]
    public void Layer_norm_core_matches_float64_and_checks_its_lengths()
    {
        var random = new Random(7);
        foreach (int length in new[] { 1, 3, 16, 37, 100 })
        {
            const int rows = 3;
            float[] x = [.. Enumerable.Range(0, rows * length).Select(_ => (float)(1000 + (random.NextDouble() * 4) - 2))];
            float[] scale = [.. Enumerable.Range(0, length).Select(_ => (float)random.NextDouble() + 0.5f)];
            float[] bias = [.. Enumerable.Range(0, length).Select(_ => (float)random.NextDouble())];
            var y = new float[x.Length];
            LayerNorm.Run(x, y, rows, length, scale, bias, 1e-5f);
            for (int r = 0; r < rows; r++)
            {
                var row = x.Skip(r * length).Take(length).Select(v => (double)v).ToArray();
                double mean = row.Average(), variance = row.Select(v => (v - mean) * (v - mean)).Average();
                for (int i = 0; i < length; i++)
                {
                    double expected = ((row[i] - mean) / Math.Sqrt(variance + 1e-5) * scale[i]) + bias[i];
                    Assert.True(Math.Abs(y[(r * length) + i] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"length {length}, row {r}, value {i}: {y[(r * length) + i]}, float64 {expected}");
                }
            }
        }

        var error = Assert.Throws<ArgumentException>(() => LayerNorm.Run(new float[12], new float[12], 3, 4, new float[3], default, 1e-5f));
        Assert.Contains("scale has 3", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => LayerNorm.Run(new float[12], new float[11], 3, 4, new float[4], default, 1e-5f));
        Assert.Contains("y 11 values; 3 runs of 4 need 12", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Unsupported => new()
    {
        { "norm_batch", "has axis 0, which is the batch dimension" },
        { "norm_mean_used", "uses its Mean or InvStdDev output" },
        { "norm_scale_shape", "has a scale of shape [6]; [OnnxModel] needs the normalised shape [6, 10]" },
        { "gelu_fast", "has approximate 'fast'" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void Unsupported_forms_are_one_diagnostic_naming_the_node(string node, string message)
    {
        var model = new OnnxGraphWriter(20)
            .Input("x", [null, 4, 6, 10])
            .Initializer("s60", [6, 10], new float[60]).Initializer("s6", [6], new float[6]).Initializer("s240", [4, 6, 10], new float[240]);
        var built = node switch
        {
            "norm_batch" => model.Node("LayerNormalization", ["x", "s240"], ["y"], node, ("axis", 0L)),
            "norm_mean_used" => model.Node("LayerNormalization", ["x", "s60"], ["n", "mean"], node, ("axis", 2L)).Node("Add", ["n", "mean"], ["y"], "add"),
            "norm_scale_shape" => model.Node("LayerNormalization", ["x", "s6"], ["y"], node, ("axis", 2L)),
            _ => model.Node("Gelu", ["x"], ["y"], node, ("approximate", "fast")),
        };
        var result = OnnxModelHarness.Run("using ConvGen;\nnamespace Nets;\n[OnnxModel(\"model.onnx\")] public partial class Net;\n",
            OnnxModelHarness.WriteModel("model.onnx", built.Output("y").ToArray()));

        var diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal("CG0024", diagnostic.Id);
        Assert.Contains($"'{node}'", diagnostic.GetMessage());
        Assert.Contains(message, diagnostic.GetMessage());
    }

    /// <summary>erf in float64, independent of the core's formulas: its Maclaurin series below 2.5, erfc's continued
    /// fraction from there (each converges to double precision in its range).</summary>
    private static double Erf64(double x)
    {
        double a = Math.Abs(x);
        double result;
        if (a < 2.5)
        {
            // Maclaurin series: 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)).
            double sum = 0, term = a;
            for (int n = 0; n < 80; n++)
            {
                sum += term / ((2 * n) + 1);
                term *= -a * a / (n + 1);
            }

            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // erfc by its continued fraction, evaluated from the tail.
            double fraction = 0;
            for (int k = 60; k >= 1; k--)
            {
                fraction = k / 2.0 / (a + fraction);
            }

            result = 1 - (Math.Exp(-a * a) / Math.Sqrt(Math.PI) / (a + fraction));
        }

        return x < 0 ? -result : result;
    }
}
