namespace ConvGen.Generator.Model;

/// <summary>A valid layer with every default resolved: a <see cref="ConvSpec"/> or a <see cref="TransposedConvSpec"/>.</summary>
internal abstract record LayerSpec;
