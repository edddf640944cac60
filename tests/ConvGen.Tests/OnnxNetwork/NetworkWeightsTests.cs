using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// A generated network reads its weights from the model at construction: the embedded one (<c>new Net()</c>), or
/// another export of the same architecture (<c>new Net(stream)</c>, <c>Net.Load(path)</c>), checked by name and
/// shape first. The model exercises every way a weight is prepared: a batch norm folded into a conv, a standalone
/// batch norm, Gemm with alpha/beta and a broadcast bias, and MatMul followed by Add of a bias.
/// </summary>
public class NetworkWeightsTests
{
    private static readonly long[] Shape = [2, 2, 6, 6];

    private static readonly Lazy<Type> Net = new(() => OnnxModelHarness.Compile(OnnxModelHarness.WriteModel("model.onnx", Model(seed: 1))).GetType());

    [Fact]
    public void Embedded_weights_match_ONNX_Runtime()
    {
        var net = (ILayer)Activator.CreateInstance(Net.Value)!;

        AssertMatches(Model(seed: 1), net);
    }

    [Fact]
    public void Weights_of_another_export_load_from_a_stream_and_a_file()
    {
        byte[] tuned = Model(seed: 2);
        string path = OnnxModelHarness.WriteModel("tuned.onnx", tuned);
        using var stream = new MemoryStream(tuned);
        var fromStream = (ILayer)Activator.CreateInstance(Net.Value, [stream])!;
        var fromFile = (ILayer)Net.Value.GetMethod("Load", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [path])!;

        AssertMatches(tuned, fromStream);
        AssertMatches(tuned, fromFile);
        // And they are really other weights: the embedded model's output differs.
        float[] input = Input();
        Assert.NotEqual(Run((ILayer)Activator.CreateInstance(Net.Value)!, input), Run(fromFile, input));
    }

    [Fact]
    public void A_model_of_another_architecture_names_the_first_mismatching_tensor()
    {
        using var other = new MemoryStream(Model(seed: 1, hidden: 5));

        var error = Assert.IsType<ArgumentException>(Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(Net.Value, [other])).InnerException);

        Assert.Contains("tensor 'w1' has shape [5, 2, 3, 3], expected [4, 2, 3, 3]", error.Message);
    }

    [Fact]
    public void A_model_without_a_tensor_and_bytes_that_are_no_model_are_rejected()
    {
        byte[] renamed = new OnnxGraphWriter(13)
            .Input("x", [null, 2, 6, 6]).Initializer("other", [4, 2, 3, 3], new float[72])
            .Node("Conv", ["x", "other"], ["y"], "conv").Output("y").ToArray();
        using var missing = new MemoryStream(renamed);
        using var garbage = new MemoryStream([1, 2, 3, 255, 255, 255]);

        var noTensor = Assert.IsType<ArgumentException>(Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(Net.Value, [missing])).InnerException);
        var noModel = Assert.IsType<ArgumentException>(Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(Net.Value, [garbage])).InnerException);

        Assert.Contains("the model has no tensor 'w1' (expected shape [4, 2, 3, 3])", noTensor.Message);
        Assert.Contains("not a valid ONNX model", noModel.Message);
    }

    [Fact]
    public void An_assembly_without_the_embedded_model_says_how_to_embed_it()
    {
        string path = OnnxModelHarness.WriteModel("model.onnx", Model(seed: 1));
        var result = OnnxModelHarness.Run("using ConvGen;\nnamespace Nets;\n[OnnxModel(\"model.onnx\")] public partial class Net;\n", path);
        var type = OnnxModelHarness.Load(result.Output).GetType("Nets.Net")!;

        var error = Assert.IsType<InvalidOperationException>(Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(type)).InnerException);

        Assert.Contains("embeds no model 'model.onnx'", error.Message);
        Assert.Contains("<EmbeddedResource Include=\"model.onnx\" LogicalName=\"ConvGen/model.onnx\" />", error.Message);
    }

    private static void AssertMatches(byte[] model, ILayer net)
    {
        float[] input = Input();
        float[] expected = OnnxModelHarness.RunOnnxRuntime(model, input, Shape, out _);
        float[] actual = Run(net, input);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"output {i}: ConvGen {actual[i]}, ONNX Runtime {expected[i]}");
        }
    }

    private static float[] Run(ILayer net, float[] input) => OnnxModelHarness.Forward(net, input, Shape, out _);

    private static float[] Input() => NetworkConformanceTests.Values(new Random(7), (int)Shape.Aggregate(1L, (a, b) => a * b), 2f);

    /// <summary>Conv+BN(+Relu), a standalone BN, Gemm (transB, alpha, beta, one bias value), MatMul + Add.</summary>
    private static byte[] Model(int seed, int hidden = 4)
    {
        var random = new Random(seed);
        float[] Values(int count, float scale) => NetworkConformanceTests.Values(random, count, scale);
        float[] Positive(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(0.5 + random.NextDouble()))];
        int features = hidden * 2 * 2;
        return new OnnxGraphWriter(13)
            .Input("x", [null, 2, 6, 6])
            .Initializer("w1", [hidden, 2, 3, 3], Values(hidden * 18, 0.5f))
            .Initializer("g1", [hidden], Positive(hidden)).Initializer("b1", [hidden], Values(hidden, 0.2f))
            .Initializer("m1", [hidden], Values(hidden, 0.2f)).Initializer("v1", [hidden], Positive(hidden))
            .Initializer("g2", [hidden], Positive(hidden)).Initializer("b2", [hidden], Values(hidden, 0.2f))
            .Initializer("m2", [hidden], Values(hidden, 0.2f)).Initializer("v2", [hidden], Positive(hidden))
            .Initializer("fw", [6, features], Values(6 * features, 0.5f)).Initializer("fb", [1], Values(1, 0.5f))
            .Initializer("mw", [6, 3], Values(18, 0.5f)).Initializer("mb", [3], Values(3, 0.5f))
            .Node("Conv", ["x", "w1"], ["c1"], "conv1", ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("BatchNormalization", ["c1", "g1", "b1", "m1", "v1"], ["n1"], "bn1", ("epsilon", 1e-3f))
            .Node("Relu", ["n1"], ["r1"], "relu1")
            .Node("MaxPool", ["r1"], ["p1"], "pool", ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 3, 3 }))
            .Node("BatchNormalization", ["p1", "g2", "b2", "m2", "v2"], ["n2"], "bn2")
            .Node("Flatten", ["n2"], ["f"], "flatten")
            .Node("Gemm", ["f", "fw", "fb"], ["h"], "fc1", ("transB", 1L), ("alpha", 0.75f), ("beta", 1.5f))
            .Node("MatMul", ["h", "mw"], ["mm"], "fc2")
            .Node("Add", ["mm", "mb"], ["y"], "fc2_bias")
            .Output("y").ToArray();
    }
}
