using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;
using Xunit;

namespace ConvGen.Tests.Model;

/// <summary>The planner's choices: channel tiles, remainders, unrolling and tap shifts.</summary>
public class KernelPlannerTests
{
    private static ConvSpec Spec(int inChannels, int outChannels, int kh, int kw, int sw = 1, int dw = 1, int groups = 1, int pad = 0) =>
        new(LayerKind.Conv2d, inChannels, outChannels, kh, kw, 1, sw, pad, pad, pad, pad, 1, dw, groups, true, PaddingMode.Explicit, null, null);

    [Fact]
    public void Dense_layer_with_64_outputs_uses_eight_full_tiles_of_eight()
    {
        var plan = KernelPlanner.Plan(Spec(3, 64, 3, 3));

        Assert.Equal((8, 3, 8, 0), (plan.ChannelTile, plan.OutputVectors, plan.FullTiles, plan.RemainderTile));
        Assert.Equal("Conv2dDirect_3x64_k3x3_s1x1_d1x1_g1__8cx3v", plan.KernelName);
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
    [InlineData(8, 8, 3)]  // 24 accumulators
    [InlineData(5, 5, 4)]  // 20
    [InlineData(3, 3, 6)]  // 18: at most six vectors per channel
    [InlineData(1, 1, 6)]
    public void Widest_tile_holds_about_24_accumulators(int outChannels, int tile, int vectors)
    {
        var plan = KernelPlanner.Plan(Spec(1, outChannels, 3, 3));

        Assert.Equal((tile, vectors), (plan.ChannelTile, plan.OutputVectors));
    }

    [Theory]
    [InlineData(8, 1)]  // 8 accumulators: fits 16 registers without AVX-512
    [InlineData(4, 2)]
    [InlineData(1, 2)]
    public void Narrow_vectors_keep_at_most_eight_accumulators(int outChannels, int vectors)
    {
        Assert.Equal(vectors, KernelPlanner.Plan(Spec(1, outChannels, 3, 3)).NarrowOutputVectors);
    }

    [Theory]
    [InlineData(1, 6, 7, true)]    // 42 taps x 1 channel x 6 vectors = 252 multiply-adds per tile
    [InlineData(1, 7, 7, false)]   // 294
    [InlineData(8, 3, 3, true)]    // 9 x 8 x 3 = 216
    [InlineData(8, 5, 5, false)]   // 600: rows looped, columns unrolled
    [InlineData(2, 4, 5, true)]    // 20 x 2 x 6 = 240
    [InlineData(4, 3, 4, false)]   // 12 x 4 x 6 = 288
    public void Full_unrolling_is_bounded_by_multiply_adds_per_tile(int outChannels, int kh, int kw, bool unrolled)
    {
        var plan = KernelPlanner.Plan(Spec(1, outChannels, kh, kw));

        Assert.Equal((unrolled, true), (plan.UnrollRows, plan.UnrollColumns));
    }

    [Theory]
    [InlineData(32, 32, 3, 32, 4, 6)]   // depthwise 3x3: 9 taps x 4 rows x 6 vectors = 216 multiply-adds
    [InlineData(32, 32, 5, 32, 4, 2)]   // depthwise 5x5: 25 x 4 x 2 = 200
    [InlineData(32, 64, 3, 32, 4, 3)]   // multiplier 2: 2 channels x 4 rows x 3 vectors = 24 accumulators
    [InlineData(32, 32, 7, 32, 1, 0)]   // 49 taps x 4 rows x 2 vectors > 256: no row tile
    [InlineData(64, 64, 3, 1, 1, 0)]    // dense: each load already feeds 8 channels
    [InlineData(32, 32, 1, 32, 1, 0)]   // 1x1: no input row is shared between output rows
    public void Narrow_tiles_with_tall_kernels_get_row_tiles(int inChannels, int outChannels, int k, int groups, int rows, int vectors)
    {
        var plan = KernelPlanner.Plan(Spec(inChannels, outChannels, k, k, groups: groups));

        Assert.Equal((rows, vectors), (plan.RowTile, plan.RowTileVectors));
    }

    /// <summary>A wide tile on a fixed output swept row by row whose rows fill fewer vectors than the tile's group stacks
    /// rows instead (DCGAN's phase convolution: 16-wide rows, one vector each, 3 rows x 8 channels = 24 accumulators).</summary>
    [Theory]
    [InlineData(16, 16, 3, 1)]   // rows of one vector, row by row (pitch 17)
    [InlineData(64, 64, 1, 0)]   // rows of four vectors already fill the tile's three
    public void Wide_tiles_on_narrow_row_swept_outputs_get_row_tiles(int height, int width, int rows, int vectors)
    {
        var spec = new ConvSpec(LayerKind.Conv2d, 128, 64, 2, 2, 1, 1, 1, 0, 1, 0, 1, 1, 1, true, PaddingMode.Explicit, height, width);

        var plan = KernelPlanner.Plan(spec);
        var anySize = KernelPlanner.Plan(spec with { InputHeight = null, InputWidth = null });

        Assert.Equal((rows, vectors), (plan.RowTile, plan.RowTileVectors));
        Assert.Equal((1, 0), (anySize.RowTile, anySize.RowTileVectors));
    }

    [Fact]
    public void Only_unpadded_stride_one_1x1_layers_read_their_input_in_place()
    {
        Assert.True(KernelPlanner.Plan(Spec(32, 64, 1, 1)).ReadsInputInPlace);
        Assert.False(KernelPlanner.Plan(Spec(32, 64, 1, 1, sw: 2)).ReadsInputInPlace);
        Assert.False(KernelPlanner.Plan(Spec(32, 64, 1, 1, pad: 1)).ReadsInputInPlace);
        Assert.False(KernelPlanner.Plan(Spec(32, 64, 3, 3)).ReadsInputInPlace);
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

    /// <summary>Small fixed-size dense layers whose padded pitch wastes lanes run on gathered taps; layers whose rows
    /// already fill vectors, without a fixed size, grouped, or whose taps would not stay in L2 do not.</summary>
    [Theory]
    [InlineData(16, 32, 3, 1, 1, 8, 8, true)]       // 8x8 output: 4 vectors instead of 5 flat (pitch 10)
    [InlineData(32, 32, 3, 1, 1, 4, 4, true)]       // 4x4 output: 1 vector instead of 2 flat (pitch 6)
    [InlineData(1, 16, 3, 1, 1, 16, 16, false)]     // rows of 16 already fill vectors; gathering only adds copies
    [InlineData(16, 32, 3, 1, 8, 8, 8, false)]      // grouped
    [InlineData(256, 256, 3, 1, 1, 14, 14, false)]  // 2304 taps x 208 floats > a band's 96K floats
    [InlineData(16, 32, 1, 0, 1, 8, 8, false)]      // 1x1 unpadded: read in place already
    public void Small_fixed_size_layers_run_on_gathered_taps(int inChannels, int outChannels, int k, int pad, int groups, int height, int width, bool gathered)
    {
        var spec = Spec(inChannels, outChannels, k, k, groups: groups, pad: pad) with { InputHeight = height, InputWidth = width };

        var plan = KernelPlanner.Plan(spec);

        Assert.Equal(gathered, plan.GathersTaps);
        Assert.Equal(gathered, plan.KernelName.StartsWith("Conv2dGathered_", System.StringComparison.Ordinal));
        Assert.False(KernelPlanner.Plan(spec with { InputHeight = null, InputWidth = null }).GathersTaps);
    }

    [Fact]
    public void A_gathered_plan_tiles_the_1x1_kernel_and_keeps_the_layers_padded_planes()
    {
        var spec = Spec(32, 13, 3, 3, sw: 2, pad: 1) with { InputHeight = 7, InputWidth = 11 };

        var plan = KernelPlanner.Plan(spec);

        Assert.True(plan.GathersTaps);
        Assert.Equal("Conv2dGathered_32x13_k3x3_s1x2_d1x1_g1__8cx3v", plan.KernelName);
        Assert.Equal((8, 1, 5), (plan.ChannelTile, plan.FullTiles, plan.RemainderTile));
        Assert.Equal(48, plan.GatheredRowStride); // 7 x 6 = 42 outputs (3 vectors; the flat sweep at pitch 7 needs 4)
        Assert.Equal(1, plan.MaxTapShift);        // of the layer's stride-2 planes, which the gather reads
        Assert.False(plan.ReadsInputInPlace);
    }

    /// <summary>Three-row layers of stride 1, or of vertical stride 2, with at least 8 channels per group on both sides run on
    /// Winograd-transformed rows (any size when the size is not fixed; a fixed size only when the cost model finds fewer
    /// multiply-adds); others do not.</summary>
    [Theory]
    [InlineData(64, 64, 3, 1, 1, 1, 0, true)]       // ResNet's block layer, any size
    [InlineData(128, 128, 3, 1, 4, 1, 0, true)]     // grouped: 32 channels per group
    [InlineData(64, 64, 3, 1, 1, 1, 56, true)]      // fixed 56x56: 6 x 3 row taps instead of 4 x 9 per four rows
    [InlineData(512, 512, 3, 1, 1, 1, 7, false)]    // fixed 7x7: two tile rows fill vectors no better than the direct sweep
    [InlineData(64, 128, 3, 2, 1, 1, 0, true)]      // stride 2, any size: F(4, 2) on the even rows
    [InlineData(64, 128, 3, 2, 1, 1, 56, true)]     // stride 2, fixed 56x56: 5 x 3 + 4 x 3 row taps instead of 4 x 9 per four rows
    [InlineData(64, 128, 3, 2, 1, 1, 4, false)]     // stride 2, fixed 4x4: one tile row of two output rows
    [InlineData(32, 32, 3, 1, 32, 1, 0, false)]     // depthwise: one channel per group
    [InlineData(4, 64, 3, 1, 1, 1, 0, false)]       // 4 input channels: the transforms cost more than they save
    [InlineData(64, 64, 5, 1, 1, 1, 0, false)]      // five kernel rows
    public void Three_row_layers_of_stride_one_or_two_run_on_transformed_rows(int inChannels, int outChannels, int k, int s, int groups, int pad, int size, bool transformed)
    {
        var spec = Spec(inChannels, outChannels, k, k, groups: groups, pad: pad) with
        {
            StrideHeight = s,
            StrideWidth = s,
            InputHeight = size == 0 ? null : size,
            InputWidth = size == 0 ? null : size,
        };

        var plan = KernelPlanner.Plan(spec);

        Assert.Equal(transformed, plan.TransformsRows);
        Assert.Equal(transformed, plan.KernelName.StartsWith("Conv2dWinogradRows_", System.StringComparison.Ordinal));
        if (transformed)
        {
            Assert.Equal(1, KernelPlanner.KernelSpec(spec, plan).KernelHeight); // the points' kernel: one row of the layer's columns
            Assert.False(plan.ReadsInputInPlace);
            // Without a fixed size the layer also gets the direct kernel, for the calls whose size makes it cheaper.
            Assert.Equal(size == 0, plan.ChoosesPerCall);
            Assert.Equal(size == 0, plan.Direct?.KernelName.StartsWith("Conv2dDirect_", System.StringComparison.Ordinal) == true && !plan.Direct.TransformsRows);
        }
    }

    /// <summary><c>winograd: false</c> keeps a layer that would run on transformed rows on the direct kernel, at any size.</summary>
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 56)]
    [InlineData(2, 0)]
    public void A_layer_that_opts_out_of_winograd_stays_on_the_direct_kernel(int stride, int size)
    {
        var spec = Spec(64, 64, 3, 3, sw: stride, pad: 1) with
        {
            StrideHeight = stride,
            InputHeight = size == 0 ? null : size,
            InputWidth = size == 0 ? null : size,
        };
        Assert.True(KernelPlanner.Plan(spec).TransformsRows);

        var plan = KernelPlanner.Plan(spec with { Winograd = false });

        Assert.False(plan.TransformsRows);
        Assert.False(plan.ChoosesPerCall);
        Assert.StartsWith("Conv2dDirect_", plan.KernelName, System.StringComparison.Ordinal);
    }
}
