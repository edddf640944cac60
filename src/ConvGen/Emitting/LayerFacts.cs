using System.Collections.Generic;
using ConvGen.Generator.Kernels;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// The lines of a generated layer's summary that say what the user bought (what hovering the class shows): its
/// multiply-adds, the memory its weights hold and one call rents, and the kernel path the planner chose. The numbers
/// are the spec's, the plan's and <see cref="ScratchSize"/>'s; this class only puts them in words. Without a fixed
/// input size the scratch is a formula of the size's leading terms (≈) and the sweep is chosen per call.
/// </summary>
internal static class LayerFacts
{
    /// <summary>Scratch, in bytes, a band of transformed rows and its products stay within (unless one tile row is larger).</summary>
    private const long TransformedBandBytes = 4L * 2 * LineSweep.BandInputFloats;

    public static IEnumerable<string> Convolution(ConvSpec spec, KernelPlan plan)
    {
        bool imageTaps = ImageTapGatherEmitter.Windows(spec, plan) is not null;
        yield return MultiplyAdds(spec);
        yield return $"Weights: {Quantity.FloatBytes(plan.WeightFloats(spec) + Biases(spec))} ({Weights(spec, plan)}).";
        yield return $"Scratch per call on one thread: {Scratch(spec, plan, imageTaps)}.";
        yield return $"Path: {Path(spec, plan, imageTaps)}; threads chosen per call from its work.";
    }

    public static IEnumerable<string> Transposed(TransposedConvSpec spec, TransposedPlan plan, IReadOnlyList<string> phaseClasses)
    {
        string taps = $"{(spec.Is2d ? $"{spec.KernelHeight}x{spec.KernelWidth}" : $"{spec.KernelWidth}")} {Taps(spec.KernelHeight * spec.KernelWidth)}";
        string perInput = $"{Quantity.Count(spec.MultiplyAddsPerInput)} per input {(spec.Is2d ? "pixel" : "position")} " +
            $"({spec.InChannels} in x {spec.OutChannelsPerGroup} out{PerGroup(spec.Groups)} x {taps})";
        bool crops = spec.PadTop + spec.PadBottom + spec.PadLeft + spec.PadRight > 0;
        yield return spec.MultiplyAdds is { } total
            ? $"Multiply-adds: {Quantity.Count(total)} per {Input(spec.Is2d, spec.InputHeight, spec.InputWidth)}, the products that land in the output; {perInput}."
            : $"Multiply-adds: {perInput}, {Quantity.Count(spec.MultiplyAddsPerInput)} x {(spec.Is2d ? "H x W per image" : "L per sequence")}" +
              $"{(crops ? " less the products that land on the cropped border" : "")}.";

        long weights = 0, biases = 0;
        foreach (var phases in plan.Convolutions)
        {
            weights += KernelPlanner.Plan(phases).WeightFloats(phases);
            biases += Biases(phases);
        }

        bool one = phaseClasses.Count == 1;
        yield return $"Weights: {Quantity.FloatBytes(weights + biases)} ({(one ? $"{phaseClasses[0]}'s" : $"the {phaseClasses.Count} phase convolutions'")} " +
            $"{Quantity.Count(weights)} from PyTorch's {Quantity.Count(spec.WeightLength)}" +
            $"{(biases > 0 ? $", and {(one ? "its" : "their")} {Quantity.Count(biases)} biases" : "")}).";
        yield return $"Scratch per call on one thread: {(one ? TransposedScratch(plan, phaseClasses[0]) : SeparateScratch(plan))}.";
    }

    private static string MultiplyAdds(ConvSpec spec)
    {
        bool is2d = spec.Kind == LayerKind.Conv2d;
        string work = $"{spec.OutChannels} out x {spec.InChannelsPerGroup} in{PerGroup(spec.Groups)} x " +
            $"{(is2d ? $"{spec.KernelHeight}x{spec.KernelWidth}" : $"{spec.KernelWidth}")} {Taps(spec.KernelHeight * spec.KernelWidth)}";
        string perOutput = Quantity.Count(spec.MultiplyAddsPerOutput);
        if (spec.MultiplyAdds is not { } total)
        {
            return is2d
                ? $"Multiply-adds: {perOutput} per output pixel ({work}), {perOutput} x OH x OW per image."
                : $"Multiply-adds: {perOutput} per output position ({work}), {perOutput} x OL per sequence.";
        }

        long outputHeight = spec.Vertical.OutputSize(spec.FixedInputHeight!.Value), outputWidth = spec.Horizontal.OutputSize(spec.InputWidth!.Value);
        string outputs = is2d ? $"{outputHeight}x{outputWidth}" : $"{outputWidth}";
        return $"Multiply-adds: {Quantity.Count(total)} per {Input(is2d, spec.InputHeight, spec.InputWidth)} ({outputs} outputs x {perOutput}: {work}).";
    }

