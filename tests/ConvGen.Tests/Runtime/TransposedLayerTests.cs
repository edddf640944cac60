using System;
using System.Linq;
using System.Numerics.Tensors;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary>The generated public API of the transposed layers in TestTransposedLayers.cs: constructors, PyTorch's
/// initialisation and parameter names, argument checks that change nothing, phases without taps under a fused
/// activation, tensors, fixed sizes and allocation.</summary>
public class TransposedLayerTests
{
    private static readonly TransposedShape Doubling = new(3, 4, 4, 4, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1);

    private static float[] Values(int length, int seed) => TestValues.Uniform(new Random(seed), length);

    [Fact]
    public void Output_sizes_follow_PyTorchs_formula()
    {
        Assert.Equal((32, 14), (DoublingUp.OutputHeight(16), DoublingUp.OutputWidth(7)));
        Assert.Equal((10, 2), (SparseUp.OutputHeight(5), SparseUp.OutputWidth(1)));                 // (5 - 1)*2 + 0 + 1 + 1
        Assert.Equal(1, CroppingUp.OutputHeight(5));                                                 // (5 - 1) - 6 + 2 + 1
        Assert.Equal(33, SignalUp.OutputLength(10));                                                 // (10 - 1)*3 + 2*2 + 1 + 1
        Assert.Equal([2, 2, 11, 15], new FixedUp().GetOutputShape([2, 2, 5, 7]));
    }

    [Fact]
    public void Parameters_have_PyTorchs_names_shapes_and_initialisation()
    {
        var layer = new DoublingUp(new Random(5));
        Assert.Equal(["weight", "bias"], layer.Parameters.Select(p => p.Name));
        Assert.Equal([3, 4, 4, 4], layer.Parameters[0].Shape);   // [in, out/groups, kh, kw]
        Assert.Equal([4], layer.Parameters[1].Shape);
        Assert.Equal([2, 2, 3], new SignalUp().Parameters[0].Shape);

        // PyTorch's fan_in of a transposed weight is its dimension 1 times the kernel: (out/groups) * kh * kw = 64, so
        // weights and biases are uniform in ±1/8. A layer drawn from the same seed gives the same output.
        var again = new DoublingUp(new Random(5));
        float[] input = Values(3 * 5 * 5, 1);
        float[] a = new float[4 * 10 * 10], b = new float[a.Length];
        layer.Forward(input, a, 1, 5, 5);
        again.Forward(input, b, 1, 5, 5);
        Assert.Equal(a, b);
        float[] weight = new float[DoublingUp.WeightLength];
        float[] bias = new float[4];
        ParameterInit.ConvUniform(weight, bias, 64, new Random(5));
        var fromDraw = new DoublingUp(weight, bias);
        fromDraw.Forward(input, b, 1, 5, 5);
        Assert.Equal(a, b);
        Assert.InRange(weight.Max(Math.Abs), 0.11f, 0.125f);
    }

    [Fact]
    public void Trained_weights_give_the_definition_and_SetParameter_replaces_them()
    {
        float[] weight = Values(Doubling.WeightLength, 2), bias = Values(4, 3), input = Values(2 * 3 * 6 * 5, 4);
        var layer = new DoublingUp(Values(Doubling.WeightLength, 9), Values(4, 9));
        layer.SetParameter("weight", weight);
        layer.SetParameter("bias", bias);
        var output = new float[2 * 4 * 12 * 10];
        layer.Forward(input, output, 2, 6, 5);

        var reference = ReferenceTransposedConvolution.Run(Doubling, input, 2, 6, 5, weight, bias, Activation.None, out var magnitude);
        ReferenceCheck.AssertClose(output, i => reference[i], magnitude, Doubling.Terms, computations: 1, nameof(DoublingUp));
    }

