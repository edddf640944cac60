using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConvGen.CodeFixes;

/// <summary>CG0015, CG0017: declares the layer class and every type around it <c>partial</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    public const string EquivalenceKey = "ConvGen.MakePartial";

    public override ImmutableArray<string> FixableDiagnosticIds => ["CG0015", "CG0017"];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        // Both rules point at the layer's name and have one fix, so one action serves every diagnostic there.
        context.RegisterCodeFix(
            CodeAction.Create("Make the layer class and its containing types partial", ct => MakePartialAsync(context.Document, context.Span, ct), EquivalenceKey),
            context.Diagnostics);
        return Task.CompletedTask;
    }

    private static async Task<Document> MakePartialAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindToken(span.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } layer)
        {
            return document;
        }

        var notPartial = layer.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword));
        return document.WithSyntaxRoot(root.ReplaceNodes(notPartial, (_, rewritten) => AddPartial(rewritten)));
    }

    /// <summary><c>partial</c> goes last among the modifiers, right before the keyword, as C# requires.</summary>
    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
    {
        var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (type.Modifiers.Count == 0)
        {
            // The keyword's leading trivia (indentation, the line after the attributes) moves to the new first token.
            partial = partial.WithLeadingTrivia(type.Keyword.LeadingTrivia);
            type = type.WithKeyword(type.Keyword.WithLeadingTrivia());
        }

        return type.WithModifiers(type.Modifiers.Add(partial));
    }
}
