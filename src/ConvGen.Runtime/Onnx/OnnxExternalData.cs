using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Onnx;
#else
namespace ConvGen.Onnx;
#endif

/// <summary>
/// Where a tensor saved as ONNX external data keeps its bytes (<c>TensorProto.data_location = EXTERNAL</c> and its
/// <c>external_data</c> entries, as <c>onnx.save_model(..., save_as_external_data=True)</c> and exporters of large models
/// write them): a file named relative to the model's folder, and a byte range in it. The location is checked when the
/// model is read: a path that is absolute or climbs out of the model's folder ('..') is refused, so a model can never
/// make its reader open another file.
/// </summary>
public sealed class OnnxExternalData
{
    private OnnxExternalData(string location, long offset, long? length) => (Location, Offset, Length) = (location, offset, length);

    /// <summary>The file, relative to the model's folder, with '/' between folders and no '.' or '..' (e.g. <c>model.onnx.data</c>).</summary>
    public string Location { get; }

    /// <summary>Where the tensor's bytes start in the file (0 when the model gives no offset).</summary>
    public long Offset { get; }

    /// <summary>How many bytes the tensor takes, or null when the model gives no length (then the rest of the file).</summary>
    public long? Length { get; }

    /// <summary>Reads the <c>external_data</c> key/value entries of tensor <paramref name="tensor"/>: <c>location</c> (required),
    /// <c>offset</c> and <c>length</c> (decimal); <c>checksum</c> and other keys are not used.</summary>
    /// <exception cref="FormatException">No location, a location outside the model's folder, or an offset or length that
    /// is not a non-negative integer.</exception>
    internal static OnnxExternalData Read(string tensor, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        foreach (var entry in entries)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = Number(tensor, entry.Key, entry.Value); break;
                case "length": length = Number(tensor, entry.Key, entry.Value); break;
                default: break;
            }
        }

        if (location is null)
        {
            throw new FormatException($"tensor '{tensor}' is stored as external data but names no file (its external_data has no 'location').");
        }

        return new OnnxExternalData(CheckedLocation(tensor, location), offset, length);
    }

    /// <summary>The location as a relative path inside the model's folder: '/'-separated ('\' counts as a separator too),
    /// without empty or '.' parts.</summary>
    private static string CheckedLocation(string tensor, string location)
    {
        string path = location.Replace('\\', '/');
        bool absolute = path.StartsWith("/", StringComparison.Ordinal) || (path.Length >= 2 && path[1] == ':');
        var parts = new List<string>();
        foreach (string part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == ".." || part.IndexOf('\0') >= 0)
            {
                absolute = true;
                break;
            }

            parts.Add(part);
        }

        if (absolute || parts.Count == 0)
        {
            throw new FormatException(
                $"tensor '{tensor}' is stored as external data in '{location}', which is not a file in the model's folder; "
                + "an ONNX external data location must be a relative path that stays in that folder (no '..', not absolute).");
        }

        return string.Join("/", parts);
    }

    private static long Number(string tensor, string key, string value)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
        {
            throw new FormatException($"tensor '{tensor}' has the external data {key} '{value}', which is not a byte count (a non-negative integer).");
        }

        return number;
    }
}

/// <summary>The file in which a model stores a tensor as ONNX external data is not beside the model (not in its folder,
/// not embedded, not an AdditionalFiles item: whatever the reader of the model looks in).</summary>
public sealed class OnnxExternalFileNotFoundException : FileNotFoundException
{
    /// <summary>The exception for tensor <paramref name="tensor"/>, stored in <paramref name="location"/>.</summary>
    public OnnxExternalFileNotFoundException(string tensor, string location)
        : base($"tensor '{tensor}' is stored as ONNX external data in '{location}', a file that is not beside the model.", location)
    {
        (Tensor, Location) = (tensor, location);
    }

    /// <summary>The tensor whose values were asked for.</summary>
    public string Tensor { get; }

    /// <summary>The file the model names, relative to its folder (<see cref="OnnxExternalData.Location"/>).</summary>
    public string Location { get; }
}
