using System.Collections.Generic;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes the copy of one input image into scratch memory: per channel, the stride-phase planes the
/// taps read (plane (a, b) holds padded rows y*sh + a and columns x*sw + b), zero where the padding
/// is, each plane flat with row pitch <c>planeWidth</c> and followed by a zero guard, so the kernel
/// reads every tap as a contiguous vector with no edge branches.
/// </summary>
internal static class PaddedInputEmitter
{
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";

    /// <summary>Most column phases filled by one call each; beyond it (huge strides) a loop fills them all.</summary>
    private const int MaxListedPlanes = 16;

    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        if (plan.ReadsInputInPlace)
        {
            writer.Line("// A 1x1 unpadded layer reads its input in place; tiny images (fewer pixels than a vector) go through a guarded copy.");
        }

        int sh = spec.StrideHeight, sw = spec.StrideWidth;
        int phases = sh * sw;
        var rowPhases = spec.Vertical.PhasesRead();
        var columnPhases = spec.Horizontal.PhasesRead();
        writer.Line($"/// <summary>Copies <paramref name=\"channels\"/> channels of one image into <paramref name=\"scratch\"/>: per channel {phases} stride-phase plane(s) " +
            $"(those some tap reads), {spec.PadTop}/{spec.PadBottom} zero rows above/below and {spec.PadLeft}/{spec.PadRight} zero columns left/right " +
            "before the split; each source row is read once and written to every column phase.</summary>");
        writer.Line(GeneratedFile.AggressiveOptimization);
        using (writer.Block("private static void FillPaddedInput(global::System.ReadOnlySpan<float> image, global::System.Span<float> scratch, int channels, int height, int width, int planeHeight, int planeWidth, int planeStride)"))
        {
            using (writer.Block("if (global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported && width <= 2 * WidestVector && planeWidth <= WidestVector)"))
            {
                writer.Line("FillNarrowPlanes(image, scratch, channels, height, width, planeHeight, planeWidth, planeStride);");
                writer.Line("return;");
            }

            writer.Line();
            using (writer.Block("for (int channel = 0; channel < channels; channel++)"))
            {
                writer.Line("global::System.ReadOnlySpan<float> source = image.Slice(channel * height * width, height * width);");
                writer.Line($"global::System.Span<float> planes = scratch.Slice(channel * {phases} * planeStride, {phases} * planeStride);");
                using (writer.Block($"for (int row = 0; row < planeHeight * {sh}; row++)"))
                {
                    writer.Line(sh == 1 ? "const int rowPhase = 0;" : $"int rowPhase = row % {sh};");
                    if (rowPhases.Count < sh)
                    {
                        using (writer.Block($"if ({string.Join(" && ", rowPhases.ConvertAll(phase => $"rowPhase != {phase}"))})"))
                        {
                            writer.Line("continue; // no tap reads this row phase");
                        }

                        writer.Line();
                    }

                    writer.Line($"int sourceRow = row - {spec.PadTop};");
                    writer.Line("global::System.ReadOnlySpan<float> sourceLine = (uint)sourceRow < (uint)height ? source.Slice(sourceRow * width, width) : default;");
                    writer.Line($"int planeRow = {(sh == 1 ? "row" : $"row / {sh}")} * planeWidth;");
                    if (columnPhases.Count <= MaxListedPlanes)
                    {
                        foreach (int column in columnPhases)
                        {
                            string plane = sw == 1 ? "rowPhase" : $"(rowPhase * {sw}) + {column}";
                            writer.Line($"FillRow(sourceLine, planes.Slice((({plane}) * planeStride) + planeRow, planeWidth), {column});");
                        }
                    }
                    else
                    {
                        using (writer.Block($"for (int columnPhase = 0; columnPhase < {sw}; columnPhase++)"))
                        {
                            writer.Line($"FillRow(sourceLine, planes.Slice((((rowPhase * {sw}) + columnPhase) * planeStride) + planeRow, planeWidth), columnPhase);");
                        }
                    }
                }

                writer.Line();
                writer.Line("// The guard after each plane: taps of the last vectors read into it.");
                using (writer.Block($"for (int plane = 0; plane < {phases}; plane++)"))
                {
                    writer.Line("ref float guard = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(planes.Slice((plane * planeStride) + (planeHeight * planeWidth), planeStride - (planeHeight * planeWidth)));");
                    using (writer.Block("for (int i = 0; i < planeStride - (planeHeight * planeWidth); i++)"))
                    {
                        writer.Line($"{Unsafe}.Add(ref guard, i) = 0f;");
                    }
                }
            }
        }

