using System;
using System.Linq;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Runtime;

// Grouped (2 groups, 3 input and 2 output channels each) with a rectangular kernel, so the weight's
// second dimension is in/groups and the packing spans several groups and channel tiles.
[Conv2d(@in: 6, @out: 4, kh: 2, kw: 3, groups: 2, s: 2, p: 1)]
public partial class GroupedRect;

/// <summary>
/// Generated layers as <see cref="IParameterized"/>: PyTorch's names and shapes, SetParameter agreeing with
/// the constructor (and with the float64 reference), and every rejected call naming what was expected
/// while leaving the layer unchanged.
/// </summary>
public class ParameterTests
{
    private static float[] Values(int length, int seed) => TestValues.Uniform(new Random(seed), length);

    // Shapes written out from the attributes in TestLayers.cs and above, in PyTorch's layout.
    [Fact]
    public void Parameters_have_PyTorch_names_and_shapes()
    {
        Assert.Equal([("weight", new[] { 5, 3, 3, 3 }), ("bias", new[] { 5 })], Describe(new SmallConv(new Random(1))));
        Assert.Equal([("weight", new[] { 4, 1, 3, 3 })], Describe(new DepthwiseStrided(new Random(1))));
        Assert.Equal([("weight", new[] { 3, 2, 5 }), ("bias", new[] { 3 })], Describe(new SignalConv(new Random(1))));
        Assert.Equal([("weight", new[] { 4, 3, 2, 3 }), ("bias", new[] { 4 })], Describe(new GroupedRect(new Random(1))));

        // ILayer's count is the sum of the parameters' lengths.
        foreach (IParameterized layer in new IParameterized[] { new SmallConv(new Random(1)), new DepthwiseStrided(new Random(1)), new SignalConv(new Random(1)), new GroupedRect(new Random(1)) })
        {
            Assert.Equal(((ILayer)layer).ParameterCount, layer.Parameters.Sum(p => p.Length));
        }
    }

    private static (string, int[])[] Describe(IParameterized layer) => [.. layer.Parameters.Select(p => (p.Name, p.Shape.ToArray()))];

    // The list is shared by all instances, so it must not be writable through a cast.
    [Fact]
    public void Parameters_cannot_be_modified_through_a_cast()
    {
        var layer = new SmallConv(new Random(1));
        Assert.False(layer.Parameters is ParameterInfo[]);
        Assert.Throws<NotSupportedException>(() => ((System.Collections.Generic.IList<ParameterInfo>)layer.Parameters)[0] = new ParameterInfo("x", [1]));
        Assert.False(layer.Parameters[0].Shape is int[]);
    }

    // A layer drawn from another seed, given weight and bias by SetParameter, computes exactly what a layer
    // constructed from them computes, and agrees with the float64 reference.
    [Fact]
    public void SetParameter_then_Forward_equals_a_layer_constructed_with_the_same_parameters()
    {
        CheckSetParameter(new SmallConv(new Random(11)), (w, b) => new SmallConv(w, b), new ConvGeometry(3, 5, 3, 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1), true, 1, 7, 9);
        CheckSetParameter(new DepthwiseStrided(new Random(11)), (w, _) => new DepthwiseStrided(w), new ConvGeometry(4, 4, 3, 3, 2, 2, Groups: 4), false, 2, 9, 8);
        CheckSetParameter(new SignalConv(new Random(11)), (w, b) => new SignalConv(w, b), new ConvGeometry(2, 3, 1, 5, PadLeft: 4, PadRight: 4, DilationWidth: 2), true, 3, 1, 23, is1d: true);
        CheckSetParameter(new GroupedRect(new Random(11)), (w, b) => new GroupedRect(w, b), new ConvGeometry(6, 4, 2, 3, 2, 2, 1, 1, 1, 1, Groups: 2), true, 2, 7, 10);
    }

    private static void CheckSetParameter(ILayer layer, Func<float[], float[], ILayer> construct, ConvGeometry geometry, bool hasBias, int batch, int height, int width, bool is1d = false)
    {
        float[] weight = Values(geometry.WeightLength, 21);
        float[] bias = hasBias ? Values(geometry.OutChannels, 22) : [];
        float[] input = Values(batch * geometry.InChannels * height * width, 23);
        nint[] shape = is1d
            ? [batch, geometry.InChannels, width]
            : [batch, geometry.InChannels, height, width];
        int outputLength = (int)layer.GetOutputShape(shape).Aggregate((nint)1, (a, b) => a * b);

        float[] before = Run(layer, input, shape, outputLength);
        var parameterized = (IParameterized)layer;
        parameterized.SetParameter("weight", weight);
        if (hasBias)
        {
            parameterized.SetParameter("bias", bias);
        }

        float[] actual = Run(layer, input, shape, outputLength);
        float[] constructed = Run(construct(weight, bias), input, shape, outputLength);
        Assert.Equal(constructed, actual);
        Assert.NotEqual(before, actual);

        double[] magnitude = ReferenceCheck.Magnitude(geometry, input, batch, height, width, weight, bias, out double[] reference);
        ReferenceCheck.AssertClose(actual, i => reference[i], magnitude, geometry.FanIn, 1, layer.GetType().Name);
    }

