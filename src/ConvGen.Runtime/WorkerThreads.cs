using System;
using System.Diagnostics;
using System.Threading;

namespace ConvGen;

/// <summary>Settings of ConvGen's worker threads, the background threads that run the extra parts of split calls.</summary>
public static class WorkerThreads
{
    private static long _spinTicks = Stopwatch.Frequency / 1000;

    /// <summary>
    /// How long an idle worker spins, waiting for the next split call, before it sleeps; 1 ms by default, which keeps
    /// back-to-back calls and the layers of a network split without keeping a core busy for long. On the virtual machines
    /// measured here a sleeping worker took 1-2 ms to wake, as long as a whole split call, so calls that follow pauses of
    /// a few milliseconds run mostly on one thread; a longer spin keeps them split, at the price of a busy core for that
    /// long after each call, which slows whatever else wants the core (another library's threads, other requests).
    /// <see cref="TimeSpan.Zero"/> makes workers sleep at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than a second.</exception>
    public static TimeSpan SpinTime
    {
        get => TimeSpan.FromSeconds((double)Volatile.Read(ref _spinTicks) / Stopwatch.Frequency);
        set
        {
            if (value < TimeSpan.Zero || value > TimeSpan.FromSeconds(1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "the spin time must be between zero and one second.");
            }

            Volatile.Write(ref _spinTicks, (long)(value.TotalSeconds * Stopwatch.Frequency));
        }
    }

    /// <summary><see cref="SpinTime"/> in <see cref="Stopwatch"/> ticks.</summary>
    internal static long SpinTicks => Volatile.Read(ref _spinTicks);
}