        writer.Line();
        NarrowPlanesEmitter.Emit(writer, spec);
        writer.Line();
        EmitFillRow(writer, spec);
    }

    /// <summary>Writes FillRow: one padded image row's columns of one column phase, vectorised for stride 2.</summary>
    public static void EmitFillRow(SourceWriter writer, ConvSpec spec)
    {
        int sw = spec.StrideWidth;
        writer.Line($"/// <summary>Fills one plane row: column j holds padded column j*{sw} + columnPhase of <paramref name=\"source\"/> (empty: a padding row).</summary>");
        writer.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        using (writer.Block("private static void FillRow(global::System.ReadOnlySpan<float> source, global::System.Span<float> target, int columnPhase)"))
        {
            writer.Line("// Columns [first, end) come from the image; the rest are padding (a few columns: zeroed in place, no memset call).");
            writer.Line($"int first = global::System.Math.Min(target.Length, global::System.Math.Max(0, {spec.PadLeft} - columnPhase + {sw - 1}) / {sw});");
            writer.Line($"int end = global::System.Math.Clamp((source.Length + {spec.PadLeft} - columnPhase + {sw - 1}) / {sw}, first, target.Length);");
            writer.Line("ref float from = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(source);");
            writer.Line("ref float to = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(target);");
            using (writer.Block("for (int column = 0; column < first; column++)"))
            {
                writer.Line($"{Unsafe}.Add(ref to, column) = 0f;");
            }

            writer.Line();
            if (sw == 1)
            {
                writer.Line($"global::ConvGen.KernelSupport.Copy(source.Slice(first - {spec.PadLeft}, end - first), target.Slice(first));");
            }
            else
            {
                writer.Line("int gathered = first, scalarEnd = end;");
                if (sw == 2)
                {
                    writer.Line("// 16 columns at a time: 32 consecutive source floats read as 64-bit pairs whose low halves (little-endian) are");
                    writer.Line("// every second float; the last pair must end inside the row.");
                    using (writer.Block("if (global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && global::System.BitConverter.IsLittleEndian)"))
                    {
                        using (writer.Block($"for (; gathered + 16 <= end && (2 * (gathered + 16)) + columnPhase - {spec.PadLeft} <= source.Length; gathered += 16)"))
                        {
                            writer.Line($"ref ulong pairs = ref {Unsafe}.As<float, ulong>(ref {Unsafe}.Add(ref from, (2 * gathered) + columnPhase - {spec.PadLeft}));");
                            writer.Line("var evens = global::System.Runtime.Intrinsics.Vector512.Narrow(global::System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref pairs), global::System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref pairs, 8));");
                            writer.Line("global::System.Runtime.Intrinsics.Vector512.StoreUnsafe(global::System.Runtime.Intrinsics.Vector512.AsSingle(evens), ref to, (nuint)gathered);");
                        }

                        writer.Line();
                        writer.Line("// The last 16 columns (overlapping those done), when the row has them: the 32 floats ending at the last");
                        writer.Line("// column's source read as pairs whose high halves are every second float, so nothing outside the row is read.");
                        writer.Line($"int lastPairsStart = (2 * (end - 1)) + columnPhase - {spec.PadLeft} - 31;");
                        using (writer.Block("if (gathered < end && end - first >= 16 && lastPairsStart >= 0)"))
                        {
                            writer.Line($"ref ulong lastPairs = ref {Unsafe}.As<float, ulong>(ref {Unsafe}.Add(ref from, lastPairsStart));");
                            writer.Line("var odds = global::System.Runtime.Intrinsics.Vector512.Narrow(");
                            writer.Line("    global::System.Runtime.Intrinsics.Vector512.ShiftRightLogical(global::System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref lastPairs), 32),");
                            writer.Line("    global::System.Runtime.Intrinsics.Vector512.ShiftRightLogical(global::System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref lastPairs, 8), 32));");
                            writer.Line("global::System.Runtime.Intrinsics.Vector512.StoreUnsafe(global::System.Runtime.Intrinsics.Vector512.AsSingle(odds), ref to, (nuint)(end - 16));");
                            writer.Line("scalarEnd = end - 16;");
                        }
                    }

                    writer.Line();
                }

                writer.Line($"// Every {sw}th column, starting at this phase's first one (indices proven in range by first and end).");
                using (writer.Block("for (int column = gathered; column < scalarEnd; column++)"))
                {
                    writer.Line($"{Unsafe}.Add(ref to, column) = {Unsafe}.Add(ref from, (column * {sw}) + columnPhase - {spec.PadLeft});");
                }
            }

            writer.Line();
            using (writer.Block("for (int column = end; column < target.Length; column++)"))
            {
                writer.Line($"{Unsafe}.Add(ref to, column) = 0f;");
            }
        }
    }
}
