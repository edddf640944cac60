using System.Collections.Generic;
using System.Threading;
using ConvGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvGen.Generator.Parsing;

/// <summary>
/// Reads the arguments the user actually wrote in a [Conv1d]/[Conv2d] attribute. Values come from the
/// bound constructor arguments (so constants like <c>2 * 8</c> are folded); presence and location come
/// from the syntax, so an explicit <c>k: 0</c> is told apart from a missing kernel.
/// </summary>
internal static class AttributeArgumentReader
{
    /// <summary>The written arguments, or null when the attribute does not bind or an argument is not a
    /// compile-time constant (the compiler reports both; a bound attribute then silently drops that argument).</summary>
    public static EquatableArray<AttributeArgument>? Read(AttributeData attribute, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        if (attribute.AttributeConstructor is not { } constructor
            || attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax
            || syntax.SyntaxTree != semanticModel.SyntaxTree)
        {
            return null;
        }

        var parameters = constructor.Parameters;
        var arguments = new List<AttributeArgument>();
        var written = syntax.ArgumentList?.Arguments ?? default;
        for (int position = 0; position < written.Count; position++)
        {
            var argument = written[position];
            if (argument.NameEquals is not null || !semanticModel.GetConstantValue(argument.Expression, cancellationToken).HasValue)
            {
                return null;
            }

            int ordinal = argument.NameColon is { } nameColon
                ? IndexOf(parameters, nameColon.Name.Identifier.ValueText)
                : position;
            if (ordinal < 0 || ordinal >= parameters.Length || ordinal >= attribute.ConstructorArguments.Length)
            {
                return null;
            }

            if (ToInt(attribute.ConstructorArguments[ordinal]) is not { } value)
            {
                return null;
            }

            arguments.Add(new AttributeArgument(parameters[ordinal].Name, value, LocationInfo.From(argument)));
        }

        return new EquatableArray<AttributeArgument>(arguments.ToArray());
    }

    private static int IndexOf(System.Collections.Immutable.ImmutableArray<IParameterSymbol> parameters, string name)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static int? ToInt(TypedConstant constant) => constant.Kind switch
    {
        TypedConstantKind.Primitive or TypedConstantKind.Enum => constant.Value switch
        {
            int number => number,
            bool flag => flag ? 1 : 0,
            _ => null,
        },
        _ => null,
    };
}
