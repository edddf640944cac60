using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics.X86;
using System.Text.RegularExpressions;
using ConvGen.Generator;
using ConvGen.Generator.Emitting;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;
using ConvGen.Tests.Infrastructure;
using ConvGen.Tests.OnnxNetwork;
using Xunit;

namespace ConvGen.Tests.Driver;

/// <summary>
/// What hovering a generated class shows (the facts in its summary), checked against independent arithmetic: multiply-adds
/// counted from the attribute (out x out_h x out_w x in/groups x kh x kw; for a transposed layer the products whose output
/// lands inside, counted tap by tap), and the scratch against what the compiled layer rents on one thread: the PartLength
/// of its generated ScratchLayout/TransformedScratchLayout (the length Run passes to ArrayPool.Rent), read by reflection,
/// plus a transposed layer's buffer of phase outputs.
/// </summary>
public partial class HoverFactsTests
{
    /// <summary>Each layer with its multiply-adds per image (per output pixel, or per input pixel for a transposed layer,
    /// when the size is not fixed), computed here from the attribute's numbers.</summary>
    private static readonly (string Attribute, long MultiplyAdds)[] Layers =
    [
        // Grouped and strided, direct.
        ("Conv2d(@in: 8, @out: 12, k: 3, s: 2, p: 1, groups: 4, h: 15, w: 20)", Conv(12, 8 / 4, 3, 3, Out(15, 3, 2, 2, 1), Out(20, 3, 2, 2, 1))),
        // Dilated: on gathered taps at this size, on transformed rows (F(4, 3)) at a larger one.
        ("Conv2d(@in: 16, @out: 16, k: 3, d: 2, p: 2, h: 10, w: 9)", Conv(16, 16, 3, 3, Out(10, 3, 1, 4, 2), Out(9, 3, 1, 4, 2))),
        ("Conv2d(@in: 32, @out: 32, k: 3, d: 2, p: 2, h: 40, w: 38)", Conv(32, 32, 3, 3, Out(40, 3, 1, 4, 2), Out(38, 3, 1, 4, 2))),
        // Transformed rows in several bands; stride 2 on transformed rows (F(4, 2)), and on gathered taps.
        ("Conv2d(@in: 64, @out: 64, k: 3, p: 1, h: 56, w: 56)", Conv(64, 64, 3, 3, 56, 56)),
        ("Conv2d(@in: 64, @out: 128, k: 3, s: 2, p: 1, h: 56, w: 57)", Conv(128, 64, 3, 3, Out(56, 3, 2, 2, 1), Out(57, 3, 2, 2, 1))),
        ("Conv2d(@in: 16, @out: 16, k: 3, s: 2, p: 1, h: 20, w: 22)", Conv(16, 16, 3, 3, Out(20, 3, 2, 2, 1), Out(22, 3, 2, 2, 1))),
        // Depthwise, strided; and depthwise with groups batched into one scratch fill.
        ("Conv2d(@in: 32, @out: 32, k: 3, s: 2, p: 1, groups: 32, h: 28, w: 28)", Conv(32, 1, 3, 3, 14, 14)),
        ("Conv2d(@in: 64, @out: 64, k: 3, p: 1, groups: 64, h: 40, w: 40)", Conv(64, 1, 3, 3, 40, 40)),
        // Grouped without Winograd, per-axis kernel, stride and padding.
        ("Conv2d(@in: 24, @out: 40, k: 3, s: 2, p: 1, groups: 2, h: 30, w: 31, winograd: false)", Conv(40, 12, 3, 3, Out(30, 3, 2, 2, 1), Out(31, 3, 2, 2, 1))),
        ("Conv2d(@in: 3, @out: 5, kh: 5, kw: 2, sw: 3, ph: 2, h: 11, w: 13)", Conv(5, 3, 5, 2, Out(11, 5, 1, 4, 1), Out(13, 2, 3, 0, 1))),
        // 1x1 read in place; a small map on gathered taps (from the image with AVX-512).
        ("Conv2d(@in: 16, @out: 24, k: 1, h: 8, w: 8)", Conv(24, 16, 1, 1, 8, 8)),
        ("Conv2d(@in: 32, @out: 32, k: 3, p: 1, h: 4, w: 4)", Conv(32, 32, 3, 3, 4, 4)),
        // 1-D: grouped, strided, dilated; a wide kernel.
        ("Conv1d(@in: 4, @out: 6, k: 5, s: 2, d: 3, p: 4, groups: 2, length: 100)", Conv(6, 2, 1, 5, 1, Out(100, 5, 2, 8, 3))),
        ("Conv1d(@in: 2, @out: 3, k: 31, s: 3, length: 200)", Conv(3, 2, 1, 31, 1, Out(200, 31, 3, 0, 1))),
        // Transposed: cropped; grouped, dilated, with output padding; 1-D with a phase without taps.
        ("ConvTranspose2d(@in: 16, @out: 8, k: 4, s: 2, p: 1, h: 7, w: 9)", 16 * 8 * Landing(7, 4, 2, 1, 0, 1) * Landing(9, 4, 2, 1, 0, 1)),
        ("ConvTranspose2d(@in: 6, @out: 4, k: 3, s: 3, p: 2, op: 1, d: 2, groups: 2, h: 5, w: 6)", 6 * 2 * Landing(5, 3, 3, 2, 1, 2) * Landing(6, 3, 3, 2, 1, 2)),
        ("ConvTranspose1d(@in: 4, @out: 6, k: 2, s: 3, groups: 2, length: 50)", 4 * 3 * Landing(50, 2, 3, 0, 0, 1)),
        // No fixed size: per output pixel (per input pixel when transposed).
        ("Conv2d(@in: 6, @out: 9, k: 3, groups: 3)", 9 * 2 * 3 * 3),
        ("Conv1d(@in: 4, @out: 5, k: 7)", 5 * 4 * 7),
        ("ConvTranspose2d(@in: 16, @out: 8, k: 4, s: 2)", 16 * 8 * 4 * 4),
    ];

