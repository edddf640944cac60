using System;
using ConvGen.Generator.Kernels;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Planning;

/// <summary>
/// The gathered-taps form of a layer (im2col): for each tap (input channel, kernel row, kernel column) one row
/// holding, output position after output position, the input that tap reads. Over those rows the layer is a 1x1
/// convolution of <see cref="ConvSpec.FanIn"/> input channels on the output's plane, which the direct kernel runs
/// with no pitch columns: every vector lane is an output. It pays on small feature maps, whose rows fill vectors
/// badly and whose padded pitch wastes lanes, as long as all the rows stay in L2.
/// </summary>
internal static class TapGathering
{
    /// <summary>Cost, in multiply-adds, of writing one vector of a gathered row.</summary>
    private const int GatherCost = 2;

    /// <summary>Whether the layer runs on gathered taps: an ungrouped layer with a fixed input size, not already read
    /// in place, whose gathered rows fit a band's budget and cost fewer multiply-adds (copying them included) than
    /// the direct kernel's best sweep of the padded planes.</summary>
    public static bool Pays(ConvSpec spec)
    {
        if (spec.Groups != 1 || OutputSize(spec) is not (var outputHeight, var outputWidth) || spec.IsUnpaddedPointwise)
        {
            return false;
        }

        long positions = outputHeight * outputWidth;
        if (positions == 0 || (long)spec.FanIn * RowStride(positions) > LineSweep.BandInputFloats)
        {
            return false;
        }

        long direct = spec.OutChannels * KernelPlanner.SweepCost(outputHeight, outputWidth, spec.Horizontal.PlaneSize(spec.InputWidth!.Value), spec.FanIn);
        // Each gathered row is copied output row by output row, or (small planes) built one permute per vector.
        long gathered = (spec.OutChannels * KernelPlanner.Vectors(positions) * spec.FanIn)
            + (spec.FanIn * Math.Min(outputHeight * KernelPlanner.Vectors(outputWidth), KernelPlanner.Vectors(positions)) * GatherCost);
        return gathered < direct;
    }

    /// <summary>The 1x1 convolution the kernel runs on the gathered rows: FanIn input channels on the output's plane,
    /// same output channels, bias and activation.</summary>
    public static ConvSpec KernelView(ConvSpec spec)
    {
        var (outputHeight, outputWidth) = OutputPlane(spec);
        return spec with
        {
            InChannels = spec.FanIn,
            KernelHeight = 1,
            KernelWidth = 1,
            StrideHeight = 1,
            StrideWidth = 1,
            PadTop = 0,
            PadBottom = 0,
            PadLeft = 0,
            PadRight = 0,
            DilationHeight = 1,
            DilationWidth = 1,
            Padding = PaddingMode.Explicit,
            InputHeight = spec.Kind == LayerKind.Conv1d ? spec.InputHeight : outputHeight,
            InputWidth = outputWidth,
        };
    }

    /// <summary>Floats from one gathered row to the next: the output positions, rounded up to whole vectors so that
    /// every row starts on a vector boundary of the scratch and a plane narrower than a vector still has one.</summary>
    public static int RowStride(ConvSpec spec) =>
        OutputSize(spec) is (var outputHeight, var outputWidth) ? (int)RowStride(outputHeight * outputWidth) : 0;

    private static long RowStride(long positions) => KernelPlanner.Vectors(positions) * KernelPlanner.Lanes;

    /// <summary>The output plane a layer on gathered taps sweeps: its rows and columns (a Conv1d has one row).</summary>
    public static (int Height, int Width) OutputPlane(ConvSpec spec) =>
        OutputSize(spec) is (var height, var width) ? ((int)height, (int)width) : throw new InvalidOperationException("Gathered taps need a fixed input size.");

    /// <summary>Output rows and columns when the input size is fixed (a Conv1d has one row).</summary>
    private static (long Height, long Width)? OutputSize(ConvSpec spec) =>
        spec.FixedInputHeight is { } h && spec.InputWidth is { } w ? (spec.Vertical.OutputSize(h), spec.Horizontal.OutputSize(w)) : null;
}
