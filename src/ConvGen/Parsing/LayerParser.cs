using System.Collections.Generic;
using System.Threading;
using ConvGen.Generator.Model;
using ConvGen.Generator.Validation;
using Microsoft.CodeAnalysis;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Parsing;

/// <summary>Turns one attributed class into a <see cref="LayerModel"/>: the only step that touches Roslyn symbols.</summary>
internal static class LayerParser
{
    internal const string Conv2dAttribute = "ConvGen.Conv2dAttribute";
    internal const string Conv1dAttribute = "ConvGen.Conv1dAttribute";
    internal const string ConvTranspose2dAttribute = "ConvGen.ConvTranspose2dAttribute";
    internal const string ConvTranspose1dAttribute = "ConvGen.ConvTranspose1dAttribute";

    /// <summary>The model, or null when there is nothing to do (the attribute does not bind, or a
    /// duplicate attribute is reported by its first occurrence).</summary>
    public static LayerModel? Parse(GeneratorAttributeSyntaxContext context, LayerKind kind, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol symbol || context.Attributes.Length == 0)
        {
            return null;
        }

        var attribute = context.Attributes[0];
        string attributeName = kind.ToString();
        var diagnostics = new List<DiagnosticInfo>();

        // One layer per class: the first layer attribute on the type speaks for all of them.
        var layerAttributes = LayerAttributesOf(symbol);
        if (layerAttributes.Count > 1)
        {
            if (!Equals(layerAttributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken), attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)))
            {
                return null;
            }

            var second = LocationInfo.From(layerAttributes[1].ApplicationSyntaxReference?.GetSyntax(cancellationToken));
            diagnostics.Add(DiagnosticInfo.Create(MultipleLayerAttributes, second, symbol.Name));
        }

        var target = TargetTypeReader.Read(symbol, context.TargetNode, attributeName, diagnostics);
        if (AttributeArgumentReader.Read(attribute, context.SemanticModel, cancellationToken) is not { } arguments)
        {
            return diagnostics.Count > 0 ? new LayerModel(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray())) : null;
        }

        var request = new LayerRequest(kind, arguments, LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)));
        var (spec, specDiagnostics) = kind is LayerKind.Conv1d or LayerKind.Conv2d
            ? ((LayerSpec?, EquatableArray<DiagnosticInfo>))ConvValidator.Validate(request)
            : TransposedConvValidator.Validate(request);
        diagnostics.AddRange(specDiagnostics);
        return diagnostics.Count > 0
            ? new LayerModel(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()))
            : new LayerModel(target, spec, EquatableArray<DiagnosticInfo>.Empty);
    }

    private static List<AttributeData> LayerAttributesOf(INamedTypeSymbol symbol)
    {
        var found = new List<AttributeData>();
        foreach (var attribute in symbol.GetAttributes())
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name is Conv2dAttribute or Conv1dAttribute or ConvTranspose2dAttribute or ConvTranspose1dAttribute)
            {
                found.Add(attribute);
            }
        }

        return found;
    }
}
