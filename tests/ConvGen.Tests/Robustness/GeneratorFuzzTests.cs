using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ConvGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Abstractions;

namespace ConvGen.Tests.Robustness;

/// <summary>
/// Draws thousands of [Conv1d]/[Conv2d] usages (valid, invalid, ill-typed, syntactically broken, on odd
/// targets) with a fixed seed and checks that the generator never throws, that whatever it generates
/// compiles warning-free, that every class left without generated code carries an error of its own,
/// and that no class with generated code carries one.
/// </summary>
public class GeneratorFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20240611;
    private const int Batches = 60;
    private const int CasesPerBatch = 50;

    private static readonly string[] HugeValues = ["int.MaxValue", "int.MinValue", "1 << 20", "1 << 30", "(1 << 20) + 1", "2147483647", "-2147483648", "1048576", "268435457"];
    private static readonly string[] BadSmallValues = ["0", "-1", "-2", "-100"];

    /// <summary>One fuzz case: the files it occupies (one, or two for a split partial class) and how it was built.</summary>
    private sealed record FuzzCase(int Index, string ClassName, string[] Files, string Description, bool SyntaxBroken, bool OtherPartHasLayer = false);

    private sealed record BatchOutcome(int Cases, int Generated, int WithCgDiagnostics, int Crashes, List<string> Failures);

    [Fact]
    public void Generator_survives_thousands_of_random_attribute_usages()
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = new ConcurrentBag<BatchOutcome>();
        Parallel.For(0, Batches, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) }, batch =>
        {
            var random = new Random(Seed + batch * 7919);
            var cases = Enumerable.Range(0, CasesPerBatch)
                .Select(i => MakeCase(random, batch * CasesPerBatch + i))
                .ToList();
            outcomes.Add(RunBatch(batch, cases));
        });

        int total = outcomes.Sum(o => o.Cases);
        int generated = outcomes.Sum(o => o.Generated);
        int withCg = outcomes.Sum(o => o.WithCgDiagnostics);
        int crashes = outcomes.Sum(o => o.Crashes);
        var failures = outcomes.SelectMany(o => o.Failures).ToList();
        stopwatch.Stop();

        output.WriteLine($"cases tried: {total}");
        output.WriteLine($"cases with generated code: {generated}");
        output.WriteLine($"cases with CG diagnostics: {withCg}");
        output.WriteLine($"crashes: {crashes}");
        output.WriteLine($"failures: {failures.Count}");
        output.WriteLine($"elapsed: {stopwatch.Elapsed.TotalSeconds:F1} s");
        foreach (string failure in failures.Take(40))
        {
            output.WriteLine(failure);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failure(s); first ones:\n" + string.Join("\n\n", failures.Take(10)));
        Assert.Equal(0, crashes);
        Assert.True(total >= 3000, $"only {total} cases");
        Assert.True(generated >= 500, $"only {generated} cases generated code");
        Assert.True(withCg >= 500, $"only {withCg} cases got CG diagnostics");
    }

    private static BatchOutcome RunBatch(int batch, List<FuzzCase> cases)
    {
        var failures = new List<string>();
        var sources = new List<string>();
        var fileOwner = new Dictionary<string, FuzzCase>();
        foreach (var fuzzCase in cases)
        {
            foreach (string file in fuzzCase.Files)
            {
                fileOwner[$"Source{sources.Count}.cs"] = fuzzCase;
                sources.Add(file);
            }
        }

        var result = GeneratorRunner.Run([.. sources]);
        var compilerDiagnostics = result.Output.GetDiagnostics();
        var all = result.GeneratorDiagnostics.Concat(compilerDiagnostics).ToList();

        // (1) The generator never throws.
        int crashes = 0;
        var generatorResult = result.RunResult.Results[0];
        if (generatorResult.Exception is not null)
        {
            crashes++;
            failures.Add($"batch {batch}: generator threw {generatorResult.Exception}");
        }

        foreach (var crash in all.Where(d => d.Id is "CS8784" or "CS8785"))
        {
            crashes++;
            failures.Add($"batch {batch}: {crash}");
        }

        // (2) Generated code compiles without errors or warnings.
        foreach (var diagnostic in all.Where(d => d.Severity >= DiagnosticSeverity.Warning
            && d.Location.SourceTree?.FilePath is { } path && path.EndsWith(".g.cs", StringComparison.Ordinal)))
        {
            var tree = diagnostic.Location.SourceTree!;
            string owner = GeneratedClassNames(tree).FirstOrDefault() ?? "?";
            var fuzzCase = cases.FirstOrDefault(c => c.ClassName == owner);
            failures.Add($"batch {batch}: generated code for {owner} does not compile: {diagnostic}\n"
                + $"  line: {tree.GetText().Lines.GetLineFromPosition(diagnostic.Location.SourceSpan.Start)}\n"
                + (fuzzCase is null ? "" : Describe(fuzzCase)));
        }

        var generatedClasses = new HashSet<string>(result.RunResult.GeneratedTrees.SelectMany(GeneratedClassNames));
        var errorsByFile = all
            .Where(d => d.Severity == DiagnosticSeverity.Error && (d.Id.StartsWith("CG", StringComparison.Ordinal) || d.Id.StartsWith("CS", StringComparison.Ordinal)))
            .GroupBy(d => d.Location.GetLineSpan().Path)
            .ToDictionary(g => g.Key, g => g.ToList());
        var cgFiles = new HashSet<string>(all.Where(d => d.Id.StartsWith("CG", StringComparison.Ordinal)).Select(d => d.Location.GetLineSpan().Path));

        int generatedCount = 0;
        int withCg = 0;
        foreach (var fuzzCase in cases)
        {
            var files = fileOwner.Where(kv => kv.Value == fuzzCase).Select(kv => kv.Key).ToList();
            if (files.Any(cgFiles.Contains))
            {
                withCg++;
            }

            var regions = new List<(string Path, TextSpan Span)>();
            foreach (string file in files)
            {
                var tree = result.Output.SyntaxTrees.Single(t => t.FilePath == file);
                foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>()
                    .Where(t => t.Identifier.ValueText == fuzzCase.ClassName))
                {
                    regions.Add((file, declaration.Span));
                }
            }

            if (fuzzCase.SyntaxBroken)
            {
                // Parser recovery may cut the class short: any error in its own file(s) counts.
                regions.AddRange(files.Select(f => (f, result.Output.SyntaxTrees.Single(t => t.FilePath == f).GetRoot().FullSpan)));
            }

            var ownErrors = files
                .SelectMany(f => errorsByFile.TryGetValue(f, out var list) ? list : [])
                .Where(d => regions.Any(r => r.Path == d.Location.GetLineSpan().Path
                    && d.Location.SourceSpan.Start >= r.Span.Start && d.Location.SourceSpan.End <= r.Span.End))
                .ToList();

            if (generatedClasses.Contains(fuzzCase.ClassName))
            {
                generatedCount++;

                // (4) Generated layers come only from error-free declarations. Parse errors are left out: the
                // generator sees the tree the parser recovered, as every generator does. A class whose other
                // part carries its own valid attribute may rightly get a layer from that part.
                var semanticErrors = ownErrors.Where(d => !IsParseError(d)).ToList();
                if (semanticErrors.Count > 0 && !fuzzCase.OtherPartHasLayer)
                {
                    failures.Add($"batch {batch}: {fuzzCase.ClassName} got generated code although its declaration has errors: "
                        + string.Join("; ", semanticErrors) + "\n" + Describe(fuzzCase));
                }
            }
            else if (ownErrors.Count == 0)
            {
                // (3) A class left without code must be told why, at its declaration.
                var elsewhere = files.SelectMany(f => errorsByFile.TryGetValue(f, out var list) ? list : []).ToList();
                failures.Add($"batch {batch}: {fuzzCase.ClassName} got no generated code and no error in its declaration"
                    + (elsewhere.Count > 0 ? " (errors elsewhere in its file: " + string.Join("; ", elsewhere) + ")" : "")
                    + "\n" + Describe(fuzzCase));
            }
        }

        return new BatchOutcome(cases.Count, generatedCount, withCg, crashes, failures);
    }

    /// <summary>Whether the parser (not the binder) reported this diagnostic.</summary>
    private static bool IsParseError(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree is { } tree && tree.GetDiagnostics().Any(d => d.Id == diagnostic.Id && d.Location.SourceSpan == diagnostic.Location.SourceSpan);

    private static string Describe(FuzzCase fuzzCase) =>
        $"  case {fuzzCase.Index} ({fuzzCase.Description}):\n" + string.Join("\n  --- next file ---\n", fuzzCase.Files.Select(f => "    " + f.Replace("\n", "\n    ")));

    /// <summary>The fuzz class names (L0, L1, ...) a generated tree declares.</summary>
    private static IEnumerable<string> GeneratedClassNames(SyntaxTree tree) => tree.GetRoot().DescendantNodes()
        .OfType<TypeDeclarationSyntax>()
        .Select(t => t.Identifier.ValueText)
        .Where(name => Regex.IsMatch(name, "^L[0-9]+$"));

    // ---------------------------------------------------------------- case generation

    private static FuzzCase MakeCase(Random random, int index)
    {
        string name = "L" + index;
        bool conv2d = random.Next(3) != 0;
        var description = new List<string>();
        var arguments = random.Next(20) < 7 ? ValidArguments(random, conv2d) : MutatedArguments(random, conv2d, description);
        string attributeName = AttributeName(random, conv2d, description, out string? extraUsing);
        string argumentText = FormatArguments(random, conv2d, arguments, description);
        string attribute = $"{attributeName}({argumentText})";
        string attributeList = $"[{attribute}]";
        bool syntaxBroken = false;

        if (random.Next(14) == 0)
        {
            syntaxBroken = true;
            attributeList = BreakSyntax(random, attributeName, argumentText, description);
        }
        else if (random.Next(12) == 0)
        {
            string other = random.Next(2) == 0 ? "[System.Serializable]" : "[System.Obsolete(\"x\")]";
            attributeList = random.Next(2) == 0 && !attributeName.StartsWith("type:", StringComparison.Ordinal) ? $"[System.Serializable, {attribute}]" : $"{other} {attributeList}";
            description.Add("with another attribute");
        }

        // Conflicting attributes on the same class.
        int duplicates = random.Next(16);
        if (duplicates == 0)
        {
            attributeList += $" [{attribute}]";
            description.Add("duplicate attribute");
        }
        else if (duplicates == 1)
        {
            string otherKind = conv2d ? "Conv1d(@in: 2, @out: 4, k: 3)" : "Conv2d(@in: 2, @out: 4, k: 3)";
            attributeList = random.Next(2) == 0 ? $"{attributeList} [{otherKind}]" : $"[{otherKind}] {attributeList}";
            description.Add("both Conv1d and Conv2d");
        }

        var files = Target(random, index, name, attributeList, description, extraUsing);
        return new FuzzCase(index, name, files, string.Join(", ", description), syntaxBroken, description.Contains("split, attribute on both parts"));
    }

    /// <summary>Argument name → value text, in declaration order.</summary>
    private static List<KeyValuePair<string, string>> ValidArguments(Random random, bool conv2d)
    {
        var args = new List<KeyValuePair<string, string>>();
        int groups = random.Next(4) == 0 ? random.Next(1, 4) : 1;
        int channelsIn = groups * random.Next(1, 5);
        int channelsOut = groups * random.Next(1, 5);
        args.Add(new("@in", channelsIn.ToString()));
        args.Add(new("@out", channelsOut.ToString()));
        int mode = random.Next(6); // 0..2 explicit, 3 Same, 4 Valid, 5 Full
        int stride = mode == 3 ? 1 : random.Next(1, 4);
        int dilation = random.Next(3) == 0 ? 2 : 1;
        if (conv2d && random.Next(3) == 0)
        {
            args.Add(new("kh", random.Next(1, 5).ToString()));
            args.Add(new("kw", random.Next(1, 5).ToString()));
        }
        else
        {
            args.Add(new("k", random.Next(1, 6).ToString()));
        }

        if (stride != 1 || random.Next(4) == 0)
        {
            args.Add(new("s", stride.ToString()));
        }

        if (mode < 3 && random.Next(2) == 0)
        {
            args.Add(new("p", random.Next(0, 3).ToString()));
        }

        if (conv2d && mode < 3 && random.Next(5) == 0)
        {
            args.Add(new("pw", random.Next(0, 3).ToString()));
        }

        if (dilation != 1 || random.Next(5) == 0)
        {
            args.Add(new("d", dilation.ToString()));
        }

        if (groups != 1 || random.Next(5) == 0)
        {
            args.Add(new("groups", groups.ToString()));
        }

        if (random.Next(4) == 0)
        {
            args.Add(new("bias", random.Next(2) == 0 ? "false" : "true"));
        }

        if (mode >= 3 || random.Next(6) == 0)
        {
            args.Add(new("padding", "Padding." + new[] { "Explicit", "Same", "Valid", "Full" }[Math.Max(0, mode - 2)]));
        }

        if (random.Next(3) == 0)
        {
            if (conv2d)
            {
                args.Add(new("h", random.Next(16, 40).ToString()));
                args.Add(new("w", random.Next(16, 40).ToString()));
            }
            else
            {
                args.Add(new("length", random.Next(16, 64).ToString()));
            }
        }

        return args;
    }

    private static List<KeyValuePair<string, string>> MutatedArguments(Random random, bool conv2d, List<string> description)
    {
        var args = ValidArguments(random, conv2d);
        string[] intParameters = conv2d
            ? ["@in", "@out", "k", "s", "p", "d", "groups", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "h", "w"]
            : ["@in", "@out", "k", "s", "p", "d", "groups", "length"];
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            int kind = random.Next(18);
            string parameter = intParameters[random.Next(intParameters.Length)];
            switch (kind)
            {
                case 0 or 1 or 2:
                    Set(args, parameter, BadSmallValues[random.Next(BadSmallValues.Length)]);
                    description.Add($"bad {parameter}");
                    break;
                case 3 or 4:
                    Set(args, parameter, HugeValues[random.Next(HugeValues.Length)]);
                    description.Add($"huge {parameter}");
                    break;
                case 5:
                    Set(args, "padding", "Padding." + new[] { "Same", "Valid", "Full" }[random.Next(3)]);
                    Set(args, new[] { "p", conv2d ? "ph" : "p", conv2d ? "pw" : "p" }[random.Next(3)], random.Next(0, 3).ToString());
                    description.Add("padding mode + explicit pad");
                    break;
                case 6:
                    Set(args, "padding", "Padding.Same");
                    Set(args, conv2d ? new[] { "s", "sh", "sw" }[random.Next(3)] : "s", random.Next(2, 5).ToString());
                    description.Add("Same + stride");
                    break;
                case 7:
                    string missing = new[] { "@in", "@out", "k", "kh", "kw" }[random.Next(conv2d ? 5 : 3)];
                    args.RemoveAll(a => a.Key == missing || (missing == "k" && a.Key is "kh" or "kw"));
                    description.Add($"missing {missing}");
                    break;
                case 8:
                    var (wrongName, wrongValue) = new[] { ("k", "\"3\""), ("k", "2.5"), ("bias", "1"), ("k", "true"), ("k", "null"), ("k", "3L"), ("padding", "1"), ("padding", "\"Same\""), ("@in", "3u"), ("groups", "1.0f"), ("bias", "\"true\"") }[random.Next(11)];
                    Set(args, wrongName, wrongValue);
                    description.Add("wrong type");
                    break;
                case 9:
                    Set(args, parameter, new[] { "System.Environment.ProcessorCount", "int.Parse(\"3\")", "new System.Random().Next()", "System.DateTime.Now.Second" }[random.Next(4)]);
                    description.Add("non-constant");
                    break;
                case 10:
                    Set(args, parameter, new[] { "2 * 3", "1 << 2", "'a'", "sizeof(int)", "(int)3.9", "unchecked(int.MaxValue + 1)", "(byte)2", "10 / 3", "3 - 5", "(short)-1", "-(-3)" }[random.Next(11)]);
                    description.Add("constant expression");
                    break;
                case 11:
                    Set(args, new[] { "q", "kernel", "stride", "In", "K", conv2d ? "length" : "kh" }[random.Next(6)], "1");
                    description.Add("unknown named argument");
                    break;
                case 12:
                    args.Add(new(args.Count > 0 ? args[random.Next(args.Count)].Key : "k", random.Next(1, 4).ToString()));
                    args.Add(new(args[random.Next(args.Count)].Key, random.Next(1, 4).ToString()));
                    description.Add("duplicate named argument");
                    break;
                case 13:
                    Set(args, "padding", new[] { "(Padding)9", "(Padding)(-1)", "(Padding)1", "(Padding)3", "(Padding)4", "Padding.Same | Padding.Valid", "(Padding)int.MaxValue", "(ConvGen.Padding)2", "default(Padding)", "0" }[random.Next(10)]);
                    description.Add("enum cast");
                    break;
                case 14:
                    args.Clear();
                    description.Add("no arguments");
                    break;
                case 15:
                    Set(args, parameter, random.Next(0, 6).ToString());
                    description.Add($"random {parameter}");
                    break;
                case 16:
                    Set(args, "h", random.Next(-3, 6).ToString());
                    Set(args, conv2d ? "w" : "length", random.Next(-3, 6).ToString());
                    Set(args, "k", random.Next(1, 9).ToString());
                    description.Add("small input");
                    break;
                default:
                    int g = random.Next(2, 9);
                    Set(args, "groups", g.ToString());
                    description.Add("groups");
                    break;
            }
        }

        if (!conv2d)
        {
            args.RemoveAll(a => a.Key == "h" && random.Next(2) == 0);
        }

        return args;
    }

    private static void Set(List<KeyValuePair<string, string>> args, string name, string value)
    {
        int at = args.FindIndex(a => a.Key == name);
        if (at >= 0)
        {
            args[at] = new(name, value);
        }
        else
        {
            args.Add(new(name, value));
        }
    }

    private static string FormatArguments(Random random, bool conv2d, List<KeyValuePair<string, string>> args, List<string> description)
    {
        string[] order = conv2d
            ? ["@in", "@out", "k", "s", "p", "d", "groups", "bias", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "padding", "h", "w"]
            : ["@in", "@out", "k", "s", "p", "d", "groups", "bias", "padding", "length"];
        var parts = new List<string>();
        int style = random.Next(6);
        if (style == 0)
        {
            // Positional prefix: arguments in declaration order, as long as they are contiguous.
            var remaining = new List<KeyValuePair<string, string>>(args);
            for (int i = 0; i < order.Length; i++)
            {
                int at = remaining.FindIndex(a => a.Key == order[i]);
                if (at < 0)
                {
                    break;
                }

                parts.Add(remaining[at].Value);
                remaining.RemoveAt(at);
            }

            parts.AddRange(remaining.Select(a => $"{a.Key}: {a.Value}"));
            description.Add("positional");
        }
        else if (style == 1)
        {
            // Named arguments in shuffled order.
            parts.AddRange(args.OrderBy(_ => random.Next()).Select(a => $"{a.Key}: {a.Value}"));
            description.Add("shuffled");
        }
        else if (style == 2 && args.Count > 0)
        {
            // All positional, ignoring names (may skip parameters or overflow the parameter list).
            parts.AddRange(args.Select(a => a.Value));
            description.Add("all positional");
        }
        else
        {
            parts.AddRange(args.Select(a => $"{a.Key}: {a.Value}"));
        }

        return string.Join(", ", parts);
    }

    private static string AttributeName(Random random, bool conv2d, List<string> description, out string? extraUsing)
    {
        string kind = conv2d ? "Conv2d" : "Conv1d";
        extraUsing = null;
        switch (random.Next(14))
        {
            case 0:
                return kind + "Attribute";
            case 1:
                return "ConvGen." + kind;
            case 2:
                return "global::ConvGen." + kind + "Attribute";
            case 3:
                extraUsing = $"using Layer = ConvGen.{kind}Attribute;";
                description.Add("alias");
                return "Layer";
            case 4:
                return "type: " + kind;
            default:
                return kind;
        }
    }

    private static string BreakSyntax(Random random, string name, string arguments, List<string> description)
    {
        switch (random.Next(8))
        {
            case 0:
                description.Add("missing )");
                return $"[{name}({arguments}]";
            case 1:
                description.Add("missing ]");
                return $"[{name}({arguments})";
            case 2:
                description.Add("missing comma");
                int comma = arguments.IndexOf(',');
                return comma < 0 ? $"[{name}({arguments} 3)]" : $"[{name}({arguments.Remove(comma, 1)})]";
            case 3:
                description.Add("trailing comma");
                return $"[{name}({arguments},)]";
            case 4:
                description.Add("missing value");
                return $"[{name}({arguments}{(arguments.Length > 0 ? ", " : "")}k: )]";
            case 5:
                description.Add("extra )");
                return $"[{name}({arguments}))]";
            case 6:
                description.Add("missing (");
                return $"[{name} {arguments})]";
            default:
                description.Add("missing colon");
                return $"[{name}({arguments.Replace("k: ", "k ")}{(arguments.Contains("k: ") ? "" : ", s 2")})]";
        }
    }

    /// <summary>The case's file(s): the attributed class in one of many shapes and namespace forms.</summary>
    private static string[] Target(Random random, int index, string name, string attributes, List<string> description, string? extraUsing)
    {
        var header = new StringBuilder();
        bool withUsing = random.Next(20) != 0 || attributes.Contains("ConvGen.", StringComparison.Ordinal) || description.Contains("both Conv1d and Conv2d");
        if (withUsing)
        {
            header.Append("using ConvGen;\n");
        }
        else
        {
            description.Add("no using");
        }

        if (extraUsing is not null)
        {
            header.Append(extraUsing).Append('\n');
        }

        string body = random.Next(3) == 0 ? ";" : " { }";
        string modifiers = new[] { "public", "internal", "public sealed", "", "public abstract" }[random.Next(5)];
        string declaration;
        string? secondFile = null;
        string w = "W" + index;
        switch (random.Next(30))
        {
            case 0:
                declaration = $"{attributes} {modifiers} class {name}{body}";
                description.Add("non-partial");
                break;
            case 1:
                declaration = $"{attributes} public partial class {name}<T>{body}";
                description.Add("generic");
                break;
            case 2:
                declaration = $"{attributes} public static partial class {name}{body}";
                description.Add("static");
                break;
            case 3:
                declaration = $"{attributes} public partial struct {name}{body}";
                description.Add("struct");
                break;
            case 4:
                declaration = $"{attributes} public partial record {name}{body}";
                description.Add("record");
                break;
            case 5:
                declaration = $"{attributes} public partial record struct {name}{body}";
                description.Add("record struct");
                break;
            case 6:
                declaration = $"{attributes} public partial interface {name}{body}";
                description.Add("interface");
                break;
            case 7:
                declaration = $"public partial class {w} {{ {attributes} public partial class {name}{body} }}";
                description.Add("nested in partial class");
                break;
            case 8:
                declaration = $"public class {w} {{ {attributes} public partial class {name}{body} }}";
                description.Add("nested in non-partial class");
                break;
            case 9:
                declaration = $"public partial struct {w} {{ {attributes} internal partial class {name}{body} }}";
                description.Add("nested in partial struct");
                break;
            case 10:
                declaration = $"public partial class {w}a {{ public partial record {w}b {{ {attributes} private partial class {name}{body} }} }}";
                description.Add("nested twice");
                break;
            case 11:
                declaration = $"public partial class {w}<T> {{ {attributes} public partial class {name}{body} }}";
                description.Add("nested in generic");
                break;
            case 12:
                declaration = $"public static partial class {w} {{ {attributes} public partial class {name}{body} }}";
                description.Add("nested in static partial");
                break;
            case 13:
                declaration = $"public partial class {w}a {{ public class {w}b {{ {attributes} public partial class {name}{body} }} }}";
                description.Add("nested in non-partial inside partial");
                break;
            case 14 or 15:
                declaration = $"{attributes} public partial class {name} {{ public int Extra => 1; }}";
                secondFile = "namespace Fuzz" + index + $";\npublic partial class {name} {{ public int More => 2; }}\n";
                description.Add("split over two files");
                break;
            case 16:
                declaration = $"{attributes} public partial class {name}{body}";
                secondFile = "using ConvGen;\nnamespace Fuzz" + index + $";\n[Conv2d(@in: 1, @out: 1, k: 1)] public partial class {name};\n";
                description.Add("split, attribute on both parts");
                break;
            case 17:
                declaration = $"{attributes} public partial class {name} : System.IDisposable {{ public void Dispose() {{ }} }}";
                description.Add("with interface");
                break;
            default:
                declaration = $"{attributes} {modifiers} partial class {name}{body}";
                break;
        }

        if (secondFile is not null)
        {
            // The split class lives in a fixed namespace so both parts meet.
            return [header + $"namespace Fuzz{index};\n" + declaration + "\n", secondFile];
        }

        string text = random.Next(4) switch
        {
            0 => header + declaration + "\n",
            1 => header + $"namespace Fuzz{index};\n" + declaration + "\n",
            2 => header + $"namespace Fuzz{index}\n{{\n    {declaration}\n}}\n",
            _ => header + $"namespace Fuzz{index}.Inner.Deep\n{{\n    {declaration}\n}}\n",
        };
        return [text];
    }
}
