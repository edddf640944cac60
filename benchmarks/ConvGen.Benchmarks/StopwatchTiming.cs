using System;
using System.Diagnostics;
using System.Linq;

namespace ConvGen.Benchmarks;

/// <summary>The Stopwatch harnesses' (sweep, scaling, transposed) measuring steps: warm-up, a repetition count so one sample
/// lasts at least 2 ms (far above timer resolution), samples, and their median.</summary>
public static class StopwatchTiming
{
    /// <summary>Runs at least <paramref name="minimumCalls"/> calls and 250 ms (40 calls get past the runtime's tier-up
    /// threshold of 30 for any wrapper code that is not AggressiveOptimization); returns seconds per call over the
    /// second half of the warm-up.</summary>
    private static double WarmUp(Action action, int minimumCalls)
    {
        Run(action, (minimumCalls + 1) / 2);
        return Run(action, (minimumCalls + 1) / 2);
    }

    private static int Repetitions(double secondsPerCall) => Math.Max(1, (int)Math.Ceiling(2e-3 / secondsPerCall));

    /// <summary>Seconds per call over <paramref name="repetitions"/> calls.</summary>
    public static double Sample(Action action, int repetitions)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repetitions; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds / repetitions;
    }

    /// <summary>Warm-up (<see cref="WarmUp"/>), then the repetitions for samples of at least 2 ms.</summary>
    public static int Calibrate(Action action, int minimumCalls) => Repetitions(WarmUp(action, minimumCalls));

    /// <summary>One engine in a phase of its own, which nothing else shares (a two-thread engine needs both cores):
    /// calibration, then <paramref name="rounds"/> samples back to back.</summary>
    public static double[] Phase(Action action, int minimumCalls, int rounds)
    {
        int repetitions = Calibrate(action, minimumCalls);
        return [.. Enumerable.Range(0, rounds).Select(_ => Sample(action, repetitions))];
    }

    /// <summary><paramref name="rounds"/> rounds of one sample of each engine, alternating which goes first, so both
    /// see the same background load.</summary>
    public static (double[] First, double[] Second) AlternatingSamples(Action first, int firstRepetitions, Action second, int secondRepetitions, int rounds)
    {
        var firstSamples = new double[rounds];
        var secondSamples = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                firstSamples[round] = Sample(first, firstRepetitions);
                secondSamples[round] = Sample(second, secondRepetitions);
            }
            else
            {
                secondSamples[round] = Sample(second, secondRepetitions);
                firstSamples[round] = Sample(first, firstRepetitions);
            }
        }

        return (firstSamples, secondSamples);
    }

    public static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    // At least `calls` calls and 125 ms; returns seconds per call.
    private static double Run(Action action, int calls)
    {
        var total = Stopwatch.StartNew();
        int done = 0;
        while (done < calls || total.Elapsed.TotalMilliseconds < 125)
        {
            action();
            done++;
        }

        return total.Elapsed.TotalSeconds / done;
    }
}
