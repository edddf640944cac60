namespace ConvGen.Generator.Model;

/// <summary>A type declaration the layer is nested in, as it must be re-declared: keyword and name.</summary>
internal sealed record ContainingType(string Keyword, string Name);
