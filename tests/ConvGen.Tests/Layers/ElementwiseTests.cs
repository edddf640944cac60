using System;
using System.Linq;
using System.Numerics.Tensors;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Layers;

/// <summary>Activations (the fused-activation hook and the standalone layers), LeakyReLU, Softmax, BatchNorm2d, Linear,
/// Flatten and Upsample against the float64 references.</summary>
public class ElementwiseTests
{
    public static TheoryData<Activation> AllActivations() => new(Enum.GetValues<Activation>());

    // Every length from 0 to 70 and a long one (vector bodies, tails, the 1024-value chunks of SiLU), with
    // guard values around the slice that must stay untouched.
    [Theory]
    [MemberData(nameof(AllActivations))]
    public void Apply_matches_reference_on_every_length_and_writes_only_its_span(Activation activation)
    {
        var random = new Random(21 + (int)activation);
        foreach (int length in Enumerable.Range(0, 71).Append(257).Append(1000))
        {
            float[] x = LayerAssert.Uniform(random, length, 8);
            var buffer = new float[length + 2];
            buffer[0] = buffer[^1] = 12345f;
            x.CopyTo(buffer, 1);
            Activations.Apply(activation, buffer.AsSpan(1, length));
            Assert.Equal(12345f, buffer[0]);
            Assert.Equal(12345f, buffer[^1]);
            double[] expected = x.Select(v => ActivationReference.Apply(activation, v)).ToArray();
            LayerAssert.Close(buffer.AsSpan(1, length), expected, 2e-6, 2e-6, $"{activation}, length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(AllActivations))]
    public void Apply_handles_infinities_and_NaN_as_PyTorch(Activation activation)
    {
        float[] x = [float.NegativeInfinity, float.PositiveInfinity, float.NaN, -0f, 100f, -100f];
        Activations.Apply(activation, x);
        Assert.True(float.IsNaN(x[2]), $"{activation}(NaN) must be NaN");
        double[] expected = [double.NegativeInfinity, double.PositiveInfinity, double.NaN, 0, 100, -100];
        LayerAssert.Close(x, expected.Select(v => ActivationReference.Apply(activation, v)).ToArray(), 1e-6, 1e-6, activation.ToString());
    }

    [Fact]
    public void Apply_rejects_unknown_activation_and_allocates_nothing()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.Apply((Activation)99, new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActivationLayer((Activation)99));
        var values = LayerAssert.Uniform(new Random(1), 3000, 4);
        Activation[] all = Enum.GetValues<Activation>();
        foreach (Activation activation in all)
        {
            Activations.Apply(activation, values);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (Activation activation in all)
        {
            Activations.Apply(activation, values);
            Activations.LeakyReLU(values, 0.2f);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // The erf behind GELU against a float64 series on a fine grid: |error| < 1e-6 everywhere.
    [Fact]
    public void Erf_is_within_1e_minus_6_of_the_float64_series()
    {
        for (double x = -7; x <= 7; x += 0.001)
        {
            double error = Math.Abs(Activations.Erf((float)x) - ActivationReference.Erf((float)x));
            Assert.True(error < 1e-6, $"erf({x}) is off by {error:E2}");
        }

        Assert.Equal(0.8427007929497149, ActivationReference.Erf(1), 14); // the reference itself: erf(1)
        Assert.Equal(0.9999779095030014, ActivationReference.Erf(3), 14);
    }

    [Theory]
    [InlineData(0.01f)]
    [InlineData(0.2f)]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(3f)]
    public void LeakyReLU_matches_reference(float slope)
    {
        float[] x = LayerAssert.Uniform(new Random(3), 300, 5);
        var layer = new LeakyReLU(slope);
        var y = new float[300];
        layer.Forward(x, [3, 100], y);
        LayerAssert.Close(y, x.Select(v => v >= 0 ? (double)v : slope * (double)v).ToArray(), 0, 1e-7, $"LeakyReLU({slope})");

        // In place: the same memory as input and output.
        layer.Forward(x, [300], x);
        Assert.Equal(y, x);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReLU(float.NaN));
    }

    [Fact]
    public void ActivationLayer_runs_in_place_but_rejects_partial_overlap()
    {
        float[] x = [-1, 2, -3, 4];
        var relu = new ActivationLayer(Activation.ReLU);
        relu.Forward(x, [4], x);
        Assert.Equal([0f, 2, 0, 4], x);
        var buffer = new float[6];
        Assert.Throws<ArgumentException>(() => relu.Forward(buffer.AsSpan(0, 4), [4], buffer.AsSpan(2, 4)));
        Assert.Equal([2, 3], relu.GetOutputShape([2, 3]));
        Assert.Equal(0, relu.ParameterCount);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 }, 1)]
    [InlineData(new[] { 2, 3, 4, 5 }, -1)]
    [InlineData(new[] { 2, 3, 4, 5 }, 0)]
    [InlineData(new[] { 2, 3, 4, 5 }, 2)]
    [InlineData(new[] { 7 }, 0)]
    [InlineData(new[] { 1, 300, 2 }, 1)]
    [InlineData(new[] { 2, 3, 300 }, 1)]   // a strided dimension wider than one 256-column chunk
    public void Softmax_matches_reference(int[] shape, int dim)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        float[] x = LayerAssert.Uniform(new Random(4), count, 30);
        var layer = new Softmax(dim);
        var y = new float[count];
        nint[] nshape = shape.Select(s => (nint)s).ToArray();
        layer.Forward(x, nshape, y);
        LayerAssert.Close(y, LayerReference.Softmax(x, shape, dim < 0 ? dim + shape.Length : dim), 1e-7, 1e-5, $"Softmax({dim}) on [{string.Join(", ", shape)}]");
    }

