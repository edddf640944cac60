using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using ConvGen.Generator;
using ConvGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>The model is read once: editing unrelated code leaves the file-reading step Cached and every
/// [OnnxModel] step Cached/Unchanged, and no step output holds a Roslyn object or an AdditionalText.</summary>
public class NetworkIncrementalTests
{
    private const string Net = "using ConvGen;\nnamespace Nets;\n[OnnxModel(\"model.onnx\")] public partial class Net;\n";

    private static readonly string[] Steps =
        [TrackingNames.OnnxModelRequests, TrackingNames.OnnxFiles, TrackingNames.OnnxNetworks, TrackingNames.OnnxDiagnostics, TrackingNames.OnnxSources];

    private static string DigitsPath => Path.Combine(DigitsModelTests.RepositoryRoot(), "samples", "Digits", "data", "model.onnx");

    [Fact]
    public void Unrelated_edit_does_not_re_read_the_model()
    {
        var compilation = GeneratorRunner.CreateCompilation(Net, "namespace Nets; public class Other { public int A => 1; }");
        var driver = OnnxModelHarness.CreateDriver(DigitsPath).RunGenerators(compilation);
        var first = driver.GetRunResult();

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Nets; public class Other { public int A => 2; }", GeneratorRunner.ParseOptions, path: "Source1.cs"));
        var second = driver.RunGenerators(edited).GetRunResult();

        Assert.Equal(first.GeneratedTrees.Select(t => t.ToString()), second.GeneratedTrees.Select(t => t.ToString()));
        // The network and its three convolutions (the weights are read from the model at run time).
        Assert.Equal(4, second.GeneratedTrees.Length);
        var reads = second.Results[0].TrackedSteps[TrackingNames.OnnxFiles].SelectMany(run => run.Outputs).ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        foreach (string step in Steps)
        {
            var outputs = second.Results[0].TrackedSteps[step].SelectMany(run => run.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} was {output.Reason}"));
        }
    }

    [Fact]
    public void Moving_the_attribute_re_matches_but_neither_re_reads_nor_regenerates()
    {
        var compilation = GeneratorRunner.CreateCompilation(Net);
        var driver = OnnxModelHarness.CreateDriver(DigitsPath).RunGenerators(compilation);

        var moved = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText("// a comment above\n" + Net, GeneratorRunner.ParseOptions, path: "Source0.cs"));
        var second = driver.RunGenerators(moved).GetRunResult();

        Assert.All(second.Results[0].TrackedSteps[TrackingNames.OnnxFiles].SelectMany(run => run.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.All(second.Results[0].TrackedSteps[TrackingNames.OnnxSources].SelectMany(run => run.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{output.Reason}"));
    }

    [Fact]
    public void New_weights_of_the_same_architecture_are_read_but_generate_nothing_new()
    {
        string path = OnnxModelHarness.WriteModel("model.onnx", TinyModel(0.5f, kernel: 1));
        var compilation = GeneratorRunner.CreateCompilation(Net);
        var driver = OnnxModelHarness.CreateDriver(path).RunGenerators(compilation);

        // The compiler (or IDE) hands the generator a new AdditionalText when the file changes.
        File.WriteAllBytes(path, TinyModel(0.25f, kernel: 1));
        var second = driver.ReplaceAdditionalTexts(OnnxModelHarness.AdditionalTexts(path)).RunGenerators(compilation).GetRunResult();

        // Read again (not Cached), lowered to an equal graph (Unchanged): the weights live in the model, read at run
        // time, so nothing is emitted again.
        Assert.Contains(second.Results[0].TrackedSteps[TrackingNames.OnnxFiles].SelectMany(run => run.Outputs),
            output => output.Reason is IncrementalStepRunReason.Unchanged);
        var sources = second.Results[0].TrackedSteps[TrackingNames.OnnxSources].SelectMany(run => run.Outputs).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{output.Reason}"));
    }

    [Fact]
    public void A_changed_architecture_is_read_again_and_regenerates()
    {
        string path = OnnxModelHarness.WriteModel("model.onnx", TinyModel(0.5f, kernel: 1));
        var compilation = GeneratorRunner.CreateCompilation(Net);
        var driver = OnnxModelHarness.CreateDriver(path).RunGenerators(compilation);
        string before = driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("Nets.Net.g.cs")).ToString();

        File.WriteAllBytes(path, TinyModel(0.5f, kernel: 3));
        var second = driver.ReplaceAdditionalTexts(OnnxModelHarness.AdditionalTexts(path)).RunGenerators(compilation).GetRunResult();

        Assert.Contains(second.Results[0].TrackedSteps[TrackingNames.OnnxSources].SelectMany(run => run.Outputs),
            output => output.Reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified);
        string after = second.GeneratedTrees.Single(t => t.FilePath.EndsWith("Nets.Net.g.cs")).ToString();
        Assert.Contains("(\"w\", new long[] { 1, 1, 1, 1 })", before);
        Assert.Contains("(\"w\", new long[] { 1, 1, 3, 3 })", after);
    }

    private static byte[] TinyModel(float weight, int kernel) => new OnnxGraphWriter(13)
        .Input("x", [null, 1, 4, 4]).Initializer("w", [1, 1, kernel, kernel], Enumerable.Repeat(weight, kernel * kernel).ToArray())
        .Node("Conv", ["x", "w"], ["y"], "conv")
        .Output("y").ToArray();

    [Fact]
    public void No_step_output_holds_a_symbol_syntax_node_compilation_or_additional_text()
    {
        var driver = OnnxModelHarness.CreateDriver(DigitsPath).RunGenerators(GeneratorRunner.CreateCompilation(Net));

        foreach (var (step, runs) in driver.GetRunResult().Results[0].TrackedSteps.Where(pair => Steps.Contains(pair.Key)))
        {
            foreach (var output in runs.SelectMany(run => run.Outputs))
            {
                AssertNoRoslynObjects(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void AssertNoRoslynObjects(object? value, string step, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is float[] || !seen.Add(value))
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree or AdditionalText,
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
