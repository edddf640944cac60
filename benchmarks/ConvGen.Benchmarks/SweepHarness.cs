using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ConvGen.Tests.Conformance;
using Microsoft.ML.OnnxRuntime;

namespace ConvGen.Benchmarks;

/// <summary>
/// The network sweep: each distinct layer of <see cref="SweepLayer.All"/> as the generated layer and as
/// ONNX Runtime (IntraOpNumThreads = 1, all graph optimisations, the same one-node model as
/// <see cref="ConvLayerBenchmarks"/>), timed with a Stopwatch. Per layer: warm-up (at least 40 calls and
/// 250 ms per engine, which also gets any wrapper code past tiered compilation), a repetition count calibrated
/// so that one sample lasts at least 2 ms, then <c>rounds</c> rounds of one ConvGen sample and one ORT
/// sample, alternating which goes first, so both see the same background load. The result is the median
/// time per call over the samples. BenchmarkDotNet would take ~5-10 s per benchmark even with a short
/// job (82 benchmarks); this takes under a second per layer, about 30 s for the 41 layers.
/// </summary>
public static class SweepHarness
{
    private static readonly string[] InputNames = ["X"];
    private static readonly string[] OutputNames = ["Y"];

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
        float[] weight = Uniform(random, g.WeightLength);
        float[] bias = c.HasBias ? Uniform(random, g.OutChannels) : [];
        float[] input = Uniform(random, g.InChannels * c.Size * c.Size);
        nint[] shape = [1, g.InChannels, c.Size, c.Size];
        long[] longShape = [.. shape.Select(d => (long)d)];
        int outputLength = g.OutChannels * c.OutputSize * c.OutputSize;
        float[] output = new float[outputLength];
        float[] ortOutput = new float[outputLength];

        var layer = c.Create(weight, bias);
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(OnnxConvModelWriter.Write(g, false, longShape, weight, bias), options);
        using var runOptions = new RunOptions();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, longShape);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(ortOutput, [1, g.OutChannels, c.OutputSize, c.OutputSize]);
        OrtValue[] inputs = [inputValue], outputs = [outputValue];

        Action convGen = () => layer.Forward(input, shape, output, 1);
        Action ort = () => session.Run(runOptions, InputNames, inputs, OutputNames, outputs);

        double convGenSingle = WarmUp(convGen);
        double ortSingle = WarmUp(ort);
        int convGenReps = Repetitions(convGenSingle);
        int ortReps = Repetitions(ortSingle);

        var convGenSamples = new double[rounds];
        var ortSamples = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                convGenSamples[round] = Sample(convGen, convGenReps);
                ortSamples[round] = Sample(ort, ortReps);
            }
            else
            {
                ortSamples[round] = Sample(ort, ortReps);
                convGenSamples[round] = Sample(convGen, convGenReps);
            }
        }

        // Both wrote the same layer's output: a wrong kernel would make the speed comparison meaningless.
        double maxError = 0, scale = 1e-6;
        for (int i = 0; i < outputLength; i++)
        {
            maxError = Math.Max(maxError, Math.Abs(output[i] - ortOutput[i]));
            scale = Math.Max(scale, Math.Abs(ortOutput[i]));
        }

        return new SweepLayerResult(entry.Network, c.Label, entry.Count, c.Flops, Median(convGenSamples) * 1e3, Median(ortSamples) * 1e3, maxError / scale);
    }

    // Runs at least 40 calls and 250 ms (past the runtime's tier-up threshold of 30 calls for any wrapper code
    // that is not AggressiveOptimization); returns seconds per call over the second half of the warm-up.
    private static double WarmUp(Action action)
    {
        var total = Stopwatch.StartNew();
        int calls = 0;
        while (calls < 20 || total.Elapsed.TotalMilliseconds < 125)
        {
            action();
            calls++;
        }

        var timed = Stopwatch.StartNew();
        calls = 0;
        while (calls < 20 || timed.Elapsed.TotalMilliseconds < 125)
        {
            action();
            calls++;
        }

        return timed.Elapsed.TotalSeconds / calls;
    }

    private static int Repetitions(double secondsPerCall) => Math.Max(1, (int)Math.Ceiling(2e-3 / secondsPerCall));

    private static double Sample(Action action, int repetitions)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repetitions; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / repetitions;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    private static float[] Uniform(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1))];
}
