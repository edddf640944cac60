using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConvGen.Benchmarks;

/// <summary>The CPU the numbers were measured on: /proc/cpuinfo's model name and family
/// (AMD: 25 = Zen 4, 26 = Zen 5 on this project's machines).</summary>
public sealed record CpuInfo(string Model, int? Family, int? ModelNumber, string Microarchitecture, int LogicalCores)
{
    public static CpuInfo Current()
    {
        string[] lines = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToArray() : [];
        string? Field(string name) => lines.FirstOrDefault(l => l.Split(':', 2)[0].Trim() == name)?.Split(':', 2)[1].Trim();
        int? family = int.TryParse(Field("cpu family"), CultureInfo.InvariantCulture, out int f) ? f : null;
        int? model = int.TryParse(Field("model"), CultureInfo.InvariantCulture, out int m) ? m : null;
        bool amd = Field("vendor_id") == "AuthenticAMD";
        string arch = (amd, family) switch
        {
            (true, 25) => "Zen 4",
            (true, 26) => "Zen 5",
            (_, null) => "unknown",
            _ => $"{Field("vendor_id")} family {family}",
        };
        return new CpuInfo(Field("model name") ?? "unknown", family, model, arch, Environment.ProcessorCount);
    }

    public override string ToString() => $"{Model}, cpu family {Family?.ToString(CultureInfo.InvariantCulture) ?? "?"} ({Microarchitecture})";
}

/// <summary>The source the numbers were measured from: <c>git describe</c>-like commit, and whether src/ had
/// uncommitted changes (then the numbers belong to no commit).</summary>
public sealed record SourceInfo(string Commit, bool SrcModified)
{
    public static SourceInfo Current(string repository)
    {
        string commit = Git(repository, "rev-parse --short HEAD")?.Trim() ?? "unknown";
        string? status = Git(repository, "status --porcelain -- src");
        return new SourceInfo(commit, status is null || status.Trim().Length > 0);
    }

    public override string ToString() => Commit + (SrcModified ? " + uncommitted changes in src/" : "");

