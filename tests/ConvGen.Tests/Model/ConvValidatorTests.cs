using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Validation;
using Xunit;

namespace ConvGen.Tests.Model;

/// <summary>How the validator resolves defaults, per-axis overrides and padding modes (PyTorch's rules).</summary>
public class ConvValidatorTests
{
    private static ConvSpec Resolve(LayerKind kind, params (string Name, int Value)[] arguments)
    {
        var request = new LayerRequest(kind, new EquatableArray<AttributeArgument>(
            [.. arguments.Select(a => new AttributeArgument(a.Name, a.Value, null))]), null);
        var (spec, diagnostics) = ConvValidator.Validate(request);
        Assert.Empty(diagnostics);
        return spec!;
    }

    [Fact]
    public void Defaults_are_stride_1_no_padding_dilation_1_one_group_with_bias()
    {
        var spec = Resolve(LayerKind.Conv2d, ("in", 3), ("out", 8), ("k", 3));

        Assert.Equal(new ConvSpec(LayerKind.Conv2d, 3, 8, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, PaddingMode.Explicit, null, null), spec);
    }

    [Fact]
    public void Winograd_false_is_carried_into_the_spec_and_true_is_the_default()
    {
        Assert.False(Resolve(LayerKind.Conv2d, ("in", 64), ("out", 64), ("k", 3), ("winograd", 0)).Winograd);
        Assert.True(Resolve(LayerKind.Conv2d, ("in", 64), ("out", 64), ("k", 3)).Winograd);
    }

    [Fact]
    public void Per_axis_arguments_override_the_shared_ones()
    {
        var spec = Resolve(LayerKind.Conv2d, ("in", 8), ("out", 14), ("k", 3), ("kw", 2), ("s", 1), ("sh", 2), ("p", 1), ("pw", 0), ("d", 2), ("dh", 1));

        Assert.Equal((3, 2, 2, 1, 1, 1, 0, 0, 1, 2), (spec.KernelHeight, spec.KernelWidth, spec.StrideHeight, spec.StrideWidth,
            spec.PadTop, spec.PadBottom, spec.PadLeft, spec.PadRight, spec.DilationHeight, spec.DilationWidth));
    }

    [Theory]
    [InlineData(3, 1, 1, 1)] // odd kernel: symmetric
    [InlineData(4, 1, 1, 2)] // even kernel: PyTorch puts the extra pad at the end
    [InlineData(4, 3, 4, 5)] // total pad d*(k-1) = 9
    [InlineData(1, 1, 0, 0)]
    public void Same_padding_matches_PyTorch(int kernel, int dilation, int before, int after)
    {
        var spec = Resolve(LayerKind.Conv2d, ("in", 1), ("out", 1), ("k", kernel), ("d", dilation), ("padding", (int)PaddingMode.Same));

        Assert.Equal((before, after, before, after), (spec.PadTop, spec.PadBottom, spec.PadLeft, spec.PadRight));
        Assert.Equal(37, spec.Horizontal.OutputSize(37));
    }

    [Fact]
    public void Full_padding_pads_the_dilated_kernel_on_both_sides_and_valid_pads_nothing()
    {
        var full = Resolve(LayerKind.Conv1d, ("in", 1), ("out", 1), ("k", 3), ("d", 2), ("padding", (int)PaddingMode.Full));
        var valid = Resolve(LayerKind.Conv1d, ("in", 1), ("out", 1), ("k", 3), ("padding", (int)PaddingMode.Valid));

        Assert.Equal((4, 4), (full.PadLeft, full.PadRight));
        Assert.Equal(10 + 4, full.Horizontal.OutputSize(10));
        Assert.Equal((0, 0), (valid.PadLeft, valid.PadRight));
    }

    [Fact]
    public void Conv1d_is_held_as_a_height_one_Conv2d()
    {
        var spec = Resolve(LayerKind.Conv1d, ("in", 4), ("out", 6), ("k", 5), ("s", 2), ("p", 2), ("d", 3), ("groups", 2), ("bias", 0), ("length", 50));

        Assert.Equal((1, 5, 1, 2, 0, 0, 2, 2, 1, 3, false, 1, 50), (spec.KernelHeight, spec.KernelWidth, spec.StrideHeight, spec.StrideWidth,
            spec.PadTop, spec.PadBottom, spec.PadLeft, spec.PadRight, spec.DilationHeight, spec.DilationWidth, spec.HasBias, spec.InputHeight, spec.InputWidth));
        Assert.Equal(6 * 2 * 5, spec.WeightLength);
        Assert.Equal(6 * 2 * 5, spec.ParameterCount);
    }

    [Fact]
    public void Parameter_count_is_weights_plus_one_bias_per_output_channel()
    {
        var spec = Resolve(LayerKind.Conv2d, ("in", 32), ("out", 64), ("k", 3), ("groups", 4));

        Assert.Equal((64 * 8 * 9) + 64, spec.ParameterCount);
    }
}