    [Fact]
    public void Softmax_subtracts_the_max_so_large_inputs_do_not_overflow()
    {
        float[] x = [1000, 1001, 1002];
        var y = new float[3];
        new Softmax(0).Forward(x, [3], y);
        LayerAssert.Close(y, LayerReference.Softmax(x, [3], 0), 1e-7, 1e-5, "large");
        Assert.Throws<ArgumentException>(() => new Softmax(2).GetOutputShape([3, 4]));
        Assert.Throws<ArgumentException>(() => new Softmax(-3).GetOutputShape([3, 4]));
    }

    [Theory]
    [InlineData(true, 1e-5)]
    [InlineData(false, 1e-3)]
    public void BatchNorm2d_matches_reference(bool affine, double eps)
    {
        var random = new Random(5);
        int n = 2, c = 5, h = 3, w = 7;
        float[] gamma = LayerAssert.Uniform(random, c, 2), beta = LayerAssert.Uniform(random, c), mean = LayerAssert.Uniform(random, c);
        float[] variance = LayerAssert.Uniform(random, c).Select(v => v + 1.5f).ToArray();
        variance[0] = 0; // eps alone keeps it finite
        var bn = affine ? new BatchNorm2d(gamma, beta, mean, variance, eps) : new BatchNorm2d([], [], mean, variance, eps);
        Assert.Equal(affine ? 2 * c : 0, bn.ParameterCount);
        Assert.Equal(affine ? ["weight", "bias", "running_mean", "running_var"] : ["running_mean", "running_var"], bn.Parameters.Select(p => p.Name));
        float[] x = LayerAssert.Uniform(random, n * c * h * w, 3);
        var y = new float[x.Length];
        bn.Forward(x, [n, c, h, w], y);
        LayerAssert.Close(y, LayerReference.BatchNorm(x, n, c, h * w, affine ? gamma : null, affine ? beta : null, mean, variance, eps), 1e-5, 1e-5, "BatchNorm2d");

        // Unbatched CHW, in place.
        float[] single = x[..(c * h * w)];
        bn.Forward(single, [c, h, w], single);
        Assert.Equal(y[..(c * h * w)], single);
    }

