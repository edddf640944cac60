using Microsoft.CodeAnalysis;

namespace ConvGen.Generator.Model;

/// <summary>A diagnostic carried through the pipeline as an equatable value and reported in its own step.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] messageArgs)
    {
        var args = new string[messageArgs.Length];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = messageArgs[i].ToString();
        }

        return new(descriptor, location, new EquatableArray<string>(args));
    }

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), [.. MessageArgs]);
}
