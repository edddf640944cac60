namespace ConvGen.Generator.Model;

/// <summary>Which attribute declared the layer.</summary>
internal enum LayerKind
{
    Conv1d,
    Conv2d,
    ConvTranspose1d,
    ConvTranspose2d,
}
