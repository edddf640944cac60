using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using ConvGen.Generator.Network;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// A graph of five outputs, in an order unlike the order they are computed in: logits from a dense head, features that
/// later steps still read (a conv with a fused Relu), a sigmoid mask, a flatten of the features (the same memory as
/// another output: copied) and the input itself (copied). Each is compared with ONNX Runtime's, through the span
/// <c>Forward</c> (one span per output, inside guard regions) and the tensor <c>Forward</c> (a named tuple).
/// </summary>
public class MultipleOutputTests
{
    private const int Guard = 64;
    private const float GuardValue = -12345.5f;
    private static readonly string[] Identifiers = ["Logits", "Features", "Mask", "FeaturesFlat", "Output456"];

    private const string Source = """
        using System;
        using ConvGen;
        namespace Nets;
        [OnnxModel("heads.onnx")] public partial class Net;
        public static class Probe
        {
            public static void Forward(Net net, float[] input, float[][] o, int guard, int batch) => net.Forward(
                input, o[0].AsSpan(guard, o[0].Length - (2 * guard)), o[1].AsSpan(guard, o[1].Length - (2 * guard)),
                o[2].AsSpan(guard, o[2].Length - (2 * guard)), o[3].AsSpan(guard, o[3].Length - (2 * guard)),
                o[4].AsSpan(guard, o[4].Length - (2 * guard)), batch);

            public static int[][] Shapes() =>
                [Net.LogitsShape.ToArray(), Net.FeaturesShape.ToArray(), Net.MaskShape.ToArray(), Net.FeaturesFlatShape.ToArray(), Net.Output456Shape.ToArray()];

            public static int[] Sizes() => [Net.LogitsSize, Net.FeaturesSize, Net.MaskSize, Net.FeaturesFlatSize, Net.Output456Size];
        }
        """;

    private static readonly Lazy<(byte[] Model, object Net, Type Probe)> Compiled = new(() =>
    {
        byte[] model = Model();
        string path = OnnxModelHarness.WriteModel("heads.onnx", model);
        var result = OnnxModelHarness.Run(Source, path);
        Assert.Empty(result.AllDiagnostics);
        var assembly = OnnxModelHarness.Load(result.Output, path);
        return (model, Activator.CreateInstance(assembly.GetType("Nets.Net")!)!, assembly.GetType("Nets.Probe")!);
    });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Every_output_matches_ONNX_Runtime_through_spans_and_tensors(int batch)
    {
        var (model, net, probe) = Compiled.Value;
        long[] shape = [batch, 3, 8, 8];
        float[] input = NetworkConformanceTests.Values(new Random(batch), batch * 192, 2f);
        var expected = OnnxModelHarness.RunOnnxRuntimeAll(model, input, shape);
        Assert.Equal(5, expected.Count);

        int[] sizes = (int[])probe.GetMethod("Sizes")!.Invoke(null, null)!;
        var shapes = (int[][])probe.GetMethod("Shapes")!.Invoke(null, null)!;
        for (int o = 0; o < 5; o++)
        {
            Assert.Equal(expected[o].Shape.Skip(1), shapes[o].Select(d => (long)d));
            Assert.Equal(expected[o].Shape.Skip(1).Aggregate(1L, (p, d) => p * d), sizes[o]);
        }

        // The span Forward, twice (the second call reuses the pooled buffers), each output between guard regions.
        for (int call = 0; call < 2; call++)
        {
            float[][] outputs = [.. sizes.Select(size => Enumerable.Repeat(GuardValue, (batch * size) + (2 * Guard)).ToArray())];
            probe.GetMethod("Forward")!.Invoke(null, [net, input, outputs, Guard, batch]);
            for (int o = 0; o < 5; o++)
            {
                Assert.True(outputs[o].Take(Guard).Concat(outputs[o].TakeLast(Guard)).All(v => v == GuardValue), $"output {o} was written outside its span");
                AssertClose(expected[o].Values, outputs[o].AsSpan(Guard, batch * sizes[o]).ToArray(), $"call {call}, output {Identifiers[o]}");
            }
        }

        // The tensor Forward: a tuple of new tensors in graph order.
        var tensors = OnnxModelHarness.ForwardAll(net, input, shape);
        for (int o = 0; o < 5; o++)
        {
            Assert.Equal(expected[o].Shape, tensors[o].Shape.Select(d => (long)d));
            AssertClose(expected[o].Values, tensors[o].Values, $"tensor output {Identifiers[o]}");
        }
    }

    [Fact]
    public void The_network_names_its_outputs_and_is_no_single_output_layer()
    {
        var (_, net, _) = Compiled.Value;
        Assert.False(net is ILayer);
        var forward = net.GetType().GetMethod("Forward", [typeof(System.Numerics.Tensors.Tensor<float>)])!;
        Assert.Equal(Identifiers, forward.ReturnParameter.GetCustomAttribute<TupleElementNamesAttribute>()!.TransformNames);
    }

