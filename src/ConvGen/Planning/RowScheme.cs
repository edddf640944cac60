using ConvGen.Generator.Model;

namespace ConvGen.Generator.Planning;

/// <summary>
/// One Winograd scheme along the three kernel rows (see <see cref="WinogradRows"/>): how the input rows a tile reads
/// become its transformed points' rows (B^T), how the kernel rows become each point's weights (G), how the points'
/// products become the tile's four output rows (A^T), and whether one kernel row runs untransformed on rows of its own.
/// </summary>
internal sealed class RowScheme
{
    /// <summary>
    /// Stride 1: Winograd F(4, 3) (Lavin and Gray's points 0, ±1, ±2, ∞). A tile reads six input rows d0..d5 (one
    /// dilation apart); 6 row convolutions instead of 12 per four output rows.
    /// </summary>
    public static readonly RowScheme StrideOne = new(
        "Winograd F(4, 3) along the kernel rows",
        new[,]
        {
            { 4, 0, -5, 0, 1, 0 },
            { 0, -4, -4, 1, 1, 0 },
            { 0, 4, -4, -1, 1, 0 },
            { 0, -2, -1, 2, 1, 0 },
            { 0, 2, -1, -2, 1, 0 },
            { 0, 4, 0, -5, 0, 1 },
        },
        new[,]
        {
            { 6, 0, 0 },
            { -4, -4, -4 },
            { -4, 4, -4 },
            { 1, 2, 4 },
            { 1, -2, 4 },
            { 0, 0, 24 },
        },
        24,
        new[,]
        {
            { 1, 1, 1, 1, 1, 0 },
            { 0, 1, -1, 2, -2, 0 },
            { 0, 1, 1, 4, 4, 0 },
            { 0, 1, -1, 8, -8, 1 },
        },
        plainKernelRow: null);

    /// <summary>
    /// Stride 2: output row y reads padded rows 2y, 2y + 1 and 2y + 2. Kernel rows 0 and 2 read only the even rows
    /// e_y = row 2y and e_(y+1), a two-tap stride-1 convolution of the even rows, which Winograd F(4, 2) (points 0, ±1, 2, ∞)
    /// runs with five points from the five even rows e0..e4 a tile reads; kernel row 1 reads only the odd row 2y + 1 and
    /// runs untransformed on the tile's four odd rows. 9 row convolutions instead of 12 per four output rows.
    /// </summary>
    public static readonly RowScheme StrideTwo = new(
        "Winograd F(4, 2) on kernel rows 0 and 2, kernel row 1 untransformed",
        new[,]
        {
            { 2, -1, -2, 1, 0 },
            { 0, -2, -1, 1, 0 },
            { 0, 2, -3, 1, 0 },
            { 0, -1, 0, 1, 0 },
            { 0, 2, -1, -2, 1 },
        },
        new[,]
        {
            { 3, 0, 0 },
            { -3, 0, -3 },
            { -1, 0, 1 },
            { 1, 0, 2 },
            { 0, 0, 6 },
            { 0, 6, 0 },
        },
        6,
        new[,]
        {
            { 1, 1, 1, 1, 0 },
            { 0, 1, -1, 2, 0 },
            { 0, 1, 1, 4, 0 },
            { 0, 1, -1, 8, 1 },
        },
        plainKernelRow: 1);

    private RowScheme(string name, int[,] inputTransform, int[,] filterTransform, int filterDenominator, int[,] outputTransform, int? plainKernelRow)
    {
        (Name, InputTransform, FilterTransform, FilterDenominator, OutputTransform, PlainKernelRow) =
            (name, inputTransform, filterTransform, filterDenominator, outputTransform, plainKernelRow);
    }

    /// <summary>The scheme for the layer's vertical stride (1 or 2).</summary>
    public static RowScheme For(ConvSpec spec) => spec.StrideHeight == 1 ? StrideOne : StrideTwo;

    /// <summary>What the scheme is, for comments.</summary>
    public string Name { get; }

    /// <summary>B^T: transformed point p's row is Σ_r InputTransform[p, r] d_r over the input rows the transform reads.</summary>
    public int[,] InputTransform { get; }

    /// <summary>G over the three kernel rows as numerators over <see cref="FilterDenominator"/>, one row per point (the
    /// untransformed point's last): point p's weight is Σ_r FilterTransform[p, r] w_r / FilterDenominator.</summary>
    public int[,] FilterTransform { get; }

    public int FilterDenominator { get; }

    /// <summary>A^T: output row t of a tile is Σ_p OutputTransform[t, p] M_p over the transformed points (plus, with
    /// <see cref="PlainKernelRow"/>, that kernel row's product for row t).</summary>
    public int[,] OutputTransform { get; }

    /// <summary>The kernel row that runs untransformed on its own input rows (one per output row), or null.</summary>
    public int? PlainKernelRow { get; }

    /// <summary>Input rows the transform combines per tile (d_r or e_r).</summary>
    public int TransformedRows => InputTransform.GetLength(1);

    /// <summary>Points whose rows are transformed, one row per tile each.</summary>
    public int TransformedPoints => InputTransform.GetLength(0);

    /// <summary>Points with weights of their own: the transformed ones and the untransformed kernel row, if any.</summary>
    public int Points => FilterTransform.GetLength(0);

    /// <summary>Rows of point input (and products) per tile: one per transformed point, <see cref="WinogradRows.OutputRows"/> for the untransformed row.</summary>
    public int RowsPerTile => TransformedPoints + (PlainKernelRow is null ? 0 : WinogradRows.OutputRows);
}
