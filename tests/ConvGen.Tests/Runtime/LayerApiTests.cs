using System;
using System.Linq;
using System.Numerics.Tensors;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary>The generated public API on good, edge and bad input: clear exceptions, no writes
/// outside the output, tensors, shapes, initialisation and zero allocation.</summary>
public class LayerApiTests
{
    private static float[] Values(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    [Fact]
    public void Constructor_rejects_parameters_of_the_wrong_length()
    {
        var weight = Assert.Throws<ArgumentException>(() => new Padded3x3(new float[10], new float[5]));
        Assert.Contains("has 10 values", weight.Message);
        Assert.Contains("needs 135 ([5, 3, 3, 3])", weight.Message);

        Assert.Contains("needs 5", Assert.Throws<ArgumentException>(() => new Padded3x3(new float[135])).Message);
        Assert.Contains("has no bias", Assert.Throws<ArgumentException>(() => new DepthwiseStride2(new float[36], new float[4])).Message);
        Assert.Throws<ArgumentNullException>(() => new Padded3x3((Random)null!));
    }

    [Fact]
    public void Default_initialisation_follows_PyTorch_bounds_and_is_reproducible_with_a_seed()
    {
        // A zero input yields the bias; a one-hot input adds the centre tap of each filter.
        var zero = new float[Padded3x3.InChannels * 5 * 5];
        var oneHot = (float[])zero.Clone();
        oneHot[(5 * 5) + (2 * 5) + 2] = 1; // channel 1, row 2, column 2
        var layer = new Padded3x3(new Random(7));
        var biasOut = new float[Padded3x3.OutChannels * 5 * 5];
        var tapOut = new float[biasOut.Length];
        layer.Forward(zero, biasOut, 1, 5, 5);
        layer.Forward(oneHot, tapOut, 1, 5, 5);

        double bound = 1 / Math.Sqrt(Padded3x3.InChannels * 9);
        for (int oc = 0; oc < Padded3x3.OutChannels; oc++)
        {
            float bias = biasOut[oc * 25];
            float centreTap = tapOut[(oc * 25) + 12] - bias;
            Assert.InRange(bias, -bound, bound);
            Assert.InRange(centreTap, -bound, bound);
            Assert.NotEqual(0f, centreTap);
        }

        var again = new float[biasOut.Length];
        new Padded3x3(new Random(7)).Forward(oneHot, again, 1, 5, 5);
        Assert.Equal(tapOut, again);
    }

    [Theory]
    [InlineData(0, 5, 5)]
    [InlineData(-1, 5, 5)]
    [InlineData(1, 0, 5)]
    [InlineData(1, 5, -3)]
    public void Forward_rejects_non_positive_sizes(int batch, int height, int width)
    {
        var layer = new Padded3x3();
        var e = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => layer.Forward(new float[75], new float[125], batch, height, width));
        Assert.Contains("must be positive", e.Message);
    }

    [Fact]
    public void Forward_rejects_wrong_span_lengths_naming_the_expected_count()
    {
        var layer = new Padded3x3();
        Assert.Contains("input has 74 values, but shape [1 x 3 x 5 x 5] needs 75",
            Assert.Throws<ArgumentException>(() => layer.Forward(new float[74], new float[125], 1, 5, 5)).Message);
        Assert.Contains("input has 76 values", Assert.Throws<ArgumentException>(() => layer.Forward(new float[76], new float[125], 1, 5, 5)).Message);
        Assert.Contains("output has 124 values, but shape [1 x 5 x 5 x 5] needs 125",
            Assert.Throws<ArgumentException>(() => layer.Forward(new float[75], new float[124], 1, 5, 5)).Message);
        Assert.Contains("output has 126 values", Assert.Throws<ArgumentException>(() => layer.Forward(new float[75], new float[126], 1, 5, 5)).Message);
    }

    [Fact]
    public void Forward_rejects_inputs_smaller_than_the_kernel_other_fixed_sizes_and_overlap()
    {
        var depthwise = new DepthwiseStride2();
        var small = Assert.Throws<ArgumentOutOfRangeException>(() => depthwise.Forward(new float[4 * 2 * 9], new float[4 * 4], 1, 2, 9));
        Assert.Contains("height is 2, but this layer needs at least 3", small.Message);

        var fixedSize = new Fixed8x6();
        Assert.Contains("generated for height 8, but got height 9",
            Assert.Throws<ArgumentException>(() => fixedSize.Forward(new float[2 * 9 * 6], new float[3 * 7 * 4], 1, 9, 6)).Message);

        var shared = new float[300];
        var padded = new Padded3x3();
        Assert.Contains("overlap", Assert.Throws<ArgumentException>(() => padded.Forward(shared.AsSpan(0, 75), shared.AsSpan(50, 125), 1, 5, 5)).Message);
    }

