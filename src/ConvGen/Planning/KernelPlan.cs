namespace ConvGen.Generator.Planning;

/// <summary>
/// How the forward kernel computes one layer. The direct family reads a zero-padded copy of the
/// input in which each row is split into <c>StrideWidth</c> phases (columns x*s + r), so every tap
/// of every output vector is one contiguous vector load, whatever the stride and dilation.
/// </summary>
/// <param name="KernelName">Method name that carries the plan (XNNPACK style).</param>
/// <param name="ChannelTile">Output channels accumulated together in registers.</param>
/// <param name="OutputVectors">Output vectors per channel in the register tile (a row's rest runs one vector at a time).</param>
/// <param name="FullTiles">Tiles of <paramref name="ChannelTile"/> channels per group.</param>
/// <param name="RemainderTile">Channels in the last, narrower tile of a group (0: none).</param>
/// <param name="UnrollRows">Whether the kernel-row loop is unrolled.</param>
/// <param name="UnrollColumns">Whether the kernel-column loop is unrolled.</param>
/// <param name="MaxTapShift">Largest column shift of a tap inside its phase: (kw-1)*dw / sw.</param>
internal sealed record KernelPlan(
    string KernelName,
    int ChannelTile,
    int OutputVectors,
    int FullTiles,
    int RemainderTile,
    bool UnrollRows,
    bool UnrollColumns,
    int MaxTapShift);
