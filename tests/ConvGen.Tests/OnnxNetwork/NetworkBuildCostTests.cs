using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ConvGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// What [OnnxModel] costs at build time on the digits model: the generator run alone (read, lower, emit; a fresh
/// driver each time, so nothing is cached) and the compiler's work on what it generates (binding and emitting the
/// ~15k weight literals and the kernels). Printed for the README; bounded generously so a regression fails.
/// </summary>
public class NetworkBuildCostTests(ITestOutputHelper output)
{
    private const string Source = "using ConvGen;\nnamespace Nets;\n[OnnxModel(\"model.onnx\")] public partial class Net;\n";

    [Fact]
    public void Generating_the_digits_network_takes_milliseconds()
    {
        string path = Path.Combine(DigitsModelTests.RepositoryRoot(), "samples", "Digits", "data", "model.onnx");
        var compilation = GeneratorRunner.CreateCompilation(Source);

        // The hand-written alternative (samples/Digits/Network.cs): the same three convolutions as [Conv2d] classes.
        GeneratorRunner.CreateDriver().RunGeneratorsAndUpdateCompilation(GeneratorRunner.CreateCompilation(HandWritten), out var convsOnly, out _);

        // Interleaved, so both sides see the same machine load.
        var generate = new double[9];
        var emit = new double[9];
        var baseline = new double[9];
        int sourceChars = 0;
        for (int i = 0; i < generate.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var driver = OnnxModelHarness.CreateDriver(path).RunGeneratorsAndUpdateCompilation(compilation, out var withNetwork, out _);
            generate[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            sourceChars = driver.GetRunResult().GeneratedTrees.Sum(t => t.Length);

            start = Stopwatch.GetTimestamp();
            using (var stream = new MemoryStream())
            {
                Assert.True(withNetwork.Emit(stream).Success);
            }

            emit[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            start = Stopwatch.GetTimestamp();
            using (var stream = new MemoryStream())
            {
                Assert.True(convsOnly.Emit(stream).Success);
            }

            baseline[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        var files = OnnxModelHarness.CreateDriver(path).RunGenerators(compilation).GetRunResult().GeneratedTrees;
        output.WriteLine("generated files: " + string.Join(", ", files.Select(t => $"{Path.GetFileName(t.FilePath)} {t.Length:N0} chars")));

        double generateMedian = Median(generate), emitMedian = Median(emit), baselineMedian = Median(baseline);
        output.WriteLine($"generator run (read + lower + emit {sourceChars:N0} chars of C#): median {generateMedian:F1} ms, min {generate.Min():F1} ms (first, cold: {generate[0]:F1} ms)");
        output.WriteLine($"compiling the output (bind + emit IL): median {emitMedian:F1} ms; the same three convolutions as hand-written [Conv2d] classes: median {baselineMedian:F1} ms");
        Assert.True(generateMedian < 5000, $"the generator took {generateMedian} ms");
    }

    private const string HandWritten = """
        using ConvGen;
        namespace Nets;
        [Conv2d(@in: 1, @out: 16, k: 3, p: 1, h: 16, w: 16, activation: Activation.ReLU)] public partial class Conv1;
        [Conv2d(@in: 16, @out: 32, k: 3, p: 1, h: 8, w: 8, activation: Activation.ReLU)] public partial class Conv2;
        [Conv2d(@in: 32, @out: 32, k: 3, p: 1, h: 4, w: 4, activation: Activation.ReLU)] public partial class Conv3;
        """;

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
