using ConvGen.Generator.Model;

namespace ConvGen.Generator.Planning;

/// <summary>
/// Winograd F(4, 3) along the kernel's three rows (Lavin and Gray's points 0, ±1, ±2, ∞): four output rows
/// of a tile are computed from six transformed input rows, so a 3-row layer does 6 instead of 12 row
/// convolutions per four output rows, half the multiply-adds. Per tile row and input channel the six padded
/// input rows d0..d5 become V_p = Σ_r B^T[p][r] d_r; per point p the layer is then a 1 x kw convolution
/// of the V_p rows with the transformed weights U_p = Σ_r G[p][r] w[.., r, ..] (computed once when the
/// weights are set), which the direct kernel runs (<see cref="KernelView"/>); the four output rows are
/// Y_t = Σ_p A^T[t][p] M_p + bias. Columns stay as they are, so every transform is a sum of whole rows:
/// contiguous vectors, no shuffles, every vector width. With a vertical dilation d the tile's rows are d apart
/// (tile rows interleave in groups of d).
/// </summary>
internal static class WinogradRows
{
    /// <summary>Output rows per tile.</summary>
    public const int OutputRows = 4;

    /// <summary>Transformed rows (points) per tile: the input rows a tile reads.</summary>
    public const int Points = 6;

    /// <summary>B^T: point p's row is Σ_r InputTransform[p, r] d_r.</summary>
    public static readonly int[,] InputTransform =
    {
        { 4, 0, -5, 0, 1, 0 },
        { 0, -4, -4, 1, 1, 0 },
        { 0, 4, -4, -1, 1, 0 },
        { 0, -2, -1, 2, 1, 0 },
        { 0, 2, -1, -2, 1, 0 },
        { 0, 4, 0, -5, 0, 1 },
    };

    /// <summary>G as numerators over 24: point p's weight is Σ_r FilterTransform24[p, r] w_r / 24.</summary>
    public static readonly int[,] FilterTransform24 =
    {
        { 6, 0, 0 },
        { -4, -4, -4 },
        { -4, 4, -4 },
        { 1, 2, 4 },
        { 1, -2, 4 },
        { 0, 0, 24 },
    };

    /// <summary>A^T: output row t of a tile is Σ_p OutputTransform[t, p] M_p.</summary>
    public static readonly int[,] OutputTransform =
    {
        { 1, 1, 1, 1, 1, 0 },
        { 0, 1, -1, 2, -2, 0 },
        { 0, 1, 1, 4, 4, 0 },
        { 0, 1, -1, 8, -8, 1 },
    };

    /// <summary>Fewest channels per group on either side: below it the transforms (per input row and per output row)
    /// cost more than the multiply-adds they save, and the transformed sums lose more precision.</summary>
    public const int MinimumChannels = 8;

    /// <summary>Cost, in multiply-adds, of one vector of a transform (a few adds per point and row, a load and a store).</summary>
    private const int TransformCost = 6;

    /// <summary>Whether the layer runs on transformed rows: a Conv2d with three kernel rows, stride 1, enough channels
    /// per group and, for a fixed input size, fewer multiply-adds (transforms included) than the direct kernel.</summary>
    public static bool Pays(ConvSpec spec)
    {
        if (spec.Kind != LayerKind.Conv2d || spec.KernelHeight != 3 || spec.StrideHeight != 1 || spec.StrideWidth != 1
            || spec.InChannelsPerGroup < MinimumChannels || spec.OutChannelsPerGroup < MinimumChannels)
        {
            return false;
        }

        if (spec.InputHeight is not { } height || spec.InputWidth is not { } width)
        {
            return true; // any size: the saving holds once a map has a few tiles, which is what such layers run on
        }

        // The direct kernel's best sweep of the layer against its best sweep of each point's rows (the same kernel, the same
        // costs), plus the transforms.
        long outputHeight = spec.Vertical.OutputSize(height), outputWidth = spec.Horizontal.OutputSize(width);
        long planeWidth = spec.Horizontal.PlaneSize(width);
        long tileRows = TileRows(outputHeight, spec.DilationHeight);
        long direct = spec.OutChannels * KernelPlanner.SweepCost(outputHeight, outputWidth, planeWidth, spec.FanIn);
        long points = Points * spec.OutChannels * KernelPlanner.SweepCost(tileRows, outputWidth, planeWidth, KernelView(spec).FanIn);
        long transforms = TransformCost * tileRows
            * ((Points * spec.InChannels * KernelPlanner.Vectors(planeWidth)) + (OutputRows * spec.OutChannels * KernelPlanner.Vectors(outputWidth)));
        return points + transforms < direct;
    }

    /// <summary>Tile rows of an output of <paramref name="outputHeight"/> rows: blocks of 4 x dilation rows, each holding
    /// <paramref name="dilation"/> interleaved tiles (some of the last block's may lie wholly below the output).</summary>
    public static long TileRows(long outputHeight, int dilation) =>
        dilation * ((outputHeight + (OutputRows * dilation) - 1) / (OutputRows * dilation));

    /// <summary>The convolution the direct kernel runs for each point: the layer's columns (kernel, dilation, channels,
    /// groups) over rows that are already padded and transformed, so one kernel row, no padding, no bias or activation
    /// (both come with the output transform); the row count is a band's, known at run time.</summary>
    public static ConvSpec KernelView(ConvSpec spec) => spec with
    {
        KernelHeight = 1,
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
