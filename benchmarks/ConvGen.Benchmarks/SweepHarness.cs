using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace ConvGen.Benchmarks;

/// <summary>
/// The network sweep: each distinct layer of <see cref="SweepLayer.All"/> as the generated layer and as
/// ONNX Runtime (<see cref="OrtConv"/> with IntraOpNumThreads = 1), both single-threaded, timed with a Stopwatch
/// (<see cref="StopwatchTiming"/>). Per layer: warm-up (at least 40 calls and
/// 250 ms per engine, which also gets any wrapper code past tiered compilation), a repetition count calibrated
/// so that one sample lasts at least 2 ms, then <c>rounds</c> rounds of one ConvGen sample and one ORT
/// sample, alternating which goes first, so both see the same background load. The result is the median
/// time per call over the samples. BenchmarkDotNet would take ~5-10 s per benchmark even with a short
/// job (82 benchmarks); this takes under a second per layer, about 30 s for the 41 layers.
/// </summary>
public static class SweepHarness
{
    public static SweepResult Run(int rounds, string? only)
    {
        var total = Stopwatch.StartNew();
        var results = new List<SweepLayerResult>();
        foreach (var entry in SweepLayer.All.Where(e => only is null || e.Network == only))
        {
            var result = Measure(entry, rounds);
            results.Add(result);
            if (result.MaxRelativeError > ResultFiles.MismatchThreshold)
            {
                Console.Error.WriteLine($"MISMATCH: ConvGen and ONNX Runtime disagree on {entry.Network} {entry.Layer.Label} (relative error {result.MaxRelativeError:E1})");
            }

            Console.WriteLine(FormattableString.Invariant(
                $"{entry.Network,-13} {entry.Layer.Label,-24} x{entry.Count}  ConvGen {result.ConvGenMs,9:F4} ms  ORT {result.OrtMs,9:F4} ms  speed vs ORT {result.OrtMs / result.ConvGenMs,5:F2}x  max error {result.MaxRelativeError:E1}"));
        }

        Console.WriteLine(FormattableString.Invariant($"sweep: {results.Count} layers in {total.Elapsed.TotalSeconds:F1} s"));
        return new SweepResult(
            "Stopwatch: warm-up >= 40 calls and 250 ms per engine, samples >= 2 ms, "
                + $"{rounds} alternating rounds, median per call",
            rounds,
            results);
    }

    private static SweepLayerResult Measure(SweepLayer entry, int rounds)
    {
        var c = entry.Layer;
        var g = c.Geometry;
        var random = new Random(1);
        float[] weight = LayerData.Uniform(random, g.WeightLength);
        float[] bias = c.HasBias ? LayerData.Uniform(random, g.OutChannels) : [];
        float[] input = LayerData.Uniform(random, g.InChannels * c.Size * c.Size);
        nint[] shape = [1, g.InChannels, c.Size, c.Size];
        float[] output = new float[g.OutChannels * c.OutputSize * c.OutputSize];
        float[] ortOutput = new float[output.Length];

        var layer = c.Create(weight, bias);
        using var session = new OrtConv(g, weight, bias, input, ortOutput, 1, c.Size, threads: 1);

        Action convGen = () => layer.Forward(input, shape, output, 1);
        Action ort = session.Run;

        int convGenReps = StopwatchTiming.Calibrate(convGen, 40);
        int ortReps = StopwatchTiming.Calibrate(ort, 40);

        var (convGenSamples, ortSamples) = StopwatchTiming.AlternatingSamples(convGen, convGenReps, ort, ortReps, rounds);

        // Both wrote the same layer's output: a wrong kernel would make the speed comparison meaningless.
        return new SweepLayerResult(entry.Network, c.Label, entry.Count, c.Flops,
            StopwatchTiming.Median(convGenSamples) * 1e3, StopwatchTiming.Median(ortSamples) * 1e3, LayerData.MaxRelativeError(output, ortOutput));
    }
}
