using System;
using System.Collections.Generic;
using System.Linq;

namespace ConvGen.Benchmarks;

/// <summary>One engine on one thread count at one point of a scaling sweep: the fastest and the median ms per call over the rounds.</summary>
public sealed record ScalingTiming(string Engine, int Threads, double MinMs, double MedianMs);

/// <summary>One point of a scaling sweep: batch x Cin x size x size, its FLOPs, each engine's timing, and the largest
/// difference of any engine's output from single-thread ONNX Runtime's, relative to ORT's largest output.</summary>
public sealed record ScalingPoint(int Batch, int Size, double Flops, IReadOnlyList<ScalingTiming> Timings, double MaxRelativeError);

/// <summary>
/// The exponent b of time = a * work^b for one engine and thread count over a sweep's points, fitted by least squares
/// on ln(median time) against ln(FLOPs): 1 = time grows linearly with work, below 1 = larger calls run at a higher
/// rate (fixed costs amortised, better thread balance), above 1 = they run at a lower one (caches). RSquared is the fit's R².
/// </summary>
public sealed record ScalingFit(string Engine, int Threads, double Exponent, double RSquared)
{
    public static ScalingFit Of(string engine, int threads, IReadOnlyList<ScalingPoint> points)
    {
        double[] x = [.. points.Select(p => Math.Log(p.Flops))];
        double[] y = [.. points.Select(p => Math.Log(p.Timings.Single(t => t.Engine == engine && t.Threads == threads).MedianMs))];
        double meanX = x.Average(), meanY = y.Average();
        double sxy = x.Zip(y, (a, b) => (a - meanX) * (b - meanY)).Sum();
        double sxx = x.Sum(a => (a - meanX) * (a - meanX));
        double syy = y.Sum(b => (b - meanY) * (b - meanY));
        double slope = sxy / sxx;
        return new ScalingFit(engine, threads, slope, syy == 0 ? 1 : slope * sxy / syy);
    }
}

/// <summary>One sweep: what varies (batch or input size), its points in increasing work, and one fit per engine and thread count.</summary>
public sealed record ScalingSweep(string Name, string Varies, IReadOnlyList<ScalingPoint> Points, IReadOnlyList<ScalingFit> Fits);

/// <summary>benchmarks/results/scaling.json: the dense 3x3 layer over batch and input size, ConvGen and ONNX Runtime on one and two threads.</summary>
public sealed record ScalingFile(string Tool, DateTime TimestampUtc, CpuInfo Cpu, SourceInfo? Source, string Layer, string Harness, int Rounds, IReadOnlyList<ScalingSweep> Sweeps);
