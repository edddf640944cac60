using System;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Network;

/// <summary>Stops the lowering of a graph with a diagnostic (reported at the attribute that names the file).</summary>
internal sealed class NetworkError : Exception
{
    public NetworkError(DiagnosticInfo info)
        : base(string.Join(", ", info.MessageArgs)) => Info = info;

    public DiagnosticInfo Info { get; }
}
