using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace ConvGen.Tests.Robustness;

/// <summary>
/// Thousands of attribute usages drawn at random (extreme and conflicting values, missing and
/// unknown arguments, wrong types, non-constant expressions, syntax errors, every kind of target
/// type) must never make the generator throw or emit code that does not compile, and every case
/// without generated code must carry an error on its own declaration: one of ours whenever the
/// compiler itself accepts the attribute.
/// </summary>
public class AttributeFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 5150;
    private const int Cases = 3000;
    private const int BatchSize = 60;

    private static readonly string[] Numbers =
        ["-2147483648", "-1", "0", "1", "2", "3", "4", "5", "7", "8", "16", "64", "1048576", "1048577", "1073741824", "2147483647", "2 * 3"];

    private static readonly string[] Oddities = ["\"3\"", "2.5", "true", "System.Environment.ProcessorCount", "null", "(Padding)9"];

    [Fact]
    public void Generator_never_throws_and_every_invalid_case_is_diagnosed()
    {
        var random = new Random(Seed);
        var cases = Enumerable.Range(0, Cases).Select(i => FuzzCase.Draw(random, i)).ToList();
        int generated = 0, withOurs = 0, compilerOnly = 0, malformed = 0;

        // Cases with syntax errors run alone (an error can swallow its neighbours); the rest in batches.
        var batches = cases.Where(c => c.Malformed).Select(c => new[] { c })
            .Concat(cases.Where(c => !c.Malformed).Chunk(BatchSize));
        foreach (var batch in batches)
        {
            // Source0.cs: two header lines, then one case per line; split classes' second parts follow as Source1.cs, ...
            var sources = new List<string> { "using ConvGen;\nnamespace Fuzz;\n" + string.Join("\n", batch.Select(c => c.Text)) };
            var secondFiles = new Dictionary<int, string>();
            foreach (var split in batch.Where(c => c.SecondPart is not null))
            {
                secondFiles[split.Index] = $"Source{sources.Count}.cs";
                sources.Add("namespace Fuzz;\n" + split.SecondPart);
            }

            var result = GeneratorRunner.Run([.. sources]);

            Assert.Null(result.RunResult.Results[0].Exception);
            var all = result.GeneratorDiagnostics.Concat(result.Output.GetDiagnostics()).ToList();
            Assert.DoesNotContain(all, d => d.Id is "CS8784" or "CS8785");
            var inGenerated = all.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.GetLineSpan().Path?.EndsWith(".g.cs", StringComparison.Ordinal) == true);
            Assert.True(!inGenerated.Any(), $"generated code has diagnostics: {string.Join("\n", inGenerated.Take(5))}");

            var hints = result.RunResult.GeneratedTrees.Select(t => System.IO.Path.GetFileName(t.FilePath)).ToHashSet();
            for (int i = 0; i < batch.Length; i++)
            {
                var fuzz = batch[i];
                var errors = all.Where(d => d.Severity == DiagnosticSeverity.Error
                    && fuzz.Owns(d.Location.GetLineSpan(), line: 2 + i, secondFiles.GetValueOrDefault(fuzz.Index))).ToList();
                if (fuzz.Malformed)
                {
                    // Syntax errors are the compiler's to report; when its recovery still binds the
                    // attribute the layer may be generated, which spares the user cascading errors.
                    Assert.True(errors.Any(d => d.Id.StartsWith("CS", StringComparison.Ordinal)), $"case {fuzz.Index} has no syntax error:\n{fuzz.Text}");
                    malformed++;
                    continue;
                }

                if (hints.Any(h => h.EndsWith($".{fuzz.ClassName}.g.cs", StringComparison.Ordinal)))
                {
                    generated++;
                    Assert.True(errors.Count == 0, $"case {fuzz.Index} generated code but has errors:\n{fuzz.Text}\n{string.Join("\n", errors)}");
                    continue;
                }

                bool ours = errors.Any(d => d.Id.StartsWith("CG", StringComparison.Ordinal));
                bool compilers = errors.Any(d => d.Id.StartsWith("CS", StringComparison.Ordinal));
                Assert.True(ours || compilers, $"case {fuzz.Index} generated nothing and has no error:\n{fuzz.Text}");
                withOurs += ours ? 1 : 0;
                compilerOnly += ours ? 0 : 1;
            }
        }

        output.WriteLine($"{Cases} cases: {generated} generated a layer, {withOurs} carry ConvGen diagnostics, " +
            $"{compilerOnly} only compiler errors (attributes that do not bind), {malformed} syntax errors, 0 generator crashes.");
        Assert.InRange(generated, 500, Cases);
        Assert.InRange(withOurs, 500, Cases);
    }

    /// <summary>One fuzzed declaration (always one line), and for split classes a second part in a file of its own.</summary>
    private sealed record FuzzCase(int Index, string Text, string ClassName, bool Malformed, string? SecondPart)
    {
        /// <summary>Whether a diagnostic lies on this case's line of Source0.cs or in its second file.</summary>
        public bool Owns(FileLinePositionSpan span, int line, string? secondFile) =>
            (span.Path == "Source0.cs" && span.StartLinePosition.Line == line) || (secondFile is not null && span.Path == secondFile);

        public static FuzzCase Draw(Random random, int index)
        {
            string name = $"F{index}";
            bool is1d = random.NextDouble() < 0.3;
            string attribute = Attribute(random, is1d);
            double shape = random.NextDouble();
            bool malformed = false;
            string? secondPart = null;
            string text;
            if (shape < 0.05)
            {
                malformed = true;
                text = random.Next(3) switch
                {
                    0 => $"[{attribute.TrimEnd(')')}] public partial class {name};",
                    1 => $"[{attribute.Replace(", ", " ", StringComparison.Ordinal)}] public partial class {name};",
                    _ => $"[{attribute}] public partial class {name} {{ void M( }}",
                };
            }
            else
            {
                text = shape switch
                {
                    < 0.60 => $"[{attribute}] public partial class {name};",
                    < 0.64 => $"[{attribute}] public class {name};",
                    < 0.67 => $"[{attribute}] public partial class {name}<T>;",
                    < 0.70 => $"[{attribute}] public static partial class {name};",
                    < 0.73 => $"[{attribute}] public partial struct {name};",
                    < 0.76 => $"[{attribute}] public partial record {name};",
                    < 0.78 => $"[{attribute}] public partial record struct {name};",
                    < 0.82 => $"public partial class W{index} {{ [{attribute}] internal partial class {name}; }}",
                    < 0.85 => $"public class W{index} {{ [{attribute}] public partial class {name}; }}",
                    < 0.88 => $"[{attribute}] [{Attribute(random, is1d)}] public partial class {name};",
                    < 0.91 => $"[{Attribute(random, false)}] [{Attribute(random, true)}] public partial class {name};",
                    < 0.94 => $"[{attribute}] public abstract partial class {name};",
                    < 0.97 => $"[{attribute}] public sealed partial class {name} {{ public int Extra => 1; }}",
                    _ => $"[{attribute}] public partial class {name};",
                };
                if (shape >= 0.97)
                {
                    secondPart = $"public partial class {name} {{ public int Other => 2; }}";
                }
            }

            return new FuzzCase(index, text, name, malformed, secondPart);
        }

        /// <summary>Half the time a plausible layer, otherwise any mix of arguments and values.</summary>
        private static string Attribute(Random random, bool is1d)
        {
            var args = new List<string>();
            if (random.NextDouble() < 0.5)
            {
                int groups = random.Next(1, 4);
                args.Add($"@in: {groups * random.Next(1, 5)}");
                args.Add($"@out: {groups * random.Next(1, 5)}");
                args.Add($"k: {random.Next(1, 6)}");
                foreach (string name in new[] { "s", "p", "d" }.Where(_ => random.NextDouble() < 0.4))
                {
                    args.Add($"{name}: {random.Next(name == "p" ? 0 : 1, 3)}");
                }

                if (groups > 1)
                {
                    args.Add($"groups: {groups}");
                }
            }
            else
            {
                string[] names = is1d
                    ? ["@in", "@out", "k", "s", "p", "d", "groups", "bias", "padding", "length", "q"]
                    : ["@in", "@out", "k", "s", "p", "d", "groups", "bias", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "padding", "h", "w", "q"];
                foreach (string name in names.Where(n => n is "@in" or "@out" ? random.NextDouble() < 0.92 : random.NextDouble() < 0.3))
                {
                    args.Add($"{name}: {Value(random, name)}");
                }

                if (random.NextDouble() < 0.05 && args.Count > 0)
                {
                    args.Add(args[random.Next(args.Count)]); // a duplicate named argument
                }

                if (random.NextDouble() < 0.05)
                {
                    args = [.. args.Select(a => a[(a.IndexOf(':') + 2)..])]; // positional
                }
            }

            return $"{(is1d ? "Conv1d" : "Conv2d")}({string.Join(", ", args)})";
        }

        private static string Value(Random random, string name) => name switch
        {
            "bias" => random.Next(4) switch { 0 => "true", 1 => "false", 2 => "1", _ => Oddities[random.Next(Oddities.Length)] },
            "padding" => random.Next(6) switch
            {
                0 => "Padding.Same", 1 => "Padding.Valid", 2 => "Padding.Full", 3 => "Padding.Explicit", 4 => "(Padding)9", _ => "(Padding)(-1)",
            },
            _ => random.NextDouble() < 0.08 ? Oddities[random.Next(Oddities.Length)] : Numbers[random.Next(Numbers.Length)],
        };
    }
}
