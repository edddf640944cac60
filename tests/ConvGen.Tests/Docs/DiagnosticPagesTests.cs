using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using ConvGen.Generator.Diagnostics;
using ConvGen.Tests.OnnxNetwork;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ConvGen.Tests.Docs;

/// <summary>
/// The docs cannot rot: every descriptor's help link opens its page in docs/diagnostics, titled with its ID, title and
/// severity, linked from README's tables; every page belongs to a descriptor; each page's Example, compiled with the
/// generator in memory, reports exactly the messages the page shows, and its Fix compiles with no diagnostic at all.
/// </summary>
public sealed class DiagnosticPagesTests : IDisposable
{
    private const string HelpLinkBase = "https://github.com/convgen/convgen/blob/main/docs/diagnostics/";

    /// <summary>The project directory the pages' messages show, where a message contains a path.</summary>
    private const string ShownProjectDirectory = "/home/me/App";

    /// <summary>Diagnostics about a model's contents: their examples need a model exported with an operator, an attribute,
    /// a dynamic size or external data that the page describes, so they are not compiled here (NetworkDiagnosticTests and
    /// ExternalDataTests build such models and check each ID); their pages are checked for heading, severity and message
    /// line alone.</summary>
    private static readonly HashSet<string> NeedAModel = ["CG0023", "CG0024", "CG0025", "CG0031"];

    private static readonly string Docs = Path.Combine(DigitsModelTests.RepositoryRoot(), "docs", "diagnostics");

    private readonly string project = Directory.CreateTempSubdirectory("convgen-docs-").FullName;

    public static TheoryData<string> Ids() => [.. Descriptors().Keys];

    public static TheoryData<string> CompiledIds() => [.. Descriptors().Keys.Where(id => !NeedAModel.Contains(id))];

    public void Dispose() => Directory.Delete(project, recursive: true);

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_descriptor_links_to_its_page(string id)
    {
        var descriptor = Descriptors()[id];

        Assert.Equal(HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        var page = Page(id);
        Assert.Equal($"# {id}: {descriptor.Title}", page.Heading);
        Assert.Contains($"**Severity:** {descriptor.DefaultSeverity}", page.Text, StringComparison.Ordinal);
        Assert.Contains(page.Messages("Example"), message => message.StartsWith($"error {id}: ", StringComparison.Ordinal));
        Assert.Contains($"[{id}](docs/diagnostics/{id}.md)", File.ReadAllText(Path.Combine(DigitsModelTests.RepositoryRoot(), "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_page_belongs_to_a_descriptor()
    {
        var pages = Directory.GetFiles(Docs, "CG*.md").Select(Path.GetFileNameWithoutExtension);

        Assert.Equal(Descriptors().Keys.Order(), pages.Order());
    }

    [Theory]
    [MemberData(nameof(CompiledIds))]
    public void Each_page_example_reports_exactly_its_message(string id)
    {
        var page = Page(id);
        var expected = page.Messages("Example");
        Assert.NotEmpty(expected);
        Assert.All(expected, message => Assert.StartsWith($"error {id}: ", message, StringComparison.Ordinal));

        // The example's AdditionalFiles items are empty files: CG0022's page is about such a file, and no other page's
        // example reads the file it names.
        var result = Compile(page, "Example", _ => []);

        var reported = result.AllDiagnostics.Select(d =>
            $"{d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture).Replace(project, ShownProjectDirectory, StringComparison.Ordinal)}");
        Assert.Equal(expected, reported);
    }

    [Theory]
    [MemberData(nameof(CompiledIds))]
    public void Each_page_fix_compiles_without_a_diagnostic(string id)
    {
        // The fix's AdditionalFiles items are the digits model, a real network.
        byte[] digits = File.ReadAllBytes(Path.Combine(DigitsModelTests.RepositoryRoot(), "samples", "Digits", "data", "model.onnx"));

        var result = Compile(Page(id), "Fix", _ => digits);

        Assert.Empty(result.AllDiagnostics);
        Assert.NotEmpty(result.RunResult.GeneratedTrees);
    }

    private Infrastructure.GeneratorResult Compile(DiagnosticPage page, string section, Func<string, byte[]> contents)
    {
        string source = Assert.Single(page.Code(section, "csharp"));
        var files = page.AdditionalFiles(section).Select(item =>
        {
            string path = Path.Combine(project, item);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, contents(item));
            return path;
        });
        return OnnxModelHarness.Run(source, [.. files]);
    }

    private static DiagnosticPage Page(string id)
    {
        string path = Path.Combine(Docs, id + ".md");
        Assert.True(File.Exists(path), $"{id} has no page docs/diagnostics/{id}.md");
        return DiagnosticPage.Read(path);
    }

    private static Dictionary<string, DiagnosticDescriptor> Descriptors() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => field.GetValue(null)).OfType<DiagnosticDescriptor>()
            .ToDictionary(descriptor => descriptor.Id);
}
