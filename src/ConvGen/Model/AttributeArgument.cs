namespace ConvGen.Generator.Model;

/// <summary>One argument written in the attribute: its parameter name, its constant value (bools
/// and enums as ints) and where it stands, so a diagnostic can point at it.</summary>
internal sealed record AttributeArgument(string Name, int Value, LocationInfo? Location);
