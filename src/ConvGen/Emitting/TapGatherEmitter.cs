using System;
using System.Collections.Generic;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes the gather of a layer's taps (im2col) for a kernel on gathered taps: from each input channel's
/// stride-phase planes, per kernel position, the output plane's worth of inputs that tap reads, row after
/// output row, into one gathered row (see <see cref="TapGathering"/>). Every size is a constant here.
/// </summary>
internal static class TapGatherEmitter
{
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Vector = "global::System.Runtime.Intrinsics.Vector512";

    /// <summary>Most vectors per gathered row made by permutes (each needs its own lane constants).</summary>
    private const int MaxPermutedVectors = 8;

    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        var (outputHeight, outputWidth) = TapGathering.OutputPlane(spec);
        int sh = spec.StrideHeight, sw = spec.StrideWidth, dh = spec.DilationHeight, dw = spec.DilationWidth;
        var (_, planeWidth, planeStride) = ScratchSize.Planes(spec, plan)!.Value;
        int taps = spec.KernelHeight * spec.KernelWidth;
        int positions = outputHeight * outputWidth;

        writer.Line($"/// <summary>Gathers the taps of input channels [firstChannel, endChannel) from their stride-phase planes: row (channel * {taps} + ky * {spec.KernelWidth} + kx)");
        writer.Line($"/// of <paramref name=\"taps\"/> ({plan.GatheredRowStride} floats apart) holds the {outputHeight} x {outputWidth} inputs tap (ky, kx) reads, output row after output row.</summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The spans are too short for the channels.</exception>");
        writer.Line(GeneratedFile.AggressiveOptimization);
        using (writer.Block("private static void GatherTaps(global::System.ReadOnlySpan<float> planes, global::System.Span<float> taps, int firstChannel, int endChannel)"))
        {
            writer.Line($"const int outputHeight = {outputHeight}, outputWidth = {outputWidth}, planeWidth = {planeWidth}, planeStride = {planeStride}, rowStride = {plan.GatheredRowStride};");
            using (writer.Block($"if (firstChannel < 0 || endChannel > InChannels || (long)planes.Length < (long)endChannel * {sh * sw} * planeStride || (long)taps.Length < (long)endChannel * {taps} * rowStride)"))
            {
                writer.Line("throw new global::System.ArgumentException($\"channels [{firstChannel}, {endChannel}) do not fit {planes.Length} plane and {taps.Length} gathered floats.\");");
            }

            writer.Line();
            var windows = Windows(outputHeight, outputWidth, planeWidth);
            writer.Line($"ref float planesStart = ref {Marshal}.GetReference(planes);");
            writer.Line($"ref float tapsStart = ref {Marshal}.GetReference(taps);");
            using (writer.Block("for (int channel = firstChannel; channel < endChannel; channel++)"))
            {
                writer.Line($"ref float channelPlanes = ref {Unsafe}.Add(ref planesStart, (nint)channel * {sh * sw} * planeStride);");
                using (writer.Block($"for (int ky = 0; ky < {spec.KernelHeight}; ky++)"))
                {
                    using (writer.Block($"for (int kx = 0; kx < {spec.KernelWidth}; kx++)"))
                    {
                        writer.Line("// Tap (ky, kx) of output (y, x) reads its plane's row y + rowShift, column x + columnShift.");
                        writer.Line($"int rowShift = ky{Times(dh)}, columnShift = kx{Times(dw)};");
                        string plane = (sh, sw) switch
                        {
                            (1, 1) => "0",
                            (1, _) => $"(columnShift % {sw}) * planeStride",
                            (_, 1) => $"(rowShift % {sh}) * planeStride",
                            _ => $"(((rowShift % {sh}) * {sw}) + (columnShift % {sw})) * planeStride",
                        };
                        string row = sh == 1 ? "rowShift" : $"(rowShift / {sh})";
                        string column = sw == 1 ? "columnShift" : $"(columnShift / {sw})";
                        writer.Line($"ref float from = ref {Unsafe}.Add(ref channelPlanes, {(plane == "0" ? "" : $"{plane} + ")}({row} * planeWidth) + {column});");
                        writer.Line($"ref float to = ref {Unsafe}.Add(ref tapsStart, (((nint)channel * {taps}) + (ky * {spec.KernelWidth}) + kx) * rowStride);");
                        if (windows is not null)
                        {
                            using (writer.Block("if (global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported)"))
                            {
                                writer.Line("// Each vector of the row is one permute of the plane floats its positions span (one or two vectors, ending at most 15 floats");
                                writer.Line("// past the plane's last row: inside its guard); lanes past the output plane are zeroed.");
                                for (int v = 0; v < windows.Count; v++)
                                {
                                    writer.Line($"{Vector}.StoreUnsafe({windows[v].Expression("from", "0")}, ref to, {v * VectorType.WidestLanes});");
                                }
                            }
                        }

                        // The plain copy: the whole gather without permutes, the fallback without AVX-512 with them.
                        using (windows is not null ? writer.Block("else") : null)
                        {
                            if (positions < VectorType.WidestLanes)
                            {
                                writer.Line("// The row is narrower than a vector: its padding lanes, which the kernel reads and drops, hold zeros.");
                                writer.Line($"{Marshal}.CreateSpan(ref {Unsafe}.Add(ref to, outputHeight * outputWidth), rowStride - (outputHeight * outputWidth)).Clear();");
                            }

                            writer.Line("// Output row after output row, each copied from its plane row.");
                            using (writer.Block("for (int y = 0; y < outputHeight; y++)"))
                            {
                                writer.Line($"global::ConvGen.KernelSupport.Copy({Marshal}.CreateReadOnlySpan(ref {Unsafe}.Add(ref from, y * planeWidth), outputWidth), {Marshal}.CreateSpan(ref {Unsafe}.Add(ref to, y * outputWidth), outputWidth));");
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>For small output planes (a few vectors), where each vector of a gathered row is one permute: per vector of
    /// output positions, the plane floats they read (lanes past the output plane are zero). Null when some vector spans
    /// more than two plane vectors, or the row has too many vectors to list.</summary>
    private static List<PermuteWindow>? Windows(int outputHeight, int outputWidth, long planeWidth)
    {
        int positions = outputHeight * outputWidth;
        int lanes = VectorType.WidestLanes;
        if (positions > MaxPermutedVectors * lanes)
        {
            return null;
        }

        var windows = new List<PermuteWindow>();
        for (int start = 0; start < positions; start += lanes)
        {
            var sources = new long?[lanes];
            for (int lane = 0; lane < lanes && start + lane < positions; lane++)
            {
                int position = start + lane;
                sources[lane] = ((long)(position / outputWidth) * planeWidth) + (position % outputWidth);
            }

            if (PermuteWindow.Fit(sources, null) is not { } window)
            {
                return null;
            }

            windows.Add(window);
        }

        return windows;
    }

    private static string Times(int factor) => factor == 1 ? "" : $" * {factor}";
}
