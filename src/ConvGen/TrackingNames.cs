namespace ConvGen.Generator;

/// <summary>Names of the pipeline steps, so tests can check each one stays cached.</summary>
internal static class TrackingNames
{
    public const string Conv2dModels = nameof(Conv2dModels);
    public const string Conv1dModels = nameof(Conv1dModels);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Layers = nameof(Layers);
}
