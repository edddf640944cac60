using System.Globalization;

namespace ConvGen.Generator.Emitting;

/// <summary>Counts and sizes as the generated summaries write them: thousands separators, bytes in B, KB or MB.</summary>
internal static class Quantity
{
    private const double Kilo = 1024;

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Bytes of <paramref name="floats"/> float32 values.</summary>
    public static string FloatBytes(long floats) => Bytes(4 * floats);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{Count(bytes)} B",
        < 1024 * 1024 => Scaled(bytes / Kilo, "KB"),
        _ => Scaled(bytes / (Kilo * Kilo), "MB"),
    };

    private static string Scaled(double value, string unit) => value.ToString("#,0.#", CultureInfo.InvariantCulture) + " " + unit;
}
