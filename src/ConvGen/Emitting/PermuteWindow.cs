using System;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// One vector of a gathered row made by one AVX-512 permute: the 16 (or, for a pair, 32) source floats loaded from
/// <see cref="Start"/>, each lane's index into them, and which lanes hold a source value (the others are zeroed).
/// </summary>
internal sealed class PermuteWindow
{
    private const string Vector = "global::System.Runtime.Intrinsics.Vector512";
    private const int Lanes = VectorType.WidestLanes;

    private PermuteWindow(long start, bool pair, long[] indices, bool[] kept)
    {
        Start = start;
        Pair = pair;
        Indices = indices;
        Kept = kept;
    }

    /// <summary>The first source float loaded.</summary>
    public long Start { get; }

    /// <summary>Whether two vectors are loaded (the lanes' sources span more than one).</summary>
    public bool Pair { get; }

    private long[] Indices { get; }

    private bool[] Kept { get; }

    /// <summary>The window for <paramref name="sources"/> (per lane a source index, or null for a zero lane), or null when they
    /// span more than two vectors. With a <paramref name="length"/>, the loaded floats stay inside [0, length) (null when they
    /// cannot); without one they start at the first source and may run up to 15 floats past the last.</summary>
    public static PermuteWindow? Fit(long?[] sources, long? length)
    {
        long first = long.MaxValue, last = long.MinValue;
        foreach (long? source in sources)
        {
            if (source is { } s)
            {
                first = Math.Min(first, s);
                last = Math.Max(last, s);
            }
        }

        var indices = new long[Lanes];
        var kept = new bool[Lanes];
        if (first > last)
        {
            return new PermuteWindow(0, false, indices, kept); // every lane is zero: nothing is loaded
        }

        bool pair = last - first + 1 > Lanes;
        int size = pair ? 2 * Lanes : Lanes;
        if (last - first + 1 > 2 * Lanes || (length is { } n && n < size))
        {
            return null;
        }

        long start = length is { } extent ? Math.Min(first, extent - size) : first;
        for (int lane = 0; lane < Lanes; lane++)
        {
            kept[lane] = sources[lane] is not null;
            indices[lane] = sources[lane] is { } s ? s - start : 0;
        }

        return new PermuteWindow(start, pair, indices, kept);
    }

    /// <summary>The vector, read from <paramref name="source"/> (a <c>ref float</c>) at <see cref="Start"/> plus <paramref name="offset"/>.</summary>
    public string Expression(string source, string offset)
    {
        if (Array.TrueForAll(Kept, k => !k))
        {
            return $"{Vector}<float>.Zero";
        }

        string at = offset == "0" ? $"(nuint){Start}" : $"(nuint)({offset} + {Start})";
        string lanes = $"{Vector}.Create({string.Join(", ", Indices)})";
        string permute = Pair
            ? $"global::System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32x2({Vector}.LoadUnsafe(ref {source}, {at}), {lanes}, {Vector}.LoadUnsafe(ref {source}, {at} + {Lanes}))"
            : $"global::System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32({Vector}.LoadUnsafe(ref {source}, {at}), {lanes})";
        return Array.TrueForAll(Kept, k => k)
            ? permute
            : $"{Vector}.BitwiseAnd({permute}, {Vector}.AsSingle({Vector}.Create({string.Join(", ", Array.ConvertAll(Kept, k => k ? "-1" : "0"))})))";
    }
}
