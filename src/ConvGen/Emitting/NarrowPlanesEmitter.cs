using System.Linq;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes the fill for small feature maps, whose image rows fit two Vector512 (32 floats) and plane rows one (16):
/// there a row-by-row fill is all per-row overhead. Each image row is loaded once as two vectors, and each plane row
/// is one permute of them (lane j takes column j*stride + phase - left padding) with the padding lanes zeroed,
/// stored whole: the zero lanes past the plane's width land on the next row (written after it) or in the guard.
/// </summary>
internal static class NarrowPlanesEmitter
{
    private const string Vector = "global::System.Runtime.Intrinsics.Vector512";
    private const string Floats = "global::System.Runtime.Intrinsics.Vector512<float>";
    private const string Ints = "global::System.Runtime.Intrinsics.Vector512<int>";

    public static void Emit(SourceWriter writer, ConvSpec spec)
    {
        int sh = spec.StrideHeight, sw = spec.StrideWidth;
        var rowPhases = spec.Vertical.PhasesRead();
        var columnPhases = spec.Horizontal.PhasesRead();
        writer.Line("/// <summary>FillPaddedInput for image rows that fit two Vector512 and plane rows one (width at most 32, planeWidth at most 16):");
        writer.Line("/// per plane row one permute of the image row, padding lanes zeroed, stored whole; then the guards. Needs AVX-512.</summary>");
        writer.Line(GeneratedFile.AggressiveOptimization);
        using (writer.Block("private static void FillNarrowPlanes(global::System.ReadOnlySpan<float> image, global::System.Span<float> scratch, int channels, int height, int width, int planeHeight, int planeWidth, int planeStride)"))
        {
            writer.Line("// Per column phase: which image column each lane takes (0 when none), and which lanes are image, not padding.");
            writer.Line($"global::System.Span<int> lanes = stackalloc int[{sw} * WidestVector];");
            writer.Line($"global::System.Span<float> keep = stackalloc float[{sw} * WidestVector];");
            using (writer.Block($"for (int lane = 0; lane < {sw} * WidestVector; lane++)"))
            {
                writer.Line($"int column = ((lane % WidestVector) * {sw}) + (lane / WidestVector) - {spec.PadLeft};");
                writer.Line("bool inside = (uint)column < (uint)width && lane % WidestVector < planeWidth;");
                writer.Line("lanes[lane] = inside ? column : 0;");
                writer.Line("keep[lane] = inside ? global::System.BitConverter.Int32BitsToSingle(-1) : 0f;");
            }

            writer.Line();
            foreach (int b in columnPhases)
            {
                writer.Line($"{Ints} lanes{b} = {Vector}.Create(lanes.Slice({b} * WidestVector, WidestVector));");
                writer.Line($"{Floats} keep{b} = {Vector}.Create(keep.Slice({b} * WidestVector, WidestVector));");
            }

            writer.Line($"global::System.Span<float> lastRow = stackalloc float[2 * WidestVector];");
            writer.Line("int guard = planeStride - (planeHeight * planeWidth);");
            writer.Line("ref float planesStart = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(scratch);");
            using (writer.Block("for (int channel = 0; channel < channels; channel++)"))
            {
                writer.Line($"ref float channelPlanes = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref planesStart, (nint)channel * {sh * sw} * planeStride);");
                using (writer.Block("for (int planeRow = 0; planeRow < planeHeight; planeRow++)"))
                {
                    foreach (int a in rowPhases)
                    {
                        writer.Line($"// Row phase {a}: padded row planeRow*{sh} + {a}.");
                        writer.Line($"int row{a} = (planeRow * {sh}) + {a} - {spec.PadTop};");
                        writer.Line($"{Floats} line{a} = {Floats}.Zero, rest{a} = {Floats}.Zero;");
                        using (writer.Block($"if ((uint)row{a} < (uint)height)"))
                        {
                            writer.Line($"line{a} = ImageRow(image, (channel * height * width) + (row{a} * width), width, lastRow, out rest{a});");
                        }

                        foreach (int b in columnPhases)
                        {
                            writer.Line($"{Vector}.StoreUnsafe({Vector}.BitwiseAnd(global::System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32x2(line{a}, lanes{b}, rest{a}), keep{b}), " +
                                $"ref channelPlanes, (nuint)(({a * sw + b} * planeStride) + (planeRow * planeWidth)));");
                        }
                    }
                }

                writer.Line();
                writer.Line("// The guards after the planes some tap reads (at least one vector long; the last row's zero lanes began them).");
                foreach (int plane in rowPhases.SelectMany(a => columnPhases.Select(b => (a * sw) + b)))
                {
                    writer.Line($"ref float guard{plane} = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref channelPlanes, ({plane} * planeStride) + (planeHeight * planeWidth));");
                    using (writer.Block("for (int i = 0; i < guard; i += WidestVector)"))
                    {
                        writer.Line($"{Vector}.StoreUnsafe({Floats}.Zero, ref guard{plane}, (nuint)global::System.Math.Min(i, guard - WidestVector));");
                    }
                }
            }
        }

        writer.Line();
        writer.Line("/// <summary>The image row starting at <paramref name=\"start\"/> as a vector, its columns 16 to 31 (if it is wider) in <paramref name=\"rest\"/>;");
        writer.Line("/// lanes past the row hold whatever follows (the permutes ignore them), or zero near the image's end, read through");
        writer.Line("/// <paramref name=\"buffer\"/> so nothing past the image is read.</summary>");
        writer.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        using (writer.Block($"private static {Floats} ImageRow(global::System.ReadOnlySpan<float> image, int start, int width, global::System.Span<float> buffer, out {Floats} rest)"))
        {
            writer.Line("int vectors = width <= WidestVector ? 1 : 2;");
            writer.Line("ref float row = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(image.Slice(start, width));");
            using (writer.Block("if (start + (vectors * WidestVector) > image.Length)"))
            {
                writer.Line("buffer.Clear();");
                writer.Line("image.Slice(start, width).CopyTo(buffer);");
                writer.Line("row = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(buffer);");
            }

            writer.Line();
            writer.Line($"rest = vectors == 2 ? {Vector}.LoadUnsafe(ref row, (nuint)WidestVector) : {Floats}.Zero;");
            writer.Line($"return {Vector}.LoadUnsafe(ref row);");
        }
    }
}