    private static string? Git(string repository, string arguments)
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("git", $"-C \"{repository}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = System.Diagnostics.Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

/// <summary>One of the eight layers: mean ms per call of each engine (BenchmarkDotNet), single-threaded and, when
/// measured (files from before lack them), on two threads; and the standard deviation over the iterations for ConvGen
/// and ORT (a noise indicator).</summary>
public sealed record LayerResult(string Label, double Flops, double ConvGenMs, double OrtMs, double NaiveMs, long ConvGenAllocatedBytes)
{
    public double ConvGenStdDevMs { get; init; }

    public double OrtStdDevMs { get; init; }

    public double? ConvGenTwoThreadsMs { get; init; }

    public double? OrtTwoThreadsMs { get; init; }

    public double? ConvGenTwoThreadsStdDevMs { get; init; }

    public double? OrtTwoThreadsStdDevMs { get; init; }
}

/// <summary>benchmarks/results/convgen.json: the BenchmarkDotNet run of the peak and the eight layers.</summary>
public sealed record SuiteFile(string Tool, string Mode, DateTime TimestampUtc, CpuInfo Cpu, SourceInfo? Source, double PeakGflops, string PeakMethod, IReadOnlyList<LayerResult> Layers);

/// <summary>One distinct layer of a network in the sweep: median ms per call of each engine, the number of
/// times the layer occurs in the network, and ConvGen's largest deviation from ORT relative to ORT's largest output.</summary>
public sealed record SweepLayerResult(string Network, string Label, int Count, double Flops, double ConvGenMs, double OrtMs, double MaxRelativeError);

public sealed record SweepResult(string Harness, int Rounds, IReadOnlyList<SweepLayerResult> Layers);

/// <summary>Per network: ConvGen's speed relative to ORT (ORT time / ConvGen time, &gt; 1 = ConvGen faster).</summary>
public sealed record NetworkSummary(
    string Network, int DistinctLayers, int Convolutions,
    double GeomeanSpeedVsOrt, double WeightedGeomeanSpeedVsOrt,
    double TotalConvGenMs, double TotalOrtMs, double TotalSpeedVsOrt)
{
    public static NetworkSummary Of(string network, IReadOnlyList<(int Count, double ConvGenMs, double OtherMs)> layers)
    {
        double logSum = layers.Sum(l => Math.Log(l.OtherMs / l.ConvGenMs));
        double weightedLogSum = layers.Sum(l => l.Count * Math.Log(l.OtherMs / l.ConvGenMs));
        int convolutions = layers.Sum(l => l.Count);
        double convGen = layers.Sum(l => l.Count * l.ConvGenMs);
        double other = layers.Sum(l => l.Count * l.OtherMs);
        return new NetworkSummary(network, layers.Count, convolutions, Math.Exp(logSum / layers.Count),
            Math.Exp(weightedLogSum / convolutions), convGen, other, other / convGen);
    }
}

/// <summary>benchmarks/results/sweep.json: the ResNet-18 / MobileNetV2 sweep against ONNX Runtime.</summary>
public sealed record SweepFile(string Tool, DateTime TimestampUtc, CpuInfo Cpu, SourceInfo? Source, string Harness, int Rounds, IReadOnlyList<SweepLayerResult> Layers, IReadOnlyList<NetworkSummary> Networks);

/// <summary>benchmarks/results/pytorch.json, written by benchmarks/pytorch_bench.py (only the fields read here).</summary>
public sealed record PyTorchFile(string TorchVersion, int Threads, DateTime? TimestampUtc, CpuInfo? Cpu, IReadOnlyList<PyTorchLayer> Layers, IReadOnlyList<PyTorchSweepLayer>? Sweep);

public sealed record PyTorchLayer(string Label, double Ms);

public sealed record PyTorchSweepLayer(string Network, string Label, int Count, double Ms);

/// <summary>Reads and writes the JSON files under benchmarks/results/ and renders benchmarks/results.md from
/// whichever of them exist (the eight layers, the sweep, the scaling sweeps, the transposed convolutions, PyTorch).</summary>
public static class ResultFiles
{
    public const string SuiteName = "convgen.json";
    public const string SweepName = "sweep.json";
    public const string ScalingName = "scaling.json";
    public const string TransposedName = "transposed.json";
    public const string PyTorchName = "pytorch.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = new SnakeCase(),
        PropertyNameCaseInsensitive = true,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // ">=" stays readable; these files are never embedded in HTML
    };

    public static void Write<T>(string path, T value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(value, Options) + "\n");
        Console.WriteLine($"written to {path}");
    }

