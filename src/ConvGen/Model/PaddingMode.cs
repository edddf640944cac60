namespace ConvGen.Generator.Model;

/// <summary>Mirror of the runtime's <c>ConvGen.Padding</c> (same values); the generator cannot reference the runtime.</summary>
internal enum PaddingMode
{
    Explicit = 0,
    Same = 1,
    Valid = 2,
    Full = 3,
}
