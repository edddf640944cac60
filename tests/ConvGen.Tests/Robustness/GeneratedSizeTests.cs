using System.Diagnostics;
using System.Linq;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Robustness;

/// <summary>Huge but valid layers get looped kernels: the generated source stays small, generation
/// is quick, and the result compiles. Unrolling is bounded by the plan, never by the layer's size.</summary>
public class GeneratedSizeTests
{
    [Theory]
    [InlineData("Conv2d(@in: 256, @out: 256, k: 31, p: 15)")]          // 961 taps: rows and columns looped
    [InlineData("Conv2d(@in: 4096, @out: 4096, k: 3, groups: 1)")]     // 512 channel tiles: one tile loop
    [InlineData("Conv1d(@in: 1, @out: 1, k: 1000000, padding: Padding.Same)")]
    [InlineData("Conv2d(@in: 65536, @out: 65536, k: 1, groups: 65536)")] // 65536 groups
    [InlineData("Conv2d(@in: 3, @out: 1021, kh: 8, kw: 8, sh: 1000, sw: 1000, d: 1000, h: 100000, w: 100000)")]
    public void Huge_layers_generate_bounded_source_quickly(string attribute)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = GeneratorRunner.Run($"using ConvGen;\n[{attribute}] public partial class Huge;");
        stopwatch.Stop();

        Assert.Empty(result.AllDiagnostics);
        string source = result.RunResult.GeneratedTrees.Single().ToString();
        // At most 256 multiply-adds are unrolled per accumulation; a layer has a two-vector and a one-vector
        // accumulation, for a full and a remainder channel tile, in three kernels (Vector512/256/128).
        Assert.InRange(source.Length, 1, 400_000);
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 0, 30);
    }
}
