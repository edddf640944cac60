using System;
using System.Linq;
using System.Numerics.Tensors;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Layers;

/// <summary>Sequential: shape inference and its errors, buffer reuse without allocation, parameter names, the summary
/// table; batch-norm folding against a float64 reference; the depthwise-separable block.</summary>
public class SequentialTests
{
    private static Sequential Network(Random random) => new(
        new SmallCnnConv1(random),
        new BatchNorm2d(8),
        new ActivationLayer(Activation.ReLU),
        new MaxPool2d(2, ceilMode: true),
        new AvgPool2d(3, stride: 1, padding: 1),
        new AdaptiveAvgPool2d(2),
        new Flatten(),
        new Linear(32, 5, random: random),
        new LeakyReLU(0.1f),
        new Softmax(-1));

    [Fact]
    public void Output_shape_is_inferred_layer_by_layer()
    {
        Sequential network = Network(new Random(1));
        Assert.Equal([2, 5], network.GetOutputShape([2, 3, 9, 7]));
        Assert.Equal([2, 8, 5, 4], network.GetLayerOutputShapes([2, 3, 9, 7])[3]);
        Assert.Equal(SmallCnnConv1.ParameterCount + 16 + (32 * 5) + 5, network.ParameterCount);
    }

    [Fact]
    public void Wrong_input_shape_names_the_layer_and_both_shapes()
    {
        Sequential network = Network(new Random(1));
        var e = Assert.Throws<ArgumentException>(() => network.GetOutputShape([1, 4, 9, 7]));
        Assert.Contains("layer 0", e.Message);
        Assert.Contains("[1, 4, 9, 7]", e.Message);
        Assert.Contains("3 input channels", e.Message);

        // A later layer: Linear expects 32 features, the flattened [1, 8, 3, 3] gives 72 after AdaptiveAvgPool2d(3).
        var late = new Sequential(new AdaptiveAvgPool2d(3), new Flatten(), new Linear(32, 5));
        e = Assert.Throws<ArgumentException>(() => late.Forward(new float[8 * 16], [1, 8, 4, 4], new float[5]));
        Assert.Contains("layer 2", e.Message);
        Assert.Contains("[1, 72]", e.Message);
        Assert.Contains("layer 1", e.Message); // where that shape came from
        Assert.Contains("32", e.Message);
    }

    [Fact]
    public void Span_forward_matches_layer_by_layer_and_tensor_forward_and_replans_on_a_new_shape()
    {
        var random = new Random(2);
        Sequential network = Network(random);
        foreach (nint[] shape in new nint[][] { [2, 3, 9, 7], [1, 3, 5, 5], [2, 3, 9, 7], [1, 3, 8, 8] })
        {
            float[] x = LayerAssert.Uniform(random, LayerShapes.ElementCount(shape));
            float[] expected = x;
            nint[] current = shape;
            foreach (ILayer layer in network.Layers)
            {
                nint[] next = layer.GetOutputShape(current);
                var y = new float[LayerShapes.ElementCount(next)];
                layer.Forward(expected, current, y);
                (expected, current) = (y, next);
            }

            var output = new float[expected.Length];
            network.Forward(x, shape, output);
            Assert.Equal(expected, output);
            Tensor<float> tensor = network.Forward(Tensor.Create(x, shape));
            Assert.Equal(current, tensor.Lengths.ToArray());
            Assert.Equal(expected, LayerAssert.Values(tensor));
        }
    }

