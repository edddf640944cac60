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

    /// <summary>
    /// A 2x2 max pool at stride 2 (no padding, no dilation) of planes of even height and <paramref name="width"/>:
    /// the planes' row pairs lie back to back, and each pair gives one output row, the maximum of its two rows, then of
    /// each even and odd column, read as 64-bit pairs whose low half (little-endian) is the even column. The maximum is
    /// IEEE's, as <see cref="MathF.Max(float, float)"/>: NaN propagates. Inlined, so a constant width folds.
    /// </summary>
    /// <exception cref="ArgumentException">The width is odd or not positive, the spans do not hold the row pairs, or the machine is big-endian.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaxPool2x2(ReadOnlySpan<float> input, Span<float> output, long rowPairs, int width)
    {
        if (width <= 0 || width % 2 != 0 || rowPairs < 0 || input.Length < rowPairs * 2 * width || output.Length < rowPairs * (width / 2) || !BitConverter.IsLittleEndian)
        {
            throw new ArgumentException($"{rowPairs} row pairs of width {width} do not fit {input.Length} input and {output.Length} output values.");
        }

        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        for (long pair = 0; pair < rowPairs; pair++)
        {
            ref float top = ref Unsafe.Add(ref source, (nint)(pair * 2 * width));
            ref float pooled = ref Unsafe.Add(ref target, (nint)(pair * (width / 2)));
            int x = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; x + 32 <= width; x += 32)
                {
                    var left = Vector512.AsUInt64(Vector512.Max(Vector512.LoadUnsafe(ref top, (nuint)x), Vector512.LoadUnsafe(ref top, (nuint)(x + width))));
                    var right = Vector512.AsUInt64(Vector512.Max(Vector512.LoadUnsafe(ref top, (nuint)(x + 16)), Vector512.LoadUnsafe(ref top, (nuint)(x + width + 16))));
                    var evens = Vector512.AsSingle(Vector512.Narrow(left, right));
                    var odds = Vector512.AsSingle(Vector512.Narrow(Vector512.ShiftRightLogical(left, 32), Vector512.ShiftRightLogical(right, 32)));
                    Vector512.StoreUnsafe(Vector512.Max(evens, odds), ref pooled, (nuint)(x / 2));
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; x + 16 <= width; x += 16)
                {
                    var left = Vector256.AsUInt64(Vector256.Max(Vector256.LoadUnsafe(ref top, (nuint)x), Vector256.LoadUnsafe(ref top, (nuint)(x + width))));
                    var right = Vector256.AsUInt64(Vector256.Max(Vector256.LoadUnsafe(ref top, (nuint)(x + 8)), Vector256.LoadUnsafe(ref top, (nuint)(x + width + 8))));
                    var evens = Vector256.AsSingle(Vector256.Narrow(left, right));
                    var odds = Vector256.AsSingle(Vector256.Narrow(Vector256.ShiftRightLogical(left, 32), Vector256.ShiftRightLogical(right, 32)));
                    Vector256.StoreUnsafe(Vector256.Max(evens, odds), ref pooled, (nuint)(x / 2));
                }
            }

            if (Vector128.IsHardwareAccelerated)
            {
                for (; x + 8 <= width; x += 8)
                {
                    var left = Vector128.AsUInt64(Vector128.Max(Vector128.LoadUnsafe(ref top, (nuint)x), Vector128.LoadUnsafe(ref top, (nuint)(x + width))));
                    var right = Vector128.AsUInt64(Vector128.Max(Vector128.LoadUnsafe(ref top, (nuint)(x + 4)), Vector128.LoadUnsafe(ref top, (nuint)(x + width + 4))));
                    var evens = Vector128.AsSingle(Vector128.Narrow(left, right));
                    var odds = Vector128.AsSingle(Vector128.Narrow(Vector128.ShiftRightLogical(left, 32), Vector128.ShiftRightLogical(right, 32)));
                    Vector128.StoreUnsafe(Vector128.Max(evens, odds), ref pooled, (nuint)(x / 2));
                }
            }

            // The rest of the row (narrow planes, or no vectors) one output at a time.
            for (; x < width; x += 2)
            {
                float upper = MathF.Max(Unsafe.Add(ref top, x), Unsafe.Add(ref top, x + 1));
                float lower = MathF.Max(Unsafe.Add(ref top, x + width), Unsafe.Add(ref top, x + width + 1));
                Unsafe.Add(ref pooled, x / 2) = MathF.Max(upper, lower);
            }
        }
    }
}
