using System;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ConvGen.Benchmarks;

// Default: the peak-FMA benchmark and the eight layers (one and two threads) in one BenchmarkDotNet run -> results/convgen.json.
//   --short               BenchmarkDotNet's ShortRun (3 iterations): the eight layers in a few minutes.
// --sweep: every distinct conv of ResNet-18 and MobileNetV2 vs ONNX Runtime (Stopwatch harness) -> results/sweep.json.
//   --rounds N            samples per engine and layer (default 21); --network resnet18|mobilenet_v2: one network only.
// --scaling: the dense 3x3 layer over batch 1-64 and input 28-448, ConvGen and ORT on 1 and 2 threads -> results/scaling.json.
//   --rounds N            samples per engine and point (default 21).
// --transposed: four transposed convolutions vs ONNX Runtime, ConvGen and ORT on 1 and 2 threads, and the peak -> results/transposed.json.
//   --rounds N            samples per engine and layer (default 21).
// --image: ImageInput.ToNchw on a 224x224 image per pixel layout vs a scalar loop (BenchmarkDotNet ShortRun); prints its
//   table and exits (no JSON, no results.md).
// --report: only re-render results.md from the JSON files.
// Every mode then renders benchmarks/results.md (or --out PATH) from whatever JSON exists under
// benchmarks/results/ (or --results DIR): convgen.json, sweep.json, scaling.json, transposed.json and PyTorch's pytorch.json.
string benchmarks = FindBenchmarksDirectory();
string repository = Path.GetDirectoryName(benchmarks)!;
string output = Option("--out") ?? Path.Combine(benchmarks, "results.md");
string resultsDirectory = Option("--results") ?? Path.Combine(benchmarks, "results");

if (args.Contains("--image"))
{
    BenchmarkRunner.Run<ImageInputBenchmarks>(DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .WithOptions(ConfigOptions.DisableOptimizationsValidator));
    return;
}

if (args.Contains("--sweep"))
{
    int rounds = int.Parse(Option("--rounds") ?? "21", CultureInfo.InvariantCulture);
    var sweep = ResultFiles.SweepFileOf(SweepHarness.Run(rounds, Option("--network")), SourceInfo.Current(repository));
    foreach (var n in sweep.Networks)
    {
        Console.WriteLine(FormattableString.Invariant(
            $"{n.Network}: ConvGen speed vs ORT geomean {n.GeomeanSpeedVsOrt:F2}x, weighted {n.WeightedGeomeanSpeedVsOrt:F2}x, network conv time {n.TotalConvGenMs:F3} vs {n.TotalOrtMs:F3} ms"));
    }

    ResultFiles.Write(Path.Combine(resultsDirectory, ResultFiles.SweepName), sweep);
}
else if (args.Contains("--scaling"))
{
    int rounds = int.Parse(Option("--rounds") ?? "21", CultureInfo.InvariantCulture);
    var scaling = ScalingHarness.Run(rounds, SourceInfo.Current(repository));
    foreach (var sweep in scaling.Sweeps)
    {
        Console.WriteLine($"{sweep.Name} sweep, exponent of time vs work: " + string.Join(", ", sweep.Fits.Select(f => FormattableString.Invariant(
            $"{f.Engine} {f.Threads}T {f.Exponent:F3} (R² {f.RSquared:F4})"))));
    }

    ResultFiles.Write(Path.Combine(resultsDirectory, ResultFiles.ScalingName), scaling);
}
else if (args.Contains("--transposed"))
{
    int rounds = int.Parse(Option("--rounds") ?? "21", CultureInfo.InvariantCulture);
    ResultFiles.Write(Path.Combine(resultsDirectory, ResultFiles.TransposedName), TransposedHarness.Run(rounds, SourceInfo.Current(repository)));
}
else if (!args.Contains("--report"))
{
    bool isShort = args.Contains("--short");
    var job = (isShort ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
    var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);

    var peak = BenchmarkRunner.Run<PeakFmaBenchmark>(config);
    var layers = BenchmarkRunner.Run<ConvLayerBenchmarks>(config);

    var suite = new SuiteFile(
        "ConvGen.Benchmarks (BenchmarkDotNet, in-process)",
        isShort ? "--short" : "default",
        DateTime.UtcNow,
        CpuInfo.Current(),
        SourceInfo.Current(repository),
        PeakFmaBenchmark.Flops / Mean(peak, nameof(PeakFmaBenchmark.Vector512Fma), null) / 1e9,
        $"{PeakFmaBenchmark.Chains} independent Vector512 FMA chains, one core",
        [.. BenchmarkLayer.All.Select(layer => new LayerResult(
            layer.Label,
            layer.Flops,
            Mean(layers, nameof(ConvLayerBenchmarks.ConvGen), layer.Label) * 1e3,
            Mean(layers, nameof(ConvLayerBenchmarks.OnnxRuntime), layer.Label) * 1e3,
            Mean(layers, nameof(ConvLayerBenchmarks.Naive), layer.Label) * 1e3,
            Allocated(layers, nameof(ConvLayerBenchmarks.ConvGen), layer.Label))
        {
            ConvGenStdDevMs = StdDev(layers, nameof(ConvLayerBenchmarks.ConvGen), layer.Label) * 1e3,
            OrtStdDevMs = StdDev(layers, nameof(ConvLayerBenchmarks.OnnxRuntime), layer.Label) * 1e3,
            ConvGenTwoThreadsMs = Mean(layers, nameof(ConvLayerBenchmarks.ConvGenTwoThreads), layer.Label) * 1e3,
            OrtTwoThreadsMs = Mean(layers, nameof(ConvLayerBenchmarks.OnnxRuntimeTwoThreads), layer.Label) * 1e3,
            ConvGenTwoThreadsStdDevMs = StdDev(layers, nameof(ConvLayerBenchmarks.ConvGenTwoThreads), layer.Label) * 1e3,
            OrtTwoThreadsStdDevMs = StdDev(layers, nameof(ConvLayerBenchmarks.OnnxRuntimeTwoThreads), layer.Label) * 1e3,
        })]);
    ResultFiles.Write(Path.Combine(resultsDirectory, ResultFiles.SuiteName), suite);
}

string markdown = ResultFiles.Render(resultsDirectory);
File.WriteAllText(output, markdown);
Console.WriteLine(markdown);
Console.WriteLine($"written to {output}");

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

// Mean seconds per operation of one benchmark (and layer), and their standard deviation.
static double Mean(Summary summary, string method, string? layer) => Statistics(summary, method, layer).Mean / 1e9;

static double StdDev(Summary summary, string method, string? layer) => Statistics(summary, method, layer).StandardDeviation / 1e9;

static BenchmarkDotNet.Mathematics.Statistics Statistics(Summary summary, string method, string? layer) => summary.Reports
    .Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
        && (layer is null || (string)r.BenchmarkCase.Parameters["Layer"] == layer))
    .ResultStatistics!;

static long Allocated(Summary summary, string method, string layer)
{
    var report = summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method && (string)r.BenchmarkCase.Parameters["Layer"] == layer);
    return report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
}

static string FindBenchmarksDirectory()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "ConvGen.sln")))
        {
            return Path.Combine(directory.FullName, "benchmarks");
        }
    }

    return Directory.GetCurrentDirectory();
}