    [Fact]
    public void A_wrong_length_for_one_output_is_refused_before_anything_is_written()
    {
        var (_, net, probe) = Compiled.Value;
        int[] sizes = (int[])probe.GetMethod("Sizes")!.Invoke(null, null)!;
        float[][] outputs = [.. sizes.Select((size, o) => Enumerable.Repeat(GuardValue, (2 * size) + (o == 2 ? 1 : 0) + (2 * Guard)).ToArray())];
        float[] input = NetworkConformanceTests.Values(new Random(5), 2 * 192, 2f);
        var error = Assert.IsAssignableFrom<ArgumentException>(
            Assert.Throws<TargetInvocationException>(() => probe.GetMethod("Forward")!.Invoke(null, [net, input, outputs, Guard, 2])).InnerException);
        Assert.Contains($"outputMask has {(2 * sizes[2]) + 1} values, but a batch of 2 needs {2 * sizes[2]}", error.Message, StringComparison.Ordinal);
        Assert.Equal("outputMask", error.ParamName);
        Assert.All(outputs, output => Assert.All(output, v => Assert.Equal(GuardValue, v)));
    }

    [Fact]
    public void Output_identifiers_are_valid_unique_and_free()
    {
        string[] onnx = ["boxes", "boxes", "input", "456", "Item2", "output_mask", "onnx::Add_7", "", "Buffer0"];
        var names = OutputIdentifiers.For(onnx);
        Assert.Equal(
            ["Boxes", "BoxesAt1", "OutputInput", "Output456", "OutputItem2", "OutputMask", "OnnxAdd7", "Output", "OutputBuffer0"],
            names.Select(n => n.Identifier));
        Assert.Equal(
            ["outputBoxes", "outputBoxesAt1", "outputInput", "output456", "outputItem2", "outputMask", "outputOnnxAdd7", "output", "outputBuffer0"],
            names.Select(n => n.Parameter));
        Assert.Equal(("Output", "output"), OutputIdentifiers.For(["logits"]).Single());
    }

    [Fact]
    public void A_tensor_listed_twice_as_an_output_is_copied_for_the_second()
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 2, 4])
            .Node("Relu", ["x"], ["y"], "relu")
            .Output("y").Output("y");
        var graph = OnnxFileReader.Parse("twice.onnx", model.ToArray()).Graph!;
        Assert.Equal(2, graph.Outputs.Count);
        Assert.NotEqual(graph.Outputs[0].Value, graph.Outputs[1].Value);
        var copy = Assert.IsType<CopyStep>(graph.Steps.Last());
        Assert.Equal((graph.Outputs[0].Value, graph.Outputs[1].Value), (copy.Inputs[0], copy.Output));
        var plan = BufferPlanner.Plan(graph);
        Assert.Equal((Storage.Output, 0), (plan.Kind[graph.Outputs[0].Value], plan.Buffer[graph.Outputs[0].Value]));
        Assert.Equal((Storage.Output, 1), (plan.Kind[graph.Outputs[1].Value], plan.Buffer[graph.Outputs[1].Value]));
    }

    private static byte[] Model()
    {
        var random = new Random(11);
        return new OnnxGraphWriter(13)
            .Input("x", [null, 3, 8, 8])
            .Initializer("w1", [4, 3, 3, 3], NetworkConformanceTests.Values(random, 108, 0.4f)).Initializer("b1", [4], NetworkConformanceTests.Values(random, 4, 0.1f))
            .Initializer("w2", [2, 4, 3, 3], NetworkConformanceTests.Values(random, 72, 0.4f))
            .Initializer("fw", [5, 4], NetworkConformanceTests.Values(random, 20, 0.5f)).Initializer("fb", [5], NetworkConformanceTests.Values(random, 5, 0.1f))
            .Node("Conv", ["x", "w1", "b1"], ["c1"], "conv1", ("kernel_shape", new long[] { 3, 3 }), ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Relu", ["c1"], ["features"], "relu1")
            .Node("MaxPool", ["features"], ["p1"], "pool", ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }))
            .Node("Conv", ["p1", "w2"], ["c2"], "conv2", ("kernel_shape", new long[] { 3, 3 }), ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Sigmoid", ["c2"], ["mask"], "sigmoid")
            .Node("GlobalAveragePool", ["features"], ["gap"], "gap")
            .Node("Flatten", ["gap"], ["f"], "flatten")
            .Node("Gemm", ["f", "fw", "fb"], ["logits"], "fc", ("transB", 1L))
            .Node("Flatten", ["features"], ["features_flat"], "flatten_features")
            .Node("Identity", ["x"], ["456"], "echo")
            .Output("logits").Output("features").Output("mask").Output("features_flat").Output("456")
            .ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])),
                $"{what}, value {i} of {expected.Length}: ConvGen {actual[i]}, ONNX Runtime {expected[i]}");
        }
    }
}
