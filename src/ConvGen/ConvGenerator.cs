using System.Collections.Immutable;
using System.Linq;
using ConvGen.Generator.Emitting;
using ConvGen.Generator.Model;
using ConvGen.Generator.Network;
using ConvGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConvGen.Generator;

/// <summary>
/// The incremental pipeline: each [Conv2d]/[Conv1d]/[ConvTranspose2d]/[ConvTranspose1d] class becomes an equatable <see cref="LayerModel"/>
/// (parse + validate); its diagnostics are reported in one step, and valid layers are planned and
/// emitted in another that never sees a location, so edits elsewhere leave both cached.
/// [OnnxModel] classes are paired with the .onnx AdditionalFiles items, each read and lowered to an equatable
/// <see cref="NetworkGraph"/> once (cached on the AdditionalText), then emitted the same way.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ConvGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var conv2d = Layers(context, LayerParser.Conv2dAttribute, LayerKind.Conv2d, TrackingNames.Conv2dModels);
        var conv1d = Layers(context, LayerParser.Conv1dAttribute, LayerKind.Conv1d, TrackingNames.Conv1dModels);
        var convTranspose2d = Layers(context, LayerParser.ConvTranspose2dAttribute, LayerKind.ConvTranspose2d, TrackingNames.ConvTranspose2dModels);
        var convTranspose1d = Layers(context, LayerParser.ConvTranspose1dAttribute, LayerKind.ConvTranspose1d, TrackingNames.ConvTranspose1dModels);

        foreach (var models in new[] { conv2d, conv1d, convTranspose2d, convTranspose1d })
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
                    foreach (var (hintName, source) in LayerEmitter.Emit(layer))
                    {
                        output.AddSource(hintName, source);
                    }
                }
            });
        }

        InitializeOnnxModels(context);
    }

    /// <summary>The layer model of every class that carries the attribute <paramref name="attribute"/>.</summary>
    private static IncrementalValuesProvider<LayerModel?> Layers(
        IncrementalGeneratorInitializationContext context, string attribute, LayerKind kind, string trackingName) =>
        context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is TypeDeclarationSyntax,
                (syntax, cancellationToken) => LayerParser.Parse(syntax, kind, cancellationToken))
            .WithTrackingName(trackingName);

    private static void InitializeOnnxModels(IncrementalGeneratorInitializationContext context)
    {
        var requests = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                OnnxModelParser.OnnxModelAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (syntax, cancellationToken) => OnnxModelParser.Parse(syntax, cancellationToken))
            .WithTrackingName(TrackingNames.OnnxModelRequests);

        // Every .onnx AdditionalFiles item, read and lowered once; only the equatable result flows on. The other items are
        // where a model's external data may be (read only for constants the lowering folds): a change to any of them
        // reads the models again, as a change to the model itself does.
        var otherFiles = context.AdditionalTextsProvider
            .Where(static text => !IsOnnx(text))
            .Collect();
        var files = context.AdditionalTextsProvider
            .Where(static text => IsOnnx(text))
            .Combine(otherFiles)
            .Select(static (pair, cancellationToken) => OnnxFileReader.Read(pair.Left.Path, [.. pair.Right.Select(static text => text.Path)], cancellationToken))
            .WithTrackingName(TrackingNames.OnnxFiles);

        var networks = requests
            .Combine(files.Collect())
            .Select(static (pair, _) => OnnxModelParser.Match(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.OnnxNetworks);

        var diagnostics = networks
            .Select(static (model, _) => model?.Diagnostics ?? EquatableArray<DiagnosticInfo>.Empty)
            .WithTrackingName(TrackingNames.OnnxDiagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, infos) =>
        {
            foreach (var info in infos)
            {
                output.ReportDiagnostic(info.ToDiagnostic());
            }
        });

        var sources = networks
            .Select(static (model, _) => model?.Source)
            .WithTrackingName(TrackingNames.OnnxSources);
        context.RegisterSourceOutput(sources, static (output, network) =>
        {
            if (network is not null)
            {
                foreach (var (hintName, source) in NetworkEmitter.Emit(network))
                {
                    output.AddSource(hintName, source);
                }
            }
        });
    }

    private static bool IsOnnx(AdditionalText text) => text.Path.EndsWith(".onnx", System.StringComparison.OrdinalIgnoreCase);
}
