using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConvGen;

/// <summary>Small routines the generated kernels call; not meant for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KernelSupport
{
    /// <summary>Shortest row copied with a memmove call.</summary>
    private const int MinMemmove = 16;

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

        // Short rows (small feature maps): a plain loop beats a memmove call per row. Indices are within the checks above.
        ref float to = ref MemoryMarshal.GetReference(destination);
        ref float start = ref MemoryMarshal.GetReference(source);
        for (int row = 0, from = 0; row < destination.Length; row += width, from += sourcePitch)
        {
            for (int column = 0; column < width; column++)
            {
                Unsafe.Add(ref to, row + column) = Unsafe.Add(ref start, from + column);
            }
        }
    }
}
