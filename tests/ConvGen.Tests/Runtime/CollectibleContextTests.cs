using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Threading;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Runtime;

/// <summary>
/// A host that loads generated layers as plug-ins, in a collectible context, must be able to unload them after calls
/// split over threads and calls through the tensor API, while the threads that made those calls live on: the runtime
/// keeps no per-thread state that names the layer or its type.
/// </summary>
public class CollectibleContextTests
{
    private const int Threads = 3;

    [Fact]
    public void A_layer_in_a_collectible_context_unloads_while_the_threads_that_ran_it_live_on()
    {
        using var ran = new CountdownEvent(Threads);
        using var release = new ManualResetEventSlim();
        var errors = new Exception?[Threads];
        var (context, threads) = LoadAndRunOnThreads(ran, release, errors);

        for (int i = 0; i < 40 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        bool unloaded = !context.IsAlive;
        release.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(errors, error => Assert.Null(error));
        Assert.True(unloaded, "the context stayed alive after Unload and 40 collections: something still refers to the layer or its type");
    }

    // Loads a layer into a collectible context, starts threads that each run it (split over two threads, and through the
    // tensor API) and then wait, and, once all have run, unloads the context; returns a weak reference to it, and the threads.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Context, Thread[] Threads) LoadAndRunOnThreads(CountdownEvent ran, ManualResetEventSlim release, Exception?[] errors)
    {
        var result = GeneratorRunner.Run("using ConvGen;\nnamespace Plugins;\n[Conv2d(@in: 16, @out: 32, k: 3, p: 1)] public partial class Wide;\n");
        Assert.Empty(result.AllDiagnostics);
        var assembly = InMemoryAssembly.Load(result.Output);
        var context = AssemblyLoadContext.GetLoadContext(assembly)!;
        Assert.True(context.IsCollectible);

        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            var layer = new StrongBox<ILayer?>((ILayer)Activator.CreateInstance(assembly.GetType("Plugins.Wide")!)!);
            int index = t;
            threads[t] = new Thread(() =>
            {
                try
                {
                    Run(layer);
                }
                catch (Exception exception)
                {
                    errors[index] = exception;
                }
                finally
                {
                    ran.Signal();
                }

                release.Wait();
            })
            { IsBackground = true };
            threads[t].Start();
        }

        Assert.True(ran.Wait(TimeSpan.FromMinutes(2)), "the threads did not finish their calls");
        context.Unload();
        return (new WeakReference(context, trackResurrection: true), threads);
    }

    // Takes the layer out of its box (so that the waiting thread holds nothing of it) and runs it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Run(StrongBox<ILayer?> box)
    {
        var layer = box.Value!;
        box.Value = null;
        var input = new float[2 * 16 * 24 * 20];
        var output = new float[2 * 32 * 24 * 20];
        layer.Forward(input, [2, 16, 24, 20], output, degreeOfParallelism: 2);
        layer.Forward(Tensor.Create(input, [2, 16, 24, 20]).AsReadOnlyTensorSpan(), Tensor.Create(output, [2, 32, 24, 20]).AsTensorSpan());
    }
}
