using System.Collections.Generic;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes, for tiny fixed-size layers on gathered taps, the gather straight from the image (AVX-512): every vector of
/// every gathered row is one permute of the image floats it spans with the lanes that read padding zeroed, all of it
/// unrolled with constant lanes. No padded copy of the image is made: at this size the copy cost as much as the gather.
/// </summary>
internal static class ImageTapGatherEmitter
{
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Vector = "global::System.Runtime.Intrinsics.Vector512";

    /// <summary>Most permutes (taps x vectors per gathered row) unrolled per input channel.</summary>
    private const int MaxPermutes = 64;

    /// <summary>Per tap (row-major over the kernel) and vector of its gathered row, the permute that makes it; null when some
    /// vector's sources span more than two vectors, the image plane is smaller than a window, or there are too many.</summary>
    public static List<PermuteWindow>? Windows(ConvSpec spec, KernelPlan plan)
    {
        if (!plan.GathersTaps)
        {
            return null;
        }

        var (outputHeight, outputWidth) = TapGathering.OutputPlane(spec);
        int height = spec.FixedInputHeight!.Value, width = spec.InputWidth!.Value;
        int positions = outputHeight * outputWidth;
        int lanes = VectorType.WidestLanes;
        int vectors = (positions + lanes - 1) / lanes;
        if ((long)spec.KernelHeight * spec.KernelWidth * vectors > MaxPermutes)
        {
            return null;
        }

        var windows = new List<PermuteWindow>();
        for (int ky = 0; ky < spec.KernelHeight; ky++)
        {
            for (int kx = 0; kx < spec.KernelWidth; kx++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    var sources = new long?[lanes];
                    for (int lane = 0; lane < lanes && (v * lanes) + lane < positions; lane++)
                    {
                        int position = (v * lanes) + lane;
                        long y = ((long)(position / outputWidth) * spec.StrideHeight) + ((long)ky * spec.DilationHeight) - spec.PadTop;
                        long x = ((long)(position % outputWidth) * spec.StrideWidth) + ((long)kx * spec.DilationWidth) - spec.PadLeft;
                        sources[lane] = y >= 0 && y < height && x >= 0 && x < width ? (y * width) + x : null;
                    }

                    if (PermuteWindow.Fit(sources, (long)height * width) is not { } window)
                    {
                        return null;
                    }

                    windows.Add(window);
                }
            }
        }

        return windows;
    }

    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan, List<PermuteWindow> windows)
    {
        int height = spec.FixedInputHeight!.Value;
        int taps = spec.KernelHeight * spec.KernelWidth;
        int vectors = windows.Count / taps;
        writer.Line($"/// <summary>With AVX-512: gathers the taps of input channels [firstChannel, endChannel) straight from <paramref name=\"image\"/>, as");
        writer.Line("/// GatherTaps does from the padded planes: each vector of a gathered row one permute of the image floats it spans,");
        writer.Line("/// the lanes that read padding zeroed.</summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The spans are too short for the channels.</exception>");
        writer.Line(GeneratedFile.AggressiveOptimization);
        using (writer.Block("private static void GatherImageTaps(global::System.ReadOnlySpan<float> image, global::System.Span<float> taps, int firstChannel, int endChannel)"))
        {
            writer.Line($"const int imagePlane = {(long)height * spec.InputWidth!.Value}, rowStride = {plan.GatheredRowStride};");
            using (writer.Block($"if (firstChannel < 0 || endChannel > InChannels || (long)image.Length < (long)endChannel * imagePlane || (long)taps.Length < (long)endChannel * {taps} * rowStride)"))
            {
                writer.Line("throw new global::System.ArgumentException($\"channels [{firstChannel}, {endChannel}) do not fit {image.Length} image and {taps.Length} gathered floats.\");");
            }

            writer.Line();
            writer.Line($"ref float imageStart = ref {Marshal}.GetReference(image);");
            writer.Line($"ref float tapsStart = ref {Marshal}.GetReference(taps);");
            using (writer.Block("for (int channel = firstChannel; channel < endChannel; channel++)"))
            {
                writer.Line($"ref float plane = ref {Unsafe}.Add(ref imageStart, (nint)channel * imagePlane);");
                writer.Line($"ref float rows = ref {Unsafe}.Add(ref tapsStart, (nint)channel * {taps} * rowStride);");
                for (int tap = 0; tap < taps; tap++)
                {
                    writer.Line($"// Tap ({tap / spec.KernelWidth}, {tap % spec.KernelWidth}): gathered row {tap} of the channel.");
                    for (int v = 0; v < vectors; v++)
                    {
                        writer.Line($"{Vector}.StoreUnsafe({windows[(tap * vectors) + v].Expression("plane", "0")}, ref rows, (nuint)(({tap} * rowStride) + {v * VectorType.WidestLanes}));");
                    }
                }
            }
        }
    }
}
