using System;
using System.Linq;
using ConvGen.Operators;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary>
/// The runtime's element-wise activations against their ONNX definitions written as scalar float64 code: lengths around
/// the chunk size, in place and not, NaN and infinities, large inputs, slopes below 0, between 0 and 1 and above 1.
/// </summary>
public class PointwiseTests
{
    public static TheoryData<string, float> Functions => new()
    {
        { "HardSigmoid", 0.2f }, { "HardSigmoid", -0.7f }, { "HardSwish", 0f }, { "LeakyRelu", 0.01f }, { "LeakyRelu", 1.5f },
        { "LeakyRelu", -0.3f }, { "Elu", 1f }, { "Elu", 0.4f }, { "Softplus", 0f },
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void Matches_the_definition_in_place_and_not(string function, float alpha)
    {
        foreach (int length in new[] { 0, 1, 17, 1023, 1024, 1025, 2500 })
        {
            float[] x = Inputs(length);
            var output = new float[length];
            var inPlace = (float[])x.Clone();

            Run(function, x, output, alpha);
            Run(function, inPlace, inPlace, alpha);

            for (int i = 0; i < length; i++)
            {
                double expected = Definition(function, x[i], alpha);
                Assert.True(Close(output[i], expected), $"{function}({x[i]}) with alpha {alpha}: {output[i]}, expected {expected} (length {length}, index {i})");
                Assert.Equal(BitConverter.SingleToInt32Bits(output[i]), BitConverter.SingleToInt32Bits(inPlace[i]));
            }
        }
    }

    [Fact]
    public void Spans_of_different_lengths_are_rejected_with_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => Pointwise.HardSwish(new float[5], new float[4]));

        Assert.Contains("output has 4 values, but the input has 5", error.Message);
    }

    private static void Run(string function, ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        switch (function)
        {
            case "HardSigmoid": Pointwise.HardSigmoid(x, y, alpha, 0.5f); break;
            case "HardSwish": Pointwise.HardSwish(x, y); break;
            case "LeakyRelu": Pointwise.LeakyRelu(x, y, alpha); break;
            case "Elu": Pointwise.Elu(x, y, alpha); break;
            default: Pointwise.Softplus(x, y); break;
        }
    }

    /// <summary>ONNX's definitions (HardSigmoid with beta 0.5), in float64.</summary>
    private static double Definition(string function, double x, double alpha) => function switch
    {
        "HardSigmoid" => double.IsNaN(x) ? double.NaN : Math.Max(0, Math.Min(1, (alpha * x) + 0.5)),
        "HardSwish" => double.IsNaN(x) ? double.NaN : x * Math.Max(0, Math.Min(1, (x / 6) + 0.5)),
        "LeakyRelu" => x >= 0 ? x : alpha * x,
        "Elu" => x >= 0 ? x : alpha * (Math.Exp(x) - 1),
        _ => double.IsPositiveInfinity(x) ? x : Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
    };

    private static bool Close(float actual, double expected) =>
        double.IsNaN(expected) ? float.IsNaN(actual)
        : double.IsInfinity(expected) || Math.Abs(expected) > float.MaxValue ? actual == (float)expected
        : Math.Abs(actual - expected) <= (1e-6 * Math.Max(1, Math.Abs(expected)));

    /// <summary>Seeded values in [-12, 12] with NaN, infinities, zeros of both signs and large magnitudes mixed in.</summary>
    private static float[] Inputs(int length)
    {
        var random = new Random(length + 5);
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e30f, -1e30f, 3f, -3f];
        return [.. Enumerable.Range(0, length).Select(i => i % 97 < special.Length ? special[i % 97] : (float)((random.NextDouble() * 24) - 12))];
    }
}
