namespace ConvGen.Generator.Model;

/// <summary>The attribute as the user wrote it: only the arguments present, before defaults and overrides.</summary>
internal sealed record LayerRequest(LayerKind Kind, EquatableArray<AttributeArgument> Arguments, LocationInfo? AttributeLocation)
{
    public AttributeArgument? Find(string name)
    {
        foreach (var argument in Arguments)
        {
            if (argument.Name == name)
            {
                return argument;
            }
        }

        return null;
    }
}
