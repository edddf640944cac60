using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;
using Xunit;

namespace ConvGen.Tests.Model;

/// <summary>Which sweep loops a fixed-size direct kernel keeps, worked out by hand from the cost model for two layers
/// (planned without the fixed size, which would let small maps gather their taps instead).</summary>
public class SweepLoopsTests
{
    [Fact]
    public void A_strided_depthwise_layer_on_28_outputs_keeps_only_row_tiles_of_single_vectors()
    {
        // MobileNetV2's 144-channel depthwise 3x3 stride 2 on 56x56: 28x28 outputs from planes of pitch 29. With 16 lanes a
        // flat sweep costs 51 vectors * (9 + 2) + 28 rows * 8 = 785, rows 28 * 2 * 9 = 504: row by row. One band (28 rows,
        // 4 planes of 29 per input row), so 7 row tiles of 4 and no single line; 28 columns hold no group of 2 vectors (32).
        var spec = new ConvSpec(LayerKind.Conv2d, 144, 144, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 144, true, PaddingMode.Explicit, null, null);
        var plan = KernelPlanner.Plan(spec);

        var loops = SweepLoops.For(spec, plan, 28, 28, 29, [16], plan.OutputVectors, plan.RowTile);

        Assert.Equal(4, plan.RowTile);
        Assert.Empty(loops.FlatLanes);
        Assert.Equal(28, loops.BandRows);
        Assert.Equal([1], loops.RowTileGroups);
        Assert.Empty(loops.LineGroups);
    }

    [Fact]
    public void A_4x4_map_is_swept_flat_in_single_vectors()
    {
        // 32 -> 32 channels, 3x3 padding 1 on 4x4: planes of pitch 6. At 16 lanes flat costs 2 vectors * (288 + 2) + 4 * 8 =
        // 612 against rows 4 * (288 + 32) = 1280, and the flat line of 4 * 6 = 24 floats holds no group of 2 vectors. At 8
        // lanes flat 3 * 290 + 32 = 902 against 1280; at 4 lanes flat 6 * 290 + 32 = 1772 against rows 4 * 288 = 1152 (a row
        // of 4 fills a vector, no narrow store): the generic body sweeps flat only with 8 lanes.
        var spec = new ConvSpec(LayerKind.Conv2d, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, PaddingMode.Explicit, null, null);
        var plan = KernelPlanner.Plan(spec);

        var wide = SweepLoops.For(spec, plan, 4, 4, 6, [16], plan.OutputVectors, plan.RowTile);
        var narrow = SweepLoops.For(spec, plan, 4, 4, 6, [8, 4], plan.NarrowOutputVectors, 1);

        Assert.Equal([16], wide.FlatLanes);
        Assert.Equal(4, wide.BandRows);
        Assert.Empty(wide.RowTileGroups);
        Assert.Equal([1], wide.LineGroups);
        Assert.Equal([8], narrow.FlatLanes);
        Assert.Contains(1, narrow.LineGroups);
    }
}
