using System.Collections.Generic;
using ConvGen.Generator.Model;
using Microsoft.CodeAnalysis;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Validation;

/// <summary>The rules every layer attribute shares (convolutions and transposed convolutions): resolving an argument
/// with its per-axis override and default, and the checks on channels, groups, kernel, sizes and limits.</summary>
internal static class ArgumentRules
{
    /// <summary>Largest weight tensor, and largest dilated kernel extent, stride, pad or fixed input size, we generate for.</summary>
    internal const long MaxWeightLength = 1L << 28;
    internal const long MaxExtent = 1L << 20;

    public static ResolvedValue Value(LayerRequest request, string name, int fallback) =>
        request.Find(name) is { } argument
            ? new ResolvedValue(argument.Value, argument.Location, name, Given: true)
            : new ResolvedValue(fallback, null, name, Given: false);

    /// <summary>The per-axis argument wins over the shared one, then the default.</summary>
    public static ResolvedValue Value(LayerRequest request, string axisName, string sharedName, int fallback) =>
        request.Find(axisName) is not null ? Value(request, axisName, fallback) : Value(request, sharedName, fallback);

    public static ResolvedValue Fixed(int value) => new(value, null, "", Given: true);

    public static void CheckGroups(List<DiagnosticInfo> diagnostics, ResolvedValue inChannels, ResolvedValue outChannels, ResolvedValue groups)
    {
        if (groups.Number <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(GroupsMustBePositive, groups.At, groups.Number));
        }
        else if (inChannels.Number > 0 && outChannels.Number > 0
            && (inChannels.Number % groups.Number != 0 || outChannels.Number % groups.Number != 0))
        {
            diagnostics.Add(DiagnosticInfo.Create(GroupsMustDivideChannels, groups.At, groups.Number, inChannels.Number, outChannels.Number));
        }
    }

    public static void CheckKernelGiven(List<DiagnosticInfo> diagnostics, LayerRequest request, bool is2d, string attributeName, ResolvedValue kernelH, ResolvedValue kernelW)
    {
        if (!is2d)
        {
            if (!kernelW.Given)
            {
                diagnostics.Add(DiagnosticInfo.Create(KernelSizeMissing, request.AttributeLocation, attributeName, "size", "k"));
            }

            return;
        }

        if (!kernelH.Given || !kernelW.Given)
        {
            string missing = !kernelH.Given && !kernelW.Given ? "size" : !kernelH.Given ? "height" : "width";
            string fix = !kernelH.Given && !kernelW.Given ? "k, or kh and kw" : !kernelH.Given ? "kh (or k)" : "kw (or k)";
            diagnostics.Add(DiagnosticInfo.Create(KernelSizeMissing, request.AttributeLocation, attributeName, missing, fix));
        }
    }

    public static void CheckPositive(List<DiagnosticInfo> diagnostics, DiagnosticDescriptor rule, ResolvedValue value)
    {
        if (value.Given && value.Number <= 0 && !AlreadyReported(diagnostics, rule, value))
        {
            diagnostics.Add(DiagnosticInfo.Create(rule, value.At, value.Name, value.Number));
        }
    }

    /// <summary>A shared argument (k, s, d, p) feeds both axes; it is reported once.</summary>
    public static bool AlreadyReported(List<DiagnosticInfo> diagnostics, DiagnosticDescriptor rule, ResolvedValue value) =>
        diagnostics.Exists(d => d.Descriptor == rule && d.Location == value.At);

    public static void CheckNotNegative(List<DiagnosticInfo> diagnostics, ResolvedValue value)
    {
        if (value.Number < 0 && !AlreadyReported(diagnostics, PaddingMustNotBeNegative, value))
        {
            diagnostics.Add(DiagnosticInfo.Create(PaddingMustNotBeNegative, value.At, value.Name, value.Number));
        }
    }

    public static void CheckInputSize(List<DiagnosticInfo> diagnostics, ResolvedValue value)
    {
        if (value.Number < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(InputSizeMustBePositive, value.At, value.Name, value.Number));
        }
    }

    public static void CheckActivation(List<DiagnosticInfo> diagnostics, ResolvedValue activation)
    {
        if (activation.Number is < (int)ActivationKind.None or > (int)ActivationKind.GELU)
        {
            diagnostics.Add(DiagnosticInfo.Create(UnknownActivation, activation.At, activation.Number));
        }
    }

    /// <summary>Reports a weight tensor, a dilated kernel extent or any of <paramref name="values"/> beyond what we generate for.</summary>
    public static void CheckTooLarge(
        List<DiagnosticInfo> diagnostics, LayerRequest request, long weights,
        IEnumerable<(ResolvedValue Kernel, ResolvedValue Dilation, string What)> kernels, IEnumerable<ResolvedValue> values)
    {
        if (weights > MaxWeightLength)
        {
            diagnostics.Add(DiagnosticInfo.Create(LayerTooLarge, request.AttributeLocation, "weight count", weights, $"at most {MaxWeightLength}"));
        }

        foreach (var (value, dilation, what) in kernels)
        {
            long extent = ((long)dilation.Number * (value.Number - 1)) + 1;
            var at = dilation.Number > 1 ? dilation.At : value.At;
            if (extent > MaxExtent && !diagnostics.Exists(d => d.Descriptor == LayerTooLarge && d.Location == at))
            {
                diagnostics.Add(DiagnosticInfo.Create(LayerTooLarge, at, $"dilated kernel {what}", extent, $"at most {MaxExtent}"));
            }
        }

        foreach (var value in values)
        {
            if (value.Number > MaxExtent)
            {
                diagnostics.Add(DiagnosticInfo.Create(LayerTooLarge, value.At, value.Name, value.Number, $"at most {MaxExtent}"));
            }
        }
    }

    /// <summary>Weights per output channel group's share: out x (in / groups) x taps, with in itself where groups do not divide it.</summary>
    public static long WeightCount(ResolvedValue channels, ResolvedValue groups, ResolvedValue otherChannels, ResolvedValue kernelH, ResolvedValue kernelW)
    {
        long perGroup = groups.Number > 0 && channels.Number % groups.Number == 0 ? channels.Number / groups.Number : channels.Number;
        return (long)otherChannels.Number * perGroup * kernelH.Number * kernelW.Number;
    }
}

/// <summary>A resolved argument: its value, where it was written (null for defaults) and which name gave it.</summary>
internal readonly record struct ResolvedValue(int Number, LocationInfo? At, string Name, bool Given);
