using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvGen.Kernels;

namespace ConvGen.Operators;

/// <summary>
/// A pooling window on 2-D planes, ONNX's MaxPool/AveragePool attributes: output (oy, ox) reads rows
/// oy * StrideHeight - PadTop + ky * DilationHeight and columns ox * StrideWidth - PadLeft + kx * DilationWidth. Taps
/// outside the plane are padding; a window that reaches past the bottom or right pad (ceil mode's last one) is clipped
/// to the padded plane.
/// </summary>
/// <param name="KernelHeight">Window rows.</param>
/// <param name="KernelWidth">Window columns.</param>
/// <param name="StrideHeight">Rows between windows.</param>
/// <param name="StrideWidth">Columns between windows.</param>
/// <param name="PadTop">Padding rows above the plane.</param>
/// <param name="PadLeft">Padding columns left of it.</param>
/// <param name="PadBottom">Padding rows below it (taps beyond are clipped).</param>
/// <param name="PadRight">Padding columns right of it (taps beyond are clipped).</param>
/// <param name="DilationHeight">Rows between a window's taps.</param>
/// <param name="DilationWidth">Columns between a window's taps.</param>
public readonly record struct PoolWindow(
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadTop, int PadLeft, int PadBottom, int PadRight,
    int DilationHeight = 1, int DilationWidth = 1);