    private static float[] Run(ILayer layer, float[] input, nint[] shape, int outputLength)
    {
        var output = new float[outputLength];
        layer.Forward(input, shape, output);
        return output;
    }

    // Replacing only the bias moves each output channel by exactly the bias change: outputs equal a layer
    // constructed with the same weight and the new bias.
    [Fact]
    public void Setting_only_the_bias_keeps_the_weight()
    {
        float[] weight = Values(135, 31);
        var layer = new SmallConv(weight, Values(5, 32));
        float[] newBias = Values(5, 33);
        layer.SetParameter("bias", newBias);

        float[] input = Values(3 * 6 * 7, 34);
        var actual = new float[5 * 6 * 7];
        var expected = new float[5 * 6 * 7];
        layer.Forward(input, actual, 1, 6, 7);
        new SmallConv(weight, newBias).Forward(input, expected, 1, 6, 7);
        Assert.Equal(expected, actual);
    }

    // Unknown names (including "bias" on a layer without one) name every parameter and its length.
    [Fact]
    public void Unknown_names_are_rejected_naming_the_parameters()
    {
        var layer = new SmallConv(new Random(1));
        var e = Assert.Throws<ArgumentException>(() => layer.SetParameter("weights", new float[135]));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("SmallConv has no parameter 'weights'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'weight' [5, 3, 3, 3] (135 values), 'bias' [5] (5 values)", e.Message, StringComparison.Ordinal);

        var depthwise = new DepthwiseStrided(new Random(1));
        e = Assert.Throws<ArgumentException>(() => depthwise.SetParameter("bias", new float[4]));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("its parameters are 'weight' [4, 1, 3, 3] (36 values).", e.Message, StringComparison.Ordinal);

        // Names are exact, as PyTorch's state-dict keys.
        Assert.Throws<ArgumentException>(() => layer.SetParameter("Weight", new float[135]));
        Assert.Throws<ArgumentException>(() => layer.SetParameter("", new float[135]));
        Assert.Throws<ArgumentNullException>(() => layer.SetParameter(null!, new float[135]));
    }

    // Wrong lengths name the parameter, its shape, the expected and the actual length.
    [Theory]
    [InlineData("weight", 134, "[5, 3, 3, 3] needs 135 values, but got 134")]
    [InlineData("weight", 0, "needs 135 values, but got 0")]
    [InlineData("bias", 6, "'bias' [5] needs 5 values, but got 6")]
    [InlineData("bias", 0, "needs 5 values, but got 0")]
    public void Wrong_lengths_are_rejected_naming_expected_and_actual(string name, int length, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new SmallConv(new Random(1)).SetParameter(name, new float[length]));
        Assert.Equal("values", e.ParamName);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    // A rejected call writes nothing: the layer computes what it computed before.
    [Fact]
    public void A_rejected_call_leaves_the_layer_unchanged()
    {
        var layer = new SignalConv(Values(30, 41), Values(3, 42));
        float[] input = Values(2 * 11, 43);
        var before = new float[3 * 11];
        var after = new float[3 * 11];
        layer.Forward(input, before, 1, 11);

        float[] garbage = Enumerable.Repeat(100f, 31).ToArray();
        Assert.Throws<ArgumentException>(() => layer.SetParameter("weight", garbage));
        Assert.Throws<ArgumentException>(() => layer.SetParameter("bias", garbage));
        Assert.Throws<ArgumentException>(() => layer.SetParameter("running_mean", garbage.AsSpan(0, 3)));
        layer.Forward(input, after, 1, 11);
        Assert.Equal(before, after);
    }

    // Generated layers take part in Sequential's name routing as PyTorch modules do ("0.weight", "conv.bias").
    [Fact]
    public void Sequential_routes_names_to_generated_layers()
    {
        var conv = new SmallConv(new Random(5));
        var network = new Sequential(new (string, ILayer)[] { ("conv", conv), ("act", new ActivationLayer(Activation.ReLU)), ("dw", new DepthwiseStrided(new Random(6))) });
        Assert.Equal(["conv.weight", "conv.bias"], network.Parameters.Select(p => p.Name).Take(2));

        float[] weight = Values(135, 51);
        float[] bias = Values(5, 52);
        network.SetParameter("conv.weight", weight);
        network.SetParameter("conv.bias", bias);

        float[] input = Values(3 * 5 * 5, 53);
        var actual = new float[5 * 5 * 5];
        var expected = new float[5 * 5 * 5];
        conv.Forward(input, actual, 1, 5, 5);
        new SmallConv(weight, bias).Forward(input, expected, 1, 5, 5);
        Assert.Equal(expected, actual);
    }
}
