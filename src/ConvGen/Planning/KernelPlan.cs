using ConvGen.Generator.Model;

namespace ConvGen.Generator.Planning;

/// <summary>
/// How the forward kernel computes one layer. The direct family reads a zero-padded copy of the
/// input in which each channel is split into <c>sh x sw</c> stride-phase planes (plane (a, b) holds
/// padded rows y*sh + a and columns x*sw + b), each stored flat with a fixed row pitch, so every tap
/// of every output vector is one contiguous vector load, whatever the stride and dilation. Each call
/// then sweeps the output either row by row or, when rows fill vectors badly, as one flat run over
/// the plane (rows back to back, the pitch's extra columns computed and dropped). Small fixed-size layers
/// may instead gather their taps from the planes first (<see cref="TapGathering"/>), and 3-row layers of stride 1 or 2 run the
/// kernel on Winograd-transformed rows (<see cref="WinogradRows"/>).
/// </summary>
/// <param name="KernelName">Method name that carries the plan (XNNPACK style).</param>
/// <param name="ChannelTile">Output channels accumulated together in registers.</param>
/// <param name="OutputVectors">Output vectors per channel in the widest tile (Vector512); narrower vector
/// types, with half the registers, use <see cref="NarrowOutputVectors"/>.</param>
/// <param name="NarrowOutputVectors">Output vectors per channel for Vector256 and Vector128.</param>
/// <param name="FullTiles">Tiles of <paramref name="ChannelTile"/> channels per group.</param>
/// <param name="RemainderTile">Channels in the last, narrower tile of a group (0: none).</param>
/// <param name="UnrollRows">Whether the kernel-row loop is unrolled.</param>
/// <param name="UnrollColumns">Whether the kernel-column loop is unrolled.</param>
/// <param name="MaxTapShift">Largest column shift of a tap inside its phase plane: (kw-1)*dw / sw.</param>
/// <param name="RowTile">Output rows a Vector512 row sweep computes at once (1: none); each input row a tap reads is then
/// loaded once for every output row that uses it, which is what bounds depthwise layers (few channels, few multiply-adds per load).</param>
/// <param name="RowTileVectors">Output vectors per row and channel in a row tile.</param>
/// <param name="ReadsInputInPlace">A 1x1, stride-1, unpadded layer: the input already has the scratch's
/// layout, so the kernel reads it directly instead of a copy.</param>
/// <param name="GatheredRowStride">Not 0 when the layer runs on gathered taps (see <see cref="TapGathering"/>): the
/// floats from one gathered row to the next. The tile and sweep fields then describe the 1x1 kernel over those rows.</param>
/// <param name="TransformsRows">Whether the layer runs on Winograd-transformed rows (see <see cref="WinogradRows"/>): the tile and
/// sweep fields then describe the 1 x kw kernel run once per point.</param>
/// <param name="MinimumWorkPerThread">Multiply-adds a call must give each thread before one more thread pays for
/// waking it and sharing the work.</param>
/// <param name="Direct">For a layer on transformed rows without a fixed input size: the direct kernel's plan of the layer,
/// which the layer also gets, choosing per call the path that costs less at the call's size (<see cref="WinogradRows.CostsLess"/>).</param>
internal sealed record KernelPlan(
    string KernelName,
    int ChannelTile,
    int OutputVectors,
    int NarrowOutputVectors,
    int FullTiles,
    int RemainderTile,
    bool UnrollRows,
    bool UnrollColumns,
    int MaxTapShift,
    int RowTile,
    int RowTileVectors,
    bool ReadsInputInPlace,
    int GatheredRowStride,
    bool TransformsRows,
    long MinimumWorkPerThread,
    KernelPlan? Direct = null)
{
    /// <summary>Whether the layer has both transformed rows and the direct kernel and chooses per call.</summary>
    public bool ChoosesPerCall => Direct is not null;

    /// <summary>Whether the kernel reads gathered taps rather than the stride-phase planes.</summary>
    public bool GathersTaps => GatheredRowStride > 0;

    /// <summary>Whether the layer keeps the weights packed for the direct kernel: unless it runs on transformed rows only.</summary>
    public bool KeepsPackedWeights => !TransformsRows || ChoosesPerCall;

    /// <summary>Floats the layer's weight arrays hold: the packed weights (PyTorch's, reordered) and, on transformed rows,
    /// each point's transformed weights.</summary>
    public long WeightFloats(ConvSpec layer) => (KeepsPackedWeights ? layer.WeightLength : 0)
        + (TransformsRows ? RowScheme.For(layer).Points * WinogradRows.PointWeightLength(layer) : 0);

    /// <summary>Channel tiles per group, the last one narrower when <see cref="RemainderTile"/> is not 0.</summary>
    public int Tiles => FullTiles + (RemainderTile > 0 ? 1 : 0);
}
