using System;
using System.Linq;
using ConvGen.Operators;
using ConvGen.Tests.Layers;
using Xunit;

namespace ConvGen.Tests.Runtime.OperatorCores;

/// <summary><see cref="Elementwise"/>'s activations against their ONNX definitions in float64, at every length up to
/// 70 (whole vectors of each width and the padded tail), in place and not, on NaN and both infinities, with a guard
/// after the output.</summary>
public class ElementwiseTests
{
    public static TheoryData<string> Activations => new("LeakyRelu", "Elu", "HardSigmoid", "HardSwish", "Softplus", "Sigmoid", "SiLU");

    private static void Apply(string name, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (name)
        {
            case "LeakyRelu": Elementwise.LeakyRelu(x, y, 0.1f); break;
            case "Elu": Elementwise.Elu(x, y, 0.7f); break;
            case "HardSigmoid": Elementwise.HardSigmoid(x, y, 0.2f, 0.5f); break;
            case "HardSwish": Elementwise.HardSwish(x, y); break;
            case "Sigmoid": Elementwise.Sigmoid(x, y); break;
            case "SiLU": Elementwise.SiLU(x, y); break;
            default: Elementwise.Softplus(x, y); break;
        }
    }

    private static double Reference(string name, double x) => name switch
    {
        "LeakyRelu" => x >= 0 ? x : 0.1f * x,
        "Elu" => x >= 0 ? x : 0.7f * (Math.Exp(x) - 1),
        "HardSigmoid" => double.IsNaN(x) ? x : Math.Clamp((0.2f * x) + 0.5f, 0, 1),
        "HardSwish" => double.IsNaN(x) ? x : x * Math.Clamp((x / 6) + 0.5, 0, 1),
        "Sigmoid" => 1 / (1 + Math.Exp(-x)),
        "SiLU" => x * (1 / (1 + Math.Exp(-x))),
        _ => double.IsNaN(x) ? x : x > 40 ? x : Math.Log(1 + Math.Exp(x)),
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Every_length_matches_the_float64_definition_in_place_and_not(string name)
    {
        var random = new Random(51);
        for (int length = 0; length <= 70; length++)
        {
            float[] x = LayerAssert.Uniform(random, length, 12);
            if (length > 3)
            {
                (x[1], x[length / 2], x[length - 1]) = (float.NaN, float.NegativeInfinity, float.PositiveInfinity);
            }

            double[] expected = [.. x.Select(v => Reference(name, v))];
            var y = Guarded.Output(length);
            Apply(name, x, y);
            LayerAssert.Close(y.AsSpan(0, length), expected, 1e-6, 1e-6, $"{name} of {length} values");
            Guarded.Untouched(y, length, $"{name} of {length} values");
            Apply(name, x, x);
            Assert.Equal(y.Take(length), x);
        }
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void A_dense_sweep_of_inputs_matches_and_a_short_output_is_rejected(string name)
    {
        float[] x = [.. Enumerable.Range(-30000, 60001).Select(i => i / 1000f)];
        var y = new float[x.Length];
        Apply(name, x, y);
        LayerAssert.Close(y, [.. x.Select(v => Reference(name, v))], 1e-6, 1e-6, name);

        float[] shortOutput = [7f, 7f];
        var error = Assert.Throws<ArgumentException>(() => Apply(name, new float[3], shortOutput));
        Assert.Contains("2 values for 3 inputs", error.Message);
        Assert.Equal([7f, 7f], shortOutput);
    }

    /// <summary>Sigmoid and SiLU keep float32's relative precision (within 3e-7, as TensorPrimitives.Sigmoid) from where
    /// the result is 1 down to where it is the smallest normal float, and are 0 (SiLU: -0) below that.</summary>
    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("SiLU")]
    public void Sigmoid_and_SiLU_are_within_3e_7_relative_error_down_to_the_smallest_normal_float(string name)
    {
        const double smallestNormal = 1.1754943508222875e-38; // 2^-126
        float[] x = [.. Enumerable.Range(-880000, 980001).Select(i => i / 10000f)];
        var y = new float[x.Length];
        Apply(name, x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Reference(name, x[i]);
            if (Math.Abs(expected) >= smallestNormal)
            {
                Assert.True(Math.Abs(y[i] - expected) <= 3e-7 * Math.Abs(expected), $"{name}({x[i]:R}) = {y[i]:R}, not {expected:R}");
            }
            else
            {
                Assert.True(Math.Abs(y[i]) <= smallestNormal, $"{name}({x[i]:R}) = {y[i]:R}, not {expected:R}");
            }
        }

        float[] below = [-88.5f, -100f, -1e30f];
        Apply(name, below, below);
        Assert.All(below, v => Assert.Equal(0f, Math.Abs(v)));
    }
}
