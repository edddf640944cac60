using System;
using System.ComponentModel;

namespace ConvGen;

/// <summary>
/// How a generated network splits a batch over threads: each thread runs a run of consecutive images through the
/// whole network on its own (no step waits for another thread, and every image gets the values a one-thread call gives
/// it). The network runs the parts with <see cref="ForwardParts"/>; called by generated networks, not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NetworkBatches
{
    // A thread's share of an automatic split is at least this many multiply-adds (a worker takes up to a millisecond or
    // two to wake on a virtual machine, ~10^8 multiply-adds on one core).
    private const double MinimumWorkPerThread = 5e7;

    /// <summary>
    /// The parts a call of <paramref name="batch"/> images splits into, one thread each: the threads
    /// <see cref="ForwardParts.Threads"/> gives <paramref name="degreeOfParallelism"/> for the batch's multiply-adds,
    /// at most one per image; 1 runs the call as it is (then a single image splits each convolution instead).
    /// </summary>
    public static int Parts(int batch, int degreeOfParallelism, double multiplyAddsPerImage) =>
        Math.Min(batch, ForwardParts.Threads(degreeOfParallelism, batch * multiplyAddsPerImage, MinimumWorkPerThread));

    /// <summary>Part <paramref name="part"/>'s images: the batch of <paramref name="shape"/> cut into its parts, sizes
    /// differing by at most one.</summary>
    public static (int First, int Count) Share(in ForwardShape shape, int part)
    {
        int first = (int)((long)shape.Batch * part / shape.Parts);
        return (first, (int)((long)shape.Batch * (part + 1) / shape.Parts) - first);
    }
}
