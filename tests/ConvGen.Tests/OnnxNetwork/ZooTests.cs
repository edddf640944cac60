using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>Runs alone: its timings (and its minutes of Roslyn compiling) should not share the cores with other tests.</summary>
[CollectionDefinition(nameof(ZooCollection), DisableParallelization = true)]
public sealed class ZooCollection;

/// <summary>
/// Issue 17: real networks exported by PyTorch (tests/zoo/export.py: torchvision classifiers, a U-Net, an M5 audio
/// net, seeded weights and randomised batch-norm statistics) generated with [OnnxModel] and compared with ONNX Runtime
/// at batch 1 and 3. Each model is its own case; <c>Zoo=ci</c> is a small, fast, representative subset, <c>Zoo=full</c>
/// the rest (run with <c>--filter "Zoo=ci"</c> or <c>--filter "FullyQualifiedName~ZooTests"</c>). A model the
/// generator cannot compile yet fails with the generator's diagnostics in the message.
/// </summary>
/// <remarks>
/// Outputs are compared as |ConvGen - ORT| &lt;= 1e-4 * max(1, max |ORT|) per image: relative to the largest
/// magnitude of that image's output rather than to each element. The networks have random weights and batch-norm
/// statistics that do not match their activations, so logits of deep nets reach hundreds or thousands, and an
/// element near zero among them carries the rounding of the whole sum it came from (about 1e-7 of the scale
/// per operation); an element-wise relative bound would fail on summation order alone. The element-wise
/// figure is printed too. Where the model itself amplifies rounding more than that (efficientnet_b0's logits reach
/// ~5,700 on these inputs, and ONNX Runtime with and without its graph optimisations differs by ~9e-4 of them), the
/// bound is twice ONNX Runtime's own optimised-vs-unoptimised difference on that image: ConvGen must agree with ORT
/// about as well as ORT agrees with itself. ORT's two modes share their convolution kernels, so that spread can
/// understate how far two correct float32 engines drift apart; where ConvGen is outside it, the image is judged by
/// the truth instead: the same PyTorch model evaluated in float64 (tests/zoo/float64.py), and ConvGen must be
/// within max(1e-4 * scale, twice ORT's distance) of it.
/// </remarks>
[Collection(nameof(ZooCollection))]
public class ZooTests(ITestOutputHelper output)
{
    /// <summary>Fast and together covering what the zoo uses: depthwise convolutions, Clip, residual Add and Gemm
    /// (mobilenet_v2), Concat of branches, ceil-mode MaxPool and Identity (squeezenet1_1), ConvTranspose and skip
    /// Concat (unet), Conv1d, ReduceMean and LogSoftmax (m5), two outputs, dilated convolutions, squeeze-excitation
    /// and a bilinear Resize to sizes that carry the batch (deeplabv3_mobilenet_v3_large).</summary>
    public static readonly string[] CiModels = ["mobilenet_v2", "squeezenet1_1", "unet", "m5", "deeplabv3_mobilenet_v3_large"];

    /// <summary>Also run from eight threads at once on one instance (see <see cref="SharedInstanceCheck"/>): residual
    /// adds (mobilenet_v2) and concatenated branches (squeezenet1_1).</summary>
    public static readonly string[] SharedInstanceModels = ["mobilenet_v2", "squeezenet1_1"];

    public static readonly string[] FullModels =
    [
        "resnet18", "resnet50", "mobilenet_v3_small", "mobilenet_v3_large", "shufflenet_v2_x1_0", "efficientnet_b0",
        "googlenet", "densenet121", "convnext_tiny", "regnet_y_400mf", "mnasnet0_5", "resnext50_32x4d", "vgg11",
        "inception_v3", "lraspp_mobilenet_v3_large", "fcn_resnet50",
    ];

    public static TheoryData<string> Ci => new(CiModels);

    public static TheoryData<string> Full => new(FullModels);

    private const double Tolerance = 1e-4;

    [Theory]
    [Trait("Zoo", "ci")]
    [MemberData(nameof(Ci))]
    public void Ci_model_matches_ONNX_Runtime(string name) => CheckAgainstOnnxRuntime(name, Zoo.Ci);

