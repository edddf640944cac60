using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvGen;

/// <summary>Small routines the generated kernels call; not meant for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KernelSupport
{
    /// <summary>Shortest row copied with a memmove call: shorter rows (small feature maps) are copied inline with
    /// overlapping vectors, which costs less than the call.</summary>
    private const int MinMemmove = 128;

    /// <summary>Copies rows of <paramref name="width"/> values, stored <paramref name="sourcePitch"/> apart in
    /// <paramref name="source"/>, into <paramref name="destination"/> back to back (as many rows as it holds).</summary>
    /// <exception cref="ArgumentException">The sizes do not describe whole rows inside both spans.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyRows(ReadOnlySpan<float> source, int sourcePitch, Span<float> destination, int width)
    {
        if (width <= 0 || sourcePitch < width || destination.Length % width != 0
            || (destination.Length > 0 && source.Length < ((long)(destination.Length / width) - 1) * sourcePitch + width))
        {
            throw new ArgumentException($"rows of {width} values at pitch {sourcePitch} do not fit {source.Length} source and {destination.Length} destination values.");
        }

        if (width >= MinMemmove)
        {
            for (int row = 0, from = 0; row < destination.Length; row += width, from += sourcePitch)
            {
                source.Slice(from, width).CopyTo(destination.Slice(row, width));
            }

            return;
        }

        // Short rows (small feature maps): inline copies, no call per row. Indices are within the checks above.
        ref float to = ref MemoryMarshal.GetReference(destination);
        ref float start = ref MemoryMarshal.GetReference(source);
        for (int row = 0, from = 0; row < destination.Length; row += width, from += sourcePitch)
        {
            CopyShort(ref Unsafe.Add(ref start, from), ref Unsafe.Add(ref to, row), width);
        }
    }

    /// <summary>Copies <paramref name="source"/> to the start of <paramref name="destination"/>: short runs with
    /// vectors (the last one overlapping its neighbour), long ones with memmove.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length >= MinMemmove)
        {
            source.CopyTo(destination);
            return;
        }

        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"a run of {source.Length} values does not fit {destination.Length}.", nameof(destination));
        }

        CopyShort(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), source.Length);
    }

    /// <summary>Copies <paramref name="length"/> (below <see cref="MinMemmove"/>) values with the widest vectors that
    /// fit, the last one overlapping its neighbour; runs shorter than any vector value by value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyShort(ref float from, ref float to, int length)
    {
        if (Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
        {
            int last = length - Vector512<float>.Count;
            for (int i = 0; i < last; i += Vector512<float>.Count)
            {
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref from, (nuint)i), ref to, (nuint)i);
            }

            Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref from, (nuint)last), ref to, (nuint)last);
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            int last = length - Vector256<float>.Count;
            for (int i = 0; i < last; i += Vector256<float>.Count)
            {
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref from, (nuint)i), ref to, (nuint)i);
            }

            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref from, (nuint)last), ref to, (nuint)last);
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
        {
            int last = length - Vector128<float>.Count;
            for (int i = 0; i < last; i += Vector128<float>.Count)
            {
                Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref from, (nuint)i), ref to, (nuint)i);
            }

            Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref from, (nuint)last), ref to, (nuint)last);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
            }
        }
    }
}
