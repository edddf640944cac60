namespace ConvGen.Generator.Model;

/// <summary>What the pipeline learns about one attributed class: the layer to emit (null when
/// invalid) and the diagnostics to report. Both halves are equatable.</summary>
internal sealed record LayerModel(TargetType? Target, LayerSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public LayerSource? Source => Target is not null && Spec is not null ? new LayerSource(Target, Spec) : null;
}

/// <summary>Everything the emitter needs and nothing else (no locations), so moving code around
/// the attribute does not regenerate the layer.</summary>
internal sealed record LayerSource(TargetType Target, LayerSpec Spec);