/// <summary>
/// ONNX MaxPool and AveragePool (and the runtime's MaxPool2d/AvgPool2d) over planes; called by generated networks, not
/// meant for direct use. Each output row folds the window's rows that lie in the plane: the output columns whose every
/// tap is inside the row run on vectors (Vector512/256/128, each tap one load across the columns, the last vector
/// overlapping its neighbour), the few columns at the edges one by one with their windows clipped. With a horizontal
/// stride s whose windows overlap (stride 2, or more than two taps per input value) each plane is first split into its
/// s column phases (a vector de-interleave for s = 2), so that every tap of a run of outputs is contiguous; windows that
/// barely overlap (a 1x4 pool at stride 4) are read one output at a time instead. 2x2 max pools at stride 2 on even
/// planes run <see cref="KernelSupport.MaxPool2x2"/>. The maximum is IEEE's: a NaN anywhere in a window makes it NaN.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Pool
{
    /// <summary>
    /// Max pools each of <paramref name="planes"/> planes of <paramref name="height"/> x <paramref name="width"/> values
    /// in <paramref name="x"/> into <paramref name="outputHeight"/> x <paramref name="outputWidth"/> values in
    /// <paramref name="y"/>; padding never wins (a window with no tap in the plane gives -Infinity).
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, a pad negative, or a span too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Max(ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width, int outputHeight, int outputWidth, in PoolWindow window)
    {
        Check(x, y, planes, height, width, outputHeight, outputWidth, window);
        if (window is { KernelHeight: 2, KernelWidth: 2, StrideHeight: 2, StrideWidth: 2, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0, DilationHeight: 1, DilationWidth: 1 }
            && height % 2 == 0 && width % 2 == 0 && outputHeight == height / 2 && outputWidth == width / 2 && BitConverter.IsLittleEndian)
        {
            KernelSupport.MaxPool2x2(x, y, (long)planes * height / 2, width);
            return;
        }

        Run<MaxOf>(x, y, planes, height, width, outputHeight, outputWidth, window, countIncludePad: false, divisorOverride: 0);
    }

    /// <summary>
    /// Average pools like <see cref="Max"/>: each window's sum over its taps in the plane, divided by
    /// <paramref name="divisorOverride"/> when it is positive, else by the number of its taps in the padded plane
    /// (<paramref name="countIncludePad"/>) or in the plane. A window with no tap in the plane gives 0.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, a pad or the divisor negative, or a span too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Average(
        ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width, int outputHeight, int outputWidth, in PoolWindow window,
        bool countIncludePad, int divisorOverride = 0)
    {
        Check(x, y, planes, height, width, outputHeight, outputWidth, window);
        if (divisorOverride < 0)
        {
            throw new ArgumentException($"the divisor override must be 0 (none) or positive, not {divisorOverride}.", nameof(divisorOverride));
        }

        Run<SumOf>(x, y, planes, height, width, outputHeight, outputWidth, window, countIncludePad, divisorOverride);
    }

    private static void Check(ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width, int outputHeight, int outputWidth, in PoolWindow w)
    {
        if (planes < 0 || height < 1 || width < 1 || outputHeight < 1 || outputWidth < 1 || w.KernelHeight < 1 || w.KernelWidth < 1
            || w.StrideHeight < 1 || w.StrideWidth < 1 || w.DilationHeight < 1 || w.DilationWidth < 1
            || w.PadTop < 0 || w.PadLeft < 0 || w.PadBottom < 0 || w.PadRight < 0)
        {
            throw new ArgumentException($"{planes} planes of {height}x{width} pooled to {outputHeight}x{outputWidth} with {w} is not a pool: sizes, strides and dilations must be positive, pads not negative.");
        }

        if (x.Length < (long)planes * height * width)
        {
            throw new ArgumentException($"x has {x.Length} values, but {planes} planes of {height}x{width} need {(long)planes * height * width}.", nameof(x));
        }

        if (y.Length < (long)planes * outputHeight * outputWidth)
        {
            throw new ArgumentException($"y has {y.Length} values, but {planes} planes of {outputHeight}x{outputWidth} need {(long)planes * outputHeight * outputWidth}.", nameof(y));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TFold>(
        ReadOnlySpan<float> x, Span<float> y, int planes, int height, int width, int outputHeight, int outputWidth, in PoolWindow w,
        bool countIncludePad, int divisorOverride)
        where TFold : struct, IFold
    {
        int kh = w.KernelHeight, kw = w.KernelWidth, sh = w.StrideHeight, sw = w.StrideWidth, dh = w.DilationHeight, dw = w.DilationWidth;

        // Output columns [lo, hi) have every tap inside the row; the columns before and after are edges.
        int reach = ((kw - 1) * dw) - w.PadLeft;
        int lo = Math.Min(outputWidth, (w.PadLeft + sw - 1) / sw);
        int hi = Math.Max(lo, width - 1 - reach < 0 ? 0 : Math.Min(outputWidth, ((width - 1 - reach) / sw) + 1));

        // With stride s > 1 the interior reads rows split into their s column phases: tap kx of output column ox is
        // column (ox + q) s + r, at r * phase + q + ox of the split row (kx dw - PadLeft = q s + r). The split moves
        // every value once, so it pays where windows overlap (more than two taps per input value; at stride 2 the split
        // is a vector de-interleave and always pays); windows that barely overlap read the plane one output at a time.
        bool split = sw > 1 && hi > lo && (sw == 2 || kh * kw > 2 * sh * sw);
        int step = split ? 1 : sw; // columns between neighbouring outputs' taps in the rows the interior reads
        int phase = (width + sw - 1) / sw, rowLength = split ? Math.Min(sw, width) * phase : width;
        if (split && (long)height * rowLength > Array.MaxLength)
        {
            throw new ArgumentException($"a {height}x{width} plane split into {sw} column phases ({(long)height * rowLength} values) is too large for one buffer.");
        }

        float[]? scratch = split ? ArrayPool<float>.Shared.Rent(height * rowLength) : null;
        int[]? rentedTaps = kw > 64 ? ArrayPool<int>.Shared.Rent(kw) : null;
        Span<int> taps = rentedTaps is null ? stackalloc int[kw] : rentedTaps.AsSpan(0, kw);
        for (int kx = 0; kx < kw; kx++)
        {
            int t = (kx * dw) - w.PadLeft;
            int q = t >= 0 ? t / sw : -((-t + sw - 1) / sw);
            taps[kx] = split ? ((t - (q * sw)) * phase) + q : t;
        }

        try
        {
            ref float source = ref MemoryMarshal.GetReference(x);
            ref float target = ref MemoryMarshal.GetReference(y);
            for (int plane = 0; plane < planes; plane++)
            {
                ref float image = ref Unsafe.Add(ref source, plane * height * width);
                ref float rows = ref image;
                if (split)
                {
                    Split(ref image, height, width, sw, ref scratch![0], rowLength);
                    rows = ref scratch[0];
                }

                for (int oy = 0; oy < outputHeight; oy++)
                {
                    ref float pooled = ref Unsafe.Add(ref target, ((plane * outputHeight) + oy) * outputWidth);

                    // The window's rows in the plane (first..first + count - 1) and in the padded plane (padded).
                    int y0 = (oy * sh) - w.PadTop;
                    int first = y0 >= 0 ? 0 : (-y0 + dh - 1) / dh;
                    int count = y0 > height - 1 ? 0 : Math.Min(kh, ((height - 1 - y0) / dh) + 1) - first;
                    int padded = y0 > height + w.PadBottom - 1 ? 0 : Math.Min(kh, ((height + w.PadBottom - 1 - y0) / dh) + 1);
                    if (count <= 0)
                    {
                        MemoryMarshal.CreateSpan(ref pooled, outputWidth).Fill(TFold.Empty);
                        continue;
                    }

                    int top = y0 + (first * dh);
                    float divisor = divisorOverride > 0 ? divisorOverride : (countIncludePad ? padded : count) * kw;
                    Interior<TFold>(ref Unsafe.Add(ref rows, top * rowLength), rowLength * dh, count, taps, step, split ? 0 : dw, ref pooled, lo, hi, divisor);
                    ref float edgeRows = ref Unsafe.Add(ref image, top * width);
                    for (int ox = 0; ox < lo; ox++)
                    {
                        Unsafe.Add(ref pooled, ox) = Edge<TFold>(ref edgeRows, width, dh, count, padded, ox, w, countIncludePad, divisorOverride);
                    }

                    for (int ox = hi; ox < outputWidth; ox++)
                    {
                        Unsafe.Add(ref pooled, ox) = Edge<TFold>(ref edgeRows, width, dh, count, padded, ox, w, countIncludePad, divisorOverride);
                    }
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<float>.Shared.Return(scratch);
            }

            if (rentedTaps is not null)
            {
                ArrayPool<int>.Shared.Return(rentedTaps);
            }
        }
    }

    /// <summary>Output columns [lo, hi) of one row, every tap inside the rows: the widest vectors that fit where
    /// neighbouring outputs' taps are neighbours (<paramref name="step"/> 1), else one output at a time, each row's taps
    /// <paramref name="spacing"/> apart (0: at their offsets in <paramref name="taps"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interior<TFold>(
        ref float rows, int rowStep, int count, ReadOnlySpan<int> taps, int step, int spacing, ref float pooled, int lo, int hi, float divisor)
        where TFold : struct, IFold
    {
        int n = step == 1 ? hi - lo : 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Sweep<Vector512<float>, Vector512Ops, TFold>(ref rows, rowStep, count, taps, ref pooled, lo, hi, divisor);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Sweep<Vector256<float>, Vector256Ops, TFold>(ref rows, rowStep, count, taps, ref pooled, lo, hi, divisor);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Sweep<Vector128<float>, Vector128Ops, TFold>(ref rows, rowStep, count, taps, ref pooled, lo, hi, divisor);
        }
        else
        {
            Scalar<TFold>(ref rows, rowStep, count, taps, step, spacing, ref pooled, lo, hi, divisor);
        }
    }

    /// <summary>Output columns [lo, hi) one at a time (kept out of <see cref="Run"/>: inlined there, its registers
    /// spilled and a 1x4 pool took twice as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Scalar<TFold>(ref float rows, int rowStep, int count, ReadOnlySpan<int> taps, int step, int spacing, ref float pooled, int lo, int hi, float divisor)
        where TFold : struct, IFold
    {
        if (spacing > 0 && count == 1)
        {
            // A window of one row (a 1-D pool): a loop per kernel width, so that each folds to straight code. The first
            // tap is an offset, not a ref: left of the padding it may lie before the array (a GC hole).
            int first = taps[0];
            switch (taps.Length)
            {
                case 2: Line<TFold>(ref rows, first, 2, spacing, step, ref pooled, lo, hi, divisor); break;
                case 3: Line<TFold>(ref rows, first, 3, spacing, step, ref pooled, lo, hi, divisor); break;
                case 4: Line<TFold>(ref rows, first, 4, spacing, step, ref pooled, lo, hi, divisor); break;
                default: Line<TFold>(ref rows, first, taps.Length, spacing, step, ref pooled, lo, hi, divisor); break;
            }

            return;
        }

        for (int ox = lo; ox < hi; ox++)
        {
            float value = TFold.Empty;
            for (int r = 0, row = 0; r < count; r++, row += rowStep) // offsets: a ref moved past the last row would leave the array (a GC hole)
            {
                if (TFold.InAnyOrder && spacing > 0)
                {
                    // A maximum: each row's taps as a tree, the first row's without the empty value (a shorter chain).
                    float taken = Row<TFold>(ref Unsafe.Add(ref rows, row + taps[0] + (ox * step)), taps.Length, spacing);
                    value = r == 0 ? taken : TFold.Fold(value, taken);
                    continue;
                }

                // A sum: every tap in order, as the vector sweep adds them. The window's origin is an offset: with more
                // padding than the kernel spans it lies past the row's last tap, and as a ref could lie past the array.
                int at = row + (ox * step);
                foreach (int tap in taps)
                {
                    value = TFold.Fold(value, Unsafe.Add(ref rows, at + tap));
                }
            }

            Unsafe.Add(ref pooled, ox) = TFold.Finish(value, divisor);
        }
    }

    /// <summary>Outputs [lo, hi) of a one-row window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Line<TFold>(ref float rows, int first, int kernel, int spacing, int step, ref float pooled, int lo, int hi, float divisor)
        where TFold : struct, IFold
    {
        for (int ox = lo; ox < hi; ox++)
        {
            Unsafe.Add(ref pooled, ox) = TFold.Finish(Row<TFold>(ref Unsafe.Add(ref rows, first + (ox * step)), kernel, spacing), divisor);
        }
    }

    /// <summary>The <paramref name="kernel"/> taps <paramref name="spacing"/> apart from <paramref name="first"/> folded:
    /// a sum tap by tap from the empty value (the vector sweep's order), a maximum up to four taps as a balanced tree (a
    /// shorter dependency chain: its IEEE maximum takes three dependent instructions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Row<TFold>(ref float first, int kernel, int spacing)
        where TFold : struct, IFold
    {
        if (!TFold.InAnyOrder)
        {
            float sum = TFold.Empty;
            for (int k = 0; k < kernel; k++)
            {
                sum = TFold.Fold(sum, Unsafe.Add(ref first, k * spacing));
            }

            return sum;
        }

        // Each tap's ref is made only where the tap exists: a ref past the row's last tap may lie past the array, a GC hole.
        switch (kernel)
        {
            case 1:
                return first;
            case 2:
                return TFold.Fold(first, Unsafe.Add(ref first, spacing));
            case 3:
                return TFold.Fold(TFold.Fold(first, Unsafe.Add(ref first, spacing)), Unsafe.Add(ref first, 2 * spacing));
        }

        float value = TFold.Fold(
            TFold.Fold(first, Unsafe.Add(ref first, spacing)),
            TFold.Fold(Unsafe.Add(ref first, 2 * spacing), Unsafe.Add(ref first, 3 * spacing)));
        for (int k = 4; k < kernel; k++)
        {
            value = TFold.Fold(value, Unsafe.Add(ref first, k * spacing));
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sweep<TVector, TOps, TFold>(ref float rows, int rowStep, int count, ReadOnlySpan<int> taps, ref float pooled, int lo, int hi, float divisor)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TFold : struct, IFold
    {
        var empty = TOps.Create(TFold.Empty);
        var divisors = TOps.Create(divisor);
        for (int ox = lo; ox < hi; ox += TOps.Count)
        {
            ox = Math.Min(ox, hi - TOps.Count); // the last vector overlaps its neighbour
            var value = empty;
            for (int r = 0, row = 0; r < count; r++, row += rowStep)
            {
                foreach (int tap in taps)
                {
                    value = TFold.Fold<TVector, TOps>(value, TOps.LoadUnsafe(ref rows, (nuint)(row + tap + ox)));
                }
            }

            TOps.StoreUnsafe(TFold.Finish<TVector, TOps>(value, divisors), ref pooled, (nuint)ox);
        }
    }

    /// <summary>One edge output: its window clipped to the plane, the rows given (top: the first row in the plane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Edge<TFold>(ref float top, int width, int dh, int count, int padded, int ox, in PoolWindow w, bool countIncludePad, int divisorOverride)
        where TFold : struct, IFold
    {
        int x0 = (ox * w.StrideWidth) - w.PadLeft;
        int columns = 0, paddedColumns = 0;
        float value = TFold.Empty;
        for (int kx = 0; kx < w.KernelWidth; kx++)
        {
            int column = x0 + (kx * w.DilationWidth);
            paddedColumns += column < width + w.PadRight ? 1 : 0;
            if ((uint)column < (uint)width)
            {
                columns++;
                for (int r = 0, tap = column; r < count; r++, tap += width * dh)
                {
                    value = TFold.Fold(value, Unsafe.Add(ref top, tap));
                }
            }
        }

        return columns == 0 ? TFold.Empty : TFold.Finish(value, divisorOverride > 0 ? divisorOverride : countIncludePad ? padded * paddedColumns : count * columns);
    }

    /// <summary>Writes each row of the plane as its column phases, r = 0..min(s, width) - 1, each <c>phase</c> long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Split(ref float image, int height, int width, int stride, ref float split, int rowLength)
    {
        int phase = (width + stride - 1) / stride;
        for (int h = 0; h < height; h++)
        {
            ref float row = ref Unsafe.Add(ref image, h * width);
            ref float phases = ref Unsafe.Add(ref split, h * rowLength);
            int done = 0;
            if (stride == 2 && BitConverter.IsLittleEndian)
            {
                done = Deinterleave(ref row, width, ref phases, phase);
            }

            // The rest phase by phase, stepping through the row (no division per value).
            for (int r = 0; r < stride && r < width; r++)
            {
                ref float to = ref Unsafe.Add(ref phases, r * phase);
                int j = (done - r + stride - 1) / stride; // the first column of this phase not yet written
                for (int c = r + (j * stride); c < width; c += stride, j++)
                {
                    Unsafe.Add(ref to, j) = Unsafe.Add(ref row, c);
                }
            }
        }
    }

    /// <summary>Even columns to phases[c / 2], odd ones to phases[phase + c / 2], read as 64-bit pairs whose low half
    /// (little-endian) is the even column; returns the first column left for the scalar loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Deinterleave(ref float row, int width, ref float phases, int phase)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; c + 32 <= width; c += 32)
            {
                var a = Vector512.LoadUnsafe(ref row, (nuint)c).AsUInt64();
                var b = Vector512.LoadUnsafe(ref row, (nuint)(c + 16)).AsUInt64();
                Vector512.Narrow(a, b).AsSingle().StoreUnsafe(ref phases, (nuint)(c / 2));
                Vector512.Narrow(Vector512.ShiftRightLogical(a, 32), Vector512.ShiftRightLogical(b, 32)).AsSingle().StoreUnsafe(ref phases, (nuint)(phase + (c / 2)));
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; c + 16 <= width; c += 16)
            {
                var a = Vector256.LoadUnsafe(ref row, (nuint)c).AsUInt64();
                var b = Vector256.LoadUnsafe(ref row, (nuint)(c + 8)).AsUInt64();
                Vector256.Narrow(a, b).AsSingle().StoreUnsafe(ref phases, (nuint)(c / 2));
                Vector256.Narrow(Vector256.ShiftRightLogical(a, 32), Vector256.ShiftRightLogical(b, 32)).AsSingle().StoreUnsafe(ref phases, (nuint)(phase + (c / 2)));
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; c + 8 <= width; c += 8)
            {
                var a = Vector128.LoadUnsafe(ref row, (nuint)c).AsUInt64();
                var b = Vector128.LoadUnsafe(ref row, (nuint)(c + 4)).AsUInt64();
                Vector128.Narrow(a, b).AsSingle().StoreUnsafe(ref phases, (nuint)(c / 2));
                Vector128.Narrow(Vector128.ShiftRightLogical(a, 32), Vector128.ShiftRightLogical(b, 32)).AsSingle().StoreUnsafe(ref phases, (nuint)(phase + (c / 2)));
            }
        }

        return c;
    }

    /// <summary>How a window's taps combine: the value of an empty window, the fold, and the last step.</summary>
    private interface IFold
    {
        static abstract float Empty { get; }

        /// <summary>Whether taps may fold in any order with the same result (a maximum; not a float sum).</summary>
        static abstract bool InAnyOrder { get; }

        static abstract float Fold(float value, float tap);

        static abstract float Finish(float value, float divisor);

        static abstract TVector Fold<TVector, TOps>(TVector value, TVector tap)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector>;

        static abstract TVector Finish<TVector, TOps>(TVector value, TVector divisor)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector>;
    }

    private readonly struct MaxOf : IFold
    {
        public static float Empty => float.NegativeInfinity;

        public static bool InAnyOrder => true;

        public static float Fold(float value, float tap) => MathF.Max(value, tap);

        public static float Finish(float value, float divisor) => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Fold<TVector, TOps>(TVector value, TVector tap)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Max(value, tap);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Finish<TVector, TOps>(TVector value, TVector divisor)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => value;
    }

    private readonly struct SumOf : IFold
    {
        public static float Empty => 0f;

        public static bool InAnyOrder => false;

        public static float Fold(float value, float tap) => value + tap;

        public static float Finish(float value, float divisor) => value / divisor;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Fold<TVector, TOps>(TVector value, TVector tap)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Add(value, tap);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Finish<TVector, TOps>(TVector value, TVector divisor)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Divide(value, divisor);
    }
}
