using System;
using System.Linq;
using ConvGen.Generator.Emitting;
using ConvGen.Generator.Model;
using ConvGen.Generator.Validation;
using Xunit;

namespace ConvGen.Tests.Model;

/// <summary>The fused activation through the pure stages: the generator's mirror of the runtime enum,
/// the validator's resolution and CG0020, and the text the activation emitter writes.</summary>
public class ActivationTests
{
    private static (ConvSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics) Validate(LayerKind kind, params (string Name, int Value)[] arguments) =>
        ConvValidator.Validate(new LayerRequest(kind, new EquatableArray<AttributeArgument>(
            [.. arguments.Select(a => new AttributeArgument(a.Name, a.Value, null))]), null));

    // The generator cannot reference the runtime, so its mirror must keep the runtime's names and values.
    [Fact]
    public void ActivationKind_mirrors_the_runtime_enum()
    {
        Assert.Equal(
            Enum.GetValues<Activation>().Select(a => (a.ToString(), (int)a)),
            Enum.GetValues<ActivationKind>().Select(a => (a.ToString(), (int)a)));
    }

    [Fact]
    public void Activation_defaults_to_none()
    {
        var (spec, diagnostics) = Validate(LayerKind.Conv2d, ("in", 3), ("out", 8), ("k", 3));
        Assert.Empty(diagnostics);
        Assert.Equal(ActivationKind.None, spec!.Activation);
    }

    [Theory]
    [InlineData((int)LayerKind.Conv2d, 1, (int)ActivationKind.ReLU)]
    [InlineData((int)LayerKind.Conv2d, 2, (int)ActivationKind.ReLU6)]
    [InlineData((int)LayerKind.Conv1d, 3, (int)ActivationKind.Sigmoid)]
    [InlineData((int)LayerKind.Conv2d, 4, (int)ActivationKind.Tanh)]
    [InlineData((int)LayerKind.Conv1d, 5, (int)ActivationKind.SiLU)]
    [InlineData((int)LayerKind.Conv2d, 6, (int)ActivationKind.GELU)]
    [InlineData((int)LayerKind.Conv1d, 0, (int)ActivationKind.None)]
    public void Each_activation_value_is_carried_in_the_spec(int kind, int value, int expected)
    {
        var (spec, diagnostics) = Validate((LayerKind)kind, ("in", 4), ("out", 4), ("k", 3), ("groups", 2), ("activation", value));
        Assert.Empty(diagnostics);
        Assert.Equal((ActivationKind)expected, spec!.Activation);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Undefined_values_are_CG0020_and_give_no_spec(int value)
    {
        var (spec, diagnostics) = Validate(LayerKind.Conv2d, ("in", 3), ("out", 8), ("k", 3), ("activation", value));
        Assert.Null(spec);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("CG0020", diagnostic.Descriptor.Id);
    }

    // Specs differing only in activation are different models, so changing it regenerates the layer.
    [Fact]
    public void Specs_with_different_activations_are_not_equal()
    {
        var relu = Validate(LayerKind.Conv2d, ("in", 3), ("out", 8), ("k", 3), ("activation", 1)).Spec;
        var gelu = Validate(LayerKind.Conv2d, ("in", 3), ("out", 8), ("k", 3), ("activation", 6)).Spec;
        Assert.NotEqual(relu, gelu);
        Assert.Equal(relu, relu! with { });
    }

    private static ConvSpec Spec(ActivationKind activation) =>
        new(LayerKind.Conv2d, 3, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, PaddingMode.Explicit, null, null, activation);

    [Theory]
    [InlineData((int)ActivationKind.ReLU, "global::System.Runtime.Intrinsics.Vector256.Max(sum0_1, global::System.Runtime.Intrinsics.Vector256<float>.Zero)")]
    [InlineData((int)ActivationKind.ReLU6, "global::System.Runtime.Intrinsics.Vector256.Min(global::System.Runtime.Intrinsics.Vector256.Max(sum0_1, global::System.Runtime.Intrinsics.Vector256<float>.Zero), global::System.Runtime.Intrinsics.Vector256.Create(6f))")]
    [InlineData((int)ActivationKind.None, "sum0_1")]
    [InlineData((int)ActivationKind.Sigmoid, "sum0_1")]
    [InlineData((int)ActivationKind.Tanh, "sum0_1")]
    [InlineData((int)ActivationKind.SiLU, "sum0_1")]
    [InlineData((int)ActivationKind.GELU, "sum0_1")]
    public void InRegister_clamps_the_accumulator_for_ReLU_and_ReLU6_only(int activation, string expected)
    {
        Assert.Equal(expected, ActivationEmitter.InRegister(VectorType.Vector256, Spec((ActivationKind)activation), "sum0_1"));
    }

    [Theory]
    [InlineData((int)ActivationKind.Sigmoid)]
    [InlineData((int)ActivationKind.Tanh)]
    [InlineData((int)ActivationKind.SiLU)]
    [InlineData((int)ActivationKind.GELU)]
    [InlineData((int)ActivationKind.ReLU)]
    [InlineData((int)ActivationKind.ReLU6)]
    [InlineData((int)ActivationKind.None)]
    public void AfterKernel_applies_what_the_kernel_does_not(int value)
    {
        var activation = (ActivationKind)value;
        var writer = new SourceWriter();
        ActivationEmitter.AfterKernel(writer, Spec(activation), "output.Slice(a, b)");
        string text = writer.ToString();

        bool applied = activation is not (ActivationKind.None or ActivationKind.ReLU or ActivationKind.ReLU6); // the kernel stores ReLU/ReLU6 in registers
        if (applied)
        {
            Assert.Contains($"global::ConvGen.Activations.Apply(global::ConvGen.Activation.{activation}, output.Slice(a, b));", text, StringComparison.Ordinal);
            Assert.StartsWith("// ", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("", text);
        }
    }
}