    [Fact]
    public void Forward_allocates_nothing_after_warm_up()
    {
        var random = new Random(3);
        Sequential network = Network(random);
        var block = DepthwiseSeparable.Create(new SmallCnnDepthwise(random), new SmallCnnPointwise(random), new BatchNorm2d(8), new BatchNorm2d(12), Activation.SiLU);
        var big = new Sequential(new SmallCnnConv1(random), new ActivationLayer(Activation.GELU), block, Upsample.WithScale(2), new SmallCnnConv2(random),
            new MaxPool2d(2, padding: 1, ceilMode: true), network.Layers[8], new Softmax(1));
        foreach (Sequential net in new[] { network, big })
        {
            nint[] shape = [2, 3, 16, 12];
            float[] x = LayerAssert.Uniform(random, LayerShapes.ElementCount(shape));
            var y = new float[LayerShapes.ElementCount(net.GetOutputShape(shape))];
            net.Forward(x, shape, y);

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                net.Forward(x, shape, y);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    // Calls on one instance from several threads give the results of a single-threaded run (the buffers are guarded).
    [Fact]
    public void Concurrent_forward_calls_give_identical_results()
    {
        var random = new Random(7);
        Sequential network = Network(random);
        nint[][] shapes = [[2, 3, 9, 7], [1, 3, 12, 10]];
        float[][] inputs = shapes.Select(s => LayerAssert.Uniform(random, LayerShapes.ElementCount(s))).ToArray();
        float[][] expected = shapes.Select((s, i) =>
        {
            var y = new float[LayerShapes.ElementCount(network.GetOutputShape(s))];
            network.Forward(inputs[i], s, y);
            return y;
        }).ToArray();
        System.Threading.Tasks.Parallel.For(0, 200, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            int which = i % 2;
            var y = new float[expected[which].Length];
            network.Forward(inputs[which], shapes[which], y);
            Assert.Equal(expected[which], y);
        });
    }

    [Fact]
    public void Spans_of_the_wrong_length_are_rejected()
    {
        Sequential network = Network(new Random(4));
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => network.Forward(new float[188], [1, 3, 9, 7], new float[5])).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => network.Forward(new float[189], [1, 3, 9, 7], new float[6])).ParamName);
    }

    [Fact]
    public void Constructor_rejects_empty_null_and_bad_names()
    {
        Assert.Throws<ArgumentException>(() => new Sequential());
        Assert.Throws<ArgumentException>(() => new Sequential(new Flatten(), null!));
        Assert.Throws<ArgumentException>(() => new Sequential(new (string, ILayer)[] { ("a", new Flatten()), ("a", new Flatten()) }));
        Assert.Throws<ArgumentException>(() => new Sequential(new (string, ILayer)[] { ("a.b", new Flatten()) }));
        Assert.Throws<ArgumentNullException>(() => new Sequential((ILayer[])null!));
    }

    [Fact]
    public void Parameters_carry_PyTorch_names_and_route_SetParameter()
    {
        var inner = new Sequential(new (string, ILayer)[] { ("bn", new BatchNorm2d(2)), ("act", new ActivationLayer(Activation.ReLU)) });
        var network = new Sequential(new (string, ILayer)[] { ("block", inner), ("fc", new Linear(2, 3, bias: false)) });
        Assert.Equal(
            ["block.bn.weight", "block.bn.bias", "block.bn.running_mean", "block.bn.running_var", "fc.weight"],
            network.Parameters.Select(p => p.Name));
        Assert.Equal([3, 2], network.Parameters[^1].Shape);
        network.SetParameter("block.bn.running_mean", [5f, 6f]);
        Assert.Equal([5f, 6f], ((BatchNorm2d)inner.Layers[0]).RunningMean.ToArray());
        Assert.Contains("'fc.bias'", Assert.Throws<ArgumentException>(() => network.SetParameter("fc.bias", [1f, 2f, 3f])).Message);
        Assert.Throws<ArgumentException>(() => network.SetParameter("fc.weight", new float[5]));
    }

    [Fact]
    public void Summary_lists_every_layer_with_output_shape_and_parameters()
    {
        Sequential network = SmallCnn.Create();
        string summary = network.Summary([1, 3, 13, 11]);
        string[] lines = summary.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Contains(lines, l => l.Contains("SmallCnnConv1-1", StringComparison.Ordinal) && l.Contains("[1, 8, 13, 11]", StringComparison.Ordinal) && l.EndsWith(" 224", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("MaxPool2d-4", StringComparison.Ordinal) && l.Contains("[1, 8, 7, 6]", StringComparison.Ordinal) && l.EndsWith(" 0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Linear-", StringComparison.Ordinal) && l.Contains("[1, 24]", StringComparison.Ordinal) && l.EndsWith(" 408", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("BatchNorm2d-", StringComparison.Ordinal) && l.Contains("[1, 12, 7, 6]", StringComparison.Ordinal) && l.EndsWith(" 24", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ReLU6-7", StringComparison.Ordinal) && l.Contains("[1, 8, 7, 6]", StringComparison.Ordinal));
        Assert.Contains($"Total params: {network.ParameterCount:N0}", summary, StringComparison.Ordinal);
        Assert.Equal(21, lines.Count(l => l.Contains('-', StringComparison.Ordinal) && l.Contains('[', StringComparison.Ordinal) && !l.StartsWith("Input", StringComparison.Ordinal)));
    }

    // conv (no bias) then batch norm, against one biased conv with the folded parameters; both against float64.
    [Fact]
    public void Folded_batch_norm_matches_conv_then_batch_norm_in_float64()
    {
        var random = new Random(5);
        var geometry = new ConvGeometry(4, 6, 3, 3, 2, 2, 1, 1, 1, 1);
        float[] weight = LayerAssert.Uniform(random, geometry.WeightLength);
        float[] gamma = LayerAssert.Uniform(random, 6, 2), beta = LayerAssert.Uniform(random, 6), mean = LayerAssert.Uniform(random, 6);
        float[] variance = LayerAssert.Uniform(random, 6).Select(v => v + 1.2f).ToArray();
        var bn = new BatchNorm2d(gamma, beta, mean, variance, 1e-3);
        (float[] foldedWeight, float[] foldedBias) = BatchNormFolding.Fold(weight, default, bn);
        Assert.Equal(weight.Length, foldedWeight.Length);

        int n = 2, h = 9, w = 8, oh = geometry.OutputHeight(h), ow = geometry.OutputWidth(w);
        float[] x = LayerAssert.Uniform(random, n * 4 * h * w);
        double[] magnitude = ReferenceCheck.Magnitude(geometry, x, n, h, w, weight, [], out double[] conv);
        var expected = new double[conv.Length];
        int plane = oh * ow;
        for (int i = 0; i < conv.Length; i++)
        {
            int c = i / plane % 6;
            expected[i] = ((conv[i] - mean[c]) / Math.Sqrt(variance[c] + 1e-3) * gamma[c]) + beta[c];
        }

        var unfolded = new Sequential(new FoldSource(weight), bn);
        var folded = new FoldTarget(foldedWeight, foldedBias);
        var y1 = new float[expected.Length];
        var y2 = new float[expected.Length];
        unfolded.Forward(x, [n, 4, h, w], y1);
        folded.Forward(x, y2, n, h, w);
        double scale = gamma.Max(Math.Abs) / Math.Sqrt(variance.Min() + 1e-3);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = (1e-6 * scale * magnitude[i]) + 1e-6;
            Assert.True(Math.Abs(y1[i] - expected[i]) <= bound, $"unfolded {i}: {y1[i]} vs {expected[i]}");
            Assert.True(Math.Abs(y2[i] - expected[i]) <= bound, $"folded {i}: {y2[i]} vs {expected[i]}");
        }

        // A bias before the batch norm folds too: (b - mean) * s + beta.
        float[] bias = LayerAssert.Uniform(random, 6);
        (_, float[] withBias) = BatchNormFolding.Fold(weight, bias, bn);
        for (int c = 0; c < 6; c++)
        {
            double s = gamma[c] / Math.Sqrt(variance[c] + 1e-3);
            Assert.Equal(((bias[c] - mean[c]) * s) + beta[c], withBias[c], 5);
        }
    }

    [Fact]
    public void Folding_checks_shapes_and_needs_a_bias_parameter()
    {
        var bn = new BatchNorm2d(6);
        Assert.Throws<ArgumentException>(() => BatchNormFolding.Fold(new float[7], default, bn));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.Fold(new float[12], new float[5], bn));
        Assert.Contains("bias", Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldInto(new FoldSource(), new float[216], default, bn)).Message);
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldInto(new FoldTarget(), new float[216], default, new BatchNorm2d(5)));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldInto(new FoldTarget(), new float[215], default, bn));
    }

    // The depthwise-separable block is the same as its layers run one by one, and loads by PyTorch's names.
    [Fact]
    public void Depthwise_separable_block_runs_its_layers_in_order()
    {
        var random = new Random(6);
        var depthwise = new SmallCnnDepthwise(random);
        var pointwise = new SmallCnnPointwise(random);
        var bn1 = new BatchNorm2d(LayerAssert.Uniform(random, 8), LayerAssert.Uniform(random, 8), LayerAssert.Uniform(random, 8), Enumerable.Repeat(0.7f, 8).ToArray());
        Sequential block = DepthwiseSeparable.Create(depthwise, pointwise, bn1, null, Activation.ReLU6);
        Assert.Equal(["depthwise", "bn1", "act1", "pointwise", "act2"], block.Names);
        Assert.Equal(
            ["depthwise.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "pointwise.weight"],
            block.Parameters.Select(p => p.Name));
        Assert.Equal(72 + 16 + 96, block.ParameterCount);

        float[] x = LayerAssert.Uniform(random, 8 * 6 * 5, 40);
        var a = new float[8 * 6 * 5];
        depthwise.Forward(x, a, 1, 6, 5);
        bn1.Forward(a, [1, 8, 6, 5], a);
        Activations.Apply(Activation.ReLU6, a);
        var b = new float[12 * 6 * 5];
        pointwise.Forward(a, b, 1, 6, 5);
        Activations.Apply(Activation.ReLU6, b);
        var y = new float[b.Length];
        block.Forward(x, [8, 6, 5], y);
        Assert.Equal(b, y);
        Assert.Contains(a, v => v == 6f); // ReLU6 clamped something
        Assert.Contains(y, v => v == 0f);
    }
}
