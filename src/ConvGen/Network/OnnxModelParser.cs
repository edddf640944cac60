using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using ConvGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>Reads an [OnnxModel] class into an <see cref="OnnxModelRequest"/> and pairs it with the file it names.</summary>
internal static class OnnxModelParser
{
    internal const string OnnxModelAttribute = "ConvGen.OnnxModelAttribute";

    /// <summary>The request, or null when the attribute does not bind (the compiler reports that).</summary>
    public static OnnxModelRequest? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol symbol || context.Attributes.Length == 0)
        {
            return null;
        }

        var attribute = context.Attributes[0];
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault();
        var location = LocationInfo.From((SyntaxNode?)argument ?? syntax);
        var diagnostics = new List<DiagnosticInfo>();
        var target = TargetTypeReader.Read(symbol, context.TargetNode, "OnnxModel", diagnostics);
        string? file = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        if (attribute.ConstructorArguments.Length == 1 && string.IsNullOrWhiteSpace(file))
        {
            diagnostics.Add(DiagnosticInfo.Create(OnnxFileNameMissing, location));
        }
        else if (attribute.ConstructorArguments.Length != 1)
        {
            return null;
        }

        return diagnostics.Count > 0
            ? new OnnxModelRequest(null, null, location, new EquatableArray<DiagnosticInfo>([.. diagnostics]))
            : new OnnxModelRequest(target, file, location, EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>
    /// Pairs a request with the AdditionalFiles item it names (the item's path ends with the given one, compared
    /// without regard to the separator's kind) and places the file's problems on the attribute's argument.
    /// </summary>
    public static NetworkModel? Match(OnnxModelRequest? request, ImmutableArray<OnnxFile> files)
    {
        if (request is null)
        {
            return null;
        }

        if (request.Target is null || request.FileName is null)
        {
            return new NetworkModel(null, request.Diagnostics);
        }

        var matches = files.Where(f => OnnxModelPath.Matches(f.Path, request.FileName)).ToList();
        if (matches.Count == 0)
        {
            return Fail(DiagnosticInfo.Create(OnnxFileNotFound, request.ArgumentLocation, request.FileName));
        }

        if (matches.Count > 1)
        {
            return Fail(DiagnosticInfo.Create(OnnxFileAmbiguous, request.ArgumentLocation, request.FileName, string.Join(", ", matches.Select(m => m.Path))));
        }

        var file = matches[0];
        if (file.Graph is null)
        {
            return new NetworkModel(null, new EquatableArray<DiagnosticInfo>([.. file.Problems.Select(p => p with { Location = request.ArgumentLocation })]));
        }

        return new NetworkModel(new NetworkSource(request.Target, request.FileName, file.Graph), EquatableArray<DiagnosticInfo>.Empty);

        NetworkModel Fail(DiagnosticInfo info) => new(null, new EquatableArray<DiagnosticInfo>([info]));
    }
}