    /// <summary>What the weight arrays hold, against PyTorch's weight.</summary>
    private static string Weights(ConvSpec spec, KernelPlan plan)
    {
        string biases = spec.HasBias ? $", and {Quantity.Count(spec.OutChannels)} biases" : "";
        if (!plan.TransformsRows)
        {
            return $"{Quantity.Count(spec.WeightLength)} packed for the kernel, as many as PyTorch's{biases}";
        }

        return $"{Quantity.Count(plan.WeightFloats(spec))}: {RowScheme.For(spec).Points} Winograd points' transformed weights" +
            $"{(plan.KeepsPackedWeights ? " and the direct kernel's packed ones" : "")}, from PyTorch's {Quantity.Count(spec.WeightLength)}{biases}";
    }

    private static string Scratch(ConvSpec spec, KernelPlan plan, bool imageTaps)
    {
        if (ScratchSize.OneThread(spec, plan, imageTaps) is { } floats)
        {
            return imageTaps
                ? $"{Quantity.FloatBytes(floats)} ({Quantity.FloatBytes(ScratchSize.OneThread(spec, plan, imageTaps: false)!.Value)} without AVX-512)"
                : floats == 0 ? "none (the input is read in place)" : Quantity.FloatBytes(floats);
        }

        if (!plan.TransformsRows)
        {
            return DirectFormula(spec, plan);
        }

        // A tile row's points hold every input channel's column phases: the padded width in all.
        string transformed = $"≈ max({Quantity.Bytes(TransformedBandBytes)}, 4 B x {RowScheme.For(spec).RowsPerTile} x ({spec.InChannels} x " +
            $"{Padded("W", spec.PadLeft + spec.PadRight)} + {spec.OutChannels} x OW)) on transformed rows (bands of tile rows sized for L2)";
        return plan.Direct is { } direct ? $"{transformed}, {DirectFormula(spec, direct)} on the direct kernel" : transformed;
    }

    /// <summary>The direct path's scratch as a formula of the input size: the zero-padded input (its stride-phase planes)
    /// and, when the kernel is wider than one column, the staging of a flat sweep.</summary>
    private static string DirectFormula(ConvSpec spec, KernelPlan plan)
    {
        bool is2d = spec.Kind == LayerKind.Conv2d;
        if (plan.ReadsInputInPlace)
        {
            return $"none for inputs of {KernelPlanner.Lanes} values per channel or more (read in place)";
        }

        string plane = is2d ? $"{Padded("H", spec.PadTop + spec.PadBottom)} x {Padded("W", spec.PadLeft + spec.PadRight)}" : Padded("L", spec.PadLeft + spec.PadRight);
        long dilatedKernel = spec.Horizontal.DilatedKernel;
        string staging = dilatedKernel == 1 ? ""
            : $"{(dilatedKernel <= spec.StrideWidth ? "up to " : "")}{plan.ChannelTile} x {(is2d ? "OH x " : "")}{PlaneWidth(spec, is2d ? "W" : "L")}";
        if (spec.Groups == 1)
        {
            return staging.Length == 0
                ? $"≈ 4 B x {spec.InChannels} x {plane} (a padded copy of the input)"
                : $"≈ 4 B x ({spec.InChannels} x {plane} + {staging}) (a padded copy of the input, a staging tile)";
        }

        return $"≈ 4 B x {spec.InChannelsPerGroup} x {plane} per group for a padded copy of the input, up to {Quantity.FloatBytes(ScratchSize.GroupBatchFloats)} of groups at once" +
            (staging.Length == 0 ? "" : $", + 4 B x {staging} staging");
    }

    private static string TransposedScratch(TransposedPlan plan, string phaseClass)
    {
        var phases = plan.Convolutions[0];
        var phasePlan = KernelPlanner.Plan(phases);
        bool imageTaps = ImageTapGatherEmitter.Windows(phases, phasePlan) is not null;
        if (ScratchSize.OneThread(phases, phasePlan, imageTaps) is not { } convolution)
        {
            return plan.SingleConvolution
                ? $"{phaseClass}'s"
                : $"4 B x {phases.OutChannels} x {(phases.Kind == LayerKind.Conv2d ? "OH' x OW'" : "OL'")} of phase outputs ({phaseClass}'s output size) plus {phaseClass}'s";
        }

        long outputs = plan.SingleConvolution ? 0
            : phases.OutChannels * phases.Vertical.OutputSize(phases.FixedInputHeight!.Value) * phases.Horizontal.OutputSize(phases.InputWidth!.Value);
        if (outputs + convolution == 0)
        {
            return "none";
        }

