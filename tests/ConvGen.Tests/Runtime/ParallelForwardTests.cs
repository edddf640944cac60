using System;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary>Runs alone: its allocation check counts every thread's allocations, so no other test may run meanwhile.</summary>
[CollectionDefinition(nameof(ParallelForwardCollection), DisableParallelization = true)]
public sealed class ParallelForwardCollection;

/// <summary>
/// Forward split over threads: by images (batch at least the threads), by one image's channel tiles (fewer images),
/// or by groups; always the single-thread result, never an allocation per call, and a clear error on a bad degree.
/// </summary>
[Collection(nameof(ParallelForwardCollection))]
public class ParallelForwardTests
{
    private static float[] Values(int length, int seed) => TestValues.Uniform(new Random(seed), length);

    // Every split of a large layer agrees with the float64 reference (and so with every other split).
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 2)]
    [InlineData(1, 3)]
    [InlineData(3, 2)]
    [InlineData(4, 0)]
    [InlineData(5, 4)]
    public void A_split_layer_matches_the_float64_reference(int batch, int degree)
    {
        var geometry = new ConvGeometry(16, 32, 3, 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1);
        float[] weight = Values(geometry.WeightLength, 1), bias = Values(32, 2), input = Values(batch * 16 * 40 * 36, 3);
        var layer = new WideConv(weight, bias);
        var output = new float[batch * 32 * 40 * 36];
        layer.Forward(input, output, batch, 40, 36, degree);

        double[] magnitude = ReferenceCheck.Magnitude(geometry, input, batch, 40, 36, weight, bias, out double[] reference);
        for (int i = 0; i < reference.Length; i++)
        {
            reference[i] = ActivationReference.Apply(Activation.SiLU, reference[i]);
        }

        ReferenceCheck.AssertClose(output, i => reference[i], magnitude, geometry.FanIn + 8, computations: 1, $"batch {batch}, degree {degree}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void A_grouped_layer_split_over_groups_gives_the_single_thread_output(int batch)
    {
        var layer = new WideDepthwise(new Random(4));
        float[] input = Values(batch * 24 * 33 * 31, 5);
        var single = new float[batch * 48 * 33 * 31];
        var split = new float[single.Length];
        layer.Forward(input, single, batch, 33, 31, 1);
        foreach (int degree in new[] { 2, 5, 0 })
        {
            split.AsSpan().Fill(float.NaN);
            layer.Forward(input, split, batch, 33, 31, degree);
            Assert.True(single.AsSpan().SequenceEqual(split), $"degree {degree}");
        }
    }

    // The automatic degree: one thread per core once each gets enough work, one thread for small calls.
    [Fact]
    public void The_automatic_degree_follows_the_work()
    {
        Assert.Equal(1, ForwardParts.Threads(0, 1e5, 5e5));
        Assert.Equal(Math.Min(2, Environment.ProcessorCount), ForwardParts.Threads(0, 1e6, 5e5));
        Assert.Equal(Environment.ProcessorCount, ForwardParts.Threads(0, 1e12, 5e5));
        Assert.Equal(3, ForwardParts.Threads(3, 1, 5e5));
        Assert.Equal(ForwardParts.MaxThreads, ForwardParts.Threads(int.MaxValue, 1, 5e5));
    }

    [Fact]
    public void A_negative_degree_is_rejected_before_any_output_is_written()
    {
        var layer = new WideConv(new Random(6));
        var output = new float[32 * 8 * 8];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new float[16 * 8 * 8], output, 1, 8, 8, -1));
        Assert.Equal("degreeOfParallelism", error.ParamName);
        Assert.All(output, value => Assert.Equal(0f, value));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ILayer)layer).Forward(new float[16 * 8 * 8], [1, 16, 8, 8], output, -2));
    }

    // After warm-up, calls split over threads allocate nothing, neither on the calling thread nor on the workers.
    [Fact]
    public void Split_calls_allocate_nothing_after_warm_up()
    {
        var wide = new WideConv(new Random(7));
        var depthwise = new WideDepthwise(new Random(8));
        float[] input = Values(4 * 24 * 48 * 48, 9);
        var output = new float[4 * 48 * 48 * 48];
        void Calls()
        {
            wide.Forward(input.AsSpan(0, 16 * 48 * 48), output.AsSpan(0, 32 * 48 * 48), 1, 48, 48, 2); // channel tiles
            wide.Forward(input.AsSpan(0, 4 * 16 * 48 * 48), output.AsSpan(0, 4 * 32 * 48 * 48), 4, 48, 48, 2); // images
            depthwise.Forward(input, output, 4, 48, 48, 2); // groups
            wide.Forward(input.AsSpan(0, 16 * 48 * 48), output.AsSpan(0, 32 * 48 * 48), 1, 48, 48); // automatic
        }

        // Warm up past the JIT's tiering (call counts, then a 100 ms delay before tier-1 code is installed), so the
        // count below sees the steady state only.
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 400)
        {
            Calls();
        }

        long caller = GC.GetAllocatedBytesForCurrentThread(), workers = ForwardParts.WorkerAllocatedBytes;
        for (int i = 0; i < 200; i++)
        {
            Calls();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - caller);
        Assert.Equal(0, ForwardParts.WorkerAllocatedBytes - workers);
    }

    /// <summary>The workers' spin time is a setting: zero (sleep at once) still gives the single-thread output; negative
    /// or absurd values are refused and leave it unchanged.</summary>
    [Fact]
    public void Worker_spin_time_can_be_set_and_is_checked()
    {
        var layer = new WideConv(Values(32 * 16 * 9, 1), Values(32, 2));
        float[] input = Values(16 * 40 * 36, 3);
        var single = new float[32 * 40 * 36];
        var split = new float[single.Length];
        layer.Forward(input, single, 1, 40, 36, 1);
        var before = WorkerThreads.SpinTime;
        try
        {
            WorkerThreads.SpinTime = TimeSpan.Zero;
            Assert.Equal(TimeSpan.Zero, WorkerThreads.SpinTime);
            for (int call = 0; call < 3; call++)
            {
                split.AsSpan().Fill(float.NaN);
                layer.Forward(input, split, 1, 40, 36, 2);
                Assert.True(single.AsSpan().SequenceEqual(split), $"call {call}");
            }

            WorkerThreads.SpinTime = TimeSpan.FromMilliseconds(5);
            Assert.Equal(5, WorkerThreads.SpinTime.TotalMilliseconds, 3);
            Assert.Throws<ArgumentOutOfRangeException>(() => WorkerThreads.SpinTime = TimeSpan.FromMilliseconds(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => WorkerThreads.SpinTime = TimeSpan.FromSeconds(2));
            Assert.Equal(5, WorkerThreads.SpinTime.TotalMilliseconds, 3);
        }
        finally
        {
            WorkerThreads.SpinTime = before;
        }

        Assert.Equal(1, WorkerThreads.SpinTime.TotalMilliseconds, 3); // the default
    }
}