    private static readonly Lazy<Generated> Compiled = new(() => new Generated(Layers.Select(layer => layer.Attribute).ToList()));

    [Fact]
    public void Multiply_adds_in_each_summary_match_an_independent_count()
    {
        for (int i = 0; i < Layers.Length; i++)
        {
            string summary = Compiled.Value.Summary(i);
            var match = MultiplyAddsLine().Match(summary);
            Assert.True(match.Success, $"{Layers[i].Attribute}: no multiply-adds in\n{summary}");
            Assert.True(Layers[i].MultiplyAdds == ParseCount(match.Groups[1].Value), $"{Layers[i].Attribute}: expected {Layers[i].MultiplyAdds:N0}, the summary says\n{summary}");
        }
    }

    [Fact]
    public void Scratch_in_each_summary_is_what_the_layer_rents_on_one_thread()
    {
        int checkedLayers = 0;
        for (int i = 0; i < Layers.Length; i++)
        {
            if (Compiled.Value.Spec(i) is ConvSpec { MultiplyAdds: not null } spec)
            {
                bool is2d = spec.Kind == LayerKind.Conv2d;
                long rented = Rented(Compiled.Value.Type(i), is2d, spec.InputHeight ?? 1, spec.InputWidth!.Value);
                var plan = KernelPlanner.Plan(spec);
                bool imageTaps = ImageTapGatherEmitter.Windows(spec, plan) is not null && Avx512F.IsSupported;
                Assert.Equal(rented, ScratchSize.OneThread(spec, plan, imageTaps));
                AssertStated(i, 4 * rented, imageTaps);
                checkedLayers++;
            }
            else if (Compiled.Value.Spec(i) is TransposedConvSpec { MultiplyAdds: not null } transposed)
            {
                // The phase outputs (every layer here has a stride, so they are placed, not written directly), then what the
                // phase convolution that rents most rents (they run one after another on one thread), for the same input size.
                var plan = TransposedPlanner.Plan(transposed);
                int h = transposed.InputHeight ?? 1, w = transposed.InputWidth!.Value;
                long outputs = 0, rented = 0;
                bool imageTaps = false;
                for (int c = 0; c < plan.Convolutions.Count; c++)
                {
                    string name = plan.Convolutions.Count == 1 ? TransposedLayerEmitter.PhaseClass : TransposedLayerEmitter.PhaseClass + c;
                    var phases = Compiled.Value.Type(i).GetNestedType(name, BindingFlags.NonPublic)!;
                    outputs += Const(phases, "OutChannels") * (transposed.Is2d ? Size(phases, "OutputHeight", h) * Size(phases, "OutputWidth", w) : Size(phases, "OutputLength", w));
                    rented = Math.Max(rented, Rented(phases, transposed.Is2d, h, w));
                    var phaseSpec = plan.Convolutions[c];
                    imageTaps |= ImageTapGatherEmitter.Windows(phaseSpec, KernelPlanner.Plan(phaseSpec)) is not null && Avx512F.IsSupported;
                }

                AssertStated(i, 4 * (outputs + rented), imageTaps);
                checkedLayers++;
            }
        }

        Assert.Equal(17, checkedLayers);
    }

