using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using ConvGen.Generator.Network;
using ConvGen.Tests.Infrastructure;
using ConvGen.Tests.OnnxNetwork;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace ConvGen.Tests.Robustness;

/// <summary>
/// Corrupted copies of three small real models (the M5 1-D net, the U-Net, SqueezeNet; exported by tests/zoo/export.py)
/// through the generator in-process: half damaged in their graph by tests/zoo/corrupt.py (absurd and overflowing
/// dimensions, cycles, dangling inputs, attributes out of range, missing or duplicated tensors, wrong element types,
/// unknown operators and opsets), half damaged as bytes here (bits flipped, truncated, a range zeroed, a chunk
/// duplicated). Every copy must give ConvGen diagnostics that name the problem (never a generator exception, never the
/// lowering's catch-all) or a network that compiles without a warning; a network that compiles is constructed from the
/// damaged bytes (an ArgumentException is the only allowed refusal) and run at batch 1 and 2 on buffers with NaN guard
/// regions on both sides, which must stay untouched. Not in the zoo's serial collection: it times nothing, so it runs
/// beside other tests (the generator and compiler are single-threaded; CI's two cores stay busy).
/// </summary>
public class ModelFuzzTests(ITestOutputHelper output)
{
    // Buffers are only run up to this many floats (an absurd but valid input size compiles, yet would take gigabytes).
    private const long MaxFloats = 1 << 24;

    private const int Guard = 64;

    // A quiet NaN with a payload no computation produces.
    private static readonly float GuardValue = BitConverter.Int32BitsToSingle(0x7FC0DEAD);

