using System;
using System.Diagnostics;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
// A job's typed call: ForwardParts.Invoke<TLayer> for the layer type of the call that started it.
using unsafe PartInvoker = delegate*<object, object, System.ReadOnlySpan<float>, System.Span<float>, System.Span<float>, in ConvGen.ForwardShape, int, int, void>;

namespace ConvGen;

/// <summary>The sizes of one <c>Forward</c> call, handed to each of its parts: the call runs <see cref="Parts"/> parts
/// on at most <see cref="Threads"/> threads.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct ForwardShape(int Batch, int Height, int Width, int OutputHeight, int OutputWidth, int Parts, int Threads);

/// <summary>One part of a <c>Forward</c> call split over threads: the layer, the call's spans and sizes, which part, and
/// which of the call's threads runs it (0 to Threads - 1: the index of its own scratch).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void ForwardPart<TLayer>(TLayer layer, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, in ForwardShape shape, int part, int thread);

/// <summary>
/// Runs the parts of one <c>Forward</c> call on the calling thread and on ConvGen's worker threads, and returns
/// when all are done. Nothing is allocated per call: each calling thread keeps one job, the body
/// is a static lambda (cached by the compiler), and the workers are background threads started once, one per
/// core but one, which wait on a semaphore. The caller works too and claims parts until none are left, so busy
/// workers delay nothing but the speed-up (and calls from many threads at once never wait for each other).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ForwardParts
{
    /// <summary>Bytes ConvGen's worker threads have allocated since they started: steady-state calls add nothing.</summary>
    public static long WorkerAllocatedBytes => Workers.AllocatedBytes;

    /// <summary>Most threads one call uses, whatever it asks for: each brings its own scratch.</summary>
    public const int MaxThreads = 64;

    /// <summary>
    /// Threads for a call: <paramref name="requested"/> if positive (at most <see cref="MaxThreads"/>); if 0 (automatic),
    /// one per core but no more than gives each thread <paramref name="minimumWorkPerThread"/> of the call's
    /// <paramref name="work"/>, and at least one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is negative.</exception>
    public static int Threads(int requested, double work, double minimumWorkPerThread)
    {
        if (requested < 0)
        {
            throw new ArgumentOutOfRangeException("degreeOfParallelism", requested,
                $"degreeOfParallelism must be 0 (automatic) or a positive number of threads, but is {requested}.");
        }

        return requested > 0 ? Math.Min(requested, MaxThreads) : (int)Math.Clamp(work / minimumWorkPerThread, 1, Environment.ProcessorCount);
    }

    /// <summary>Runs parts 0 to <see cref="ForwardShape.Parts"/> - 1 of <paramref name="body"/>, in parallel; rethrows the first exception a part threw.</summary>
    public static unsafe void Run<TLayer>(
        TLayer layer, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, in ForwardShape shape, ForwardPart<TLayer> body)
        where TLayer : class
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(body);
        if (shape.Parts is <= 0 or > PartJob.MaxParts || shape.Threads is <= 0 or > MaxThreads)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, $"a call splits into 1 to {PartJob.MaxParts} parts on 1 to {MaxThreads} threads.");
        }

        var job = PartJob.ForThisThread();
        // The spans stay pinned until every part is done: the workers see them as pointers.
        fixed (float* inputStart = input, outputStart = output, scratchStart = scratch)
        {
            job.Run(layer, body, &Invoke<TLayer>, new PartSpans(inputStart, input.Length, outputStart, output.Length, scratchStart, scratch.Length), shape);
        }
    }

    /// <summary>Calls a job's body with its layer, both typed again as the <see cref="Run{TLayer}"/> call that started it had them.</summary>
    private static void Invoke<TLayer>(object body, object layer, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, in ForwardShape shape, int part, int thread)
        where TLayer : class
        => Unsafe.As<ForwardPart<TLayer>>(body)(Unsafe.As<TLayer>(layer), input, output, scratch, shape, part, thread);

    /// <summary>A call's spans as pinned pointers, which other threads can rebuild into spans.</summary>
    private readonly unsafe struct PartSpans(float* input, int inputLength, float* output, int outputLength, float* scratch, int scratchLength)
    {
        public ReadOnlySpan<float> Input => new(input, inputLength);

        public Span<float> Output => new(output, outputLength);

        public Span<float> Scratch => new(scratch, scratchLength);
    }

    /// <summary>
    /// The reusable state of one call split into parts. Threads join a run and claim its parts through one 64-bit
    /// word holding the run's generation, the threads that joined, its part count and the next unclaimed part, so a
    /// worker posted for an earlier run that starts late can only join the run that is current, as one of its at
    /// most Threads threads, and see that run's fields (published before the word). Parts are claimed one at a
    /// time, so a worker that wakes late still takes its share of what is left. The job is not generic over the layer:
    /// a thread-static of a type instantiated over a layer from a collectible context (a plug-in, or tests that load
    /// generated code) is collectible thread-local storage, which keeps that context alive on every thread that ever
    /// split a call (CollectibleContextTests), so the layer's typed call goes through <c>_invoke</c> instead.
    /// </summary>
    private sealed unsafe class PartJob : IPartJob
    {
        public const int MaxParts = 0xFFFF;

        [ThreadStatic]
        private static PartJob? t_job;

        private readonly object _doneGate = new(); // waited on (after spinning) until the last part is done
        private object? _layer, _body; // the call's layer and its ForwardPart<TLayer>, which _invoke calls
        private PartInvoker _invoke;
        private PartSpans _spans;
        private ForwardShape _shape;
        private long _claims; // generation << 40 | threads joined << 32 | parts << 16 | next part
        private int _pending;
        private bool _running;
        private ExceptionDispatchInfo? _error;

        /// <summary>This thread's job, or a new one when this thread is already running one (a part that itself splits).</summary>
        public static PartJob ForThisThread()
        {
            var job = t_job ??= new PartJob();
            return job._running ? new PartJob() : job;
        }

        public void Run(
            object layer, object body, PartInvoker invoke,
            PartSpans spans, in ForwardShape shape)
        {
            _running = true;
            try
            {
                (_layer, _body, _spans, _shape, _error) = (layer, body, spans, shape, null);
                _invoke = invoke;
                _pending = shape.Parts;
                long generation = ((Volatile.Read(ref _claims) >>> 40) + 1) & 0xFFFFFF;
                // The caller joins as thread 0.
                Volatile.Write(ref _claims, (generation << 40) | (1L << 32) | ((long)shape.Parts << 16));
                Workers.Post(this, Math.Min(shape.Threads, shape.Parts) - 1);

                RunParts(generation, thread: 0);
                WaitForParts();
                (_layer, _body) = (null, null);
                _error?.Throw();
            }
            finally
            {
                _running = false;
            }
        }

        /// <summary>Returns once every claimed part is done: spins first, for up to a millisecond (parts of one call end
        /// close together, and a sleeping thread is slow to wake on a virtual machine), then sleeps.</summary>
        private void WaitForParts()
        {
            long deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 1000);
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _pending) != 0)
            {
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    lock (_doneGate)
                    {
                        while (Volatile.Read(ref _pending) != 0)
                        {
                            Monitor.Wait(_doneGate);
                        }
                    }

                    return;
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        /// <summary>Joins the current run as one more thread, if it has parts left and room for one.</summary>
        public void Help()
        {
            while (true)
            {
                long claims = Volatile.Read(ref _claims);
                int joined = (int)((claims >> 32) & 0xFF);
                if ((claims & 0xFFFF) >= ((claims >> 16) & 0xFFFF) || joined >= _shape.Threads)
                {
                    return;
                }

                if (Interlocked.CompareExchange(ref _claims, claims + (1L << 32), claims) == claims)
                {
                    RunParts(claims >>> 40, joined);
                    return;
                }
            }
        }

        /// <summary>Claims and runs parts of run <paramref name="generation"/> as its thread <paramref name="thread"/> until none is left.</summary>
        private void RunParts(long generation, int thread)
        {
            while (true)
            {
                long claims = Volatile.Read(ref _claims);
                int part = (int)(claims & 0xFFFF);
                if (claims >>> 40 != generation || part >= (int)((claims >> 16) & 0xFFFF))
                {
                    return;
                }

                if (Interlocked.CompareExchange(ref _claims, claims + 1, claims) != claims)
                {
                    continue;
                }

                try
                {
                    _invoke(_body!, _layer!, _spans.Input, _spans.Output, _spans.Scratch, _shape, part, thread);
                }
                catch (Exception exception)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(exception), null);
                }

                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    lock (_doneGate)
                    {
                        Monitor.PulseAll(_doneGate);
                    }
                }
            }
        }
    }

    /// <summary>A job whose parts a worker can help run.</summary>
    private interface IPartJob
    {
        void Help();
    }

    /// <summary>
    /// The worker threads: started on the first split call, they take jobs from one queue and help run them. A job
    /// is posted once per extra thread it wants; a worker that finds its job already finished just moves on. The queue
    /// is a fixed ring, so posting never allocates (a growing queue would, when busy workers let posts pile up); a post
    /// that finds it full is dropped, which only means fewer helpers: the caller runs every part nobody claims.
    /// </summary>
    private static class Workers
    {
        private static readonly IPartJob?[] Queue = new IPartJob?[256];
        private static int _head, _queued; // guarded by Queue
        private static readonly SemaphoreSlim Posted = new(0); // counts the queued posts
        private static int _started;
        private static long _allocated;

        /// <summary>Bytes the workers have allocated since they started (for tests that prove a call allocates nothing).</summary>
        public static long AllocatedBytes => Volatile.Read(ref _allocated);

        public static void Post(IPartJob job, int helpers)
        {
            if (helpers <= 0)
            {
                return;
            }

            if (Volatile.Read(ref _started) == 0)
            {
                Start();
            }

            int posted;
            lock (Queue)
            {
                posted = Math.Min(helpers, Queue.Length - _queued);
                for (int i = 0; i < posted; i++)
                {
                    Queue[(_head + _queued++) % Queue.Length] = job;
                }
            }

            if (posted > 0)
            {
                Posted.Release(posted);
            }
        }

        /// <summary>Takes the oldest post (one the semaphore counted, so there is one).</summary>
        private static IPartJob Take()
        {
            lock (Queue)
            {
                var job = Queue[_head]!;
                Queue[_head] = null;
                _head = (_head + 1) % Queue.Length;
                _queued--;
                return job;
            }
        }

        private static void Start()
        {
            if (Interlocked.Exchange(ref _started, 1) != 0)
            {
                return;
            }

            for (int i = 1; i < Math.Max(2, Environment.ProcessorCount); i++)
            {
                new Thread(Work) { IsBackground = true, Name = $"ConvGen worker {i}" }.Start();
            }
        }

        private static void Work()
        {
            long counted = GC.GetAllocatedBytesForCurrentThread();
            while (true)
            {
                WaitForPost();
                Take().Help();

                long allocated = GC.GetAllocatedBytesForCurrentThread();
                Interlocked.Add(ref _allocated, allocated - counted);
                counted = allocated;
            }
        }

        /// <summary>Takes one post: spinning first for <see cref="WorkerThreads.SpinTime"/> (the layer's next call, or the next
        /// layer of a network, usually posts by then, and a sleeping thread is slow to wake), then sleeping.</summary>
        private static void WaitForPost()
        {
            long deadline = Stopwatch.GetTimestamp() + WorkerThreads.SpinTicks;
            var spinner = default(SpinWait);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                if (Posted.CurrentCount > 0 && Posted.Wait(0))
                {
                    return;
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }

            Posted.Wait();
        }
    }
}
