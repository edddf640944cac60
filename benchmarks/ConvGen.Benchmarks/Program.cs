using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ConvGen.Benchmarks;

// Runs the peak-FMA benchmark and the eight layers in one process, then writes benchmarks/results.md:
// time, GFLOP/s, % of the peak measured in this run, speed relative to ONNX Runtime, allocations.
// --short: a few seconds per benchmark (BenchmarkDotNet's ShortRun); default: BenchmarkDotNet's defaults.
bool isShort = args.Contains("--short");
string output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(FindBenchmarksDirectory(), "results.md");
var job = (isShort ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);

var peak = BenchmarkRunner.Run<PeakFmaBenchmark>(config);
var layers = BenchmarkRunner.Run<ConvLayerBenchmarks>(config);

double peakGflops = PeakFmaBenchmark.Flops / Mean(peak, nameof(PeakFmaBenchmark.Vector512Fma), null) / 1e9;
var table = new StringBuilder();
table.AppendLine(CultureInfo.InvariantCulture, $"Measured peak (12 independent Vector512 FMA chains, one core): {peakGflops:F1} GFLOP/s. " +
    $"CPU: {CpuName()}. Mode: {(isShort ? "--short" : "default")}.");
table.AppendLine();
table.AppendLine("| layer (Cin,Cout,k,s,p,d,groups,HxW) | ConvGen ms | GFLOP/s | % peak | ONNX Runtime ms | GFLOP/s | ConvGen speed vs ORT | naive ms | ConvGen allocated |");
table.AppendLine("|---|---|---|---|---|---|---|---|---|");
foreach (var layer in BenchmarkLayer.All)
{
    double convGen = Mean(layers, nameof(ConvLayerBenchmarks.ConvGen), layer.Label);
    double ort = Mean(layers, nameof(ConvLayerBenchmarks.OnnxRuntime), layer.Label);
    double naive = Mean(layers, nameof(ConvLayerBenchmarks.Naive), layer.Label);
    long allocated = Allocated(layers, nameof(ConvLayerBenchmarks.ConvGen), layer.Label);
    table.AppendLine(CultureInfo.InvariantCulture,
        $"| {layer.Label} | {convGen * 1e3:F3} | {layer.Flops / convGen / 1e9:F1} | {100 * layer.Flops / convGen / 1e9 / peakGflops:F0}% " +
        $"| {ort * 1e3:F3} | {layer.Flops / ort / 1e9:F1} | {ort / convGen:F2}x | {naive * 1e3:F1} | {allocated} B |");
}

File.WriteAllText(output, table.ToString());
Console.WriteLine(table);
Console.WriteLine($"written to {output}");

// Mean seconds per operation of one benchmark (and layer).
static double Mean(Summary summary, string method, string? layer) => summary.Reports
    .Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
        && (layer is null || (string)r.BenchmarkCase.Parameters["Layer"] == layer))
    .ResultStatistics!.Mean / 1e9;

static long Allocated(Summary summary, string method, string layer)
{
    var report = summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method && (string)r.BenchmarkCase.Parameters["Layer"] == layer);
    return report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
}

static string CpuName() => File.Exists("/proc/cpuinfo")
    ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
    : "unknown";

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