    [Fact]
    public void Sizes_whose_products_overflow_int_are_rejected_clearly()
    {
        var layer = new Padded3x3();
        Assert.Contains("needs 3298534883328", Assert.Throws<ArgumentException>(() => layer.Forward(new float[75], new float[125], 1, 1 << 20, 1 << 20)).Message);
        Assert.Contains("needs 6442450941", Assert.Throws<ArgumentException>(() => new FullSignal().Forward(new float[3], new float[5], int.MaxValue, 3)).Message);
        Assert.Contains("larger than int.MaxValue", Assert.Throws<ArgumentOutOfRangeException>(() => FullSignal.OutputLength(int.MaxValue)).Message);
        Assert.Throws<ArgumentException>(() => layer.GetOutputShape([1, 3, unchecked((nint)int.MaxValue + 1), 4]));
    }

    public static TheoryData<string, int, int> GuardCases => new()
    {
        { nameof(Padded3x3), 3, 1 }, { nameof(Padded3x3), 4, 3 }, { nameof(Padded3x3), 6, 37 },
        { nameof(DepthwiseStride2), 3, 3 }, { nameof(DepthwiseStride2), 5, 7 }, { nameof(DepthwiseStride2), 9, 75 },
        { nameof(Fixed8x6), 8, 6 },
        { nameof(DilatedSignal), 1, 1 }, { nameof(DilatedSignal), 1, 3 }, { nameof(DilatedSignal), 1, 41 },
    };

