using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace ConvGen.Benchmarks;

/// <summary>The machine's single-core FP32 peak: 12 independent Vector512 FMA chains (enough to cover
/// the FMA latency on Zen 4 and Zen 5), no memory traffic.</summary>
public class PeakFmaBenchmark
{
    public const int Iterations = 1_000_000;
    public const int Chains = 12;

    /// <summary>Floating-point operations per call: 2 per lane per FMA.</summary>
    public static double Flops => 2.0 * Vector512<float>.Count * Chains * (double)Iterations;

    /// <summary>The same kernel timed by the Stopwatch harnesses (<see cref="StopwatchTiming"/>: warm-up, median of
    /// <paramref name="rounds"/> samples), in GFLOP/s; null when Vector512 is not hardware-accelerated (no AVX-512, or
    /// DOTNET_EnableAVX512=0): it is then emulated and measures no hardware peak.</summary>
    public static double? StopwatchGflops(int rounds)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return null;
        }

        var peak = new PeakFmaBenchmark();
        Action run = () => peak.Vector512Fma();
        return Flops / StopwatchTiming.Median(StopwatchTiming.Phase(run, 40, rounds)) / 1e9;
    }

    [Benchmark]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Vector512Fma()
    {
        var m = Vector512.Create(0.999f);
        var a = Vector512.Create(1e-3f);
        Vector512<float> s0 = a, s1 = a, s2 = a, s3 = a, s4 = a, s5 = a, s6 = a, s7 = a, s8 = a, s9 = a, s10 = a, s11 = a;
        for (int i = 0; i < Iterations; i++)
        {
            s0 = Vector512.FusedMultiplyAdd(s0, m, a);
            s1 = Vector512.FusedMultiplyAdd(s1, m, a);
            s2 = Vector512.FusedMultiplyAdd(s2, m, a);
            s3 = Vector512.FusedMultiplyAdd(s3, m, a);
            s4 = Vector512.FusedMultiplyAdd(s4, m, a);
            s5 = Vector512.FusedMultiplyAdd(s5, m, a);
            s6 = Vector512.FusedMultiplyAdd(s6, m, a);
            s7 = Vector512.FusedMultiplyAdd(s7, m, a);
            s8 = Vector512.FusedMultiplyAdd(s8, m, a);
            s9 = Vector512.FusedMultiplyAdd(s9, m, a);
            s10 = Vector512.FusedMultiplyAdd(s10, m, a);
            s11 = Vector512.FusedMultiplyAdd(s11, m, a);
        }

        var sum = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11;
        return Vector512.Sum(sum);
    }
}
