using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ConvGen.CodeFixes;

/// <summary>
/// A ConvGen layer attribute as written, found from a diagnostic on one of its arguments: the parameter each argument
/// sets (by name, or by position as the generator reads it), their constant values, and edits of its argument list.
/// </summary>
internal sealed class LayerAttributeSyntax
{
    private readonly Document document;
    private readonly SyntaxNode root;
    private readonly SemanticModel model;
    private readonly Dictionary<string, AttributeArgumentSyntax> arguments;

    private LayerAttributeSyntax(Document document, SyntaxNode root, SemanticModel model, AttributeArgumentListSyntax list, AttributeArgumentSyntax target, string targetName, Dictionary<string, AttributeArgumentSyntax> arguments)
    {
        this.document = document;
        this.root = root;
        this.model = model;
        this.arguments = arguments;
        List = list;
        Target = target;
        TargetName = targetName;
    }

    /// <summary>The argument the diagnostic points at.</summary>
    public AttributeArgumentSyntax Target { get; }

    /// <summary>The parameter <see cref="Target"/> sets.</summary>
    public string TargetName { get; }

    public AttributeArgumentListSyntax List { get; }

    /// <summary>The attribute around the argument at <paramref name="span"/>, or null when it is not a ConvGen attribute that binds.</summary>
    public static async Task<LayerAttributeSyntax?> FindAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || root.FindNode(span).FirstAncestorOrSelf<AttributeArgumentSyntax>() is not { Parent: AttributeArgumentListSyntax { Parent: AttributeSyntax attribute } list } target
            || model.GetSymbolInfo(attribute, cancellationToken).Symbol is not IMethodSymbol constructor
            || constructor.ContainingType.ContainingNamespace.ToDisplayString() != "ConvGen")
        {
            return null;
        }

        var arguments = new Dictionary<string, AttributeArgumentSyntax>();
        string targetName = "";
        for (int position = 0; position < list.Arguments.Count; position++)
        {
            var argument = list.Arguments[position];
            string? name = argument.NameColon?.Name.Identifier.ValueText
                ?? (argument.NameEquals is null && position < constructor.Parameters.Length ? constructor.Parameters[position].Name : null);
            if (name is null)
            {
                return null;
            }

            arguments[name] = argument;
            if (argument == target)
            {
                targetName = name;
            }
        }

        return new LayerAttributeSyntax(document, root, model, list, target, targetName, arguments);
    }

    public AttributeArgumentSyntax? Find(string name) => arguments.TryGetValue(name, out var argument) ? argument : null;

    /// <summary>The constant an argument was given, or null when it is absent or not an int.</summary>
    public int? Value(string name) =>
        Find(name) is { } argument && model.GetConstantValue(argument.Expression).Value is int value ? value : null;

    /// <summary>As the validator resolves an axis: the per-axis argument wins over the shared one, then the default.</summary>
    public int? Value(string axisName, string sharedName, int fallback) =>
        Find(axisName) is not null ? Value(axisName) : Find(sharedName) is not null ? Value(sharedName) : fallback;

    /// <summary>The target can go when every argument after it is named; a positional one after it would shift.</summary>
    public bool TargetIsRemovable()
    {
        for (int i = List.Arguments.IndexOf(Target) + 1; i < List.Arguments.Count; i++)
        {
            if (List.Arguments[i].NameColon is null)
            {
                return false;
            }
        }

        return true;
    }

    public Document WithArgumentList(AttributeArgumentListSyntax list) => document.WithSyntaxRoot(root.ReplaceNode(List, list));

    public Document WithExpression(AttributeArgumentSyntax argument, ExpressionSyntax expression) =>
        document.WithSyntaxRoot(root.ReplaceNode(argument.Expression, expression.WithTriviaFrom(argument.Expression)));

    public static ExpressionSyntax Number(int value) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));

    /// <summary>A named argument as one writes it: <c>name: value</c>.</summary>
    public static AttributeArgumentSyntax Named(string name, int value) => SyntaxFactory.AttributeArgument(
        null,
        SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(name), SyntaxFactory.Token(SyntaxKind.ColonToken).WithTrailingTrivia(SyntaxFactory.Space)),
        Number(value));
}