    [Theory]
    [Trait("Zoo", "full")]
    [MemberData(nameof(Full))]
    public void Full_model_matches_ONNX_Runtime(string name) => CheckAgainstOnnxRuntime(name, Zoo.Full);

    private void CheckAgainstOnnxRuntime(string name, Lazy<Zoo.Export> export)
    {
        string path = export.Value.Path(name);
        output.WriteLine($"export: {export.Value.Lines.GetValueOrDefault(name, "?")} (export.py run: {export.Value.Seconds:F1} s for {export.Value.Lines.Count} models)");
        try
        {
            Check(name, path);
        }
        finally
        {
            File.Delete(path); // each model serves one case; the whole zoo is ~280 MB, and the test host may be killed before ProcessExit
        }
    }

    private void Check(string name, string path)
    {
        byte[] model = File.ReadAllBytes(path);

        var clock = Stopwatch.StartNew();
        object net;
        try
        {
            net = OnnxModelHarness.CompileNetwork(path);
        }
        catch (Exception e) when (e is XunitException or InvalidOperationException)
        {
            throw new XunitException($"{name}: [OnnxModel] does not compile it yet (after {clock.Elapsed.TotalSeconds:F1} s): {Summary(path)}\n{e.Message}");
        }

        double compileSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"generator + compile + load: {compileSeconds:F1} s");

        long[] sample = Zoo.SampleShape(name);
        foreach (int batch in new[] { 1, 3 })
        {
            long[] shape = [batch, .. sample];
            float[] input = Zoo.RandomInput(shape, seed: 17 + batch);
            var expectedAll = OnnxModelHarness.RunOnnxRuntimeAll(model, input, shape);
            // ONNX Runtime without its graph optimisations (no fusions, other kernels): how far the model's own float32
            // rounding lets two correct engines drift apart on this input.
            var unoptimisedAll = OnnxModelHarness.RunOnnxRuntimeAll(model, input, shape, GraphOptimizationLevel.ORT_DISABLE_ALL);
            var actualAll = OnnxModelHarness.ForwardAll(net, input, shape);
            Assert.Equal(expectedAll.Count, actualAll.Count);
            var float64 = new Lazy<double[]>(() =>
            {
                double[] values = Zoo.Float64(name, input);
                int expectedLength = expectedAll.Sum(x => x.Values.Length);
                Assert.True(values.Length == expectedLength, $"float64.py gave {values.Length} values for outputs of {expectedLength}");
                return values;
            });
            int outputStart = 0; // of output o in the float64 values, which hold the outputs one after another
            for (int o = 0; o < actualAll.Count; o++)
            {
                var (expected, expectedShape) = expectedAll[o];
                var (actual, actualShape) = actualAll[o];
                float[] unoptimised = unoptimisedAll[o].Values;
                string which = actualAll.Count == 1 ? "" : $" output {o}";
                Assert.Equal(expectedShape.Select(d => (nint)d), actualShape);
                int perImage = expected.Length / batch;
                for (int n = 0; n < batch; n++)
                {
                    var e = expected.AsSpan(n * perImage, perImage);
                    var a = actual.AsSpan(n * perImage, perImage);
                    double scale = Math.Max(1, MaxAbs(e));
                    double worst = 0, worstElementwise = 0, ortSpread = 0;
                    int worstAt = 0;
                    for (int i = 0; i < perImage; i++)
                    {
                        ortSpread = Math.Max(ortSpread, Math.Abs(unoptimised[(n * perImage) + i] - e[i]));
                    }

                    for (int i = 0; i < perImage; i++)
                    {
                        double error = Math.Abs(a[i] - e[i]);
                        worstElementwise = Math.Max(worstElementwise, error / Math.Max(1, Math.Abs(e[i])));
                        if (error > worst)
                        {
                            (worst, worstAt) = (error, i);
                        }
                    }

                    double bound = Math.Max(Tolerance * scale, 2 * ortSpread);
                    output.WriteLine($"batch {batch} image {n}{which}: max |ORT| {MaxAbs(e):G4}, max error / scale {worst / scale:E2}, element-wise {worstElementwise:E2}, ORT optimised vs not / scale {ortSpread / scale:E2}");
                    if (worst <= bound)
                    {
                        continue;
                    }

                    var truth = float64.Value.AsSpan(outputStart + (n * perImage), perImage);
                    double convGenToTruth = MaxDifference(a, truth), ortToTruth = MaxDifference(e, truth);
                    output.WriteLine($"  beyond ORT's spread: distance to float64 PyTorch / scale, ConvGen {convGenToTruth / scale:E2}, ORT {ortToTruth / scale:E2}");
                    Assert.True(
                        convGenToTruth <= Math.Max(Tolerance * scale, 2 * ortToTruth),
                        $"{name}, batch {batch}, image {n}{which}, value {worstAt}: ConvGen {a[worstAt]}, ONNX Runtime {e[worstAt]}; error {worst:G4} > max({Tolerance} * {scale:G4}, twice ONNX Runtime's own optimised-vs-unoptimised difference {ortSpread:G4}), and ConvGen's distance to float64 PyTorch {convGenToTruth:G4} > max({Tolerance} * {scale:G4}, twice ORT's {ortToTruth:G4})");
                }

                outputStart += expected.Length;
            }
        }

