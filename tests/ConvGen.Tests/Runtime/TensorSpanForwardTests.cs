using System;
using System.Linq;
using System.Numerics.Tensors;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary><see cref="LayerTensors.Forward(ILayer, ReadOnlyTensorSpan{float}, TensorSpan{float}, int)"/> on generated
/// and runtime layers: the span Forward's bits, batched and unbatched, on several threads; shape and density errors that
/// name both shapes (or the strides) and write nothing.</summary>
public class TensorSpanForwardTests
{
    private static readonly float Sentinel = BitConverter.Int32BitsToSingle(0x7FC0_BEEF);

    private static float[] Filled(int length)
    {
        var values = new float[length];
        Array.Fill(values, Sentinel);
        return values;
    }

    private static void AssertUntouched(float[] output) =>
        Assert.All(output, value => Assert.Equal(BitConverter.SingleToInt32Bits(Sentinel), BitConverter.SingleToInt32Bits(value)));

    /// <summary>The layer's span Forward on <paramref name="input"/> of <paramref name="shape"/>.</summary>
    private static float[] SpanForward(ILayer layer, float[] input, nint[] shape)
    {
        var output = new float[LayerShapes.ElementCount(layer.GetOutputShape(shape))];
        layer.Forward(input, shape, output);
        return output;
    }

    public static TheoryData<string, int[]> Layers() => new()
    {
        { "conv2d NCHW", [2, 3, 6, 7] },
        { "conv2d CHW", [3, 6, 7] },
        { "conv1d NCL", [4, 2, 9] },
        { "sequential", [2, 3, 6, 7] },
        { "linear", [5, 12] },
    };

