using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary>The generated public API of the layers in TestLayers.cs on bad and edge input: constructors,
/// argument checks, writes confined to the output, agreement with the reference, tensors, shapes and allocation.</summary>
public class ForwardArgumentTests
{
    /// <summary>A test layer: its geometry as the reference sees it, and a constructor from parameters.</summary>
    private sealed record Layer(ConvGeometry Geometry, bool HasBias, bool Is1d, Func<float[], float[], ILayer> Create);

    private static readonly Dictionary<string, Layer> Layers = new()
    {
        [nameof(SmallConv)] = new(new ConvGeometry(3, 5, 3, 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1), true, false, (w, b) => new SmallConv(w, b)),
        [nameof(DepthwiseStrided)] = new(new ConvGeometry(4, 4, 3, 3, 2, 2, Groups: 4), false, false, (w, b) => new DepthwiseStrided(w, b)),
        [nameof(FixedSizeConv)] = new(new ConvGeometry(2, 3, 3, 3), true, false, (w, b) => new FixedSizeConv(w, b)),
        // 'same' with k 5, d 2 pads 4 on each side; a Conv1d is a Conv2d of kernel height 1 on inputs of height 1.
        [nameof(SignalConv)] = new(new ConvGeometry(2, 3, 1, 5, PadLeft: 4, PadRight: 4, DilationWidth: 2), true, true, (w, b) => new SignalConv(w, b)),
    };

    /// <summary>Uniform values in [-1, 1) from a fixed seed.</summary>
    private static float[] Values(int length, int seed) => TestValues.Uniform(new Random(seed), length);

    private static (ILayer Layer, float[] Weight, float[] Bias) Build(string name)
    {
        Layer layer = Layers[name];
        float[] weight = Values(layer.Geometry.WeightLength, 1);
        float[] bias = layer.HasBias ? Values(layer.Geometry.OutChannels, 2) : [];
        return (layer.Create(weight, bias), weight, bias);
    }

    private static nint[] Shape(string name, int batch, int height, int width) => Layers[name].Is1d
        ? [batch, Layers[name].Geometry.InChannels, width]
        : [batch, Layers[name].Geometry.InChannels, height, width];

    // ---- Constructors ----

