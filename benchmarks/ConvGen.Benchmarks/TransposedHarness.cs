using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ConvGen.Tests.Infrastructure;

namespace ConvGen.Benchmarks;

/// <summary>
/// The transposed convolutions of <see cref="TransposedBenchmarkLayer.All"/>, each as the generated layer and as ONNX
/// Runtime's ConvTranspose (<see cref="OrtConv"/>), on one and two threads, timed with a Stopwatch
/// (<see cref="StopwatchTiming"/>), after the single-core peak (<see cref="PeakFmaBenchmark.StopwatchGflops"/>).
/// Per layer: each engine's first single-thread call is checked against the float64 definition
/// (<see cref="ReferenceTransposedConvolution"/>); then one thread as in <see cref="SweepHarness"/> (warm-up of at least
/// 40 calls and 250 ms, samples of at least 2 ms, <c>rounds</c> rounds alternating the engines); then two threads,
/// each engine in a phase of its own (warm-up and all its rounds): ORT's workers spin after a run, and would take the
/// second core from the other engine's next sample. ORT's two-thread session lives only for its phase. Result: the
/// median per call; every engine's last output is checked against single-thread ORT's.
/// </summary>
public static class TransposedHarness
{
    public static TransposedFile Run(int rounds, SourceInfo source)
    {
        var total = Stopwatch.StartNew();
        double? peak = PeakFmaBenchmark.StopwatchGflops(rounds);
        Console.WriteLine(peak is { } p ? FormattableString.Invariant($"peak: {p:F1} GFLOP/s") : "peak: not measured (Vector512 is not hardware-accelerated)");
        var results = TransposedBenchmarkLayer.All.Select(layer => Measure(layer, rounds, peak)).ToList();
        Console.WriteLine(FormattableString.Invariant($"transposed: {results.Count} layers in {total.Elapsed.TotalSeconds:F1} s"));
        return new TransposedFile(
            "ConvGen.Benchmarks --transposed", DateTime.UtcNow, CpuInfo.Current(), source,
            "Stopwatch: warm-up >= 40 calls and 250 ms per engine, samples >= 2 ms, median per call; one thread: "
                + $"{rounds} alternating rounds; two threads: {rounds} rounds per engine, each engine in a phase of its own",
            rounds,
            peak,
            $"{PeakFmaBenchmark.Chains} independent Vector512 FMA chains, one core, Stopwatch median of {rounds} samples",
            results);
    }

    private static TransposedLayerResult Measure(TransposedBenchmarkLayer c, int rounds, double? peak)
    {
        var s = c.Shape;
        var random = new Random(1);
        float[] weight = LayerData.Uniform(random, s.WeightLength);
        float[] bias = LayerData.Uniform(random, s.OutChannels);
        float[] input = LayerData.Uniform(random, s.InChannels * c.Height * c.Width);
        nint[] shape = [.. c.InputShape.Select(d => (nint)d)];
        var layer = c.Create(weight, bias);
        nint[] outputShape = layer.GetOutputShape(shape);
        if (!outputShape.SequenceEqual(c.OutputShape.Select(d => (nint)d)))
        {
            throw new InvalidOperationException($"{c.Name}: the generated layer's output shape {LayerShapes.Format(outputShape)} is not the definition's");
        }

        int length = LayerShapes.ElementCount(outputShape);
        float[] convGenOutput = new float[length], convGenTwoThreadsOutput = new float[length];
        float[] ortOutput = new float[length], ortTwoThreadsOutput = new float[length];
        using var ort = c.CreateOrt(weight, bias, input, ortOutput, threads: 1);
        Action convGen = () => layer.Forward(input, shape, convGenOutput, 1);
        Action convGenTwoThreads = () => layer.Forward(input, shape, convGenTwoThreadsOutput, 2);

        // Both engines' first calls against the definition: a speed ratio between different computations means nothing.
        convGen();
        ort.Run();
        float[] definition = [.. ReferenceTransposedConvolution.Run(s, input, 1, c.Height, c.Width, weight, bias, Activation.None, out _).Select(v => (float)v)];
        double convGenDefinitionError = LayerData.MaxRelativeError(convGenOutput, definition);
        double ortDefinitionError = LayerData.MaxRelativeError(ortOutput, definition);

        var (convGenSamples, ortSamples) = StopwatchTiming.AlternatingSamples(
            convGen, StopwatchTiming.Calibrate(convGen, 40), ort.Run, StopwatchTiming.Calibrate(ort.Run, 40), rounds);
        double[] convGenTwoThreadsSamples = StopwatchTiming.Phase(convGenTwoThreads, 40, rounds);
        double[] ortTwoThreadsSamples;
        using (var ortTwoThreads = c.CreateOrt(weight, bias, input, ortTwoThreadsOutput, threads: 2))
        {
            ortTwoThreadsSamples = StopwatchTiming.Phase(ortTwoThreads.Run, 40, rounds);
        }

        double error = new[] { convGenOutput, convGenTwoThreadsOutput, ortTwoThreadsOutput }.Max(o => LayerData.MaxRelativeError(o, ortOutput));
        var result = new TransposedLayerResult(c.Name, c.Label, c.Flops,
            StopwatchTiming.Median(convGenSamples) * 1e3, StopwatchTiming.Median(ortSamples) * 1e3,
            StopwatchTiming.Median(convGenTwoThreadsSamples) * 1e3, StopwatchTiming.Median(ortTwoThreadsSamples) * 1e3,
            convGenDefinitionError, ortDefinitionError, error);
        if (Math.Max(error, Math.Max(convGenDefinitionError, ortDefinitionError)) > ResultFiles.MismatchThreshold)
        {
            Console.Error.WriteLine(FormattableString.Invariant(
                $"MISMATCH: {c.Name} {c.Label}: relative error ConvGen vs ORT {error:E1}, vs the float64 definition ConvGen {convGenDefinitionError:E1}, ORT {ortDefinitionError:E1}"));
        }

        double gflops = c.Flops / (result.ConvGenMs * 1e6);
        string ofPeak = peak is { } p ? FormattableString.Invariant($", {100 * gflops / p:F0}% of peak") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Name,-29} {c.Label,-20} {c.Flops / 1e6,5:F1} MFLOP  1T: ConvGen {result.ConvGenMs,7:F4} ms ({gflops,5:F1} GFLOP/s{ofPeak}) ORT {result.OrtMs,7:F4} ms "
                + $"{result.OrtMs / result.ConvGenMs,5:F2}x  2T: ConvGen {result.ConvGenTwoThreadsMs,7:F4} ms ORT {result.OrtTwoThreadsMs,7:F4} ms {result.OrtTwoThreadsMs / result.ConvGenTwoThreadsMs,5:F2}x  "
                + $"error vs ORT {error:E1}, vs definition {convGenDefinitionError:E1} / {ortDefinitionError:E1}"));
        return result;
    }
}
