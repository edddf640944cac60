using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ConvGen.Tests.Infrastructure;

/// <summary>
/// Offers and applies ConvGen's code fixes as the IDE does. The generator runs in-process on the source; its diagnostics
/// carry file locations (not trees), which the IDE maps to the open document by path, so they are mapped here to a
/// document of an <see cref="AdhocWorkspace"/> with the same path, and the provider's actions run on it, their cleanup
/// (simplification) included. Microsoft.CodeAnalysis.CSharp.CodeFix.Testing sees these diagnostics but offers no fix
/// for a diagnostic without a tree, hence this harness.
/// </summary>
internal static class CodeFixRunner
{
    /// <summary>
    /// The action with <paramref name="equivalenceKey"/> (or Fix All with it) turns <paramref name="before"/> into exactly
    /// <paramref name="after"/>, on which the generator then reports nothing and generates a layer that compiles.
    /// </summary>
    public static async Task AssertFixAsync(CodeFixProvider provider, string before, string equivalenceKey, string after, bool fixAll = false)
    {
        string fixedSource = fixAll ? await FixAllAsync(provider, before, equivalenceKey) : await ApplyAsync(provider, before, equivalenceKey);
        Assert.Equal(after, fixedSource);
        var result = GeneratorRunner.Run(fixedSource);
        Assert.Empty(result.AllDiagnostics);
        Assert.NotEmpty(result.RunResult.GeneratedTrees);
    }

    /// <summary>The titles and equivalence keys of every action the provider offers for each of its diagnostics.</summary>
    public static async Task<IReadOnlyList<(string Title, string? Key)>> OffersAsync(CodeFixProvider provider, string source)
    {
        var (document, diagnostics) = await DiagnosedAsync(provider, source);
        var actions = new List<CodeAction>();
        foreach (var diagnostic in diagnostics)
        {
            actions.AddRange(await ActionsAsync(provider, document, diagnostic));
        }

        return [.. actions.Select(a => (a.Title, a.EquivalenceKey))];
    }

    /// <summary>Applies the action with <paramref name="equivalenceKey"/> offered for the first fixable diagnostic.</summary>
    public static async Task<string> ApplyAsync(CodeFixProvider provider, string source, string equivalenceKey)
    {
        var (document, diagnostics) = await DiagnosedAsync(provider, source);
        var actions = await ActionsAsync(provider, document, diagnostics[0]);
        var action = Assert.Single(actions, a => a.EquivalenceKey == equivalenceKey);
        return await ApplyAsync(action, document);
    }

    /// <summary>Fix All in the document for <paramref name="equivalenceKey"/>, through the provider's fix-all provider.</summary>
    public static async Task<string> FixAllAsync(CodeFixProvider provider, string source, string equivalenceKey)
    {
        var (document, diagnostics) = await DiagnosedAsync(provider, source);
        var context = new FixAllContext(
            document, provider, FixAllScope.Document, equivalenceKey, provider.FixableDiagnosticIds, new FixedDiagnostics(diagnostics), CancellationToken.None);
        var action = await provider.GetFixAllProvider()!.GetFixAsync(context);
        Assert.NotNull(action);
        return await ApplyAsync(action, document);
    }

    /// <summary>The source as the editor's document, and the generator's diagnostics the provider fixes, located in it.</summary>
    private static async Task<(Document Document, ImmutableArray<Diagnostic> Diagnostics)> DiagnosedAsync(CodeFixProvider provider, string source)
    {
        var result = GeneratorRunner.Run(source);
        string path = result.Output.SyntaxTrees.First().FilePath;
        var project = new AdhocWorkspace().CurrentSolution
            .AddProject("Layers", "Layers", LanguageNames.CSharp)
            .WithCompilationOptions(GeneratorRunner.CompilationOptions)
            .WithParseOptions(GeneratorRunner.ParseOptions)
            .WithMetadataReferences(GeneratorRunner.References);
        var document = project.AddDocument(path, SourceText.From(source), filePath: path);
        var tree = await document.GetSyntaxTreeAsync();

        var diagnostics = result.GeneratorDiagnostics.Where(d => provider.FixableDiagnosticIds.Contains(d.Id)).Select(d =>
        {
            Assert.Equal(path, d.Location.GetLineSpan().Path);
            return Diagnostic.Create(
                d.Id, d.Descriptor.Category, d.GetMessage(), d.Severity, d.DefaultSeverity, d.Descriptor.IsEnabledByDefault, d.WarningLevel,
                d.Descriptor.Title, d.Descriptor.Description, d.Descriptor.HelpLinkUri, Location.Create(tree!, d.Location.SourceSpan));
        }).ToImmutableArray();
        Assert.False(diagnostics.IsEmpty, $"the generator reported none of {string.Join(", ", provider.FixableDiagnosticIds)}");
        return (document, diagnostics);
    }

    private static async Task<List<CodeAction>> ActionsAsync(CodeFixProvider provider, Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return actions;
    }

    private static async Task<string> ApplyAsync(CodeAction action, Document document)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var solution = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        return (await solution.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    /// <summary>Fix All's source of diagnostics: the generator's, as the IDE would supply them.</summary>
    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>([]);

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
