using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Numeric;

/// <summary>
/// Layers the planner runs on Winograd-transformed rows (F(4, 3) along the kernel rows): heights that are not a
/// multiple of the tile's four rows, vertical dilations 2 and 3 (interleaved tiles, one of them wholly below the
/// output), widths that take every vector type's transform and the float one (a row narrower than every vector),
/// a remainder channel tile, groups, kernel widths 1, 4 and 5 with uneven and 'same' padding, horizontal dilation,
/// no padding on a fixed size, no bias, ReLU and SiLU; vertical stride 2 (F(4, 2) on the even rows) with horizontal
/// strides 1 to 3; on one thread, three, and two images on two. Each runs its transformed path (<c>RunTransformed</c>,
/// past the per-call choice of a layer without a fixed size, which takes the direct kernel at many of these small
/// sizes), is checked to write nothing outside its output, then against the float64 reference within the same
/// float32 bound as the direct kernels. Layers without a fixed size are also checked to choose per call exactly as
/// the planner chooses for that fixed size.
/// </summary>
public class WinogradRowsTests
{
    private static readonly (string Attribute, ConvGeometry Geometry, int Height, int Width, Activation Activation)[] Layers =
    [
        ("Conv2d(@in: 64, @out: 64, k: 3, p: 1)", new ConvGeometry(64, 64, 3, 3, 1, 1, 1, 1, 1, 1), 20, 23, Activation.None),
        ("Conv2d(@in: 8, @out: 8, k: 3, p: 1)", new ConvGeometry(8, 8, 3, 3, 1, 1, 1, 1, 1, 1), 13, 5, Activation.None),
        ("Conv2d(@in: 9, @out: 13, k: 3, p: 1, bias: false)", new ConvGeometry(9, 13, 3, 3, 1, 1, 1, 1, 1, 1), 7, 3, Activation.None),
        ("Conv2d(@in: 16, @out: 16, k: 3, p: 2, d: 2)", new ConvGeometry(16, 16, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2), 23, 19, Activation.None),
        ("Conv2d(@in: 8, @out: 12, k: 3, p: 3, d: 3)", new ConvGeometry(8, 12, 3, 3, 1, 1, 3, 3, 3, 3, 3, 3), 13, 17, Activation.None),
        ("Conv2d(@in: 32, @out: 48, k: 3, p: 1, groups: 2)", new ConvGeometry(32, 48, 3, 3, 1, 1, 1, 1, 1, 1, Groups: 2), 9, 33, Activation.None),
        ("Conv2d(@in: 8, @out: 8, kh: 3, kw: 5, ph: 1, pw: 2)", new ConvGeometry(8, 8, 3, 5, 1, 1, 1, 1, 2, 2), 6, 40, Activation.None),
        ("Conv2d(@in: 16, @out: 8, kh: 3, kw: 1, bias: false)", new ConvGeometry(16, 8, 3, 1), 11, 18, Activation.None),
        ("Conv2d(@in: 8, @out: 16, kh: 3, kw: 4, padding: Padding.Same)", new ConvGeometry(8, 16, 3, 4, 1, 1, 1, 1, 1, 2), 12, 12, Activation.None),
        ("Conv2d(@in: 8, @out: 8, k: 3, ph: 1, pw: 2, dw: 2)", new ConvGeometry(8, 8, 3, 3, 1, 1, 1, 1, 2, 2, 1, 2), 10, 21, Activation.None),
        ("Conv2d(@in: 12, @out: 12, k: 3, h: 30, w: 30)", new ConvGeometry(12, 12, 3, 3), 30, 30, Activation.None),
        ("Conv2d(@in: 16, @out: 16, k: 3, p: 1, activation: Activation.ReLU)", new ConvGeometry(16, 16, 3, 3, 1, 1, 1, 1, 1, 1), 14, 14, Activation.ReLU),
        ("Conv2d(@in: 8, @out: 8, k: 3, p: 1, activation: Activation.SiLU)", new ConvGeometry(8, 8, 3, 3, 1, 1, 1, 1, 1, 1), 9, 17, Activation.SiLU),
        // Stride 2: F(4, 2) on the even rows, kernel row 1 untransformed on the odd rows.
        ("Conv2d(@in: 64, @out: 128, k: 3, s: 2, p: 1)", new ConvGeometry(64, 128, 3, 3, 2, 2, 1, 1, 1, 1), 21, 41, Activation.None),
        ("Conv2d(@in: 8, @out: 8, k: 3, s: 2, p: 1)", new ConvGeometry(8, 8, 3, 3, 2, 2, 1, 1, 1, 1), 9, 5, Activation.None),
        ("Conv2d(@in: 12, @out: 20, k: 3, s: 2, p: 1, bias: false, activation: Activation.ReLU6)", new ConvGeometry(12, 20, 3, 3, 2, 2, 1, 1, 1, 1), 16, 20, Activation.ReLU6),
        ("Conv2d(@in: 32, @out: 32, k: 3, s: 2, p: 1, groups: 2)", new ConvGeometry(32, 32, 3, 3, 2, 2, 1, 1, 1, 1, Groups: 2), 8, 10, Activation.None),
        ("Conv2d(@in: 8, @out: 16, k: 3, sh: 2, sw: 1, p: 1)", new ConvGeometry(8, 16, 3, 3, 2, 1, 1, 1, 1, 1), 11, 7, Activation.None),
        ("Conv2d(@in: 8, @out: 8, k: 3, sh: 2, sw: 3, p: 1)", new ConvGeometry(8, 8, 3, 3, 2, 3, 1, 1, 1, 1), 13, 50, Activation.None),
        ("Conv2d(@in: 8, @out: 8, kh: 3, kw: 5, s: 2, ph: 2, pw: 4, dw: 2)", new ConvGeometry(8, 8, 3, 5, 2, 2, 2, 2, 4, 4, 1, 2), 10, 19, Activation.None),
        ("Conv2d(@in: 16, @out: 8, k: 3, s: 2, activation: Activation.SiLU)", new ConvGeometry(16, 8, 3, 3, 2, 2), 18, 35, Activation.SiLU),
    ];

