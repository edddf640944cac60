using ConvGen.Generator.Kernels;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>Writes the layer's parameters as public constants (PyTorch's names in .NET casing).</summary>
internal static class ConstantsEmitter
{
    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        writer.Line("// The layer's hyper-parameters, fixed at compile time.");
        Constant(writer, "Input channels.", "InChannels", spec.InChannels);
        Constant(writer, "Output channels.", "OutChannels", spec.OutChannels);
        if (spec.Kind == LayerKind.Conv2d)
        {
            Constant(writer, "Kernel rows.", "KernelHeight", spec.KernelHeight);
            Constant(writer, "Kernel columns.", "KernelWidth", spec.KernelWidth);
            Constant(writer, "Vertical stride.", "StrideHeight", spec.StrideHeight);
            Constant(writer, "Horizontal stride.", "StrideWidth", spec.StrideWidth);
            Constant(writer, "Zero rows added above the input.", "PadTop", spec.PadTop);
            Constant(writer, "Zero rows added below the input.", "PadBottom", spec.PadBottom);
            Constant(writer, "Zero columns added left of the input.", "PadLeft", spec.PadLeft);
            Constant(writer, "Zero columns added right of the input.", "PadRight", spec.PadRight);
            Constant(writer, "Vertical dilation.", "DilationHeight", spec.DilationHeight);
            Constant(writer, "Horizontal dilation.", "DilationWidth", spec.DilationWidth);
        }
        else
        {
            Constant(writer, "Kernel size.", "KernelSize", spec.KernelWidth);
            Constant(writer, "Stride.", "Stride", spec.StrideWidth);
            Constant(writer, "Zero elements added before the input.", "PadLeft", spec.PadLeft);
            Constant(writer, "Zero elements added after the input.", "PadRight", spec.PadRight);
            Constant(writer, "Dilation.", "Dilation", spec.DilationWidth);
        }

        Constant(writer, "Groups: each output channel sees InChannels / Groups input channels.", "Groups", spec.Groups);
        writer.Line("/// <summary>Whether the layer adds a bias per output channel.</summary>");
        writer.Line($"public const bool HasBias = {(spec.HasBias ? "true" : "false")};");
        writer.Line("/// <summary>The activation fused into the layer: the output is activation(conv(x) + bias).</summary>");
        writer.Line($"public const global::ConvGen.Activation FusedActivation = global::ConvGen.Activation.{spec.Activation};");
        Constant(writer, $"Elements of the PyTorch-layout weight {LayerDescription.WeightShape(spec)}.", "WeightLength", spec.WeightLength);
        Constant(writer, "Learnable parameters: weights plus biases.", "ParameterCount", spec.ParameterCount);
        if (spec.Kind == LayerKind.Conv2d)
        {
            OptionalConstant(writer, "The only input height this layer accepts.", "InputHeight", spec.InputHeight);
            OptionalConstant(writer, "The only input width this layer accepts.", "InputWidth", spec.InputWidth);
        }
        else
        {
            OptionalConstant(writer, "The only input length this layer accepts.", "InputLength", spec.InputWidth);
        }

        writer.Line();
        writer.Line("// Derived sizes used by the shape checks and the kernel.");
        writer.Line($"private const int FanIn = {spec.FanIn};");
        if (spec.Kind == LayerKind.Conv2d)
        {
            writer.Line($"private const int MinimumInputHeight = {spec.Vertical.MinimumInput};");
        }

        writer.Line($"private const int MinimumInput{(spec.Kind == LayerKind.Conv2d ? "Width" : "Length")} = {spec.Horizontal.MinimumInput};");
        if (plan.TransformsRows)
        {
            var scheme = RowScheme.For(spec);
            writer.Line($"// {scheme.Name}: {scheme.Points} points, each with weights [out][in/groups][{spec.KernelWidth}].");
            writer.Line($"private const int PointWeightLength = {WinogradRows.PointWeightLength(spec)};");
            writer.Line($"private const int TransformedWeightLength = {scheme.Points} * PointWeightLength;");
        }

        if (plan.KeepsPackedWeights)
        {
            writer.Line("private const int PackedWeightLength = WeightLength;");
        }

        writer.Line($"private const int MaxTapShift = {plan.MaxTapShift};");
        writer.Line("// Multiply-adds a call must give each thread before one more thread pays (the planner's estimate for this layer).");
        writer.Line($"private const double MinimumWorkPerThread = {plan.MinimumWorkPerThread};");
        writer.Line($"private const int WidestVector = {VectorType.WidestLanes}; // floats in a Vector512: scratch rows hold at least one");
        writer.Line($"private const long BandInputFloats = {LineSweep.BandInputFloats}; // input a band of output rows reads, kept in L2 across channel tiles");
        if (spec.Groups > 1)
        {
            writer.Line($"private const int GroupBatchFloats = {ScratchSize.GroupBatchFloats}; // scratch (256 KB) filled per kernel call: groups are batched up to it");
        }
    }

    private static void Constant(SourceWriter writer, string summary, string name, int value)
    {
        writer.Line($"/// <summary>{summary}</summary>");
        writer.Line($"public const int {name} = {value};");
    }

    private static void OptionalConstant(SourceWriter writer, string summary, string name, int? value)
    {
        if (value is { } fixedValue)
        {
            Constant(writer, summary, name, fixedValue);
        }
    }
}
