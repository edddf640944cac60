namespace ConvGen.Generator;

/// <summary>Names of the pipeline steps, so tests can check each one stays cached.</summary>
internal static class TrackingNames
{
    public const string Conv2dModels = nameof(Conv2dModels);
    public const string Conv1dModels = nameof(Conv1dModels);
    public const string ConvTranspose2dModels = nameof(ConvTranspose2dModels);
    public const string ConvTranspose1dModels = nameof(ConvTranspose1dModels);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Layers = nameof(Layers);
    public const string OnnxModelRequests = nameof(OnnxModelRequests);
    public const string OnnxFiles = nameof(OnnxFiles);
    public const string OnnxNetworks = nameof(OnnxNetworks);
    public const string OnnxDiagnostics = nameof(OnnxDiagnostics);
    public const string OnnxSources = nameof(OnnxSources);
}
