using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Simplification;

namespace ConvGen.CodeFixes;

/// <summary>
/// CG0008 (a padding mode other than Explicit beside p, ph or pw): removes the explicit padding argument the
/// diagnostic names, or keeps the explicit padding and sets <c>padding: Padding.Explicit</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PaddingConflictCodeFixProvider)), Shared]
public sealed class PaddingConflictCodeFixProvider : CodeFixProvider
{
    public const string RemoveExplicitPaddingKey = "ConvGen.CG0008.RemoveExplicitPadding";
    public const string UseExplicitModeKey = "ConvGen.CG0008.UseExplicitMode";

    public override ImmutableArray<string> FixableDiagnosticIds => ["CG0008"];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var layer = await LayerAttributeSyntax.FindAsync(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false);
            if (layer is null)
            {
                continue;
            }

            if (layer.TargetIsRemovable())
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Remove {layer.TargetName} (the padding mode sets the padding)",
                        _ => Task.FromResult(layer.WithArgumentList(layer.List.WithArguments(layer.List.Arguments.Remove(layer.Target)))),
                        RemoveExplicitPaddingKey),
                    diagnostic);
            }

            if (layer.Find("padding") is { } mode)
            {
                // Fully qualified, then simplified to what the file's usings allow.
                var explicitMode = SyntaxFactory.ParseExpression("global::ConvGen.Padding.Explicit").WithAdditionalAnnotations(Simplifier.Annotation);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use padding: Padding.Explicit (keep the explicit padding)",
                        _ => Task.FromResult(layer.WithExpression(mode, explicitMode)),
                        UseExplicitModeKey),
                    diagnostic);
            }
        }
    }
}
