using System.Collections.Generic;
using ConvGen.Generator.Model;
using Microsoft.CodeAnalysis;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;
using static ConvGen.Generator.Validation.ArgumentRules;

namespace ConvGen.Generator.Validation;

/// <summary>
/// Pure function from the attribute as written to a resolved <see cref="ConvSpec"/>: applies defaults
/// and per-axis overrides, then checks every rule. Each diagnostic points at the argument that is wrong.
/// </summary>
internal static class ConvValidator
{
    public static (ConvSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics) Validate(LayerRequest request)
    {
        var diagnostics = new List<DiagnosticInfo>();
        bool is2d = request.Kind == LayerKind.Conv2d;

        // Resolve each value: the per-axis argument wins over the shared one, then the default.
        var inChannels = Value(request, "in", 0);
        var outChannels = Value(request, "out", 0);
        var groups = Value(request, "groups", 1);
        var bias = Value(request, "bias", 1);
        var padding = Value(request, "padding", (int)PaddingMode.Explicit);
        var activation = Value(request, "activation", (int)ActivationKind.None);
        var winograd = Value(request, "winograd", 1);
        var kernelH = is2d ? Value(request, "kh", "k", 0) : Fixed(1);
        var kernelW = is2d ? Value(request, "kw", "k", 0) : Value(request, "k", 0);
        var strideH = is2d ? Value(request, "sh", "s", 1) : Fixed(1);
        var strideW = is2d ? Value(request, "sw", "s", 1) : Value(request, "s", 1);
        var dilationH = is2d ? Value(request, "dh", "d", 1) : Fixed(1);
        var dilationW = is2d ? Value(request, "dw", "d", 1) : Value(request, "d", 1);
        var padH = is2d ? Value(request, "ph", "p", 0) : Fixed(0);
        var padW = is2d ? Value(request, "pw", "p", 0) : Value(request, "p", 0);
        var inputH = is2d ? Value(request, "h", 0) : Fixed(1);
        var inputW = is2d ? Value(request, "w", 0) : Value(request, "length", 0);

        CheckPositive(diagnostics, ChannelsMustBePositive, inChannels);
        CheckPositive(diagnostics, ChannelsMustBePositive, outChannels);
        CheckKernelGiven(diagnostics, request, is2d, is2d ? "[Conv2d]" : "[Conv1d]", kernelH, kernelW);
        CheckPositive(diagnostics, KernelMustBePositive, kernelH);
        CheckPositive(diagnostics, KernelMustBePositive, kernelW);
        CheckPositive(diagnostics, StrideMustBePositive, strideH);
        CheckPositive(diagnostics, StrideMustBePositive, strideW);
        CheckPositive(diagnostics, DilationMustBePositive, dilationH);
        CheckPositive(diagnostics, DilationMustBePositive, dilationW);
        CheckGroups(diagnostics, inChannels, outChannels, groups);

        CheckInputSize(diagnostics, inputH);
        CheckInputSize(diagnostics, inputW);

        var mode = (PaddingMode)padding.Number;
        if (padding.Number is < (int)PaddingMode.Explicit or > (int)PaddingMode.Full)
        {
            diagnostics.Add(DiagnosticInfo.Create(UnknownPaddingMode, padding.At, padding.Number));
            mode = PaddingMode.Explicit;
        }

        CheckActivation(diagnostics, activation);

        if (mode == PaddingMode.Explicit)
        {
            CheckNotNegative(diagnostics, padH);
            CheckNotNegative(diagnostics, padW);
        }
        else
        {
            foreach (string name in new[] { "p", "ph", "pw" })
            {
                if (request.Find(name) is { } explicitPad)
                {
                    diagnostics.Add(DiagnosticInfo.Create(PaddingModeWithExplicitPadding, explicitPad.Location, name, explicitPad.Value, mode));
                }
            }

            if (mode == PaddingMode.Same)
            {
                CheckStrideOneForSame(diagnostics, request, strideH);
                CheckStrideOneForSame(diagnostics, request, strideW);
            }
        }

        CheckTooLarge(
            diagnostics, request, WeightCount(inChannels, groups, outChannels, kernelH, kernelW),
            [(kernelH, dilationH, "height"), (kernelW, dilationW, "width")], [padH, padW, inputH, inputW, strideH, strideW]);
        if (diagnostics.Count > 0)
        {
            return (null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        var (padTop, padBottom) = ResolvePadding(mode, padH.Number, kernelH.Number, dilationH.Number);
        var (padLeft, padRight) = ResolvePadding(mode, padW.Number, kernelW.Number, dilationW.Number);
        var spec = new ConvSpec(
            request.Kind, inChannels.Number, outChannels.Number, kernelH.Number, kernelW.Number,
            strideH.Number, strideW.Number, padTop, padBottom, padLeft, padRight,
            dilationH.Number, dilationW.Number, groups.Number, bias.Number != 0, mode,
            inputH.Number > 0 ? inputH.Number : null, inputW.Number > 0 ? inputW.Number : null, (ActivationKind)activation.Number,
            winograd.Number != 0);

        CheckOutputNotEmpty(diagnostics, spec.Vertical, inputH, "height");
        CheckOutputNotEmpty(diagnostics, spec.Horizontal, inputW, is2d ? "width" : "length");
        return diagnostics.Count > 0
            ? (null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()))
            : (spec, EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>Pads before and after the data along one axis, as PyTorch computes them for each mode.</summary>
    private static (int Before, int After) ResolvePadding(PaddingMode mode, int explicitPad, int kernel, int dilation)
    {
        int total = dilation * (kernel - 1);
        return mode switch
        {
            PaddingMode.Same => (total / 2, total - (total / 2)),
            PaddingMode.Valid => (0, 0),
            PaddingMode.Full => (total, total),
            _ => (explicitPad, explicitPad),
        };
    }

    private static void CheckStrideOneForSame(List<DiagnosticInfo> diagnostics, LayerRequest request, ResolvedValue stride)
    {
        if (stride.Number > 1 && !AlreadyReported(diagnostics, SamePaddingNeedsStrideOne, stride with { At = request.Find("padding")?.Location }))
        {
            diagnostics.Add(DiagnosticInfo.Create(SamePaddingNeedsStrideOne, request.Find("padding")?.Location, stride.Name, stride.Number));
        }
    }

    private static void CheckOutputNotEmpty(List<DiagnosticInfo> diagnostics, ConvAxis axis, ResolvedValue input, string what)
    {
        if (input.Given && input.Number > 0 && axis.OutputSize(input.Number) < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(EmptyOutput, input.At, what, input.Number, axis.Kernel, axis.Dilation,
                axis.DilatedKernel, axis.PadBefore + axis.PadAfter, axis.MinimumInput));
        }
    }
}