    [Fact]
    public void Bad_parameters_are_refused_and_change_nothing()
    {
        var layer = new DoublingUp(Values(Doubling.WeightLength, 2), Values(4, 3));
        float[] input = Values(3 * 4 * 4, 4), before = new float[4 * 8 * 8], after = new float[before.Length];
        layer.Forward(input, before, 1, 4, 4);

        var e = Assert.Throws<ArgumentException>(() => layer.SetParameter("weight", new float[191]));
        Assert.Contains("191", e.Message, StringComparison.Ordinal);
        Assert.Contains("192", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => layer.SetParameter("bias", new float[3]));
        Assert.Throws<ArgumentException>(() => layer.SetParameter("gamma", new float[4]));
        layer.Forward(input, after, 1, 4, 4);
        Assert.Equal(before, after);

        Assert.Equal("weight has 12 values, but this layer needs 192 ([3, 4, 4, 4]). (Parameter 'weight')",
            Assert.Throws<ArgumentException>(() => new DoublingUp(new float[12], new float[4])).Message);
        Assert.Throws<ArgumentException>(() => new DoublingUp(new float[192], new float[3]));
        Assert.Throws<ArgumentException>(() => new CroppingUp(new float[18], new float[2])); // no bias
    }

    [Fact]
    public void Bad_calls_are_refused_naming_expected_and_actual_values()
    {
        var layer = new DoublingUp();
        var output = new float[4 * 8 * 8];
        Assert.Contains("needs 48", Assert.Throws<ArgumentException>(() => layer.Forward(new float[47], output, 1, 4, 4)).Message);
        Assert.Contains("needs 256", Assert.Throws<ArgumentException>(() => layer.Forward(new float[48], new float[255], 1, 4, 4)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new float[48], output, 0, 4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new float[48], output, 1, 4, 4, -1));
        Assert.Equal("height is 4, but this layer needs at least 5: a smaller input's output is cropped away entirely by the padding. (Parameter 'height')\nActual value was 4.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new CroppingUp().Forward(new float[16], new float[0], 1, 4, 4)).Message.Replace("\r", ""));
        Assert.Contains("generated for height 5, but got height 6",
            Assert.Throws<ArgumentException>(() => new FixedUp().Forward(new float[2 * 6 * 7], new float[2 * 13 * 15], 1, 6, 7)).Message);
        Assert.Throws<ArgumentException>(() => layer.GetOutputShape([1, 2, 4, 4]));
    }

    [Fact]
    public void Phases_without_taps_hold_the_activation_of_the_bias()
    {
        float[] weight = Values(2 * 3, 5), bias = Values(3, 6), input = Values(2 * 4 * 3, 7);
        var layer = new SparseUp(weight, bias);
        var output = new float[3 * 8 * 6];
        layer.Forward(input, output, 1, 4, 3);

        var shape = new TransposedShape(2, 3, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 1);
        var reference = ReferenceTransposedConvolution.Run(shape, input, 1, 4, 3, weight, bias, Activation.Sigmoid, out var magnitude);
        for (int i = 0; i < output.Length; i++)
        {
            // Sigmoid's slope is at most 1/4; its float32 evaluation adds a few ulps.
            Assert.True(Math.Abs(output[i] - reference[i]) <= (4 * 2.4e-7 * magnitude[i]) + 1e-6, $"output {i} is {output[i]}, expected {reference[i]}");
        }

        Assert.Equal(1 / (1 + Math.Exp(-bias[1])), output[(1 * 48) + 1], 1e-6); // (y 0, x 1) of channel 1: no tap
    }

    [Fact]
    public void Tensors_and_one_dimensional_layers_run()
    {
        float[] weight = Values(2 * 2 * 3, 8), bias = Values(4, 9), input = Values(3 * 2 * 10, 10);
        var layer = new SignalUp(weight, bias);
        var output = layer.Forward(Tensor.Create(input, [3, 2, 10]));
        Assert.Equal([3, 4, 33], output.Lengths.ToArray());

        var shape = new TransposedShape(2, 4, 1, 3, 1, 3, 0, 0, 0, 0, 0, 1, 1, 2, 2);
        var reference = ReferenceTransposedConvolution.Run(shape, input, 3, 1, 10, weight, bias, Activation.None, out var magnitude);
        ReferenceCheck.AssertClose(output.ToArray(), i => reference[i], magnitude, shape.Terms, computations: 1, nameof(SignalUp));
    }

    [Fact]
    public void Forward_allocates_nothing_in_steady_state()
    {
        var layer = new DoublingUp();
        float[] input = Values(3 * 32 * 32, 1);
        var output = new float[4 * 64 * 64];
        layer.Forward(input, output, 1, 32, 32, 1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            layer.Forward(input, output, 1, 32, 32, 1);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
