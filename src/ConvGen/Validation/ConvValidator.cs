using System.Collections.Generic;
using ConvGen.Generator.Model;
using Microsoft.CodeAnalysis;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Validation;

/// <summary>
/// Pure function from the attribute as written to a resolved <see cref="ConvSpec"/>: applies defaults
/// and per-axis overrides, then checks every rule. Each diagnostic points at the argument that is wrong.
/// </summary>
internal static class ConvValidator
{
    /// <summary>Largest weight tensor, and largest dilated kernel extent, stride, pad or fixed input size, we generate for.</summary>
    internal const long MaxWeightLength = 1L << 28;
    internal const long MaxExtent = 1L << 20;

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
        CheckKernelGiven(diagnostics, request, kernelH, kernelW);
        CheckPositive(diagnostics, KernelMustBePositive, kernelH);
        CheckPositive(diagnostics, KernelMustBePositive, kernelW);
        CheckPositive(diagnostics, StrideMustBePositive, strideH);
        CheckPositive(diagnostics, StrideMustBePositive, strideW);
        CheckPositive(diagnostics, DilationMustBePositive, dilationH);
        CheckPositive(diagnostics, DilationMustBePositive, dilationW);
        if (groups.Number <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(GroupsMustBePositive, groups.At, groups.Number));
        }
        else if (inChannels.Number > 0 && outChannels.Number > 0
            && (inChannels.Number % groups.Number != 0 || outChannels.Number % groups.Number != 0))
        {
            diagnostics.Add(DiagnosticInfo.Create(GroupsMustDivideChannels, groups.At, groups.Number, inChannels.Number, outChannels.Number));
        }

        CheckInputSize(diagnostics, inputH);
        CheckInputSize(diagnostics, inputW);

        var mode = (PaddingMode)padding.Number;
        if (padding.Number is < (int)PaddingMode.Explicit or > (int)PaddingMode.Full)
        {
            diagnostics.Add(DiagnosticInfo.Create(UnknownPaddingMode, padding.At, padding.Number));
            mode = PaddingMode.Explicit;
        }

        if (activation.Number is < (int)ActivationKind.None or > (int)ActivationKind.GELU)
        {
            diagnostics.Add(DiagnosticInfo.Create(UnknownActivation, activation.At, activation.Number));
        }

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

        CheckTooLarge(diagnostics, request, inChannels, outChannels, groups, kernelH, kernelW, strideH, strideW, dilationH, dilationW, padH, padW, inputH, inputW);
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

    private static void CheckKernelGiven(List<DiagnosticInfo> diagnostics, LayerRequest request, ResolvedValue kernelH, ResolvedValue kernelW)
    {
        if (request.Kind == LayerKind.Conv1d)
        {
            if (!kernelW.Given)
            {
                diagnostics.Add(DiagnosticInfo.Create(KernelSizeMissing, request.AttributeLocation, "[Conv1d]", "", "k"));
            }

            return;
        }

        if (!kernelH.Given || !kernelW.Given)
        {
            string missing = !kernelH.Given && !kernelW.Given ? "" : !kernelH.Given ? "height" : "width";
            string fix = !kernelH.Given && !kernelW.Given ? "k, or kh and kw" : !kernelH.Given ? "kh (or k)" : "kw (or k)";
            diagnostics.Add(DiagnosticInfo.Create(KernelSizeMissing, request.AttributeLocation, "[Conv2d]", missing, fix));
        }
    }

    private static void CheckPositive(List<DiagnosticInfo> diagnostics, DiagnosticDescriptor rule, ResolvedValue value)
    {
        if (value.Given && value.Number <= 0 && !AlreadyReported(diagnostics, rule, value))
        {
            diagnostics.Add(DiagnosticInfo.Create(rule, value.At, value.Name, value.Number));
        }
    }

    /// <summary>A shared argument (k, s, d, p) feeds both axes; it is reported once.</summary>
    private static bool AlreadyReported(List<DiagnosticInfo> diagnostics, DiagnosticDescriptor rule, ResolvedValue value) =>
        diagnostics.Exists(d => d.Descriptor == rule && d.Location == value.At);

    private static void CheckNotNegative(List<DiagnosticInfo> diagnostics, ResolvedValue value)
    {
        if (value.Number < 0 && !AlreadyReported(diagnostics, PaddingMustNotBeNegative, value))
        {
            diagnostics.Add(DiagnosticInfo.Create(PaddingMustNotBeNegative, value.At, value.Name, value.Number));
        }
    }

    private static void CheckInputSize(List<DiagnosticInfo> diagnostics, ResolvedValue value)
    {
        if (value.Number < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(InputSizeMustBePositive, value.At, value.Name, value.Number));
        }
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

    private static void CheckTooLarge(
        List<DiagnosticInfo> diagnostics, LayerRequest request, ResolvedValue inChannels, ResolvedValue outChannels, ResolvedValue groups,
        ResolvedValue kernelH, ResolvedValue kernelW, ResolvedValue strideH, ResolvedValue strideW, ResolvedValue dilationH, ResolvedValue dilationW,
        ResolvedValue padH, ResolvedValue padW, ResolvedValue inputH, ResolvedValue inputW)
    {
        long perGroup = groups.Number > 0 && inChannels.Number % groups.Number == 0 ? inChannels.Number / groups.Number : inChannels.Number;
        long weights = (long)outChannels.Number * perGroup * kernelH.Number * kernelW.Number;
        if (weights > MaxWeightLength)
        {
            diagnostics.Add(DiagnosticInfo.Create(LayerTooLarge, request.AttributeLocation, "weight count", weights, $"at most {MaxWeightLength}"));
        }

        foreach (var (value, dilation, what) in new[] { (kernelH, dilationH, "height"), (kernelW, dilationW, "width") })
        {
            long extent = ((long)dilation.Number * (value.Number - 1)) + 1;
            var at = dilation.Number > 1 ? dilation.At : value.At;
            if (extent > MaxExtent && !diagnostics.Exists(d => d.Descriptor == LayerTooLarge && d.Location == at))
            {
                diagnostics.Add(DiagnosticInfo.Create(LayerTooLarge, at, $"dilated kernel {what}", extent, $"at most {MaxExtent}"));
            }
        }

        foreach (var value in new[] { padH, padW, inputH, inputW, strideH, strideW })
        {
            if (value.Number > MaxExtent)
            {
                diagnostics.Add(DiagnosticInfo.Create(LayerTooLarge, value.At, value.Name, value.Number, $"at most {MaxExtent}"));
            }
        }
    }

    private static ResolvedValue Value(LayerRequest request, string name, int fallback) =>
        request.Find(name) is { } argument
            ? new ResolvedValue(argument.Value, argument.Location, name, Given: true)
            : new ResolvedValue(fallback, null, name, Given: false);

    private static ResolvedValue Value(LayerRequest request, string axisName, string sharedName, int fallback) =>
        request.Find(axisName) is not null ? Value(request, axisName, fallback) : Value(request, sharedName, fallback);

    private static ResolvedValue Fixed(int value) => new(value, null, "", Given: true);

    /// <summary>A resolved argument: its value, where it was written (null for defaults) and which name gave it.</summary>
    private readonly record struct ResolvedValue(int Number, LocationInfo? At, string Name, bool Given);
}
