using System;
using System.IO;
using System.Threading;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>
/// Reads one .onnx AdditionalFiles item into an <see cref="OnnxFile"/>: parse, check the operators, lower the graph.
/// Never throws: every failure becomes a diagnostic naming the file (and the node and operator where there is one).
/// </summary>
internal static class OnnxFileReader
{
    /// <summary>
    /// Reads the file's bytes from <paramref name="path"/>. An ONNX file is binary, and AdditionalText.GetText would
    /// decode it as text (and makes the compiler report CS2015 for a binary file), so the generator reads the bytes
    /// itself, once per AdditionalText: the step is cached on the AdditionalText, so edits to code do not re-read it.
    /// </summary>
    public static OnnxFile Read(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
#pragma warning disable RS1035 // Do not do file IO in analyzers: Roslyn has no binary AdditionalFiles API (dotnet/roslyn#47292); the path is the compiler's own AdditionalFiles item.
            bytes = File.ReadAllBytes(path);
#pragma warning restore RS1035
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Failed(path, DiagnosticInfo.Create(OnnxFileUnreadable, null, FileName(path), e.Message));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Parse(path, bytes);
    }

    /// <summary>Parses and lowers a model already in memory (tests call this directly too).</summary>
    public static OnnxFile Parse(string path, byte[] bytes)
    {
        string name = FileName(path);
        OnnxModel model;
        try
        {
            model = OnnxModel.Parse(bytes);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            return Failed(path, DiagnosticInfo.Create(OnnxFileUnreadable, null, name, "not a valid ONNX model (" + e.Message + ")"));
        }

        if (model.Nodes.Count == 0 || model.Outputs.Count == 0)
        {
            return Failed(path, DiagnosticInfo.Create(OnnxFileUnreadable, null, name, "not an ONNX model: it has no graph nodes or outputs"));
        }

        var unsupported = OnnxGraphLowering.UnsupportedNodes(name, model);
        if (unsupported.Count > 0)
        {
            return new OnnxFile(path, null, new EquatableArray<DiagnosticInfo>([.. unsupported]));
        }

        try
        {
            return new OnnxFile(path, OnnxGraphLowering.Lower(name, model), EquatableArray<DiagnosticInfo>.Empty);
        }
        catch (NetworkError e)
        {
            return Failed(path, e.Info);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A malformed graph the checks above did not anticipate (e.g. a missing attribute list entry): report, never crash.
            return Failed(path, DiagnosticInfo.Create(OnnxFileUnreadable, null, name, $"the graph could not be compiled ({e.GetType().Name}: {e.Message})"));
        }
    }

    public static string FileName(string path) => Path.GetFileName(path);

    private static OnnxFile Failed(string path, DiagnosticInfo problem) =>
        new(path, null, new EquatableArray<DiagnosticInfo>([problem]));
}