        if (net is not ILayer layer)
        {
            output.WriteLine("several outputs: not timed");
            return;
        }

        if (SharedInstanceModels.Contains(name))
        {
            clock.Restart();
            SharedInstanceCheck.Run(layer, sample, threads: 8, calls: 500, maxBatch: 2);
            output.WriteLine($"one instance, 8 threads x 500 calls, batch 1-2: bit-identical to lone calls ({clock.Elapsed.TotalSeconds:F1} s)");
        }

        // Speed on one thread, one image at a time: the best of a few runs after the warm-up above, for both.
        long[] single = [1, .. sample];
        float[] x = Zoo.RandomInput(single, seed: 1);
        nint[] nativeShape = [.. single.Select(d => (nint)d)];
        var y = new float[layer.GetOutputShape(nativeShape).Aggregate(1L, (p, d) => p * d)];
        double convGenMs = BestMilliseconds(() => layer.Forward(x, nativeShape, y, degreeOfParallelism: 1));

        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        using var ortInput = OrtValue.CreateTensorValueFromMemory(x, single);
        using var runOptions = new RunOptions();
        string inputName = session.InputMetadata.Keys.Single(), outputName = session.OutputMetadata.Keys.Single();
        double ortMs = BestMilliseconds(() =>
        {
            using var outputs = session.Run(runOptions, [inputName], [ortInput], [outputName]);
        });
        output.WriteLine($"one thread, batch 1: ConvGen {convGenMs:F2} ms/image, ONNX Runtime {ortMs:F2} ms/image");
    }

    /// <summary>The generator's diagnostics for the model, one line per id (Compile's message lists only the first
    /// five, each with the whole list of supported operators): e.g. "CG0023 x8: unsupported Concat x8".</summary>
    private static string Summary(string path)
    {
        var result = OnnxModelHarness.Run($"using ConvGen;\nnamespace Nets;\n[OnnxModel(\"{Path.GetFileName(path)}\")] public partial class Net;\n", path);
        var lines = result.AllDiagnostics.GroupBy(d => d.Id).Select(group =>
        {
            var unsupported = group.Select(d => Regex.Match(d.GetMessage(CultureInfo.InvariantCulture), @"is an? (\w+), which \[OnnxModel\] does not support"))
                .Where(m => m.Success).GroupBy(m => m.Groups[1].Value).Select(op => $"{op.Key} x{op.Count()}").ToList();
            return unsupported.Count > 0
                ? $"{group.Key} x{group.Count()}: unsupported {string.Join(", ", unsupported)}"
                : $"{group.Key} x{group.Count()}: {group.First().GetMessage(CultureInfo.InvariantCulture)}";
        });
        return "\n  " + string.Join("\n  ", lines);
    }

    private static double MaxDifference(ReadOnlySpan<float> values, ReadOnlySpan<double> reference)
    {
        double max = 0;
        for (int i = 0; i < values.Length; i++)
        {
            max = Math.Max(max, Math.Abs(values[i] - reference[i]));
        }

        return max;
    }

    private static double MaxAbs(ReadOnlySpan<float> values)
    {
        double max = 0;
        foreach (float v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }

    /// <summary>Best of five timed runs after one warm-up (the machine is shared: the minimum is the stable figure).</summary>
    private static double BestMilliseconds(Action run)
    {
        run();
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return best;
    }

    /// <summary>Runs tests/zoo/export.py with Debian's PyTorch once per test run and group, into a temporary folder
    /// deleted when the process exits. Missing Python or torch fails every zoo test with how to install them.</summary>
    internal static class Zoo
    {
        public static readonly Lazy<Export> Ci = new(() => Run(CiModels));

        public static readonly Lazy<Export> Full = new(() => Run(FullModels));

        /// <summary>The small real models the generator's fuzz test corrupts: a 1-D net, a U-Net and SqueezeNet.</summary>
        public static readonly Lazy<Export> Fuzz = new(() => Run(["m5", "unet", "squeezenet1_1"]));

        private const string Install = "apt-get install python3-torchvision python3-onnx";

        /// <summary>The shape of one sample, as export.py traces it (its default, full size).</summary>
        public static long[] SampleShape(string name) => name switch
        {
            "unet" => [3, 64, 64],
            "m5" => [1, 8000],
            _ => [3, 224, 224],
        };

        /// <summary>Standard normal values (Box-Muller) from a seeded generator.</summary>
        public static float[] RandomInput(long[] shape, int seed)
        {
            var random = new Random(seed);
            var values = new float[shape.Aggregate(1L, (p, d) => p * d)];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }

            return values;
        }

        /// <summary>The model's outputs for <paramref name="input"/> (a batch of samples) from PyTorch in float64
        /// (tests/zoo/float64.py), the graph's outputs one after another.</summary>
        public static double[] Float64(string name, float[] input)
        {
            string folder = Directory.CreateTempSubdirectory("convgen-float64-").FullName;
            try
            {
                string source = System.IO.Path.Combine(folder, "input.bin"), destination = System.IO.Path.Combine(folder, "output.bin");
                File.WriteAllBytes(source, MemoryMarshal.AsBytes(input.AsSpan()).ToArray());
                string script = System.IO.Path.Combine(DigitsModelTests.RepositoryRoot(), "tests", "zoo", "float64.py");
                var (code, printed, error) = Start(Python, TimeSpan.FromMinutes(10), script, name, source, destination);
                if (code != 0)
                {
                    throw new XunitException($"{script} failed with exit code {code}:\n{printed}\n{error}");
                }

                return MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(destination)).ToArray();
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        /// <summary>Debian's Python, where PyTorch and onnx are installed (or CONVGEN_PYTHON).</summary>
        public static string Python => Environment.GetEnvironmentVariable("CONVGEN_PYTHON") ?? "/usr/bin/python3";

        private static Export Run(IEnumerable<string> names)
        {
            string python = Python;
            if (!File.Exists(python))
            {
                throw new XunitException($"The zoo tests need Debian's Python with PyTorch at {python} (or CONVGEN_PYTHON): {Install}");
            }

            var (code, _, error) = Start(python, TimeSpan.FromMinutes(2), "-c", "import torch, torchvision");
            if (code != 0)
            {
                throw new XunitException($"The zoo tests need PyTorch and torchvision for {python}: {Install}\n{error}");
            }

            string folder = Directory.CreateTempSubdirectory("convgen-zoo-").FullName;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
            string script = Path.Combine(DigitsModelTests.RepositoryRoot(), "tests", "zoo", "export.py");
            var clock = Stopwatch.StartNew();
            (code, string printed, error) = Start(python, TimeSpan.FromMinutes(20), [script, folder, .. names]);
            if (code != 0)
            {
                throw new XunitException($"{script} failed with exit code {code}:\n{printed}\n{error}");
            }

            var lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToDictionary(line => line.Split(' ')[0], line => line);
            return new Export(folder, clock.Elapsed.TotalSeconds, lines);
        }

        public static (int Code, string Output, string Error) Start(string file, TimeSpan timeout, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["OMP_NUM_THREADS"] = "1"; // the export is a trace, not a computation: leave the cores to the tests
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new XunitException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}");
            }

            return (process.ExitCode, stdout.Result, stderr.Result);
        }

        internal sealed record Export(string Folder, double Seconds, IReadOnlyDictionary<string, string> Lines)
        {
            public string Path(string name) => System.IO.Path.Combine(Folder, name + ".onnx");
        }
    }
}
