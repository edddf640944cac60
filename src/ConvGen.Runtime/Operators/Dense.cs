using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvGen.Kernels;

namespace ConvGen.Operators;

/// <summary>
/// A dense layer, y = x W^T + b (ONNX Gemm/MatMul with constant weights, the runtime's Linear); called by generated
/// networks, not meant for direct use. The weight is packed (<see cref="Pack"/>) in panels of 96 output columns, each
/// [in][96], so that outputs lie along the vectors and a panel is read front to back: a register tile of four rows by
/// three vectors of outputs starts from the bias and adds, for each input feature, the four rows' values broadcast
/// times three weight vectors (twelve multiply-adds per three loads, no lanes to sum at the end); a lone row takes six
/// vectors at a time (six independent sums). Rows run in blocks whose inputs stay in L2 while each panel passes over
/// them once. The last panel is padded with zero columns to whole vectors of 16 floats, so that every output is
/// computed on the widest accelerated vectors (Vector512/256/128) and the last vector of a row keeps only its real
/// outputs. Every output is bias + Σ_i x[i] w[i] with fused multiply-adds, i rising, in every tile: a row's outputs do
/// not depend on how many rows a call has or where the row is among them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dense
{
    private const int PanelWidth = 96; // a whole number of tiles at every vector width (16, 8 and 4 floats)
    private const int WidthStep = 16; // the last panel's width is rounded up to whole Vector512s
    private const int TileRows = 4;
    private const int TileVectors = 3;
    private const int OneRowVectors = 6; // a lone row's tile: six independent sums hide the multiply-add latency
    private const int BlockInputFloats = 32 * 1024; // 128 KB of input rows per block

    /// <summary>PyTorch's [out, in] weight packed as <see cref="Run"/> takes it: panel p holds output columns
    /// 96p to 96p + w - 1 (w = 96, or what is left in the last panel) as [in][w'], w' being w rounded up to a multiple
    /// of 16 (zeros after the last column), panels one after another: <see cref="PackedLength"/> values.</summary>
    /// <exception cref="ArgumentException"><paramref name="weight"/> does not hold out x in values.</exception>
    public static float[] Pack(ReadOnlySpan<float> weight, int outFeatures, int inFeatures)
    {
        if (outFeatures < 1 || inFeatures < 1 || weight.Length != (long)outFeatures * inFeatures)
        {
            throw new ArgumentException($"a [{outFeatures}, {inFeatures}] weight has {(long)outFeatures * inFeatures} values, not {weight.Length}.", nameof(weight));
        }

        var packed = new float[PackedLength(outFeatures, inFeatures)];
        PackInto(weight, packed, outFeatures, inFeatures);
        return packed;
    }

    /// <summary>The number of values <see cref="Pack"/> writes for an [out, in] weight: out x in plus the last panel's
    /// zero columns.</summary>
    public static long PackedLength(int outFeatures, int inFeatures)
    {
        int last = PanelFirst(outFeatures - 1);
        return ((long)last + Pitch(outFeatures - last)) * inFeatures;
    }

    /// <summary>Writes PyTorch's [out, in] <paramref name="weight"/> into <paramref name="packed"/>, zeroed or packed
    /// before for the same sizes, as <see cref="Pack"/> lays it out.</summary>
    internal static void PackInto(ReadOnlySpan<float> weight, Span<float> packed, int outFeatures, int inFeatures)
    {
        for (int m = 0; m < outFeatures; m++)
        {
            int first = PanelFirst(m), pitch = Pitch(outFeatures - first);
            for (int i = 0; i < inFeatures; i++)
            {
                packed[(first * inFeatures) + (i * pitch) + (m - first)] = weight[(m * inFeatures) + i];
            }
        }
    }

    /// <summary>The first column of the panel that holds column <paramref name="m"/> (m rounded down to whole panels).</summary>
    private static int PanelFirst(int m) => m / PanelWidth * PanelWidth;

    /// <summary>The pitch of a panel's rows when <paramref name="left"/> columns remain from its first: 96, or the
    /// last panel's width rounded up to whole steps.</summary>
    private static int Pitch(int left) => Math.Min(PanelWidth, (left + WidthStep - 1) / WidthStep * WidthStep);

    /// <summary>
    /// y[r, m] = bias[m] + Σ_i x[r, i] W[m, i] for each of <paramref name="rows"/> rows of <paramref name="inFeatures"/>
    /// values in <paramref name="x"/>; <paramref name="weight"/> is W packed by <see cref="Pack"/>, <paramref name="bias"/>
    /// [out] or empty (none). <paramref name="y"/> must not overlap <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, or a span does not hold what the sizes say.</exception>
    public static void Run(ReadOnlySpan<float> x, Span<float> y, int rows, int inFeatures, int outFeatures, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
    {
        if (rows < 0 || inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentException($"{rows} rows of {inFeatures} -> {outFeatures} features is not a dense layer: the feature counts must be positive.");
        }

        long packedLength = PackedLength(outFeatures, inFeatures);
        if (weight.Length != packedLength || (!bias.IsEmpty && bias.Length != outFeatures))
        {
            throw new ArgumentException($"a [{outFeatures}, {inFeatures}] weight packed by Dense.Pack ({packedLength} values) and a bias of {outFeatures} (or none) were expected, not {weight.Length} and {bias.Length} values.", nameof(weight));
        }

        if (x.Length < (long)rows * inFeatures || y.Length < (long)rows * outFeatures)
        {
            throw new ArgumentException($"{rows} rows of {inFeatures} -> {outFeatures} features need {(long)rows * inFeatures} input and {(long)rows * outFeatures} output values, not {x.Length} and {y.Length}.");
        }

        // Every index below is inside the spans checked above.
        ref float from = ref MemoryMarshal.GetReference(x);
        ref float to = ref MemoryMarshal.GetReference(y);
        ref float w = ref MemoryMarshal.GetReference(weight);
        ref float b = ref MemoryMarshal.GetReference(bias);
        bool biased = !bias.IsEmpty;
        if (Vector512.IsHardwareAccelerated)
        {
            Sweep<Vector512<float>, Vector512Ops>(ref from, ref to, rows, inFeatures, outFeatures, ref w, ref b, biased);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Sweep<Vector256<float>, Vector256Ops>(ref from, ref to, rows, inFeatures, outFeatures, ref w, ref b, biased);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Sweep<Vector128<float>, Vector128Ops>(ref from, ref to, rows, inFeatures, outFeatures, ref w, ref b, biased);
        }
        else
        {
            for (int m = 0; m < outFeatures; m += PanelWidth)
            {
                var panel = new Panel(ref Unsafe.Add(ref w, m * inFeatures), m, outFeatures - m, inFeatures, outFeatures);
                for (int r = 0; r < rows; r++)
                {
                    Scalars(ref Unsafe.Add(ref from, r * inFeatures), ref Unsafe.Add(ref to, r * outFeatures), panel, ref b, biased);
                }
            }
        }
    }

    /// <summary>One panel's place: its weights, its first output column, its real columns (<paramref name="left"/> or
    /// 96) and the pitch of its rows.</summary>
    private readonly ref struct Panel(ref float weights, int first, int left, int inFeatures, int outFeatures)
    {
        public readonly ref float Weights = ref weights;
        public readonly int First = first, Width = Math.Min(PanelWidth, left), Pitch = Pitch(left), In = inFeatures, Out = outFeatures;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sweep<TVector, TOps>(ref float x, ref float y, int rows, int inFeatures, int outFeatures, ref float w, ref float b, bool biased)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int blockRows = Math.Max(TileRows, BlockInputFloats / inFeatures / TileRows * TileRows);
        int tiled = rows - (rows % TileRows);
        for (int first = 0; first < rows; first += blockRows)
        {
            int end = Math.Min(first + blockRows, rows);
            for (int m = 0; m < outFeatures; m += PanelWidth)
            {
                var panel = new Panel(ref Unsafe.Add(ref w, m * inFeatures), m, outFeatures - m, inFeatures, outFeatures);
                int r = first;
                for (; r < Math.Min(end, tiled); r += TileRows)
                {
                    FourRows<TVector, TOps>(ref Unsafe.Add(ref x, r * inFeatures), ref Unsafe.Add(ref y, r * outFeatures), panel, ref b, biased);
                }

                for (; r < end; r++)
                {
                    OneRow<TVector, TOps>(ref Unsafe.Add(ref x, r * inFeatures), ref Unsafe.Add(ref y, r * outFeatures), panel, ref b, biased);
                }
            }
        }
    }

    /// <summary>One panel's outputs of rows 0-3 (at x, y): three vectors at a time, then one (the last one partial).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourRows<TVector, TOps>(ref float x, ref float y, in Panel panel, ref float b, bool biased)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int j = 0;
        for (; j + (TileVectors * TOps.Count) <= panel.Width; j += TileVectors * TOps.Count)
        {
            FourRowsThreeVectors<TVector, TOps>(ref x, ref y, panel, ref b, biased, j);
        }

        for (; j < panel.Width; j += TOps.Count)
        {
            FourRowsOneVector<TVector, TOps>(ref x, ref y, panel, ref b, biased, j);
        }
    }

    /// <summary>One panel's outputs of one row: six vectors at a time, then one (the last one partial).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OneRow<TVector, TOps>(ref float x, ref float y, in Panel panel, ref float b, bool biased)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int j = 0;
        for (; j + (OneRowVectors * TOps.Count) <= panel.Width; j += OneRowVectors * TOps.Count)
        {
            OneRowSixVectors<TVector, TOps>(ref x, ref y, panel, ref b, biased, j);
        }

        for (; j < panel.Width; j += TOps.Count)
        {
            OneRowOneVector<TVector, TOps>(ref x, ref y, panel, ref b, biased, j);
        }
    }

    /// <summary>Panel columns j to j + 3 vectors - 1 of rows 0-3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourRowsThreeVectors<TVector, TOps>(ref float x, ref float y, in Panel panel, ref float b, bool biased, int j)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        nuint c = (nuint)TOps.Count;
        int m = panel.First + j;
        TVector b0 = biased ? TOps.LoadUnsafe(ref b, (nuint)m) : TOps.Zero;
        TVector b1 = biased ? TOps.LoadUnsafe(ref b, (nuint)m + c) : TOps.Zero;
        TVector b2 = biased ? TOps.LoadUnsafe(ref b, (nuint)m + (2 * c)) : TOps.Zero;
        TVector s00 = b0, s01 = b1, s02 = b2, s10 = b0, s11 = b1, s12 = b2;
        TVector s20 = b0, s21 = b1, s22 = b2, s30 = b0, s31 = b1, s32 = b2;
        ref float x1 = ref Unsafe.Add(ref x, panel.In);
        ref float x2 = ref Unsafe.Add(ref x1, panel.In);
        ref float x3 = ref Unsafe.Add(ref x2, panel.In);
        ref float w = ref panel.Weights;
        nuint wi = (nuint)j; // the offset of input i's weights (a ref moved along would end past the array: a GC hole)
        for (int i = 0; i < panel.In; i++, wi += (nuint)panel.Pitch)
        {
            TVector w0 = TOps.LoadUnsafe(ref w, wi), w1 = TOps.LoadUnsafe(ref w, wi + c), w2 = TOps.LoadUnsafe(ref w, wi + (2 * c));
            TVector v = TOps.Create(Unsafe.Add(ref x, i));
            (s00, s01, s02) = (TOps.MultiplyAddEstimate(v, w0, s00), TOps.MultiplyAddEstimate(v, w1, s01), TOps.MultiplyAddEstimate(v, w2, s02));
            v = TOps.Create(Unsafe.Add(ref x1, i));
            (s10, s11, s12) = (TOps.MultiplyAddEstimate(v, w0, s10), TOps.MultiplyAddEstimate(v, w1, s11), TOps.MultiplyAddEstimate(v, w2, s12));
            v = TOps.Create(Unsafe.Add(ref x2, i));
            (s20, s21, s22) = (TOps.MultiplyAddEstimate(v, w0, s20), TOps.MultiplyAddEstimate(v, w1, s21), TOps.MultiplyAddEstimate(v, w2, s22));
            v = TOps.Create(Unsafe.Add(ref x3, i));
            (s30, s31, s32) = (TOps.MultiplyAddEstimate(v, w0, s30), TOps.MultiplyAddEstimate(v, w1, s31), TOps.MultiplyAddEstimate(v, w2, s32));
        }

        Store<TVector, TOps>(ref Unsafe.Add(ref y, m), c, s00, s01, s02);
        Store<TVector, TOps>(ref Unsafe.Add(ref y, panel.Out + m), c, s10, s11, s12);
        Store<TVector, TOps>(ref Unsafe.Add(ref y, (2 * panel.Out) + m), c, s20, s21, s22);
        Store<TVector, TOps>(ref Unsafe.Add(ref y, (3 * panel.Out) + m), c, s30, s31, s32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TVector, TOps>(ref float y, nuint c, TVector a, TVector b, TVector d)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        TOps.StoreUnsafe(a, ref y, 0);
        TOps.StoreUnsafe(b, ref y, c);
        TOps.StoreUnsafe(d, ref y, 2 * c);
    }

    /// <summary>Panel columns j to j + one vector - 1 of rows 0-3, those before the panel's width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourRowsOneVector<TVector, TOps>(ref float x, ref float y, in Panel panel, ref float b, bool biased, int j)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int m = panel.First + j, count = Math.Min(TOps.Count, panel.Width - j);
        TVector s0 = biased ? LoadFirst<TVector, TOps>(ref Unsafe.Add(ref b, m), count) : TOps.Zero, s1 = s0, s2 = s0, s3 = s0;
        ref float x1 = ref Unsafe.Add(ref x, panel.In);
        ref float x2 = ref Unsafe.Add(ref x1, panel.In);
        ref float x3 = ref Unsafe.Add(ref x2, panel.In);
        nuint wi = (nuint)j;
        for (int i = 0; i < panel.In; i++, wi += (nuint)panel.Pitch)
        {
            TVector w0 = TOps.LoadUnsafe(ref panel.Weights, wi);
            s0 = TOps.MultiplyAddEstimate(TOps.Create(Unsafe.Add(ref x, i)), w0, s0);
            s1 = TOps.MultiplyAddEstimate(TOps.Create(Unsafe.Add(ref x1, i)), w0, s1);
            s2 = TOps.MultiplyAddEstimate(TOps.Create(Unsafe.Add(ref x2, i)), w0, s2);
            s3 = TOps.MultiplyAddEstimate(TOps.Create(Unsafe.Add(ref x3, i)), w0, s3);
        }

        StoreFirst<TVector, TOps>(s0, ref Unsafe.Add(ref y, m), count);
        StoreFirst<TVector, TOps>(s1, ref Unsafe.Add(ref y, panel.Out + m), count);
        StoreFirst<TVector, TOps>(s2, ref Unsafe.Add(ref y, (2 * panel.Out) + m), count);
        StoreFirst<TVector, TOps>(s3, ref Unsafe.Add(ref y, (3 * panel.Out) + m), count);
    }

    /// <summary>Panel columns j to j + 6 vectors - 1 of one row (six independent sums, as a lone row has no other rows to
    /// hide the multiply-add latency).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OneRowSixVectors<TVector, TOps>(ref float x, ref float y, in Panel panel, ref float b, bool biased, int j)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        nuint c = (nuint)TOps.Count;
        int m = panel.First + j;
        nuint bm = (nuint)m; // an offset: a ref into an empty bias would point past its array
        TVector s0 = biased ? TOps.LoadUnsafe(ref b, bm) : TOps.Zero, s1 = biased ? TOps.LoadUnsafe(ref b, bm + c) : TOps.Zero;
        TVector s2 = biased ? TOps.LoadUnsafe(ref b, bm + (2 * c)) : TOps.Zero, s3 = biased ? TOps.LoadUnsafe(ref b, bm + (3 * c)) : TOps.Zero;
        TVector s4 = biased ? TOps.LoadUnsafe(ref b, bm + (4 * c)) : TOps.Zero, s5 = biased ? TOps.LoadUnsafe(ref b, bm + (5 * c)) : TOps.Zero;
        ref float w = ref panel.Weights;
        nuint wi = (nuint)j;
        for (int i = 0; i < panel.In; i++, wi += (nuint)panel.Pitch)
        {
            TVector v = TOps.Create(Unsafe.Add(ref x, i));
            s0 = TOps.MultiplyAddEstimate(v, TOps.LoadUnsafe(ref w, wi), s0);
            s1 = TOps.MultiplyAddEstimate(v, TOps.LoadUnsafe(ref w, wi + c), s1);
            s2 = TOps.MultiplyAddEstimate(v, TOps.LoadUnsafe(ref w, wi + (2 * c)), s2);
            s3 = TOps.MultiplyAddEstimate(v, TOps.LoadUnsafe(ref w, wi + (3 * c)), s3);
            s4 = TOps.MultiplyAddEstimate(v, TOps.LoadUnsafe(ref w, wi + (4 * c)), s4);
            s5 = TOps.MultiplyAddEstimate(v, TOps.LoadUnsafe(ref w, wi + (5 * c)), s5);
        }

        ref float ym = ref Unsafe.Add(ref y, m);
        TOps.StoreUnsafe(s0, ref ym, 0);
        TOps.StoreUnsafe(s1, ref ym, c);
        TOps.StoreUnsafe(s2, ref ym, 2 * c);
        TOps.StoreUnsafe(s3, ref ym, 3 * c);
        TOps.StoreUnsafe(s4, ref ym, 4 * c);
        TOps.StoreUnsafe(s5, ref ym, 5 * c);
    }

    /// <summary>Panel columns j to j + one vector - 1 of one row, those before the panel's width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OneRowOneVector<TVector, TOps>(ref float x, ref float y, in Panel panel, ref float b, bool biased, int j)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int m = panel.First + j, count = Math.Min(TOps.Count, panel.Width - j);
        TVector sum = biased ? LoadFirst<TVector, TOps>(ref Unsafe.Add(ref b, m), count) : TOps.Zero;
        nuint wi = (nuint)j;
        for (int i = 0; i < panel.In; i++, wi += (nuint)panel.Pitch)
        {
            sum = TOps.MultiplyAddEstimate(TOps.Create(Unsafe.Add(ref x, i)), TOps.LoadUnsafe(ref panel.Weights, wi), sum);
        }

        StoreFirst<TVector, TOps>(sum, ref Unsafe.Add(ref y, m), count);
    }

    /// <summary>The <paramref name="count"/> values at <paramref name="source"/> as a vector's first lanes, zeros after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LoadFirst<TVector, TOps>(ref float source, int count)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector> =>
        count == TOps.Count ? TOps.LoadUnsafe(ref source, 0) : LoadFew<TVector, TOps>(ref source, count);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TVector LoadFew<TVector, TOps>(ref float source, int count)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        Span<float> lanes = stackalloc float[WidthStep];
        lanes.Clear();
        MemoryMarshal.CreateReadOnlySpan(ref source, count).CopyTo(lanes);
        return TOps.LoadUnsafe(ref MemoryMarshal.GetReference(lanes), 0);
    }

    /// <summary>Writes the first <paramref name="count"/> lanes of <paramref name="value"/> at <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFirst<TVector, TOps>(TVector value, ref float destination, int count)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        if (count == TOps.Count)
        {
            TOps.StoreUnsafe(value, ref destination, 0);
        }
        else
        {
            StoreFew<TVector, TOps>(value, ref destination, count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreFew<TVector, TOps>(TVector value, ref float destination, int count)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        Span<float> lanes = stackalloc float[WidthStep];
        TOps.StoreUnsafe(value, ref MemoryMarshal.GetReference(lanes), 0);
        lanes[..count].CopyTo(MemoryMarshal.CreateSpan(ref destination, count));
    }

    /// <summary>A panel's columns of one row, one at a time (hardware without vectors).</summary>
    private static void Scalars(ref float x, ref float y, in Panel panel, ref float b, bool biased)
    {
        for (int j = 0; j < panel.Width; j++)
        {
            int m = panel.First + j;
            float sum = biased ? Unsafe.Add(ref b, m) : 0f;
            for (int i = 0, wi = j; i < panel.In; i++, wi += panel.Pitch)
            {
                sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref x, i), Unsafe.Add(ref panel.Weights, wi), sum);
            }

            Unsafe.Add(ref y, m) = sum;
        }
    }
}