    public static T? Read<T>(string path)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            Console.Error.WriteLine($"ignoring {path}: {e.Message}");
            return null;
        }
    }

    /// <summary>A relative error above this means ConvGen and ORT computed different things: the speed comparison is void.</summary>
    public const double MismatchThreshold = 1e-4;

    public static SweepFile SweepFileOf(SweepResult sweep, SourceInfo source) => new(
        "ConvGen.Benchmarks --sweep", DateTime.UtcNow, CpuInfo.Current(), source, sweep.Harness, sweep.Rounds, sweep.Layers,
        [.. sweep.Layers.GroupBy(l => l.Network).Select(n => NetworkSummary.Of(n.Key, [.. n.Select(l => (l.Count, l.ConvGenMs, l.OrtMs))]))]);

    /// <summary>results.md: the eight layers (with a PyTorch column when pytorch.json exists), then the sweep, the scaling sweeps and the transposed convolutions.</summary>
    public static string Render(string resultsDirectory)
    {
        var suite = Read<SuiteFile>(Path.Combine(resultsDirectory, SuiteName));
        var sweep = Read<SweepFile>(Path.Combine(resultsDirectory, SweepName));
        var torch = Read<PyTorchFile>(Path.Combine(resultsDirectory, PyTorchName));
        var scaling = Read<ScalingFile>(Path.Combine(resultsDirectory, ScalingName));
        var transposed = Read<TransposedFile>(Path.Combine(resultsDirectory, TransposedName));
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# ConvGen benchmark results");
        md.AppendLine();
        md.AppendLine("Generated by `benchmarks/ConvGen.Benchmarks` from the JSON files in `benchmarks/results/`. " +
            "NCHW float32; single thread and batch 1 unless a section says otherwise. \"speed vs X\" = X's time / ConvGen's time (> 1: ConvGen is faster).");
        md.AppendLine();
        if (torch is not null)
        {
            md.AppendLine(inv, $"PyTorch {torch.TorchVersion}, {torch.Threads} thread(s), measured {Stamp(torch.TimestampUtc)} on {torch.Cpu?.ToString() ?? "?"}.");
            md.AppendLine();
            var ours = suite?.Cpu ?? sweep?.Cpu;
            if (ours is not null && (torch.Cpu is null || torch.Cpu.Model != ours.Model || torch.Cpu.Family != ours.Family || torch.Cpu.ModelNumber != ours.ModelNumber))
            {
                md.AppendLine(inv, $"**Warning:** PyTorch was measured on another CPU ({torch.Cpu?.ToString() ?? "unknown"}) than ConvGen ({ours}): rerun `benchmarks/pytorch_bench.py` here.");
                md.AppendLine();
            }
        }

        if (suite is not null)
        {
            md.AppendLine("## Eight layers (BenchmarkDotNet)");
            md.AppendLine();
            md.AppendLine(inv, $"Measured peak ({suite.PeakMethod}): {suite.PeakGflops:F1} GFLOP/s. CPU: {suite.Cpu}. " +
                $"Mode: {suite.Mode}. Measured {Stamp(suite.TimestampUtc)} from {suite.Source?.ToString() ?? "?"}.");
            md.AppendLine();
            md.AppendLine("GFLOP/s counts the direct convolution's FLOPs for every engine, so a layer ConvGen runs on Winograd-transformed rows " +
                "(3-row stride-1 layers with 8 or more channels per group: half the multiply-adds) can exceed 100% of the peak.");
            md.AppendLine();
            bool withTorch = torch is not null;
            md.Append("| layer (Cin,Cout,k,s,p,d,groups,HxW) | ConvGen ms | GFLOP/s | % peak | ONNX Runtime ms | GFLOP/s | ConvGen speed vs ORT |");
            md.AppendLine(withTorch ? " PyTorch ms | GFLOP/s | ConvGen speed vs PyTorch | naive ms | ConvGen allocated |" : " naive ms | ConvGen allocated |");
            md.AppendLine(withTorch ? "|---|---|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|---|");
            foreach (var l in suite.Layers)
            {
                md.Append(inv, $"| {l.Label} | {l.ConvGenMs:F3} | {Gflops(l.Flops, l.ConvGenMs):F1} | {100 * Gflops(l.Flops, l.ConvGenMs) / suite.PeakGflops:F0}% " +
                    $"| {l.OrtMs:F3} | {Gflops(l.Flops, l.OrtMs):F1} | {l.OrtMs / l.ConvGenMs:F2}x |");
                if (withTorch)
                {
                    double? t = torch!.Layers.FirstOrDefault(p => p.Label == l.Label)?.Ms;
                    md.Append(t is { } ms ? string.Create(inv, $" {ms:F3} | {Gflops(l.Flops, ms):F1} | {ms / l.ConvGenMs:F2}x |") : " - | - | - |");
                }

                md.AppendLine(inv, $" {l.NaiveMs:F1} | {l.ConvGenAllocatedBytes} B |");
            }

            md.AppendLine();
            RenderTwoThreads(md, suite);
            NoiseWarnings(md, suite, sweep, torch);
        }

        if (sweep is not null)
        {
            RenderSweep(md, sweep, torch);
        }

        if (scaling is not null)
        {
            RenderScaling(md, scaling);
        }

        if (transposed is not null)
        {
            RenderTransposed(md, transposed);
        }

        if (suite is null && sweep is null && scaling is null && transposed is null)
        {
            md.AppendLine("No ConvGen results yet: run `bash benchmarks/run`.");
        }

        return md.ToString();
    }

    /// <summary>The eight layers on two threads, each engine against its own single-thread time and ConvGen against ORT.</summary>
    private static void RenderTwoThreads(StringBuilder md, SuiteFile suite)
    {
        var layers = suite.Layers.Where(l => l.ConvGenTwoThreadsMs is not null && l.OrtTwoThreadsMs is not null).ToList();
        if (layers.Count == 0)
        {
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("### Two threads");
        md.AppendLine();
        md.AppendLine("Same run: ConvGen with `degreeOfParallelism: 2`, ONNX Runtime with `IntraOpNumThreads = 2` (a second session). " +
            "Speed-up = the engine's single-thread time / its two-thread time (2.00x: perfect scaling on two cores).");
        md.AppendLine();
        md.AppendLine("| layer (Cin,Cout,k,s,p,d,groups,HxW) | ConvGen 2T ms | GFLOP/s | speed-up over own 1T | ORT 2T ms | GFLOP/s | ORT speed-up over its 1T | ConvGen 2T speed vs ORT 2T |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var l in layers)
        {
            double convGen = l.ConvGenTwoThreadsMs!.Value, ort = l.OrtTwoThreadsMs!.Value;
            md.AppendLine(inv, $"| {l.Label} | {convGen:F3} | {Gflops(l.Flops, convGen):F1} | {l.ConvGenMs / convGen:F2}x " +
                $"| {ort:F3} | {Gflops(l.Flops, ort):F1} | {l.OrtMs / ort:F2}x | {ort / convGen:F2}x |");
        }

        var slower = layers.Where(l => l.OrtTwoThreadsMs < l.ConvGenTwoThreadsMs).Select(l => l.Label).ToList();
        md.AppendLine();
        md.AppendLine(inv, $"ConvGen 2T speed vs ORT 2T: geometric mean {Math.Exp(layers.Average(l => Math.Log(l.OrtTwoThreadsMs!.Value / l.ConvGenTwoThreadsMs!.Value))):F2}x; " +
            $"ConvGen's speed-up over its own single thread: {layers.Min(l => l.ConvGenMs / l.ConvGenTwoThreadsMs!.Value):F2}x to {layers.Max(l => l.ConvGenMs / l.ConvGenTwoThreadsMs!.Value):F2}x; " +
            $"ConvGen 2T slower than ORT 2T on: {(slower.Count == 0 ? "none" : string.Join(", ", slower))}.");
        md.AppendLine();
    }

    private static void RenderSweep(StringBuilder md, SweepFile sweep, PyTorchFile? torch)
    {
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("## Network sweep: ResNet-18 and MobileNetV2, 224x224 (Stopwatch harness)");
        md.AppendLine();
        md.AppendLine(inv, $"Harness: {sweep.Harness}. CPU: {sweep.Cpu}. Measured {Stamp(sweep.TimestampUtc)} from {sweep.Source?.ToString() ?? "?"}. " +
            $"Every distinct convolution once; \"x n\" is how often it occurs in the network. " +
            $"Weighted = weighted by occurrences; network conv time = sum over layers of occurrences x ms.");
        md.AppendLine();
        foreach (var network in sweep.Networks)
        {
            var layers = sweep.Layers.Where(l => l.Network == network.Network).ToList();
            var torchLayers = torch?.Sweep?.Where(l => l.Network == network.Network).ToDictionary(l => l.Label, l => l.Ms);
            bool withTorch = torchLayers is { Count: > 0 };
            md.AppendLine(inv, $"### {network.Network}: {network.DistinctLayers} distinct of {network.Convolutions} convolutions");
            md.AppendLine();
            md.Append("| layer (Cin,Cout,k,s,p,d,groups,HxW) | x n | ConvGen ms | GFLOP/s | ONNX Runtime ms | GFLOP/s | ConvGen speed vs ORT |");
            md.AppendLine(withTorch ? " PyTorch ms | ConvGen speed vs PyTorch | max rel. error vs ORT |" : " max rel. error vs ORT |");
            md.AppendLine(withTorch ? "|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|");
            foreach (var l in layers)
            {
                md.Append(inv, $"| {l.Label} | {l.Count} | {l.ConvGenMs:F4} | {Gflops(l.Flops, l.ConvGenMs):F1} | {l.OrtMs:F4} | {Gflops(l.Flops, l.OrtMs):F1} | {l.OrtMs / l.ConvGenMs:F2}x |");
                if (withTorch)
                {
                    md.Append(torchLayers!.TryGetValue(l.Label, out double ms) ? string.Create(inv, $" {ms:F4} | {ms / l.ConvGenMs:F2}x |") : " - | - |");
                }

                md.AppendLine(inv, $" {l.MaxRelativeError:0.0E+0}{(l.MaxRelativeError > MismatchThreshold ? " **MISMATCH**" : "")} |");
            }

            md.AppendLine();
            md.AppendLine(inv, $"ConvGen speed vs ONNX Runtime: geometric mean {network.GeomeanSpeedVsOrt:F2}x, weighted by occurrences {network.WeightedGeomeanSpeedVsOrt:F2}x; " +
                $"network conv time {network.TotalConvGenMs:F3} ms vs {network.TotalOrtMs:F3} ms ({network.TotalSpeedVsOrt:F2}x).");
            if (withTorch)
            {
                var paired = layers.Where(l => torchLayers!.ContainsKey(l.Label)).Select(l => (l.Count, l.ConvGenMs, torchLayers![l.Label])).ToList();
                var vsTorch = NetworkSummary.Of(network.Network, paired);
                md.AppendLine();
                md.AppendLine(inv, $"ConvGen speed vs PyTorch ({paired.Count} layers): geometric mean {vsTorch.GeomeanSpeedVsOrt:F2}x, weighted {vsTorch.WeightedGeomeanSpeedVsOrt:F2}x; " +
                    $"network conv time {vsTorch.TotalConvGenMs:F3} ms vs {vsTorch.TotalOrtMs:F3} ms ({vsTorch.TotalSpeedVsOrt:F2}x).");
            }

            md.AppendLine();
        }
    }

    private static void RenderScaling(StringBuilder md, ScalingFile scaling)
    {
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"## Scaling: the dense 3x3 layer {scaling.Layer} over batch and input size (Stopwatch harness)");
        md.AppendLine();
        md.AppendLine(inv, $"Harness: {scaling.Harness}. CPU: {scaling.Cpu}. Measured {Stamp(scaling.TimestampUtc)} from {scaling.Source?.ToString() ?? "?"}. " +
            $"ConvGen with `degreeOfParallelism` 1 and 2 (one generated layer for every size), ONNX Runtime with `IntraOpNumThreads` 1 and 2 (sessions per shape). " +
            $"Each cell: median ms per call (fastest sample in parentheses) and GFLOP/s of the median. " +
            $"Exponent: b in time = a x work^b, least squares on log-log over the sweep's points (1.00 = time grows linearly with work).");
        md.AppendLine();
        foreach (var sweep in scaling.Sweeps)
        {
            var engines = sweep.Fits.Select(f => (f.Engine, f.Threads)).ToList();
            md.AppendLine(inv, $"### {sweep.Varies}");
            md.AppendLine();
            md.AppendLine("| batch | HxW | GFLOP |" + string.Concat(engines.Select(e => $" {e.Engine} {e.Threads}T ms | GFLOP/s |")) + " max rel. error vs ORT 1T |");
            md.AppendLine("|---|---|---|" + string.Concat(engines.Select(_ => "---|---|")) + "---|");
            foreach (var p in sweep.Points)
            {
                md.Append(inv, $"| {p.Batch} | {p.Size}x{p.Size} | {p.Flops / 1e9:F2} |");
                foreach (var (engine, threads) in engines)
                {
                    var t = p.Timings.Single(t => t.Engine == engine && t.Threads == threads);
                    md.Append(inv, $" {t.MedianMs:F3} ({t.MinMs:F3}) | {Gflops(p.Flops, t.MedianMs):F1} |");
                }

                md.AppendLine(inv, $" {p.MaxRelativeError:0.0E+0}{(p.MaxRelativeError > MismatchThreshold ? " **MISMATCH**" : "")} |");
            }

            md.AppendLine();
            md.AppendLine("Exponent of time vs work: " + string.Join("; ", sweep.Fits.Select(f => string.Create(inv, $"{f.Engine} {f.Threads}T {f.Exponent:F3} (R² {f.RSquared:F4})"))) + ".");
            md.AppendLine();
        }
    }

    private static void RenderTransposed(StringBuilder md, TransposedFile transposed)
    {
        var inv = CultureInfo.InvariantCulture;
        double? peak = transposed.PeakGflops;
        md.AppendLine("## Transposed convolutions, one and two threads (Stopwatch harness)");
        md.AppendLine();
        string peakText = peak is { } p ? string.Create(inv, $"Measured peak ({transposed.PeakMethod}): {p:F1} GFLOP/s.") : "Peak not measured (no Vector512 hardware).";
        md.AppendLine(inv, $"Harness: {transposed.Harness}. CPU: {transposed.Cpu}. Measured {Stamp(transposed.TimestampUtc)} from {transposed.Source?.ToString() ?? "?"}. {peakText} " +
            $"Batch 1, with bias, fixed input sizes. ConvGen 2T: `degreeOfParallelism: 2`; ORT 2T: `IntraOpNumThreads = 2`. " +
            $"FLOPs are the definition's multiply-adds, 2·N·Cin·(Cout/groups)·kh·kw·H·W (every input value through every tap, cropped outputs included). " +
            $"Errors: relative to the largest expected output; vs the float64 definition on each engine's first single-thread call.");
        md.AppendLine();
        md.AppendLine("| layer | Cin,Cout,k,s,p,groups,input | MFLOP | ConvGen 1T ms | GFLOP/s | % peak | ORT 1T ms | ConvGen speed vs ORT 1T " +
            "| ConvGen 2T ms | ORT 2T ms | ConvGen 2T speed vs ORT 2T | max rel. error vs ORT 1T | error vs definition (ConvGen, ORT) |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var l in transposed.Layers)
        {
            double gflops = Gflops(l.Flops, l.ConvGenMs);
            bool mismatch = Math.Max(l.MaxRelativeError, Math.Max(l.ConvGenDefinitionError, l.OrtDefinitionError)) > MismatchThreshold;
            string ofPeak = peak is { } pk ? string.Create(inv, $"{100 * gflops / pk:F0}%") : "-";
            md.AppendLine(inv, $"| {l.Name} | {l.Label} | {l.Flops / 1e6:F1} | {l.ConvGenMs:F4} | {gflops:F1} | {ofPeak} " +
                $"| {l.OrtMs:F4} | {l.OrtMs / l.ConvGenMs:F2}x | {l.ConvGenTwoThreadsMs:F4} | {l.OrtTwoThreadsMs:F4} | {l.OrtTwoThreadsMs / l.ConvGenTwoThreadsMs:F2}x " +
                $"| {l.MaxRelativeError:0.0E+0} | {l.ConvGenDefinitionError:0.0E+0}, {l.OrtDefinitionError:0.0E+0}{(mismatch ? " **MISMATCH**" : "")} |");
        }

        static string Slower(IEnumerable<TransposedLayerResult> layers) => layers.Any() ? string.Join(", ", layers.Select(l => l.Name)) : "none";
        md.AppendLine();
        md.AppendLine($"ConvGen slower than ORT on one thread on: {Slower(transposed.Layers.Where(l => l.OrtMs < l.ConvGenMs))}; " +
            $"on two threads on: {Slower(transposed.Layers.Where(l => l.OrtTwoThreadsMs < l.ConvGenTwoThreadsMs))}.");
        md.AppendLine();
        var abovePeak = transposed.Layers.Where(l => peak is { } pk && Math.Max(Gflops(l.Flops, l.ConvGenMs), Gflops(l.Flops, l.OrtMs)) > pk).Select(l => l.Name).ToList();
        if (abovePeak.Count > 0)
        {
            md.AppendLine(inv, $"**Warning:** {string.Join(", ", abovePeak)} ran faster than the measured peak on one thread: the peak measurement was disturbed (a busy machine?). Rerun on a quiet machine.");
            md.AppendLine();
        }
    }

    /// <summary>snake_case with "ConvGen" as one word: convgen_ms, total_convgen_ms.</summary>
    private sealed class SnakeCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => SnakeCaseLower.ConvertName(name).Replace("conv_gen", "convgen", StringComparison.Ordinal);
    }

    // A layer faster than its bound, or a standard deviation above 10% of the mean, means the run was disturbed.
    // Every engine's GFLOP/s on every layer (per core on two threads, counting the direct convolution's FLOPs) is checked against the
    // peak, ConvGen's against twice the peak: its Winograd-transformed rows do half the multiply-adds, no engine can do better here.
    private static void NoiseWarnings(StringBuilder md, SuiteFile suite, SweepFile? sweep, PyTorchFile? torch)
    {
        var inv = CultureInfo.InvariantCulture;
        var flops = suite.Layers.ToDictionary(l => l.Label, l => l.Flops);
        var rates = suite.Layers.SelectMany(l => new[] { ("ConvGen", l.Label, Gflops(l.Flops, l.ConvGenMs)), ("ORT", l.Label, Gflops(l.Flops, l.OrtMs)) })
            .Concat(suite.Layers.Where(l => l.ConvGenTwoThreadsMs is not null && l.OrtTwoThreadsMs is not null).SelectMany(l => new[]
            {
                ("ConvGen 2T (per core)", l.Label, Gflops(l.Flops, l.ConvGenTwoThreadsMs!.Value) / 2),
                ("ORT 2T (per core)", l.Label, Gflops(l.Flops, l.OrtTwoThreadsMs!.Value) / 2),
            }))
            .Concat((torch?.Layers ?? []).Where(l => flops.ContainsKey(l.Label)).Select(l => ("PyTorch", l.Label, Gflops(flops[l.Label], l.Ms))))
            .Concat((sweep?.Layers ?? []).SelectMany(l => new[] { ("ConvGen", $"{l.Network} {l.Label}", Gflops(l.Flops, l.ConvGenMs)), ("ORT", $"{l.Network} {l.Label}", Gflops(l.Flops, l.OrtMs)) }));
        var above = rates.Where(r => r.Item3 > suite.PeakGflops * (r.Item1.StartsWith("ConvGen", StringComparison.Ordinal) ? 2 : 1)).OrderByDescending(r => r.Item3).Select(r => string.Create(inv, $"{r.Item1} {r.Item2} ({r.Item3:F0} GFLOP/s)")).ToList();
        var abovePeak = above.Count <= 4 ? above : [.. above.Take(3), $"and {above.Count - 3} more"];
        var noisy = suite.Layers.SelectMany(l => new[]
            {
                ("ConvGen", l.Label, l.ConvGenStdDevMs / l.ConvGenMs),
                ("ORT", l.Label, l.OrtStdDevMs / l.OrtMs),
                ("ConvGen 2T", l.Label, (l.ConvGenTwoThreadsStdDevMs ?? 0) / (l.ConvGenTwoThreadsMs ?? 1)),
                ("ORT 2T", l.Label, (l.OrtTwoThreadsStdDevMs ?? 0) / (l.OrtTwoThreadsMs ?? 1)),
            })
            .Where(x => x.Item3 > 0.10).Select(x => string.Create(inv, $"{x.Item1} {x.Item2} ({100 * x.Item3:F0}%)")).ToList();
        if (abovePeak.Count > 0)
        {
            md.AppendLine(inv, $"**Warning:** {string.Join("; ", abovePeak)} ran faster than the measured peak ({suite.PeakGflops:F1} GFLOP/s; twice that for ConvGen, whose Winograd-transformed rows halve the multiply-adds): the peak benchmark was disturbed (a busy machine?). Rerun on a quiet machine.");
            md.AppendLine();
        }

        if (noisy.Count > 0)
        {
            md.AppendLine(inv, $"**Noisy** (standard deviation > 10% of the mean): {string.Join("; ", noisy)}.");
            md.AppendLine();
        }
    }

    private static double Gflops(double flops, double ms) => flops / (ms * 1e-3) / 1e9;

    private static string Stamp(DateTime? utc) => utc is { } t ? t.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "?";
}
