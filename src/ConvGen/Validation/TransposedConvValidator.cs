using System.Collections.Generic;
using ConvGen.Generator.Model;
using ConvGen.Generator.Transposed;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;
using static ConvGen.Generator.Validation.ArgumentRules;

namespace ConvGen.Generator.Validation;

/// <summary>
/// Pure function from a [ConvTranspose2d]/[ConvTranspose1d] attribute as written to a resolved
/// <see cref="TransposedConvSpec"/>, with PyTorch's rules: positive channels, kernel, stride and dilation, groups that
/// divide both channel counts, non-negative padding, output padding smaller than the stride or the dilation, and a
/// fixed input size that gives a non-empty output. Each diagnostic points at the argument that is wrong.
/// </summary>
internal static class TransposedConvValidator
{
    /// <summary>Most stride phases (sh x sw) a layer may have: each is a set of output channels of its phase convolution.</summary>
    internal const int MaxPhases = 4096;

    public static (TransposedConvSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics) Validate(LayerRequest request)
    {
        var diagnostics = new List<DiagnosticInfo>();
        bool is2d = request.Kind == LayerKind.ConvTranspose2d;

        var inChannels = Value(request, "in", 0);
        var outChannels = Value(request, "out", 0);
        var groups = Value(request, "groups", 1);
        var bias = Value(request, "bias", 1);
        var activation = Value(request, "activation", (int)ActivationKind.None);
        var kernelH = is2d ? Value(request, "kh", "k", 0) : Fixed(1);
        var kernelW = is2d ? Value(request, "kw", "k", 0) : Value(request, "k", 0);
        var strideH = is2d ? Value(request, "sh", "s", 1) : Fixed(1);
        var strideW = is2d ? Value(request, "sw", "s", 1) : Value(request, "s", 1);
        var dilationH = is2d ? Value(request, "dh", "d", 1) : Fixed(1);
        var dilationW = is2d ? Value(request, "dw", "d", 1) : Value(request, "d", 1);
        var padH = is2d ? Value(request, "ph", "p", 0) : Fixed(0);
        var padW = is2d ? Value(request, "pw", "p", 0) : Value(request, "p", 0);
        var outputPadH = is2d ? Value(request, "oph", "op", 0) : Fixed(0);
        var outputPadW = is2d ? Value(request, "opw", "op", 0) : Value(request, "op", 0);
        var inputH = is2d ? Value(request, "h", 0) : Fixed(1);
        var inputW = is2d ? Value(request, "w", 0) : Value(request, "length", 0);

        CheckPositive(diagnostics, ChannelsMustBePositive, inChannels);
        CheckPositive(diagnostics, ChannelsMustBePositive, outChannels);
        CheckKernelGiven(diagnostics, request, is2d, is2d ? "[ConvTranspose2d]" : "[ConvTranspose1d]", kernelH, kernelW);
        CheckPositive(diagnostics, KernelMustBePositive, kernelH);
        CheckPositive(diagnostics, KernelMustBePositive, kernelW);
        CheckPositive(diagnostics, StrideMustBePositive, strideH);
        CheckPositive(diagnostics, StrideMustBePositive, strideW);
        CheckPositive(diagnostics, DilationMustBePositive, dilationH);
        CheckPositive(diagnostics, DilationMustBePositive, dilationW);
        CheckGroups(diagnostics, inChannels, outChannels, groups);
        CheckInputSize(diagnostics, inputH);
        CheckInputSize(diagnostics, inputW);
        CheckActivation(diagnostics, activation);
        CheckNotNegative(diagnostics, padH);
        CheckNotNegative(diagnostics, padW);
        CheckNotNegative(diagnostics, outputPadH);
        CheckNotNegative(diagnostics, outputPadW);
        CheckOutputPadding(diagnostics, outputPadH, strideH, dilationH);
        CheckOutputPadding(diagnostics, outputPadW, strideW, dilationW);
        CheckTooLarge(
            diagnostics, request, WeightCount(inChannels, groups, outChannels, kernelH, kernelW),
            [(kernelH, dilationH, "height"), (kernelW, dilationW, "width")], [padH, padW, inputH, inputW, strideH, strideW]);
        long phases = (long)strideH.Number * strideW.Number;
        if (phases > MaxPhases && !diagnostics.Exists(d => d.Descriptor == LayerTooLarge))
        {
            var at = strideW.Number > 1 ? strideW.At : strideH.At;
            diagnostics.Add(DiagnosticInfo.Create(LayerTooLarge, at, "stride phases (sh x sw)", phases, $"at most {MaxPhases}"));
        }

        if (diagnostics.Count > 0)
        {
            return (null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        var spec = new TransposedConvSpec(
            request.Kind, inChannels.Number, outChannels.Number, kernelH.Number, kernelW.Number, strideH.Number, strideW.Number,
            padH.Number, padH.Number, padW.Number, padW.Number, outputPadH.Number, outputPadW.Number, dilationH.Number, dilationW.Number,
            groups.Number, bias.Number != 0, inputH.Number > 0 ? inputH.Number : null, inputW.Number > 0 ? inputW.Number : null,
            (ActivationKind)activation.Number);

        // The phase convolution has up to a few times the layer's weights (phases shorter than the longest get zero taps).
        long convWeights = spec.Geometry.ConvWeightLength;
        if (convWeights > MaxWeightLength)
        {
            diagnostics.Add(DiagnosticInfo.Create(LayerTooLarge, request.AttributeLocation, "weight count of the phase convolution", convWeights, $"at most {MaxWeightLength}"));
        }

        CheckOutputNotEmpty(diagnostics, spec.Vertical, inputH, "height", padH.Number, outputPadH.Number);
        CheckOutputNotEmpty(diagnostics, spec.Horizontal, inputW, is2d ? "width" : "length", padW.Number, outputPadW.Number);
        return diagnostics.Count > 0
            ? (null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()))
            : (spec, EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>PyTorch's rule: output padding below the stride or below the dilation.</summary>
    private static void CheckOutputPadding(List<DiagnosticInfo> diagnostics, ResolvedValue outputPad, ResolvedValue stride, ResolvedValue dilation)
    {
        if (outputPad.Number > 0 && stride.Number > 0 && dilation.Number > 0
            && outputPad.Number >= stride.Number && outputPad.Number >= dilation.Number
            && !AlreadyReported(diagnostics, OutputPaddingTooLarge, outputPad))
        {
            diagnostics.Add(DiagnosticInfo.Create(OutputPaddingTooLarge, outputPad.At, outputPad.Name, outputPad.Number,
                stride.Number, dilation.Number, System.Math.Max(stride.Number, dilation.Number) - 1));
        }
    }

    private static void CheckOutputNotEmpty(List<DiagnosticInfo> diagnostics, TransposedAxis axis, ResolvedValue input, string what, int pad, int outputPad)
    {
        if (input.Given && input.Number > 0 && axis.OutputSize(input.Number) < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(EmptyTransposedOutput, input.At, what, input.Number, axis.Stride, 2 * pad,
                axis.Dilation, axis.Kernel, outputPad, axis.OutputSize(input.Number), axis.MinimumInput));
        }
    }
}