    [Fact]
    public void BatchNorm2d_defaults_are_the_identity_and_bad_input_is_rejected()
    {
        var bn = new BatchNorm2d(3, eps: 0);
        float[] x = LayerAssert.Uniform(new Random(6), 12);
        var y = new float[12];
        bn.Forward(x, [1, 3, 2, 2], y);
        Assert.Equal(x, y);
        Assert.Contains("3 channels", Assert.Throws<ArgumentException>(() => bn.GetOutputShape([1, 4, 2, 2])).Message);
        Assert.Throws<ArgumentException>(() => bn.SetParameter("running_mean", new float[4]));
        Assert.Throws<ArgumentException>(() => bn.SetParameter("num_batches_tracked", new float[1]));
        Assert.Throws<ArgumentException>(() => new BatchNorm2d(new float[3], new float[2], new float[3], new float[3]));
        Assert.ThrowsAny<ArgumentException>(() => new BatchNorm2d(0));
        Assert.ThrowsAny<ArgumentException>(() => new BatchNorm2d(3, eps: -1));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Linear_matches_reference_on_any_leading_shape(bool bias)
    {
        var random = new Random(7);
        int inFeatures = 37, outFeatures = 11;
        float[] weight = LayerAssert.Uniform(random, inFeatures * outFeatures), b = bias ? LayerAssert.Uniform(random, outFeatures) : [];
        var layer = new Linear(inFeatures, outFeatures, weight, b);
        Assert.Equal((inFeatures * outFeatures) + b.Length, layer.ParameterCount);
        foreach (nint[] shape in new nint[][] { [inFeatures], [3, inFeatures], [2, 3, inFeatures] })
        {
            int rows = LayerShapes.ElementCount(shape) / inFeatures;
            float[] x = LayerAssert.Uniform(random, rows * inFeatures);
            var y = new float[rows * outFeatures];
            layer.Forward(x, shape, y);
            nint[] expectedShape = [.. shape[..^1], outFeatures];
            Assert.Equal(expectedShape, layer.GetOutputShape(shape));
            LayerAssert.Close(y, LayerReference.Linear(x, rows, inFeatures, outFeatures, weight, bias ? b : null), 1e-5, 1e-5, "Linear");
        }
    }

    [Fact]
    public void Linear_initialises_as_PyTorch_and_rejects_bad_input()
    {
        var layer = new Linear(16, 4, random: new Random(1));
        var y = new float[4];
        layer.Forward(new float[16], [16], y);   // zero input: the bias, within ±1/sqrt(16)
        Assert.All(y, v => Assert.InRange(v, -0.25f, 0.25f));
        Assert.Equal(4, y.Distinct().Count());
        Assert.Contains("16", Assert.Throws<ArgumentException>(() => layer.GetOutputShape([2, 15])).Message);
        Assert.Throws<ArgumentException>(() => layer.SetParameter("weight", new float[63]));
        Assert.Throws<ArgumentException>(() => new Linear(16, 4, bias: false).SetParameter("bias", new float[4]));
        Assert.Throws<ArgumentNullException>(() => layer.SetParameter(null!, new float[4]));
        Assert.ThrowsAny<ArgumentException>(() => new Linear(0, 4));
    }

    [Theory]
    [InlineData(1, -1, new[] { 2, 60 })]
    [InlineData(0, -1, new[] { 120 })]
    [InlineData(1, 2, new[] { 2, 12, 5 })]
    [InlineData(-2, -1, new[] { 2, 3, 20 })]
    public void Flatten_merges_dimensions(int start, int end, int[] expected)
    {
        var layer = new Flatten(start, end);
        Assert.Equal(expected.Select(e => (nint)e), layer.GetOutputShape([2, 3, 4, 5]));
        float[] x = LayerAssert.Uniform(new Random(8), 120);
        var y = new float[120];
        layer.Forward(x, [2, 3, 4, 5], y);
        Assert.Equal(x, y);
        Assert.Throws<ArgumentException>(() => new Flatten(3, 1).GetOutputShape([2, 3, 4, 5]));
        Assert.Throws<ArgumentException>(() => new Flatten(1).Forward(new float[2], [2], new float[2]));
    }

    // Scale factors (including the exact doubling PyTorch special-cases, fractions and non-integers) and sizes.
    [Theory]
    [InlineData(2.0, 2.0, 0, 0)]
    [InlineData(3.0, 1.5, 0, 0)]
    [InlineData(0.5, 2.3, 0, 0)]
    [InlineData(1.7, 1.0, 0, 0)]
    [InlineData(0, 0, 10, 3)]
    [InlineData(0, 0, 5, 17)]
    public void Upsample_nearest_matches_reference(double factorH, double factorW, int sizeH, int sizeW)
    {
        int n = 2, c = 2, h = 5, w = 7;
        float[] x = LayerAssert.Uniform(new Random(9), n * c * h * w);
        Upsample layer = sizeH > 0 ? Upsample.WithSize(sizeH, sizeW) : Upsample.WithScale(factorH, factorW);
        int oh = sizeH > 0 ? sizeH : (int)Math.Floor(h * factorH), ow = sizeW > 0 ? sizeW : (int)Math.Floor(w * factorW);
        Assert.Equal([n, c, oh, ow], layer.GetOutputShape([n, c, h, w]));
        var y = new float[n * c * oh * ow];
        layer.Forward(x, [n, c, h, w], y);
        double[] expected = LayerReference.UpsampleNearest(x, n, c, h, w, oh, ow, sizeH > 0 ? null : factorH, sizeH > 0 ? null : factorW);
        LayerAssert.Close(y, expected, 0, 0, $"Upsample {factorH}x{factorW} / {sizeH}x{sizeW}");
    }

    [Fact]
    public void Upsample_rejects_bad_arguments()
    {
        Assert.ThrowsAny<ArgumentException>(() => Upsample.WithScale(0));
        Assert.ThrowsAny<ArgumentException>(() => Upsample.WithScale(double.NaN));
        Assert.ThrowsAny<ArgumentException>(() => Upsample.WithSize(0, 3));
        Assert.Throws<ArgumentException>(() => Upsample.WithScale(0.1).GetOutputShape([1, 1, 5, 5]));
        Assert.Contains("NCL", Assert.Throws<ArgumentException>(() => Upsample.WithScale(2).GetOutputShape([1, 2, 2])).Message);
        Tensor<float> y = Upsample.WithScale(2).Forward(Tensor.Create(new float[] { 1, 2, 3, 4 }, [1, 1, 2, 2]));
        Assert.Equal([1f, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], LayerAssert.Values(y));
    }
}
