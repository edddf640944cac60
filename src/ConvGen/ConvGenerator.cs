using System.Collections.Immutable;
using ConvGen.Generator.Emitting;
using ConvGen.Generator.Model;
using ConvGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvGen.Generator;

/// <summary>
/// The incremental pipeline: each [Conv2d]/[Conv1d] class becomes an equatable <see cref="LayerModel"/>
/// (parse + validate); its diagnostics are reported in one step, and valid layers are planned and
/// emitted in another that never sees a location, so edits elsewhere leave both cached.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ConvGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var conv2d = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                LayerParser.Conv2dAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (syntax, cancellationToken) => LayerParser.Parse(syntax, LayerKind.Conv2d, cancellationToken))
            .WithTrackingName(TrackingNames.Conv2dModels);
        var conv1d = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                LayerParser.Conv1dAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (syntax, cancellationToken) => LayerParser.Parse(syntax, LayerKind.Conv1d, cancellationToken))
            .WithTrackingName(TrackingNames.Conv1dModels);

        foreach (var models in new[] { conv2d, conv1d })
        {
            var diagnostics = models
                .Select(static (model, _) => model?.Diagnostics ?? EquatableArray<DiagnosticInfo>.Empty)
                .WithTrackingName(TrackingNames.Diagnostics);
            context.RegisterSourceOutput(diagnostics, static (output, infos) =>
            {
                foreach (var info in infos)
                {
                    output.ReportDiagnostic(info.ToDiagnostic());
                }
            });

            var layers = models
                .Select(static (model, _) => model?.Source)
                .WithTrackingName(TrackingNames.Layers);
            context.RegisterSourceOutput(layers, static (output, layer) =>
            {
                if (layer is not null)
                {
                    output.AddSource(layer.Target.HintName, LayerEmitter.Emit(layer));
                }
            });
        }
    }
}
