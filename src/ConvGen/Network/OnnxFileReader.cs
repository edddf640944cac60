using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
    /// A tensor the model stores as ONNX external data is read, only if the lowering needs its values (a constant it
    /// folds), from the file its location names beside the model, which must be one of <paramref name="otherFiles"/>
    /// (the paths of the project's other AdditionalFiles items); a weight's values are never read here.
    /// </summary>
    public static OnnxFile Read(string path, IReadOnlyList<string> otherFiles, CancellationToken cancellationToken)
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
        return Parse(path, bytes, otherFiles);
    }

    /// <summary>Parses and lowers a model already in memory (tests call this directly too); external data is read from
    /// those of <paramref name="otherFiles"/> beside it.</summary>
    public static OnnxFile Parse(string path, byte[] bytes, IReadOnlyList<string>? otherFiles = null)
    {
        string name = FileName(path);
        OnnxModel model;
        try
        {
            model = OnnxModel.Parse(bytes, location => OpenSideFile(path, location, otherFiles ?? []));
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
        catch (OnnxExternalFileNotFoundException e)
        {
            return Failed(path, DiagnosticInfo.Create(OnnxExternalDataNotAvailable, null, name, e.Tensor, e.Location, SideFilePath(path, e.Location)));
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            // An external tensor's file is shorter than the model says, or could not be read.
            return Failed(path, DiagnosticInfo.Create(OnnxFileUnreadable, null, name, e.Message));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A malformed graph the checks above did not anticipate (e.g. a missing attribute list entry): report, never crash.
            return Failed(path, DiagnosticInfo.Create(OnnxFileUnreadable, null, name, $"the graph could not be compiled ({e.GetType().Name}: {e.Message})"));
        }
    }

    public static string FileName(string path) => Path.GetFileName(path);

    /// <summary>The AdditionalFiles item at <paramref name="location"/> relative to the model's folder, opened; null when
    /// no item is there (the location was checked to stay in the folder when the model was parsed).</summary>
    private static Stream? OpenSideFile(string modelPath, string location, IReadOnlyList<string> otherFiles)
    {
        string wanted = SideFilePath(modelPath, location);
        var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string? item = otherFiles.FirstOrDefault(file => string.Equals(Path.GetFullPath(file), wanted, comparison));
#pragma warning disable RS1035 // Do not do file IO in analyzers: as for the model itself (see Read), the path is one of the compiler's own AdditionalFiles items.
        return item is null ? null : File.OpenRead(item);
#pragma warning restore RS1035
    }

    private static string SideFilePath(string modelPath, string location) =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(modelPath) ?? "", location));

    private static OnnxFile Failed(string path, DiagnosticInfo problem) =>
        new(path, null, new EquatableArray<DiagnosticInfo>([problem]));
}