    [Theory]
    [InlineData("m5", 250, 250)]
    [InlineData("unet", 150, 150)]
    [InlineData("squeezenet1_1", 100, 100)]
    public void Corrupted_models_give_diagnostics_or_networks_that_stay_in_their_buffers(string name, int structural, int bytewise)
    {
        byte[] original = File.ReadAllBytes(ZooTests.Zoo.Fuzz.Value.Path(name));
        string folder = Directory.CreateTempSubdirectory("convgen-fuzz-").FullName;
        try
        {
            var outcomes = new SortedDictionary<string, int>();
            var compiled = new Dictionary<string, Type>(); // generated source -> the probe compiled beside its network
            void Count(string outcome) => outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

            string script = Path.Combine(DigitsModelTests.RepositoryRoot(), "tests", "zoo", "corrupt.py");
            string source = Path.Combine(folder, name + ".onnx");
            File.WriteAllBytes(source, original);
            var (code, printed, error) = ZooTests.Zoo.Start(ZooTests.Zoo.Python, TimeSpan.FromMinutes(5), script, source, folder, structural.ToString(), "7");
            Assert.True(code == 0, $"{script} failed: {error}");
            // Every copy goes to the generator under the model's own name, so copies whose graph survived generate the
            // same source and are compiled once.
            string copy = Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "copy")).FullName, name + ".onnx");
            foreach (string path in printed.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                byte[] bytes = File.ReadAllBytes(path);
                File.Delete(path);
                File.WriteAllBytes(copy, bytes);
                Check(Path.GetFileName(path), copy, bytes, compiled, Count);
            }

            var random = new Random(name.Length);
            for (int trial = 0; trial < bytewise; trial++)
            {
                var (kind, bytes) = Damage(original, random);
                File.WriteAllBytes(copy, bytes);
                Check($"{name} byte damage {trial} ({kind})", copy, bytes, compiled, Count);
            }

            output.WriteLine($"{name}: {structural + bytewise} corrupted copies, {compiled.Count} distinct networks compiled");
            foreach (var (outcome, count) in outcomes)
            {
                output.WriteLine($"  {count,4} {outcome}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>One byte-level damage of the model, mostly where its graph is (the nodes come first in the file, the
    /// inputs and outputs last; the weights between them are most of the bytes).</summary>
    private static (string Kind, byte[] Bytes) Damage(byte[] original, Random random)
    {
        int Position() => random.Next(4) switch
        {
            0 => random.Next(Math.Min(original.Length, 6000)),
            1 => original.Length - 1 - random.Next(Math.Min(original.Length, 3000)),
            _ => random.Next(original.Length),
        };

        byte[] bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (int i = random.Next(1, 9); i > 0; i--)
                {
                    bytes[Position()] ^= (byte)(1 << random.Next(8));
                }

                return ("flip", bytes);
            case 1:
                return ("truncate", bytes[..Position()]);
            case 2:
                int start = Position();
                bytes.AsSpan(start, Math.Min(random.Next(1, 64), bytes.Length - start)).Clear();
                return ("zero", bytes);
            default:
                int from = Position(), to = Position();
                int length = Math.Min(random.Next(1, 200), bytes.Length - from);
                return ("duplicate", [.. bytes[..to], .. bytes.AsSpan(from, length), .. bytes[to..]]);
        }
    }

    private void Check(string copy, string path, byte[] bytes, Dictionary<string, Type> compiled, Action<string> count)
    {
        var result = OnnxModelHarness.Run($"using ConvGen;\nnamespace Nets;\n[OnnxModel(\"{Path.GetFileName(path)}\")] public partial class Net;\n", path);
        foreach (var diagnostic in result.GeneratorDiagnostics)
        {
            string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(diagnostic.Id.StartsWith("CG00", StringComparison.Ordinal), $"{copy}: the generator failed: {diagnostic}");
            Assert.False(message.Contains("could not be compiled (", StringComparison.Ordinal), $"{copy}: an unanticipated exception in the lowering: {message}");
        }

        if (result.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            count(string.Join("+", result.GeneratorDiagnostics.Select(d => d.Id).Distinct().Order()));
            return;
        }

        string generated = string.Join("\n", result.RunResult.Results.SelectMany(r => r.GeneratedSources).Select(s => s.SourceText.ToString()));
        if (!compiled.TryGetValue(generated, out var probe))
        {
            var problems = result.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(5).ToList();
            Assert.True(problems.Count == 0, $"{copy}: the generated network does not compile cleanly:\n{string.Join("\n", problems)}");
            var graph = OnnxFileReader.Parse(path, bytes).Graph!;
            var withProbe = result.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText(ProbeSource(graph), GeneratorRunner.ParseOptions));
            probe = OnnxModelHarness.Load(withProbe).GetType("Nets.Probe")!;
            compiled[generated] = probe;
        }

        object net;
        try
        {
            net = Activator.CreateInstance(probe.Assembly.GetType("Nets.Net")!, new MemoryStream(bytes))!;
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException)
        {
            count("compiles; weights refused (ArgumentException)");
            return;
        }
        catch (TargetInvocationException e)
        {
            throw new Xunit.Sdk.XunitException($"{copy}: constructing the network from the damaged bytes threw {e.InnerException}");
        }

        int inputSize = (int)probe.GetMethod("InputSize")!.Invoke(null, null)!;
        int[] outputSizes = (int[])probe.GetMethod("OutputSizes")!.Invoke(null, null)!;
        foreach (int batch in new[] { 1, 2 })
        {
            long buffers = probe.Assembly.GetType("Nets.Net")!.GetFields(BindingFlags.NonPublic | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.Name.StartsWith("Buffer", StringComparison.Ordinal)).Sum(f => (long)(int)f.GetRawConstantValue()!);
            if ((inputSize + outputSizes.Sum(size => (long)size) + buffers) * batch > MaxFloats)
            {
                count("compiles; too large to run here");
                return;
            }

            RunGuarded(copy, probe, net, batch, inputSize, outputSizes);
        }

        count(outputSizes.Length == 1 ? "compiles and runs inside its buffers" : "compiles (several outputs) and runs inside its buffers");
    }

    /// <summary>A class beside the network that calls its span <c>Forward</c> (spans cannot pass through reflection) on
    /// arrays with <see cref="Guard"/> values either side of each span, and gives its sizes.</summary>
    private static string ProbeSource(NetworkGraph graph)
    {
        var outputs = graph.Outputs.Select((o, i) => $"o[{i}].AsSpan({Guard}, o[{i}].Length - {2 * Guard})");
        return $$"""
            using System;
            namespace Nets;
            public static class Probe
            {
                public static int InputSize() => Net.InputSize;
                public static int[] OutputSizes() => [{{string.Join(", ", graph.Outputs.Select(o => $"Net.{o.Identifier}Size"))}}];
                public static void Run(Net net, float[] input, float[][] o, int batch) =>
                    net.Forward(input.AsSpan({{Guard}}, input.Length - {{2 * Guard}}), {{string.Join(", ", outputs)}}, batch);
            }
            """;
    }

    private static void RunGuarded(string copy, Type probe, object net, int batch, int inputSize, int[] outputSizes)
    {
        var input = new float[Guard + (batch * inputSize) + Guard];
        input.AsSpan().Fill(GuardValue);
        var random = new Random(1);
        for (int i = 0; i < batch * inputSize; i++)
        {
            input[Guard + i] = (float)((random.NextDouble() * 4) - 2);
        }

        float[][] outputs = [.. outputSizes.Select(size => Enumerable.Repeat(GuardValue, Guard + (batch * size) + Guard).ToArray())];
        try
        {
            probe.GetMethod("Run")!.Invoke(null, [net, input, outputs, batch]);
        }
        catch (TargetInvocationException e)
        {
            throw new Xunit.Sdk.XunitException($"{copy}, batch {batch}: Forward threw {e.InnerException}");
        }

        int guard = BitConverter.SingleToInt32Bits(GuardValue);
        foreach (var (buffer, what) in outputs.Select((o, i) => (o, $"output {i}")).Prepend((input, "input")))
        {
            var bits = MemoryMarshal.Cast<float, int>(buffer);
            for (int i = 0; i < Guard; i++)
            {
                Assert.True(bits[i] == guard && bits[^(i + 1)] == guard, $"{copy}, batch {batch}: Forward wrote outside its {what} span (guard {i})");
            }
        }
    }
}
