using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ConvGen.CodeFixes;

/// <summary>
/// CG0001: replaces <c>groups</c> with one that divides <c>in</c> and <c>out</c>: their greatest common divisor (the
/// depthwise <c>groups: in</c> when in == out), or 1. Each value is offered once.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GroupsCodeFixProvider)), Shared]
public sealed class GroupsCodeFixProvider : CodeFixProvider
{
    public const string GreatestCommonDivisorKey = "ConvGen.CG0001.GreatestCommonDivisor";
    public const string OneKey = "ConvGen.CG0001.One";

    public override ImmutableArray<string> FixableDiagnosticIds => ["CG0001"];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var layer = await LayerAttributeSyntax.FindAsync(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false);
            if (layer?.Value("in") is not int inChannels || layer.Value("out") is not int outChannels || inChannels <= 0 || outChannels <= 0)
            {
                continue;
            }

            int divisor = GreatestCommonDivisor(inChannels, outChannels);
            if (divisor > 1)
            {
                string why = inChannels == outChannels ? "depthwise" : "greatest common divisor of in and out";
                Register(context, diagnostic, layer, divisor, $"Use groups: {divisor} ({why})", GreatestCommonDivisorKey);
            }

            Register(context, diagnostic, layer, 1, "Use groups: 1", OneKey);
        }
    }

    private static void Register(CodeFixContext context, Diagnostic diagnostic, LayerAttributeSyntax layer, int groups, string title, string key) =>
        context.RegisterCodeFix(
            CodeAction.Create(title, _ => Task.FromResult(layer.WithExpression(layer.Target, LayerAttributeSyntax.Number(groups))), key),
            diagnostic);

    private static int GreatestCommonDivisor(int a, int b) => b == 0 ? a : GreatestCommonDivisor(b, a % b);
}