    /// <summary>A layer's checked call past the argument checks: <c>RunTransformed</c> or <c>Run</c>.</summary>
    private delegate void RunPath(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width, int outputHeight, int outputWidth, int degreeOfParallelism);

    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(() => LayerCompiler.Compile(Array.ConvertAll(Layers, l => l.Attribute)));

    public static IEnumerable<object[]> Cases()
    {
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            yield return [layer, 1, 1];
            yield return [layer, 1, 3];
            yield return [layer, 2, 2];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_layer_on_transformed_rows_matches_the_float64_reference(int index, int batch, int degree)
    {
        var (attribute, geometry, height, width, activation) = Layers[index];
        var random = new Random(index);
        float[] weight = TestValues.Uniform(random, geometry.WeightLength);
        float[] bias = attribute.Contains("bias: false") ? [] : TestValues.Uniform(random, geometry.OutChannels);
        var layer = Factory.Value(index, weight, bias);
        Assert.Contains(layer.GetType().GetMethods(BindingFlags.NonPublic | BindingFlags.Static), m => m.Name.Contains("WinogradRows_"));
        var runTransformed = Path(layer, "RunTransformed");

        float[] input = TestValues.Uniform(random, batch * geometry.InChannels * height * width);
        int outputHeight = geometry.OutputHeight(height), outputWidth = geometry.OutputWidth(width);
        int length = batch * geometry.OutChannels * outputHeight * outputWidth;
        // NaN guards around the output: nothing may be written outside it.
        var guarded = Enumerable.Repeat(float.NaN, length + 64).ToArray();
        runTransformed(input, guarded.AsSpan(32, length), batch, height, width, outputHeight, outputWidth, degree);
        Assert.All(guarded.Take(32).Concat(guarded.Skip(32 + length)), v => Assert.True(float.IsNaN(v)));
        float[] output = guarded.AsSpan(32, length).ToArray();

        double[] magnitude = ReferenceCheck.Magnitude(geometry, input, batch, height, width, weight, bias, out double[] reference);
        double relative = 2.0 * (geometry.FanIn + 1) * Math.Pow(2, -24);
        for (int i = 0; i < length; i++)
        {
            double expected = ActivationReference.Apply(activation, reference[i]);
            // SiLU's slope is below 1.1; its float32 evaluation adds up to 1e-6 * (1 + |x|) (as in FusedActivationTests).
            double bound = activation == Activation.SiLU
                ? (1.1 * relative * magnitude[i]) + (1e-6 * (1 + Math.Abs(reference[i])))
                : (relative * magnitude[i]) + 1e-30;
            if (!(Math.Abs(output[i] - expected) <= bound))
            {
                Assert.Fail($"{attribute} on {height}x{width}, batch {batch}, degree {degree}: output {i} is {output[i]}, expected {expected} (bound {bound:E2})");
            }
        }
    }

    /// <summary>A layer without a fixed size has both paths and takes, per call, the one the planner takes for that fixed
    /// size (<see cref="WinogradRows.CostsLess"/>): both outcomes occur on these sizes, and Forward matches the reference
    /// on either path.</summary>
    [Theory]
    [InlineData(0)] // 64 -> 64, stride 1
    [InlineData(13)] // 64 -> 128, stride 2
    [InlineData(17)] // 8 -> 16, strides 2 and 1
    public void A_layer_without_a_fixed_size_chooses_its_path_per_call_as_the_planner_does_for_that_size(int index)
    {
        var (attribute, geometry, _, _, _) = Layers[index];
        var spec = new ConvSpec(LayerKind.Conv2d, geometry.InChannels, geometry.OutChannels, 3, 3, geometry.StrideHeight, geometry.StrideWidth,
            1, 1, 1, 1, 1, 1, 1, true, PaddingMode.Explicit, null, null);
        var random = new Random(index);
        float[] weight = TestValues.Uniform(random, geometry.WeightLength);
        float[] bias = TestValues.Uniform(random, geometry.OutChannels);
        var layer = Factory.Value(index, weight, bias);
        var pays = layer.GetType().GetMethod("TransformedRowsPay", BindingFlags.NonPublic | BindingFlags.Static)!;

        var chosen = new HashSet<bool>();
        foreach (int height in new[] { 3, 4, 7, 8, 13, 14, 28, 56, 57 })
        {
            foreach (int width in new[] { 3, 7, 14, 15, 28, 56, 113 })
            {
                int outputHeight = geometry.OutputHeight(height), outputWidth = geometry.OutputWidth(width);
                bool transformed = (bool)pays.Invoke(null, [(long)outputHeight, (long)outputWidth, (long)width])!;
                Assert.True(WinogradRows.CostsLess(spec, height, width) == transformed, $"{attribute} on {height}x{width}: the layer chose {(transformed ? "transformed rows" : "the direct kernel")}");
                chosen.Add(transformed);
                if (height == width || (height, width) == (57, 113))
                {
                    float[] input = TestValues.Uniform(random, geometry.InChannels * height * width);
                    float[] output = new float[geometry.OutChannels * outputHeight * outputWidth];
                    layer.Forward(input, [1, geometry.InChannels, height, width], output);
                    double[] magnitude = ReferenceCheck.Magnitude(geometry, input, 1, height, width, weight, bias, out double[] reference);
                    ReferenceCheck.AssertClose(output, i => reference[i], magnitude, geometry.FanIn, 1, $"{attribute} on {height}x{width}");
                }
            }
        }

        Assert.Equal(2, chosen.Count);
    }

    /// <summary>Every small size (1 to 12 rows, 1 to 40 columns, two images, one and two threads) on the transformed path,
    /// which the planner itself would not pick there: one tile row or less, rows narrower than every vector, tiles
    /// wholly in the padding.</summary>
    [Theory]
    [InlineData(1)]  // 8 -> 8, stride 1, padding 1
    [InlineData(14)] // 8 -> 8, stride 2, padding 1
    [InlineData(19)] // 8 -> 8, 3x5 kernel, stride 2, padding 2/4, horizontal dilation 2
    public void Every_small_size_on_transformed_rows_matches_the_float64_reference(int index)
    {
        var (attribute, geometry, _, _, activation) = Layers[index];
        var random = new Random(index);
        float[] weight = TestValues.Uniform(random, geometry.WeightLength);
        float[] bias = attribute.Contains("bias: false") ? [] : TestValues.Uniform(random, geometry.OutChannels);
        var runTransformed = Path(Factory.Value(index, weight, bias), "RunTransformed");
        for (int height = 1; height <= 12; height++)
        {
            for (int width = 1; width <= 40; width++)
            {
                int outputHeight = geometry.OutputHeight(height), outputWidth = geometry.OutputWidth(width);
                if (outputHeight == 0 || outputWidth == 0)
                {
                    continue;
                }

                int degree = 1 + ((height + width) % 2);
                float[] input = TestValues.Uniform(random, 2 * geometry.InChannels * height * width);
                int length = 2 * geometry.OutChannels * outputHeight * outputWidth;
                var guarded = Enumerable.Repeat(float.NaN, length + 64).ToArray();
                runTransformed(input, guarded.AsSpan(32, length), 2, height, width, outputHeight, outputWidth, degree);
                Assert.All(guarded.Take(32).Concat(guarded.Skip(32 + length)), v => Assert.True(float.IsNaN(v)));
                double[] magnitude = ReferenceCheck.Magnitude(geometry, input, 2, height, width, weight, bias, out double[] reference);
                ReferenceCheck.AssertClose(guarded.AsSpan(32, length), i => ActivationReference.Apply(activation, reference[i]), magnitude, geometry.FanIn, 1,
                    $"{attribute} on {height}x{width}, degree {degree}");
            }
        }
    }

    /// <summary><c>winograd: false</c> reaches the generated layer: no transformed rows, and the direct kernel's result.</summary>
    [Fact]
    public void A_layer_with_winograd_false_runs_the_direct_kernel()
    {
        var geometry = new ConvGeometry(64, 64, 3, 3, 1, 1, 1, 1, 1, 1);
        var random = new Random(99);
        float[] weight = TestValues.Uniform(random, geometry.WeightLength);
        float[] bias = TestValues.Uniform(random, geometry.OutChannels);
        var layer = LayerCompiler.Compile(["Conv2d(@in: 64, @out: 64, k: 3, p: 1, winograd: false)"])(0, weight, bias);
        var methods = layer.GetType().GetMethods(BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance);
        Assert.DoesNotContain(methods, m => m.Name.Contains("WinogradRows_") || m.Name == "RunTransformed");
        Assert.Contains(methods, m => m.Name.StartsWith("Conv2dDirect_", StringComparison.Ordinal));

        float[] input = TestValues.Uniform(random, geometry.InChannels * 20 * 20);
        float[] output = new float[geometry.OutChannels * 20 * 20];
        layer.Forward(input, [1, geometry.InChannels, 20, 20], output);
        double[] magnitude = ReferenceCheck.Magnitude(geometry, input, 1, 20, 20, weight, bias, out double[] reference);
        ReferenceCheck.AssertClose(output, i => reference[i], magnitude, geometry.FanIn, 1, "winograd: false on 20x20");
    }

    private static RunPath Path(ILayer layer, string name) =>
        (RunPath)Delegate.CreateDelegate(typeof(RunPath), layer, layer.GetType().GetMethod(name, BindingFlags.NonPublic | BindingFlags.Instance)!);
}
