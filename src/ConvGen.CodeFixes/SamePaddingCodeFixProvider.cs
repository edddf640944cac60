using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvGen.CodeFixes;

/// <summary>
/// CG0009 (<c>Padding.Same</c> with a stride above 1): writes the padding that 'same' resolves to instead, PyTorch's
/// <c>d*(k-1)</c> per axis split evenly, as <c>p</c> or <c>ph</c> and <c>pw</c>. Offered only where that split is even
/// on every axis (the attribute pads both sides of an axis alike; an odd total puts the extra pixel at the end) and
/// no explicit padding is written (that is CG0008 first). The stride-s output is then ceil(in/s), TensorFlow's 'SAME'
/// size (TensorFlow may place an odd pad differently, by input size).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SamePaddingCodeFixProvider)), Shared]
public sealed class SamePaddingCodeFixProvider : CodeFixProvider
{
    public const string EquivalenceKey = "ConvGen.CG0009.ExplicitPadding";

    public override ImmutableArray<string> FixableDiagnosticIds => ["CG0009"];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var layer = await LayerAttributeSyntax.FindAsync(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false);
            if (layer is null || layer.Find("p") is not null || layer.Find("ph") is not null || layer.Find("pw") is not null
                || HalfPad(layer, "kh", "dh") is not int padH || HalfPad(layer, "kw", "dw") is not int padW)
            {
                continue;
            }

            // A 1-D layer has no kh/kw/dh/dw, so both axes resolve to k and d and it gets p.
            AttributeArgumentSyntax[] pads = padH == padW
                ? [LayerAttributeSyntax.Named("p", padH)]
                : [LayerAttributeSyntax.Named("ph", padH), LayerAttributeSyntax.Named("pw", padW)];
            string title = padH == padW ? $"Use p: {padH} instead of Padding.Same" : $"Use ph: {padH}, pw: {padW} instead of Padding.Same";
            context.RegisterCodeFix(CodeAction.Create(title, _ => Task.FromResult(ReplaceTarget(layer, pads)), EquivalenceKey), diagnostic);
        }
    }

    /// <summary>Half of one axis' 'same' total <c>d*(k-1)</c>, or null when that total is odd or the axis is not readable.</summary>
    private static int? HalfPad(LayerAttributeSyntax layer, string kernelName, string dilationName)
    {
        if (layer.Value(kernelName, "k", 0) is not int kernel || layer.Value(dilationName, "d", 1) is not int dilation || kernel < 1 || dilation < 1)
        {
            return null;
        }

        long total = (long)dilation * (kernel - 1);
        return total % 2 == 0 ? (int)(total / 2) : null;
    }

    /// <summary>The padding argument's place in the list, with its trivia, goes to the pads.</summary>
    private static Document ReplaceTarget(LayerAttributeSyntax layer, AttributeArgumentSyntax[] pads)
    {
        pads[0] = pads[0].WithLeadingTrivia(layer.Target.GetLeadingTrivia());
        pads[pads.Length - 1] = pads[pads.Length - 1].WithTrailingTrivia(layer.Target.GetTrailingTrivia());
        var replacement = new SyntaxNodeOrTokenList().Add(pads[0]);
        for (int i = 1; i < pads.Length; i++)
        {
            replacement = replacement.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space)).Add(pads[i]);
        }

        var items = layer.List.Arguments.GetWithSeparators();
        items = items.ReplaceRange(layer.Target, replacement);
        return layer.WithArgumentList(layer.List.WithArguments(SyntaxFactory.SeparatedList<AttributeArgumentSyntax>(items)));
    }
}