    /// <summary>Output spans in the middle of NaN-filled arrays: nothing outside is written, every
    /// value inside is written and matches the float64 reference. Covers rows narrower than a vector.</summary>
    [Theory]
    [MemberData(nameof(GuardCases))]
    public void Forward_writes_exactly_the_output_and_matches_the_reference(string name, int height, int width)
    {
        var (layer, geometry) = Create(name);
        const int batch = 2;
        bool is1d = name == nameof(DilatedSignal);
        nint[] inputShape = is1d ? [batch, geometry.InChannels, width] : [batch, geometry.InChannels, height, width];
        float[] input = Values(batch * geometry.InChannels * height * width, 11);
        int outputLength = batch * geometry.OutChannels * geometry.OutputHeight(height) * geometry.OutputWidth(width);
        var buffer = Enumerable.Repeat(float.NaN, outputLength + 64).ToArray();

        layer.Forward(input, inputShape, buffer.AsSpan(32, outputLength));

        Assert.All(buffer.Take(32).Concat(buffer.Skip(32 + outputLength)), value => Assert.True(float.IsNaN(value)));
        var expected = new double[outputLength];
        var magnitude = new double[outputLength];
        ReferenceConvolution.Conv2d(geometry, input, batch, height, width, Weight(geometry), Bias(geometry, name), expected, magnitude);
        for (int i = 0; i < outputLength; i++)
        {
            Assert.True(Math.Abs(buffer[32 + i] - expected[i]) <= (1e-5 * magnitude[i]) + 1e-7, $"output {i}: {buffer[32 + i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void Tensor_forward_takes_batched_unbatched_and_strided_input()
    {
        var layer = new Padded3x3();
        var batched = Tensor.Create(Values(2 * 3 * 6 * 7, 3), [2, 3, 6, 7]);
        var unbatched = Tensor.Create(Values(3 * 6 * 7, 4), [3, 6, 7]);

        Assert.Equal([2, 5, 6, 7], layer.Forward(batched).Lengths.ToArray());
        Assert.Equal([5, 6, 7], layer.Forward(unbatched).Lengths.ToArray());

        // A strided view (second image, rows 1..4) gives what its dense copy gives.
        var view = batched.Slice([1..2, 0..3, 1..5, 0..7]);
        var dense = Tensor.Create(LayerTensors.Contiguous(view).ToArray(), [1, 3, 4, 7]);
        Assert.False(view.IsDense);
        Assert.Equal(LayerTensors.Contiguous(layer.Forward(dense)).ToArray(), LayerTensors.Contiguous(layer.Forward(view)).ToArray());

        var signal = new DilatedSignal();
        Assert.Equal([4, 3, 9], signal.Forward(Tensor.Create(Values(4 * 2 * 9, 5), [4, 2, 9])).Lengths.ToArray());
        Assert.Equal([3, 9], signal.Forward(Tensor.Create(Values(2 * 9, 6), [2, 9])).Lengths.ToArray());
    }

    [Fact]
    public void Tensor_forward_rejects_wrong_rank_and_channels_naming_the_shape()
    {
        var layer = new Padded3x3();
        Assert.Contains("expected 3 input channels, got shape [1, 4, 8, 8]",
            Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Create(new float[256], [1, 4, 8, 8]))).Message);
        Assert.Contains("expected an NCHW or CHW input, got shape [3, 64]",
            Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Create(new float[192], [3, 64]))).Message);
        Assert.Contains("expected an NCL or CL input, got shape [1, 2, 3, 4]",
            Assert.Throws<ArgumentException>(() => new DilatedSignal().Forward(Tensor.Create(new float[24], [1, 2, 3, 4]))).Message);
        Assert.Throws<ArgumentNullException>(() => layer.Forward((Tensor<float>)null!));
    }

    [Fact]
    public void Shape_methods_agree_with_the_reference_arithmetic()
    {
        for (int size = 3; size < 40; size++)
        {
            Assert.Equal(ConvGeometry.OutputSize(size, 3, 2, 0, 0, 1), DepthwiseStride2.OutputHeight(size));
            Assert.Equal(ConvGeometry.OutputSize(size, 3, 1, 1, 1, 1), Padded3x3.OutputWidth(size));
            Assert.Equal(size, DilatedSignal.OutputLength(size));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => DepthwiseStride2.OutputWidth(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DepthwiseStride2.OutputWidth(2));
        Assert.Equal([2, 3, 6, 4], new Fixed8x6().GetOutputShape([2, 2, 8, 6]));
        Assert.Throws<ArgumentException>(() => new Fixed8x6().GetOutputShape([2, 2, 8, 7]));
        Assert.Equal(Padded3x3.ParameterCount, ((ILayer)new Padded3x3()).ParameterCount);
        Assert.Equal(140, Padded3x3.ParameterCount);
    }

    [Fact]
    public void Forward_allocates_nothing_in_steady_state()
    {
        var layer = new Padded3x3();
        var input = Values(3 * 32 * 32, 9);
        var output = new float[5 * 32 * 32];
        var perRound = new long[8];
        for (int round = 0; round < perRound.Length; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                layer.Forward(input, output, 1, 32, 32);
            }

            perRound[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(new long[8], perRound);
    }

    private static (ILayer Layer, ConvGeometry Geometry) Create(string name)
    {
        var (geometry, hasBias) = name switch
        {
            nameof(Padded3x3) => (new ConvGeometry(3, 5, 3, 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1), true),
            nameof(DepthwiseStride2) => (new ConvGeometry(4, 4, 3, 3, 2, 2, Groups: 4), false),
            nameof(Fixed8x6) => (new ConvGeometry(2, 3, 3, 3), true),
            // 'same' with k 5, d 2: total pad 8, 4 each side; a Conv1d is a 2-D layer of height 1.
            _ => (new ConvGeometry(2, 3, 1, 5, PadLeft: 4, PadRight: 4, DilationWidth: 2), true),
        };
        float[] weight = Weight(geometry);
        float[] bias = hasBias ? Bias(geometry, name) : [];
        ILayer layer = name switch
        {
            nameof(Padded3x3) => new Padded3x3(weight, bias),
            nameof(DepthwiseStride2) => new DepthwiseStride2(weight, bias),
            nameof(Fixed8x6) => new Fixed8x6(weight, bias),
            _ => new DilatedSignal(weight, bias),
        };
        return (layer, geometry);
    }

    private static float[] Weight(ConvGeometry geometry) => Values(geometry.WeightLength, 1);

    private static float[] Bias(ConvGeometry geometry, string name) => name == nameof(DepthwiseStride2) ? [] : Values(geometry.OutChannels, 2);
}
