using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// Runs one network instance from many threads at once, with mixed batch sizes and degrees of parallelism, and checks
/// every output bit for bit against the same input run alone on one thread first; and checks that calls allocate
/// nothing in steady state: a call may allocate only when the instance's pool of buffer sets grows (a new set when all
/// are in use, or a set grown for a larger batch than it held), which at most <c>threads x maxBatch</c> calls can do.
/// </summary>
internal static class SharedInstanceCheck
{
    public static void Run(ILayer net, long[] sample, int threads, int calls, int maxBatch = 3)
    {
        long sampleSize = sample.Aggregate(1L, (p, d) => p * d);
        nint[] Shape(int batch) => [batch, .. sample.Select(d => (nint)d)];
        long outputSize = net.GetOutputShape(Shape(1)).Aggregate(1L, (p, d) => p * d);

        // Two different inputs per batch size, each with the output of a lone single-thread call.
        var cases = new List<(int Batch, float[] Input, float[] Expected)>();
        for (int batch = 1; batch <= maxBatch; batch++)
        {
            for (int seed = 0; seed < 2; seed++)
            {
                float[] input = ZooTests.Zoo.RandomInput([batch, .. sample], seed: (100 * batch) + seed);
                var expected = new float[batch * outputSize];
                net.Forward(input, Shape(batch), expected, degreeOfParallelism: 1);
                cases.Add((batch, input, expected));
            }
        }

        var failures = new List<string>();
        var allocatingCalls = new int[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            var output = new float[maxBatch * outputSize];
            nint[][] shapes = [.. Enumerable.Range(0, maxBatch + 1).Select(Shape)];
            bool counting = false;
            void Call(int index)
            {
                var (batch, input, expected) = cases[index];
                var y = output.AsSpan(0, expected.Length);
                y.Fill(float.NaN);
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    net.Forward(input, shapes[batch], y, degreeOfParallelism: index % 2); // 0: as the layer decides, 1: this thread only
                }
                catch (Exception e)
                {
                    // Recorded, not thrown: an exception escaping a thread would end the whole test process.
                    lock (failures)
                    {
                        failures.Add($"thread {t}, batch {batch}: {e}");
                    }

                    return;
                }

                allocatingCalls[t] += counting && GC.GetAllocatedBytesForCurrentThread() > before ? 1 : 0;
                if (!MemoryMarshal.Cast<float, int>(y).SequenceEqual(MemoryMarshal.Cast<float, int>(expected)))
                {
                    int at = Enumerable.Range(0, expected.Length).First(i => BitConverter.SingleToInt32Bits(output[i]) != BitConverter.SingleToInt32Bits(expected[i]));
                    lock (failures)
                    {
                        failures.Add($"thread {t}, batch {batch}: output {at} is {output[at]}, alone {expected[at]}");
                    }
                }
            }

            // Warm-up, not counted: every case once, so this thread's per-thread state (array pool, workers) exists.
            for (int i = 0; i < cases.Count; i++)
            {
                Call(i);
            }

            start.SignalAndWait();
            counting = true;
            for (int call = 0; call < calls; call++)
            {
                Call(random.Next(cases.Count));
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.True(failures.Count == 0, $"{failures.Count} of {threads * calls} concurrent calls threw or differ from the same call alone, e.g. {string.Join("; ", failures.Take(3))}");
        Assert.True(
            allocatingCalls.Sum() <= threads * maxBatch,
            $"{allocatingCalls.Sum()} of {threads * calls} calls allocated (per thread: {string.Join(", ", allocatingCalls)}); only pool growth may, at most {threads * maxBatch} calls");
    }
}