    [Fact]
    public void Network_summary_totals_its_layers_and_buffers()
    {
        // Conv 3->8 3x3 stride 2, grouped conv 8->8 (4 groups), ConvTranspose 8->4 2x2 stride 2, flatten, Gemm 480->5.
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 3, 12, 10])
            .Initializer("w1", [8, 3, 3, 3], new float[216]).Initializer("w2", [8, 2, 3, 3], new float[144])
            .Initializer("wt", [8, 4, 2, 2], new float[128]).Initializer("fc", [480, 5], new float[2400])
            .Node("Conv", ["x", "w1"], ["a"], "c1", ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Conv", ["a", "w2"], ["b"], "c2", ("group", 4L), ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("ConvTranspose", ["b", "wt"], ["t"], "up", ("strides", new long[] { 2, 2 }))
            .Node("Flatten", ["t"], ["f"], "flat")
            .Node("MatMul", ["f", "fc"], ["y"], "fc")
            .Output("y");
        string path = OnnxModelHarness.WriteModel("hover.onnx", model.ToArray());
        var result = OnnxModelHarness.Run("using ConvGen;\nnamespace Nets;\n[OnnxModel(\"hover.onnx\")] public partial class Net;\n", path);
        Assert.Empty(result.AllDiagnostics);
        string source = result.GeneratedSource("Nets.Net.g.cs");
        string summary = SummaryOf(source);

        long expected = Conv(8, 3, 3, 3, 6, 5) + Conv(8, 2, 3, 3, 6, 5) + (8 * 4 * Landing(6, 2, 2, 0, 0, 1) * Landing(5, 2, 2, 0, 0, 1)) + (480 * 5);
        Assert.Equal(expected, ParseCount(Regex.Match(summary, @"Multiply-adds per sample: ([\d,]+)").Groups[1].Value));
        Assert.Contains("Parameters: 2,888, ", summary, StringComparison.Ordinal); // 216 + 144 + 128 + 2,400 weights, no bias
        long bufferBytes = 4 * Regex.Matches(source, @"private const int Buffer\d+Size = (\d+);").Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        AssertBytes(bufferBytes, Regex.Match(summary, @"intermediate buffers per sample: ([\d,.]+ [KM]?B)").Groups[1].Value, summary);
    }

    /// <summary>Floats the compiled layer's scratch layout gives one thread for an input of <paramref name="h"/> x
    /// <paramref name="w"/> (a 1-D layer: one row), with the output size from the layer's own OutputHeight/Width/Length.</summary>
    private static long Rented(Type layer, bool is2d, int h, int w)
    {
        h = is2d ? h : 1;
        int outputHeight = is2d ? (int)Size(layer, "OutputHeight", h) : 1;
        int outputWidth = (int)Size(layer, is2d ? "OutputWidth" : "OutputLength", w);
        object layout = layer.GetNestedType("ScratchLayout", BindingFlags.NonPublic) is { } direct
            ? Activator.CreateInstance(direct, h, w, outputHeight, outputWidth)!
            : Activator.CreateInstance(layer.GetNestedType("TransformedScratchLayout", BindingFlags.NonPublic)!, w, outputHeight, outputWidth, 1, 1)!;
        return (long)(double)layout.GetType().GetProperty("PartLength")!.GetValue(layout)!;
    }

    /// <summary>The summary states <paramref name="bytes"/> of scratch (with or without AVX-512 when it gives both).</summary>
    private static void AssertStated(int layer, long bytes, bool imageTaps)
    {
        string summary = Compiled.Value.Summary(layer);
        var match = ScratchLine().Match(summary);
        Assert.True(match.Success, $"{Layers[layer].Attribute}: no scratch size in\n{summary}");
        string stated = match.Groups[1].Value == "none" ? "0 B" : match.Groups[1].Value;
        AssertBytes(bytes, match.Groups[2].Success && !imageTaps ? match.Groups[2].Value : stated, $"{Layers[layer].Attribute}\n{summary}");
    }

    /// <summary>A stated size equals <paramref name="bytes"/> to the precision it is written with (B exact, KB and MB to 0.1).</summary>
    private static void AssertBytes(long bytes, string stated, string context)
    {
        string[] parts = stated.Split(' ');
        double unit = parts[1] switch { "B" => 1, "KB" => 1024, "MB" => 1024 * 1024, _ => throw new FormatException(stated) };
        double value = double.Parse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture) * unit;
        Assert.True(Math.Abs(value - bytes) <= (unit == 1 ? 0 : 0.05 * unit), $"{bytes:N0} B rented, {stated} stated: {context}");
    }

    private static long Const(Type type, string name) => Convert.ToInt64(type.GetField(name)!.GetRawConstantValue(), CultureInfo.InvariantCulture);

    private static long Size(Type type, string method, int input) => (int)type.GetMethod(method)!.Invoke(null, [input])!;

    /// <summary>Multiply-adds of a convolution: each output position of each output channel sums in/groups x kh x kw products.</summary>
    private static long Conv(int outChannels, int inPerGroup, int kh, int kw, long outputHeight, long outputWidth) =>
        outChannels * outputHeight * outputWidth * inPerGroup * kh * kw;

    /// <summary>Output size of a convolution axis (PyTorch's formula).</summary>
    private static int Out(int input, int kernel, int stride, int padTotal, int dilation) => ((input + padTotal - (dilation * (kernel - 1)) - 1) / stride) + 1;

    /// <summary>Along one axis of a transposed convolution, the (input, tap) pairs whose output i*s - p + j*d lies in the
    /// output of (in - 1)*s - 2p + d*(k - 1) + op + 1, counted one by one.</summary>
    private static long Landing(int input, int kernel, int stride, int pad, int outputPad, int dilation)
    {
        int outputs = ((input - 1) * stride) - (2 * pad) + (dilation * (kernel - 1)) + outputPad + 1;
        long pairs = 0;
        for (int i = 0; i < input; i++)
        {
            for (int j = 0; j < kernel; j++)
            {
                int o = (i * stride) - pad + (j * dilation);
                pairs += o >= 0 && o < outputs ? 1 : 0;
            }
        }

        return pairs;
    }

    private static long ParseCount(string text) => long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    /// <summary>The class's XML summary: the first in a generated file.</summary>
    private static string SummaryOf(string source)
    {
        int start = source.IndexOf("/// <summary>", StringComparison.Ordinal);
        return source[start..source.IndexOf("/// </summary>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex(@"Multiply-adds: ([\d,]+) per")]
    private static partial Regex MultiplyAddsLine();

    [GeneratedRegex(@"Scratch per call on one thread: (none|[\d,.]+ [KM]?B)(?: \(([\d,.]+ [KM]?B) without AVX-512\))?")]
    private static partial Regex ScratchLine();

    /// <summary>The layers generated into one compilation and loaded: class Li is layer i.</summary>
    private sealed class Generated
    {
        private readonly GeneratorResult _result;
        private readonly Assembly _assembly;
        private readonly Dictionary<string, LayerSpec> _specs;

        public Generated(IReadOnlyList<string> attributes)
        {
            _result = GeneratorRunner.Run("using ConvGen;\nnamespace Hover;\n" + string.Concat(attributes.Select((a, i) => $"[{a}] public partial class L{i};\n")));
            Assert.Empty(_result.AllDiagnostics);
            _assembly = InMemoryAssembly.Load(_result.Output);
            string[] steps = [TrackingNames.Conv2dModels, TrackingNames.Conv1dModels, TrackingNames.ConvTranspose2dModels, TrackingNames.ConvTranspose1dModels];
            _specs = steps.SelectMany(step => _result.RunResult.Results[0].TrackedSteps.GetValueOrDefault(step, []))
                .SelectMany(run => run.Outputs).Select(output => (LayerModel)output.Value)
                .ToDictionary(model => model.Target!.Name, model => model.Spec!);
        }

        public string Summary(int layer) => SummaryOf(_result.GeneratedSource($"Hover.L{layer}.g.cs"));

        public LayerSpec Spec(int layer) => _specs[$"L{layer}"];

        public Type Type(int layer) => _assembly.GetType($"Hover.L{layer}")!;
    }
}
