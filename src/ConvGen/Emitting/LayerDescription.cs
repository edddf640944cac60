using ConvGen.Generator.Model;

namespace ConvGen.Generator.Emitting;

/// <summary>Human-readable descriptions of a layer for the comments of the generated code.</summary>
internal static class LayerDescription
{
    public static string Summary(ConvSpec spec) => spec.Kind == LayerKind.Conv2d
        ? $"Conv2d: in {spec.InChannels}, out {spec.OutChannels}, kernel {spec.KernelHeight}x{spec.KernelWidth}, " +
          $"stride {spec.StrideHeight}x{spec.StrideWidth}, padding {spec.PadTop}/{spec.PadBottom}/{spec.PadLeft}/{spec.PadRight} (top/bottom/left/right, {spec.Padding}), " +
          $"dilation {spec.DilationHeight}x{spec.DilationWidth}, groups {spec.Groups}, {(spec.HasBias ? "bias" : "no bias")}{FixedSize(spec)}."
        : $"Conv1d: in {spec.InChannels}, out {spec.OutChannels}, kernel {spec.KernelWidth}, stride {spec.StrideWidth}, " +
          $"padding {spec.PadLeft}/{spec.PadRight} (left/right, {spec.Padding}), dilation {spec.DilationWidth}, groups {spec.Groups}, " +
          $"{(spec.HasBias ? "bias" : "no bias")}{FixedSize(spec)}.";

    public static string WeightShape(ConvSpec spec) => spec.Kind == LayerKind.Conv2d
        ? $"[{spec.OutChannels}, {spec.InChannelsPerGroup}, {spec.KernelHeight}, {spec.KernelWidth}]"
        : $"[{spec.OutChannels}, {spec.InChannelsPerGroup}, {spec.KernelWidth}]";

    private static string FixedSize(ConvSpec spec) => spec.Kind == LayerKind.Conv2d
        ? (spec.InputHeight, spec.InputWidth) switch
        {
            (null, null) => "",
            var (h, w) => $", input {(h?.ToString() ?? "any")}x{(w?.ToString() ?? "any")}",
        }
        : spec.InputWidth is { } length ? $", input length {length}" : "";
}
