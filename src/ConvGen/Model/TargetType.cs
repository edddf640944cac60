namespace ConvGen.Generator.Model;

/// <summary>The partial class that receives the layer: where it lives and how to re-declare it.</summary>
internal sealed record TargetType(
    string? Namespace,
    string Name,
    string Keyword,
    EquatableArray<ContainingType> ContainingTypes)
{
    /// <summary>Name as C# writes it without <c>global::</c>, e.g. <c>Demo.Outer.Stem</c>.</summary>
    public string FullName
    {
        get
        {
            string prefix = Namespace is null ? "" : Namespace + ".";
            foreach (var containing in ContainingTypes)
            {
                prefix += containing.Name + ".";
            }

            return prefix + Name;
        }
    }

    /// <summary>Unique file name for the generated source.</summary>
    public string HintName => FullName + ".g.cs";
}
