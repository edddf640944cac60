using ConvGen.Generator.Model;

namespace ConvGen.Generator.Planning;

/// <summary>
/// Winograd transforms along the kernel's three rows: per tile of four output rows, the input rows the tile reads
/// become a few transformed rows (points), V_p = Σ_r B^T[p][r] d_r; per point the layer is then a 1 x kw convolution
/// of the V_p rows with the transformed weights U_p = Σ_r G[p][r] w[.., r, ..] (computed once when the weights are
/// set), which the direct kernel runs (<see cref="KernelView"/>); the four output rows are Y_t = Σ_p A^T[t][p] M_p + bias.
/// Stride 1 uses F(4, 3), 6 instead of 12 row convolutions per tile; stride 2 uses F(4, 2) on the even rows and runs
/// the middle kernel row untransformed on the odd ones, 9 instead of 12 (<see cref="RowScheme"/>). Columns stay as
/// they are (split into column phases for a horizontal stride), so every transform is a sum of whole rows: contiguous
/// vectors, no shuffles, every vector width. With a vertical dilation d (stride 1) the tile's rows are d apart (tile
/// rows interleave in groups of d).
/// </summary>
internal static class WinogradRows
{
    /// <summary>Output rows per tile.</summary>
    public const int OutputRows = 4;

    /// <summary>Fewest channels per group on either side: below it the transforms (per input row and per output row)
    /// cost more than the multiply-adds they save, and the transformed sums lose more precision.</summary>
    public const int MinimumChannels = 8;

    /// <summary>Cost, in multiply-adds, of one vector of a transform (a few adds per point and row, a load and a store).</summary>
    public const int TransformCost = 6;

    /// <summary>Whether the layer can run on transformed rows: a Conv2d with three kernel rows, stride 1 (both ways) or a
    /// vertical stride of 2 without vertical dilation, and enough channels per group, whose attribute does not say
    /// <c>winograd: false</c>.</summary>
    public static bool Applies(ConvSpec spec) =>
        spec.Winograd && spec.Kind == LayerKind.Conv2d && spec.KernelHeight == 3
        && ((spec.StrideHeight == 1 && spec.StrideWidth == 1) || (spec.StrideHeight == 2 && spec.DilationHeight == 1))
        && spec.InChannelsPerGroup >= MinimumChannels && spec.OutChannelsPerGroup >= MinimumChannels;

    /// <summary>Whether the layer runs on transformed rows: it can and, for a fixed input size, that size
    /// <see cref="CostsLess"/>. Without a fixed size the layer also gets the direct kernel and chooses per call
    /// (<see cref="KernelPlan.ChoosesPerCall"/>).</summary>
    public static bool Pays(ConvSpec spec) =>
        Applies(spec) && (spec.InputHeight is not { } height || spec.InputWidth is not { } width || CostsLess(spec, height, width));

    /// <summary>Whether an input of <paramref name="height"/> x <paramref name="width"/> costs fewer multiply-adds on
    /// transformed rows (transforms included) than on the direct kernel: the direct kernel's best sweep of the layer
    /// against its best sweep of each point's rows (the same kernel, the same costs). Generated layers without a fixed
    /// size evaluate the same function per call (<c>TransformedRowsPay</c>).</summary>
    public static bool CostsLess(ConvSpec spec, long height, long width)
    {
        var scheme = RowScheme.For(spec);
        long outputHeight = spec.Vertical.OutputSize(height), outputWidth = spec.Horizontal.OutputSize(width);
        long planeWidth = spec.Horizontal.PlaneSize(width);
        long tileRows = TileRows(outputHeight, spec.DilationHeight);
        long fanIn = KernelView(spec).FanIn;
        long direct = spec.OutChannels * KernelPlanner.SweepCost(outputHeight, outputWidth, planeWidth, spec.FanIn);
        long points = (scheme.TransformedPoints * spec.OutChannels * KernelPlanner.SweepCost(tileRows, outputWidth, planeWidth, fanIn))
            + (scheme.PlainKernelRow is null ? 0 : spec.OutChannels * KernelPlanner.SweepCost(OutputRows * tileRows, outputWidth, planeWidth, fanIn));
        long transforms = TransformCost * tileRows
            * ((scheme.RowsPerTile * spec.InChannels * spec.StrideWidth * KernelPlanner.Vectors(planeWidth)) + (OutputRows * spec.OutChannels * KernelPlanner.Vectors(outputWidth)));
        return points + transforms < direct;
    }

    /// <summary>Tile rows of an output of <paramref name="outputHeight"/> rows: blocks of 4 x dilation rows, each holding
    /// <paramref name="dilation"/> interleaved tiles (some of the last block's may lie wholly below the output).</summary>
    public static long TileRows(long outputHeight, int dilation) =>
        dilation * ((outputHeight + (OutputRows * dilation) - 1) / (OutputRows * dilation));

    /// <summary>Transformed weights of one point: [out][in/groups][kw].</summary>
    public static long PointWeightLength(ConvSpec spec) => (long)spec.OutChannels * KernelView(spec).FanIn;

    /// <summary>The convolution the direct kernel runs for each point: the layer's columns (kernel, stride, dilation,
    /// channels, groups) over rows that are already padded and transformed, so one kernel row, no vertical stride, no
    /// padding, no bias or activation (both come with the output transform); the row count is a band's, known at run time.</summary>
    public static ConvSpec KernelView(ConvSpec spec) => spec with
    {
        KernelHeight = 1,
        StrideHeight = 1,
        PadTop = 0,
        PadBottom = 0,
        PadLeft = 0,
        PadRight = 0,
        DilationHeight = 1,
        Padding = PaddingMode.Explicit,
        HasBias = false,
        Activation = ActivationKind.None,
        InputHeight = null,
        InputWidth = spec.InputWidth + spec.PadLeft + spec.PadRight,
    };
}