    // A weight of the wrong length is rejected with both lengths in the message.
    [Fact]
    public void Constructor_rejects_weight_of_wrong_length_naming_both_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => new SmallConv(new float[10], new float[5]));
        Assert.Contains("10", e.Message);
        Assert.Contains("135", e.Message);
        Assert.Equal("weight", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => new SignalConv(new float[31], new float[3]));
        Assert.Contains("31", e.Message);
        Assert.Contains("30", e.Message);
    }

    // A biased layer needs its bias; a bias:false layer takes none.
    [Fact]
    public void Constructor_rejects_missing_or_unexpected_bias()
    {
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => new SmallConv(new float[135])).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => new SmallConv(new float[135], new float[4])).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => new DepthwiseStrided(new float[36], new float[4])).ParamName);
        _ = new DepthwiseStrided(new float[36]); // no bias: accepted
    }

    // The Random constructor rejects null.
    [Fact]
    public void Random_constructor_rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => new SmallConv((Random)null!));
        Assert.Throws<ArgumentNullException>(() => new DepthwiseStrided((Random)null!));
        Assert.Throws<ArgumentNullException>(() => new SignalConv((Random)null!));
    }

    // The same seed gives the same layer; another seed gives another.
    [Fact]
    public void Same_seed_gives_identical_outputs()
    {
        float[] input = Values(2 * 3 * 7 * 9, 3);
        float[] Run(int seed)
        {
            var output = new float[2 * 5 * 7 * 9];
            new SmallConv(new Random(seed)).Forward(input, output, 2, 7, 9);
            return output;
        }

        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
    }

    // Default parameters lie in ±1/sqrt(fan_in): a one-hot 3x3 input to the depthwise layer yields exactly one weight
    // per channel (all 36 recovered), and a zero input to SmallConv yields its bias.
    [Fact]
    public void Default_parameters_lie_within_the_PyTorch_bound()
    {
        var depthwise = new DepthwiseStrided(new Random(7));
        var weights = new List<float>();
        for (int tap = 0; tap < 9; tap++)
        {
            var input = new float[4 * 3 * 3];
            for (int channel = 0; channel < 4; channel++)
            {
                input[(channel * 9) + tap] = 1;
            }

            var output = new float[4];
            depthwise.Forward(input, output, 1, 3, 3);
            weights.AddRange(output);
        }

        double bound = 1 / Math.Sqrt(9); // fan_in = 1 x 3 x 3
        Assert.All(weights, w => Assert.InRange(w, -bound, bound));
        Assert.Equal(36, weights.Distinct().Count());
        Assert.True(weights.Max(w => Math.Abs(w)) > bound / 2, "weights should fill the bound, not a fraction of it");

        var bias = new float[5];
        new SmallConv(new Random(7)).Forward(new float[3], bias, 1, 1, 1);
        double biasBound = 1 / Math.Sqrt(27); // fan_in = 3 x 3 x 3
        Assert.All(bias, b => Assert.InRange(b, -biasBound, biasBound));
        Assert.Equal(5, bias.Distinct().Count());
    }

    // ---- Forward(span) argument checks ----

    // Non-positive batch, height or width: ArgumentOutOfRangeException naming the argument.
    [Theory]
    [InlineData(0, 5, 5, "batch")]
    [InlineData(-1, 5, 5, "batch")]
    [InlineData(1, 0, 5, "height")]
    [InlineData(1, 5, -1, "width")]
    public void Forward_rejects_non_positive_sizes(int batch, int height, int width, string parameter)
    {
        var layer = new SmallConv();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new float[75], new float[125], batch, height, width));
        Assert.Equal(parameter, e.ParamName);
    }

    // Spans one element too short or too long: ArgumentException naming the expected count.
    [Theory]
    [InlineData(74, 125, "input", "needs 75")]
    [InlineData(76, 125, "input", "needs 75")]
    [InlineData(75, 124, "output", "needs 125")]
    [InlineData(75, 126, "output", "needs 125")]
    public void Forward_rejects_spans_of_wrong_length(int inputLength, int outputLength, string parameter, string expected)
    {
        var layer = new SmallConv();
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(new float[inputLength], new float[outputLength], 1, 5, 5));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(expected, e.Message);
    }

    // An input smaller than the (unpadded) kernel would give an empty output: rejected. 3 is the minimum.
    [Theory]
    [InlineData(2, 3, "height")]
    [InlineData(3, 2, "width")]
    [InlineData(1, 1, "height")]
    public void Forward_rejects_input_smaller_than_the_kernel(int height, int width, string parameter)
    {
        var layer = new DepthwiseStrided();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new float[4 * height * width], new float[4], 1, height, width));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains("at least 3", e.Message);

        layer.Forward(new float[4 * 3 * 3], new float[4], 1, 3, 3); // the minimum works
    }

    // A fixed-size layer accepts only its size, even when the other size would be a valid convolution.
    [Theory]
    [InlineData(9, 6, "height", "generated for height 8, but got height 9")]
    [InlineData(8, 5, "width", "generated for width 6, but got width 5")]
    public void Fixed_size_layer_rejects_other_sizes(int height, int width, string parameter, string message)
    {
        var layer = new FixedSizeConv();
        var outputSize = 3 * (height - 2) * (width - 2);
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(new float[2 * height * width], new float[outputSize], 1, height, width));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(message, e.Message);
    }

    // Input and output slices of one array: overlapping is rejected, adjacent is fine.
    [Fact]
    public void Forward_rejects_overlapping_input_and_output()
    {
        var layer = new SmallConv();
        var shared = new float[300];
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(shared.AsSpan(0, 75), shared.AsSpan(74, 125), 1, 5, 5));
        Assert.Contains("overlap", e.Message);
        Assert.Throws<ArgumentException>(() => layer.Forward(shared.AsSpan(100, 75), shared.AsSpan(0, 125), 1, 5, 5));

        layer.Forward(shared.AsSpan(0, 75), shared.AsSpan(75, 125), 1, 5, 5);
    }

    // ---- Guard regions and correctness ----

    /// <summary>Every layer with output widths narrower than a vector (1..3), one and two vectors' worth, and 37.</summary>
    public static TheoryData<string, int, int> GuardCases()
    {
        int lanes = Vector<float>.Count;
        var data = new TheoryData<string, int, int>();
        foreach (int outWidth in new[] { 1, 2, 3, lanes, lanes + 1, 37 })
        {
            data.Add(nameof(SmallConv), 1 + (outWidth % 4), outWidth);                 // output = input
            data.Add(nameof(DepthwiseStrided), 3 + (outWidth % 3), (2 * outWidth) + 1); // (w - 3) / 2 + 1
            data.Add(nameof(SignalConv), 1, outWidth);                                 // 'same'
        }

        data.Add(nameof(DepthwiseStrided), 4, 76); // even width: the last column is dropped
        data.Add(nameof(FixedSizeConv), 8, 6);     // its only size: output 6x4
        return data;
    }

    // Output in the middle of a NaN-filled array: everything outside stays NaN, everything inside is written (finite).
    [Theory]
    [MemberData(nameof(GuardCases))]
    public void Forward_writes_exactly_the_output_span(string name, int height, int width)
    {
        const int batch = 2, guard = 40;
        var (layer, _, _) = Build(name);
        nint[] inputShape = Shape(name, batch, height, width);
        int outputLength = LayerShapes.ElementCount(layer.GetOutputShape(inputShape));
        var buffer = Enumerable.Repeat(float.NaN, guard + outputLength + guard).ToArray();

        layer.Forward(Values(LayerShapes.ElementCount(inputShape), 5), inputShape, buffer.AsSpan(guard, outputLength));

        Assert.All(buffer[..guard], v => Assert.True(float.IsNaN(v), "written before the output"));
        Assert.All(buffer[(guard + outputLength)..], v => Assert.True(float.IsNaN(v), "written after the output"));
        Assert.All(buffer[guard..(guard + outputLength)], v => Assert.True(float.IsFinite(v), "output value not written"));
    }

    // Batch 2 against the float64 reference, within the float32 accumulation bound of ReferenceCheck.
    [Theory]
    [InlineData(nameof(SmallConv), 5, 11)]
    [InlineData(nameof(SmallConv), 2, 1)]
    [InlineData(nameof(DepthwiseStrided), 9, 20)]
    [InlineData(nameof(FixedSizeConv), 8, 6)]
    [InlineData(nameof(SignalConv), 1, 19)]
    [InlineData(nameof(SignalConv), 1, 2)]
    public void Forward_matches_the_reference(string name, int height, int width)
    {
        const int batch = 2;
        var (layer, weight, bias) = Build(name);
        ConvGeometry geometry = Layers[name].Geometry;
        float[] input = Values(batch * geometry.InChannels * height * width, 4);
        var output = new float[batch * geometry.OutChannels * geometry.OutputHeight(height) * geometry.OutputWidth(width)];
        layer.Forward(input, Shape(name, batch, height, width), output);

        double[] magnitude = ReferenceCheck.Magnitude(geometry, input, batch, height, width, weight, bias, out double[] expected);
        ReferenceCheck.AssertClose(output, i => expected[i], magnitude, geometry.FanIn, computations: 1, $"{name} on {height}x{width}");
    }

    // ---- Tensor API ----

    // NCHW and CHW tensors: right shapes, same values as the span overload.
    [Fact]
    public void Tensor_forward_on_batched_and_unbatched_images()
    {
        var (layer, _, _) = Build(nameof(SmallConv));
        float[] values = Values(2 * 3 * 6 * 7, 3);
        var spanOutput = new float[2 * 5 * 6 * 7];
        layer.Forward(values, [2, 3, 6, 7], spanOutput);

        var batched = layer.Forward(Tensor.Create(values, [2, 3, 6, 7]));
        Assert.Equal([2, 5, 6, 7], batched.Lengths.ToArray());
        Assert.Equal(spanOutput, LayerTensors.Contiguous(batched).ToArray());

        var unbatched = layer.Forward(Tensor.Create(values[..(3 * 6 * 7)], [3, 6, 7]));
        Assert.Equal([5, 6, 7], unbatched.Lengths.ToArray());
        Assert.Equal(spanOutput[..(5 * 6 * 7)], LayerTensors.Contiguous(unbatched).ToArray());
    }

    // NCL and CL tensors on the Conv1d layer.
    [Fact]
    public void Tensor_forward_on_batched_and_unbatched_sequences()
    {
        var (layer, _, _) = Build(nameof(SignalConv));
        float[] values = Values(4 * 2 * 9, 5);
        var spanOutput = new float[4 * 3 * 9];
        layer.Forward(values, [4, 2, 9], spanOutput);

        var batched = layer.Forward(Tensor.Create(values, [4, 2, 9]));
        Assert.Equal([4, 3, 9], batched.Lengths.ToArray());
        Assert.Equal(spanOutput, LayerTensors.Contiguous(batched).ToArray());

        var unbatched = layer.Forward(Tensor.Create(values[(2 * 9)..(4 * 9)], [2, 9])); // the second sequence
        Assert.Equal([3, 9], unbatched.Lengths.ToArray());
        Assert.Equal(spanOutput[(3 * 9)..(6 * 9)], LayerTensors.Contiguous(unbatched).ToArray());
    }

    // Wrong rank or channel count: ArgumentException quoting the shape.
    [Theory]
    [InlineData(nameof(SmallConv), new[] { 1, 4, 8, 8 }, "[1, 4, 8, 8]")]
    [InlineData(nameof(SmallConv), new[] { 3, 64 }, "[3, 64]")]
    [InlineData(nameof(SmallConv), new[] { 1, 1, 3, 8, 8 }, "[1, 1, 3, 8, 8]")]
    [InlineData(nameof(SignalConv), new[] { 1, 2, 3, 4 }, "[1, 2, 3, 4]")]
    [InlineData(nameof(SignalConv), new[] { 3, 9 }, "[3, 9]")]
    [InlineData(nameof(DepthwiseStrided), new[] { 2, 3, 9, 9 }, "[2, 3, 9, 9]")]
    public void Tensor_forward_rejects_wrong_rank_or_channels_naming_the_shape(string name, int[] lengths, string shape)
    {
        var (layer, _, _) = Build(name);
        nint[] shapeLengths = [.. lengths.Select(n => (nint)n)];
        var input = Tensor.Create(new float[lengths.Aggregate(1, (a, b) => a * b)], shapeLengths);
        Assert.Contains(shape, Assert.Throws<ArgumentException>(() => layer.Forward(input)).Message);
    }

    // A strided (non-dense) slice gives the same result as its dense copy.
    [Fact]
    public void Tensor_forward_on_a_non_dense_slice_equals_its_dense_copy()
    {
        var (layer, _, _) = Build(nameof(SmallConv));
        var whole = Tensor.Create(Values(3 * 4 * 6 * 9, 6), [3, 4, 6, 9]);
        var view = whole.Slice([1..3, 1..4, 1..5, 2..8]); // images 1-2, channels 1-3, rows 1-4, columns 2-7
        Assert.False(view.IsDense);

        var dense = Tensor.Create(LayerTensors.Contiguous(view).ToArray(), [2, 3, 4, 6]);
        Assert.Equal(whole[[1, 1, 1, 2]], dense[[0, 0, 0, 0]]);
        Assert.Equal(whole[[2, 3, 4, 7]], dense[[1, 2, 3, 5]]);
        var fromView = layer.Forward(view);
        Assert.Equal([2, 5, 4, 6], fromView.Lengths.ToArray());
        Assert.Equal(LayerTensors.Contiguous(layer.Forward(dense)).ToArray(), LayerTensors.Contiguous(fromView).ToArray());
    }

    // GetOutputShape for each layer, batched and unbatched.
    [Theory]
    [InlineData(nameof(SmallConv), new[] { 2, 3, 5, 9 }, new[] { 2, 5, 5, 9 })]
    [InlineData(nameof(SmallConv), new[] { 3, 1, 1 }, new[] { 5, 1, 1 })]
    [InlineData(nameof(DepthwiseStrided), new[] { 1, 4, 9, 10 }, new[] { 1, 4, 4, 4 })]
    [InlineData(nameof(DepthwiseStrided), new[] { 4, 3, 76 }, new[] { 4, 1, 37 })]
    [InlineData(nameof(FixedSizeConv), new[] { 7, 2, 8, 6 }, new[] { 7, 3, 6, 4 })]
    [InlineData(nameof(SignalConv), new[] { 5, 2, 13 }, new[] { 5, 3, 13 })]
    [InlineData(nameof(SignalConv), new[] { 2, 1 }, new[] { 3, 1 })]
    public void GetOutputShape_returns_the_output_shape(string name, int[] input, int[] output)
    {
        var (layer, _, _) = Build(name);
        Assert.Equal(output.Select(n => (nint)n), layer.GetOutputShape([.. input.Select(n => (nint)n)]));
    }

    // ILayer.ParameterCount is the class constant, which is weights plus biases.
    [Fact]
    public void ParameterCount_is_weights_plus_biases()
    {
        Assert.Equal(SmallConv.ParameterCount, ((ILayer)new SmallConv()).ParameterCount);
        Assert.Equal(DepthwiseStrided.ParameterCount, ((ILayer)new DepthwiseStrided()).ParameterCount);
        Assert.Equal(FixedSizeConv.ParameterCount, ((ILayer)new FixedSizeConv()).ParameterCount);
        Assert.Equal(SignalConv.ParameterCount, ((ILayer)new SignalConv()).ParameterCount);
        Assert.Equal([135 + 5, 36, 54 + 3, 30 + 3], new[] { SmallConv.ParameterCount, DepthwiseStrided.ParameterCount, FixedSizeConv.ParameterCount, SignalConv.ParameterCount });
    }

    // ---- Output size methods ----

    // OutputHeight/OutputWidth/OutputLength agree with ConvGeometry.OutputSize from the minimum input up.
    [Fact]
    public void Output_size_methods_match_the_geometry()
    {
        for (int size = 1; size <= 100; size++)
        {
            Assert.Equal(ConvGeometry.OutputSize(size, 3, 1, 1, 1, 1), SmallConv.OutputHeight(size));
            Assert.Equal(ConvGeometry.OutputSize(size, 3, 1, 1, 1, 1), SmallConv.OutputWidth(size));
            Assert.Equal(ConvGeometry.OutputSize(size, 5, 1, 4, 4, 2), SignalConv.OutputLength(size));
            if (size >= 3)
            {
                Assert.Equal(ConvGeometry.OutputSize(size, 3, 2, 0, 0, 1), DepthwiseStrided.OutputHeight(size));
                Assert.Equal(ConvGeometry.OutputSize(size, 3, 2, 0, 0, 1), DepthwiseStrided.OutputWidth(size));
                Assert.Equal(ConvGeometry.OutputSize(size, 3, 1, 0, 0, 1), FixedSizeConv.OutputHeight(size));
            }
        }
    }

    // Zero, negative and too-small inputs are rejected by the size methods.
    [Fact]
    public void Output_size_methods_reject_zero_and_too_small_inputs()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SmallConv.OutputHeight(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SmallConv.OutputWidth(-4));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalConv.OutputLength(0));
        foreach (int size in new[] { 0, 1, 2 })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => DepthwiseStrided.OutputHeight(size));
            Assert.Throws<ArgumentOutOfRangeException>(() => DepthwiseStrided.OutputWidth(size));
            Assert.Throws<ArgumentOutOfRangeException>(() => FixedSizeConv.OutputWidth(size));
        }
    }

    // ---- Allocation ----

    // Sizes whose products overflow int are rejected with the true expected count, not a wrapped one.
    [Fact]
    public void Sizes_whose_products_overflow_int_are_rejected_clearly()
    {
        var layer = new SmallConv();
        Assert.Contains("needs 3298534883328", Assert.Throws<ArgumentException>(() => layer.Forward(new float[75], new float[125], 1, 1 << 20, 1 << 20)).Message);
        Assert.Contains("needs 6442450941", Assert.Throws<ArgumentException>(() => new FullSignal().Forward(new float[3], new float[5], int.MaxValue, 3)).Message);
        Assert.Contains("larger than int.MaxValue", Assert.Throws<ArgumentOutOfRangeException>(() => FullSignal.OutputLength(int.MaxValue)).Message);
        Assert.Throws<ArgumentException>(() => layer.GetOutputShape([1, 3, unchecked((nint)int.MaxValue + 1), 4]));
    }

    // One instance runs Forward on several threads at once (parameters are read-only, scratch is rented per call).
    [Fact]
    public void One_instance_runs_concurrently_with_the_same_results()
    {
        var (layer, _, _) = Build(nameof(SmallConv));
        var inputs = Enumerable.Range(0, 8).Select(i => Values(2 * 3 * 19 * 23, 100 + i)).ToArray();
        var expected = inputs.Select(input =>
        {
            var output = new float[2 * 5 * 19 * 23];
            layer.Forward(input, Shape(nameof(SmallConv), 2, 19, 23), output);
            return output;
        }).ToArray();

        System.Threading.Tasks.Parallel.For(0, 64, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var output = new float[2 * 5 * 19 * 23];
            layer.Forward(inputs[i % inputs.Length], Shape(nameof(SmallConv), 2, 19, 23), output);
            Assert.Equal(expected[i % inputs.Length], output);
        });
    }

    // After a warm-up call, 20 span Forward calls on 3x32x32 allocate nothing (scratch comes from ArrayPool).
    [Fact]
    public void Forward_allocates_nothing_after_warm_up()
    {
        var layer = new SmallConv(new Random(1));
        float[] input = Values(3 * 32 * 32, 9);
        var output = new float[5 * 32 * 32];
        layer.Forward(input, output, 1, 32, 32);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            layer.Forward(input, output, 1, 32, 32);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