    private static ILayer Create(string name) => name switch
    {
        "conv2d NCHW" or "conv2d CHW" => new SmallConv(new Random(1)),
        "conv1d NCL" => new SignalConv(new Random(2)),
        "sequential" => new Sequential(new SmallConv(new Random(3)), new ActivationLayer(Activation.ReLU), new MaxPool2d(2), new Flatten()),
        "linear" => new Linear(12, 4, random: new Random(4)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    // Repeated calls with one shape allocate nothing (the expected output shape is kept per thread), as span calls do.
    [Fact]
    public void Repeated_calls_allocate_nothing()
    {
        ILayer layer = new SmallConv(new Random(1));
        nint[] shape = [2, 3, 6, 7];
        float[] input = TestValues.Uniform(new Random(5), 2 * 3 * 6 * 7);
        var output = new float[LayerShapes.ElementCount(layer.GetOutputShape(shape))];
        var x = new ReadOnlyTensorSpan<float>(input, shape, []);
        var y = new TensorSpan<float>(output, layer.GetOutputShape(shape), []);
        layer.Forward(x, y, degreeOfParallelism: 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            layer.Forward(x, y, degreeOfParallelism: 1);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // Tensor spans give the span Forward's output bit for bit, whether they come from tensors or wrap arrays.
    [Theory]
    [MemberData(nameof(Layers))]
    public void Equals_the_span_forward(string name, int[] lengths)
    {
        ILayer layer = Create(name);
        nint[] shape = [.. lengths.Select(length => (nint)length)];
        float[] input = TestValues.Uniform(new Random(5), lengths.Aggregate(1, (a, b) => a * b));
        float[] expected = SpanForward(layer, input, shape);
        nint[] outputShape = layer.GetOutputShape(shape);

        float[] output = Filled(expected.Length);
        layer.Forward(new ReadOnlyTensorSpan<float>(input, shape), new TensorSpan<float>(output, outputShape));
        Assert.Equal(expected, output);

        Tensor<float> outputTensor = Tensor.Create(Filled(expected.Length), outputShape);
        layer.Forward(Tensor.Create(input, shape), outputTensor);
        Assert.Equal(expected, LayerTensors.Contiguous(outputTensor).ToArray());
    }

    // Generated layers (through ILayer) and the extension both reach the threaded span Forward.
    [Fact]
    public void Runs_on_several_threads()
    {
        var layer = new WideConv(new Random(6));
        nint[] shape = [1, 16, 64, 64];
        float[] input = TestValues.Uniform(new Random(7), 16 * 64 * 64);
        float[] expected = SpanForward(layer, input, shape);
        float[] output = Filled(expected.Length);
        layer.Forward(new ReadOnlyTensorSpan<float>(input, shape), new TensorSpan<float>(output, [1, 32, 64, 64]), degreeOfParallelism: 2);
        Assert.Equal(expected, output);
    }

    // An output of another shape, even with the right number of values, is rejected naming both shapes.
    [Theory]
    [InlineData(new[] { 2, 5, 6, 7 }, new[] { 2, 5, 7, 6 })]
    [InlineData(new[] { 2, 5, 6, 7 }, new[] { 10, 6, 7 })]
    [InlineData(new[] { 2, 5, 6, 7 }, new[] { 2, 4, 6, 7 })]
    public void Output_of_another_shape_names_both_shapes(int[] expectedShape, int[] actualShape)
    {
        var layer = new SmallConv(new Random(1));
        nint[] actual = [.. actualShape.Select(length => (nint)length)];
        float[] output = Filled(actualShape.Aggregate(1, (a, b) => a * b));
        var e = Assert.Throws<ArgumentException>(() =>
            layer.Forward(new ReadOnlyTensorSpan<float>(new float[2 * 3 * 6 * 7], [2, 3, 6, 7]), new TensorSpan<float>(output, actual)));
        Assert.Equal("output", e.ParamName);
        Assert.Contains($"output has shape [{string.Join(", ", actualShape)}]", e.Message);
        Assert.Contains($"the layer gives [{string.Join(", ", expectedShape)}]", e.Message);
        Assert.Contains("input [2, 3, 6, 7]", e.Message);
        AssertUntouched(output);
    }

    // An input the layer cannot take is rejected with the layer's own message, naming the shape.
    [Fact]
    public void Input_of_another_shape_names_it()
    {
        float[] output = Filled(2 * 5 * 6 * 7);
        var e = Assert.Throws<ArgumentException>(() => new SmallConv(new Random(1)).Forward(
            new ReadOnlyTensorSpan<float>(new float[2 * 4 * 6 * 7], [2, 4, 6, 7]), new TensorSpan<float>(output, [2, 5, 6, 7])));
        Assert.Contains("expected 3 input channels", e.Message);
        Assert.Contains("[2, 4, 6, 7]", e.Message);
        AssertUntouched(output);
    }

    // Strided views (a channel slice, a transpose, a broadcast) are rejected with their shape and strides.
    [Fact]
    public void Spans_that_are_not_dense_are_rejected_with_their_strides()
    {
        var layer = new SmallConv(new Random(1));
        float[] values = new float[2 * 4 * 6 * 7];
        float[] output = Filled(2 * 5 * 6 * 7);
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(
            new ReadOnlyTensorSpan<float>(values, 0, [2, 3, 6, 7], [4 * 6 * 7, 6 * 7, 7, 1]), new TensorSpan<float>(output, [2, 5, 6, 7])));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("input must be dense (contiguous, row-major), but shape [2, 3, 6, 7] has strides [168, 42, 7, 1]", e.Message);
        AssertUntouched(output);

        // A broadcast batch: both images are the same memory.
        e = Assert.Throws<ArgumentException>(() => layer.Forward(
            new ReadOnlyTensorSpan<float>(values, 0, [2, 3, 6, 7], [0, 42, 7, 1]), new TensorSpan<float>(output, [2, 5, 6, 7])));
        Assert.Contains("strides [0, 42, 7, 1]", e.Message);

        // The output transposed: [2, 5, 7, 6] memory seen as [2, 5, 6, 7].
        e = Assert.Throws<ArgumentException>(() => layer.Forward(
            new ReadOnlyTensorSpan<float>(values[..(2 * 3 * 6 * 7)], [2, 3, 6, 7]), new TensorSpan<float>(output, 0, [2, 5, 6, 7], [210, 42, 1, 6])));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("strides [210, 42, 1, 6]", e.Message);
        AssertUntouched(output);
    }
}