        string total = Quantity.FloatBytes(outputs + convolution) +
            (imageTaps ? $" ({Quantity.FloatBytes(outputs + ScratchSize.OneThread(phases, phasePlan, imageTaps: false)!.Value)} without AVX-512)" : "");
        return plan.SingleConvolution ? $"{total} ({phaseClass}'s)"
            : convolution == 0 ? $"{total} of phase outputs"
            : $"{total}: {Quantity.FloatBytes(outputs)} of phase outputs, the rest {phaseClass}'s";
    }

    /// <summary>Several phase convolutions (planned only at a fixed size) run one after another on one thread: their outputs,
    /// and the scratch of the one that rents most.</summary>
    private static string SeparateScratch(TransposedPlan plan)
    {
        long outputs = 0, convolution = 0, withoutImageTaps = 0;
        foreach (var phases in plan.Convolutions)
        {
            var phasePlan = KernelPlanner.Plan(phases);
            bool imageTaps = ImageTapGatherEmitter.Windows(phases, phasePlan) is not null;
            outputs += phases.OutChannels * phases.Vertical.OutputSize(phases.FixedInputHeight!.Value) * phases.Horizontal.OutputSize(phases.InputWidth!.Value);
            convolution = System.Math.Max(convolution, ScratchSize.OneThread(phases, phasePlan, imageTaps)!.Value);
            withoutImageTaps = System.Math.Max(withoutImageTaps, ScratchSize.OneThread(phases, phasePlan, imageTaps: false)!.Value);
        }

        string total = Quantity.FloatBytes(outputs + convolution) +
            (withoutImageTaps != convolution ? $" ({Quantity.FloatBytes(outputs + withoutImageTaps)} without AVX-512)" : "");
        return convolution == 0 ? $"{total} of phase outputs" : $"{total}: {Quantity.FloatBytes(outputs)} of phase outputs, the rest the largest phase convolution's";
    }

    private static string Path(ConvSpec spec, KernelPlan plan, bool imageTaps)
    {
        if (plan.TransformsRows)
        {
            return $"{RowScheme.For(spec).Name}, each point a 1 x {spec.KernelWidth} direct kernel with {Tile(plan)}" +
                (plan.Direct is { } direct
                    ? $"; per call, where it costs fewer multiply-adds, else the direct kernel (tile {direct.ChannelTile} x {direct.OutputVectors})"
                    : "");
        }

        if (plan.GathersTaps)
        {
            return $"taps gathered into {spec.FanIn} rows of {plan.GatheredRowStride} floats (im2col{(imageTaps ? ", straight from the image with AVX-512" : "")}), " +
                $"then a 1x1 kernel over them with {Tile(plan)}; the output plane swept flat";
        }

        string kernel = spec.Groups == 1 ? "direct kernel"
            : spec.InChannelsPerGroup == 1 ? $"depthwise direct kernel{(spec.OutChannelsPerGroup > 1 ? $" (multiplier {spec.OutChannelsPerGroup})" : "")}"
            : $"direct kernel per group ({spec.InChannelsPerGroup} -> {spec.OutChannelsPerGroup} channels)";
        string rowTile = plan.RowTile > 1 ? $", {plan.RowTile}-row tiles of {plan.RowTileVectors} vectors on Vector512" : "";
        string sweep = new KernelGeometry(spec, plan).Fixed is var (outputHeight, outputWidth, planeWidth)
            ? LineSweep.IsFlat(outputHeight, outputWidth, planeWidth, spec.FanIn, KernelPlanner.Lanes) ? "the output swept as one flat line" : "the output swept row by row"
            : "row-by-row or flat sweep chosen per call";
        return $"{kernel}{(plan.ReadsInputInPlace ? " reading the input in place" : "")}, {Tile(plan)}{rowTile}; {sweep}";
    }

    private static string Tile(KernelPlan plan) =>
        $"register tile {plan.ChannelTile} channel{(plan.ChannelTile == 1 ? "" : "s")} x {plan.OutputVectors} vector{(plan.OutputVectors == 1 ? "" : "s")} " +
        $"(Vector512; x {plan.NarrowOutputVectors} on Vector256/128)";

    private static string Taps(int taps) => taps == 1 ? "tap" : "taps";

    /// <summary>The fixed input: "image of 16x17", "sequence of length 50".</summary>
    private static string Input(bool is2d, int? height, int? width) => is2d ? $"image of {height}x{width}" : $"sequence of length {width}";

    private static string PerGroup(int groups) => groups > 1 ? " per group" : "";

    private static long Biases(ConvSpec spec) => spec.HasBias ? spec.OutChannels : 0;

    /// <summary>"W", "(W + 2)".</summary>
    private static string Padded(string size, int pad) => pad == 0 ? size : $"({size} + {pad})";

    /// <summary>Columns of a stride-phase plane: the padded width, over the stride.</summary>
    private static string PlaneWidth(ConvSpec spec, string size)
    {
        string padded = Padded(size, spec.PadLeft + spec.PadRight);
        return spec.StrideWidth == 1 ? padded : $"{padded}/{spec.StrideWidth}";
    }
}
