using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace ConvGen.Benchmarks;

/// <summary>
/// How time grows with work on the dense 3x3 layer 64->64 (k3 p1): a batch sweep at 56x56 and an input-size sweep at
/// batch 1, each point run by ConvGen (degreeOfParallelism 1 and 2) and ONNX Runtime (<see cref="OrtConv"/>,
/// IntraOpNumThreads 1 and 2). The generated layer has no fixed size, so one instance serves every point; ORT gets
/// sessions per shape. Timing as in <see cref="SweepHarness"/>: warm-up (at least 40 calls on the first point, which
/// tiers up the shared code, 3 on later ones; 250 ms each), samples of at least 2 ms, then <c>rounds</c> rounds of one
/// sample per engine, the first engine rotating each round; min and median per call. All four outputs are checked
/// against single-thread ORT's.
/// </summary>
public static class ScalingHarness
{
    public const string LayerLabel = "64,64,3,1,1,1,1,56";

    public static readonly int[] Batches = [1, 4, 16, 64];
    public const int BatchSweepSize = 56;
    public static readonly int[] Sizes = [28, 56, 112, 224, 448];

    private static readonly (string Engine, int Threads)[] Engines = [("ConvGen", 1), ("ConvGen", 2), ("ORT", 1), ("ORT", 2)];

    // ORT's intra-op workers spin for a while after a run before they sleep (allow_spinning, its default) and would
    // take a core from the next sample: after every two-thread sample, of either engine alike, the harness waits this long.
    private const int SettleMilliseconds = 20;

    public static ScalingFile Run(int rounds, SourceInfo source)
    {
        var total = Stopwatch.StartNew();
        var layer = BenchmarkLayer.Find(LayerLabel);
        var random = new Random(1);
        float[] weight = LayerData.Uniform(random, layer.Geometry.WeightLength);
        float[] bias = LayerData.Uniform(random, layer.Geometry.OutChannels);
        var convGen = layer.Create(weight, bias);

        var measured = new Dictionary<(int Batch, int Size), ScalingPoint>();
        ScalingPoint At(int batch, int size)
        {
            if (!measured.TryGetValue((batch, size), out var point))
            {
                point = Measure(layer.Geometry, convGen, weight, bias, batch, size, rounds, measured.Count == 0 ? 40 : 3);
                measured[(batch, size)] = point;
            }

            return point;
        }

        ScalingSweep[] sweeps =
        [
            Sweep("batch", $"batch at {BatchSweepSize}x{BatchSweepSize}", [.. Batches.Select(b => At(b, BatchSweepSize))]),
            Sweep("size", "input size (square) at batch 1", [.. Sizes.Select(s => At(1, s))]),
        ];
        Console.WriteLine(FormattableString.Invariant($"scaling: {measured.Count} points in {total.Elapsed.TotalSeconds:F1} s"));
        return new ScalingFile(
            "ConvGen.Benchmarks --scaling", DateTime.UtcNow, CpuInfo.Current(), source, LayerLabel,
            $"Stopwatch: warm-up >= 40 calls (first point) or 3 calls, and 250 ms, per engine and point; samples >= 2 ms; {rounds} rounds "
                + $"of one sample per engine, rotating which goes first, {SettleMilliseconds} ms pause after each two-thread sample; min and median per call",
            rounds,
            sweeps);
    }

    private static ScalingSweep Sweep(string name, string varies, ScalingPoint[] points) =>
        new(name, varies, points, [.. Engines.Select(e => ScalingFit.Of(e.Engine, e.Threads, points))]);

    private static ScalingPoint Measure(ConvGeometry g, ILayer convGen, float[] weight, float[] bias, int batch, int size, int rounds, int warmUpCalls)
    {
        float[] input = LayerData.Uniform(new Random(2), batch * g.InChannels * size * size);
        nint[] shape = [batch, g.InChannels, size, size];
        float[][] outputs = [.. Engines.Select(_ => new float[batch * g.OutChannels * g.OutputHeight(size) * g.OutputWidth(size)])];
        using var ort = new OrtConv(g, weight, bias, input, outputs[2], batch, size, threads: 1);
        using var ortTwoThreads = new OrtConv(g, weight, bias, input, outputs[3], batch, size, threads: 2);
        Action[] actions =
        [
            () => convGen.Forward(input, shape, outputs[0], 1),
            () => convGen.Forward(input, shape, outputs[1], 2),
            ort.Run,
            ortTwoThreads.Run,
        ];

        int[] repetitions = new int[actions.Length];
        for (int e = 0; e < actions.Length; e++)
        {
            repetitions[e] = StopwatchTiming.Calibrate(actions[e], warmUpCalls);
            Settle(e);
        }

        double[][] samples = [.. actions.Select(_ => new double[rounds])];
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < actions.Length; i++)
            {
                int e = (round + i) % actions.Length;
                samples[e][round] = StopwatchTiming.Sample(actions[e], repetitions[e]);
                Settle(e);
            }
        }

        double flops = 2.0 * batch * g.OutChannels * g.OutputHeight(size) * g.OutputWidth(size) * g.FanIn;
        var timings = Engines.Select((e, i) => new ScalingTiming(e.Engine, e.Threads, samples[i].Min() * 1e3, StopwatchTiming.Median(samples[i]) * 1e3)).ToList();
        double error = new[] { 0, 1, 3 }.Max(i => LayerData.MaxRelativeError(outputs[i], outputs[2]));
        if (error > ResultFiles.MismatchThreshold)
        {
            Console.Error.WriteLine($"MISMATCH: ConvGen and ONNX Runtime disagree at batch {batch}, {size}x{size} (relative error {error:E1})");
        }

        Console.WriteLine(FormattableString.Invariant($"batch {batch,2} {size,3}x{size,-3} {flops / 1e9,7:F2} GFLOP ")
            + string.Join("  ", timings.Select(t => FormattableString.Invariant($"{t.Engine} {t.Threads}T {t.MedianMs,8:F3} ms ({flops / (t.MedianMs * 1e6),5:F1} GFLOP/s)")))
            + FormattableString.Invariant($"  max error {error:E1}"));
        return new ScalingPoint(batch, size, flops, timings, error);
    }

    private static void Settle(int engine)
    {
        if (Engines[engine].Threads > 1)
        {
            Thread.Sleep(SettleMilliseconds);
        }
    }
}
