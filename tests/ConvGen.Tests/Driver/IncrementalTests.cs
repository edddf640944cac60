using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ConvGen.Generator;
using ConvGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ConvGen.Tests.Driver;

/// <summary>The generator is incremental: unrelated edits leave every tracked step cached, and no
/// step output holds a symbol, syntax node or compilation (which would defeat the cache).</summary>
public class IncrementalTests
{
    private const string Layers = """
        using ConvGen;
        namespace Demo;
        [Conv2d(@in: 3, @out: 64, k: 3, p: 1)] public partial class Stem;
        [Conv1d(@in: 2, @out: 4, k: 5, padding: Padding.Same)] public partial class Signal;
        [ConvTranspose2d(@in: 8, @out: 4, k: 4, s: 2, p: 1)] public partial class Up;
        [ConvTranspose1d(@in: 2, @out: 2, k: 4, s: 2, groups: 2)] public partial class Decoder;
        [Conv2d(@in: 4, @out: 64, k: 3, groups: 3)] public partial class Broken;
        """;

    private static readonly string[] TrackedSteps =
    [
        TrackingNames.Conv2dModels, TrackingNames.Conv1dModels, TrackingNames.ConvTranspose2dModels, TrackingNames.ConvTranspose1dModels,
        TrackingNames.Diagnostics, TrackingNames.Layers,
    ];

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var compilation = GeneratorRunner.CreateCompilation(Layers, "namespace Demo; public class Other { public int A => 1; }");
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult();

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Demo; public class Other { public int A => 2; public int B => 3; }", GeneratorRunner.ParseOptions, path: "Source1.cs"));
        var second = driver.RunGenerators(edited).GetRunResult();

        Assert.Equal(first.GeneratedTrees.Select(t => t.ToString()), second.GeneratedTrees.Select(t => t.ToString()));
        Assert.Equal(first.Diagnostics.Select(d => d.ToString()), second.Diagnostics.Select(d => d.ToString()));
        foreach (string step in TrackedSteps)
        {
            var runs = second.Results[0].TrackedSteps[step];
            Assert.NotEmpty(runs);
            foreach (var output in runs.SelectMany(run => run.Outputs))
            {
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} was {output.Reason}");
            }
        }
    }

    [Fact]
    public void Moving_a_layer_down_reports_at_the_new_place_but_does_not_regenerate_it()
    {
        var compilation = GeneratorRunner.CreateCompilation(Layers);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var moved = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText("// a comment above\n" + Layers, GeneratorRunner.ParseOptions, path: "Source0.cs"));
        var second = driver.RunGenerators(moved).GetRunResult();

        var layerOutputs = second.Results[0].TrackedSteps[TrackingNames.Layers].SelectMany(run => run.Outputs).ToList();
        Assert.All(layerOutputs, output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{output.Reason}"));
        // Broken sits on 0-based line 6; the comment pushes it to line 7.
        Assert.Equal(7, Assert.Single(second.Diagnostics).Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void Editing_a_layer_regenerates_it()
    {
        var compilation = GeneratorRunner.CreateCompilation(Layers);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Layers.Replace("@out: 64, k: 3, p: 1", "@out: 32, k: 3, p: 1"), GeneratorRunner.ParseOptions, path: "Source0.cs"));
        var second = driver.RunGenerators(edited).GetRunResult();

        Assert.Contains(second.Results[0].TrackedSteps[TrackingNames.Layers].SelectMany(run => run.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public const int OutChannels = 32;", second.GeneratedTrees.Single(t => t.FilePath.EndsWith("Demo.Stem.g.cs")).ToString());
    }

    [Fact]
    public void Editing_a_transposed_layer_regenerates_it_and_its_phase_convolution()
    {
        var compilation = GeneratorRunner.CreateCompilation(Layers);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Layers.Replace("@out: 4, k: 4, s: 2, p: 1", "@out: 6, k: 4, s: 2, p: 1"), GeneratorRunner.ParseOptions, path: "Source0.cs"));
        var second = driver.RunGenerators(edited).GetRunResult();

        Assert.Contains(second.Results[0].TrackedSteps[TrackingNames.Layers].SelectMany(run => run.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public const int OutChannels = 6;", second.GeneratedTrees.Single(t => t.FilePath.EndsWith("Demo.Up.g.cs")).ToString());
        // Four phases of six channels.
        Assert.Contains("public const int OutChannels = 24;", second.GeneratedTrees.Single(t => t.FilePath.EndsWith("Demo.Up.PhaseConvolution.g.cs")).ToString());
    }

    [Fact]
    public void No_step_output_holds_a_symbol_syntax_node_or_compilation()
    {
        var driver = GeneratorRunner.CreateDriver().RunGenerators(GeneratorRunner.CreateCompilation(Layers));

        foreach (var (step, runs) in driver.GetRunResult().Results[0].TrackedSteps.Where(pair => TrackedSteps.Contains(pair.Key)))
        {
            foreach (var output in runs.SelectMany(run => run.Outputs))
            {
                AssertNoRoslynObjects(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    /// <summary>Walks an object graph (fields, collections) and fails on any Roslyn object that pins a compilation.</summary>
    private static void AssertNoRoslynObjects(object? value, string step, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree,
            $"step {step} holds a {value.GetType().Name}");
        if (value is DiagnosticDescriptor)
        {
            return;
        }

        if (value is IEnumerable items)
        {
            foreach (object? item in items)
            {
                AssertNoRoslynObjects(item, step, seen);
            }
        }

        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertNoRoslynObjects(field.GetValue(value), step, seen);
            }
        }
    }
}
