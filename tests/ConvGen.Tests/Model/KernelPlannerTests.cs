using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;
using Xunit;

namespace ConvGen.Tests.Model;

/// <summary>The planner's choices: channel tiles, remainders, unrolling and tap shifts.</summary>
public class KernelPlannerTests
{
    private static ConvSpec Spec(int inChannels, int outChannels, int kh, int kw, int sw = 1, int dw = 1, int groups = 1) =>
        new(LayerKind.Conv2d, inChannels, outChannels, kh, kw, 1, sw, 0, 0, 0, 0, 1, dw, groups, true, PaddingMode.Explicit, null, null);

    [Fact]
    public void Dense_layer_with_64_outputs_uses_eight_full_tiles_of_eight()
    {
        var plan = KernelPlanner.Plan(Spec(3, 64, 3, 3));

        Assert.Equal((8, 2, 8, 0), (plan.ChannelTile, plan.OutputVectors, plan.FullTiles, plan.RemainderTile));
        Assert.Equal("Conv2dDirect_3x64_k3x3_s1x1_d1x1_g1__8cx2v", plan.KernelName);
        Assert.True(plan.UnrollRows);
    }

    [Fact]
    public void Channel_counts_that_do_not_divide_the_tile_get_a_remainder_tile()
    {
        var plan = KernelPlanner.Plan(Spec(4, 13, 3, 3));

        Assert.Equal((8, 1, 5), (plan.ChannelTile, plan.FullTiles, plan.RemainderTile));
    }

    [Fact]
    public void Depthwise_layers_use_one_channel_per_group()
    {
        var plan = KernelPlanner.Plan(Spec(32, 32, 3, 3, groups: 32));

        Assert.Equal((1, 1, 0), (plan.ChannelTile, plan.FullTiles, plan.RemainderTile));
    }

    [Fact]
    public void Large_kernels_are_looped_instead_of_unrolled()
    {
        var rows = KernelPlanner.Plan(Spec(1, 1, 17, 16));
        var both = KernelPlanner.Plan(Spec(1, 1, 1, 31));

        Assert.Equal((false, true), (rows.UnrollRows, rows.UnrollColumns));
        Assert.Equal((false, false), (both.UnrollRows, both.UnrollColumns));
    }

    [Theory]
    [InlineData(1, 8, 16, true)]   // 128 taps x 1 channel x 2 vectors = 256 multiply-adds per tile
    [InlineData(8, 3, 3, true)]    // 144
    [InlineData(8, 5, 5, false)]   // 400: rows looped, columns unrolled
    [InlineData(2, 8, 8, true)]    // 256
    [InlineData(3, 8, 8, false)]   // 384
    public void Full_unrolling_is_bounded_by_multiply_adds_per_tile(int outChannels, int kh, int kw, bool unrolled)
    {
        var plan = KernelPlanner.Plan(Spec(1, outChannels, kh, kw));

        Assert.Equal((unrolled, true), (plan.UnrollRows, plan.UnrollColumns));
    }

    [Theory]
    [InlineData(3, 1, 1, 2)]
    [InlineData(3, 2, 1, 1)] // shifts 0, 1 (phase 1), 2 -> column 1 of phase 0
    [InlineData(5, 2, 2, 4)]
    [InlineData(3, 3, 2, 1)] // shifts 0, 2, 4 -> column 0 of phase 0, column 0 of phase 2, column 1 of phase 1
    public void Tap_shift_is_the_widest_column_offset_inside_a_phase(int kw, int sw, int dw, int expected)
    {
        Assert.Equal(expected, KernelPlanner.Plan(Spec(1, 1, 1, kw, sw, dw)).MaxTapShift);
    }
}
