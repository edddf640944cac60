using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>Writes the one-time reorder of PyTorch's weights into the order the kernel streams them.</summary>
internal static class WeightPackingEmitter
{
    /// <param name="name">The method's name.</param>
    /// <param name="fanIn">Weights per output channel the kernel reads (an expression).</param>
    public static void Emit(SourceWriter writer, KernelPlan plan, string name, string fanIn)
    {
        int tile = plan.ChannelTile;
        int fullTileChannels = plan.FullTiles * tile;
        writer.Line("/// <summary>");
        writer.Line("/// Reorders weights from PyTorch's [out][in/groups][kernel row][kernel column] into tiles of");
        writer.Line($"/// {tile} output channels (the last tile of a group holds {(plan.RemainderTile == 0 ? tile : plan.RemainderTile)}), each stored [in][row][column][channel in tile],");
        writer.Line("/// so the kernel reads one tile's weights front to back.");
        writer.Line("/// </summary>");
        using (writer.Block($"private static void {name}(global::System.ReadOnlySpan<float> weight, global::System.Span<float> packed)"))
        {
            using (writer.Block("for (int channel = 0; channel < OutChannels; channel++)"))
            {
                writer.Line($"int inGroup = channel % {plan.FullTiles * tile + plan.RemainderTile};");
                writer.Line($"int lane = inGroup % {tile};");
                writer.Line($"int tileWidth = inGroup < {fullTileChannels} ? {tile} : {(plan.RemainderTile == 0 ? tile : plan.RemainderTile)};");
                writer.Line($"global::System.ReadOnlySpan<float> taps = weight.Slice(channel * {fanIn}, {fanIn});");
                writer.Line($"global::System.Span<float> tileWeights = packed.Slice((channel - lane) * {fanIn}, tileWidth * {fanIn});");
                using (writer.Block($"for (int tap = 0; tap < {fanIn}; tap++)"))
                {
                    writer.Line("tileWeights[(tap * tileWidth) + lane] = taps[tap];");
                }
            }
        }
    }
}
