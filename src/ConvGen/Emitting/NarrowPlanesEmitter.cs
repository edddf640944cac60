using System.Linq;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes the fill for small feature maps, whose image rows and plane rows each fit one Vector512 (16 floats):
/// there a row-by-row fill is all per-row overhead. Each image row is loaded once as a vector, and each plane row
/// is one permute of it (lane j takes column j*stride + phase - left padding) with the padding lanes zeroed,
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
        writer.Line("/// <summary>FillPaddedInput for rows that fit one Vector512 (width and planeWidth at most 16): per plane row one permute");
        writer.Line("/// of the image row, padding lanes zeroed, stored whole; then the guards. Needs AVX-512.</summary>");
        writer.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        writer.Open("private static void FillNarrowPlanes(global::System.ReadOnlySpan<float> image, global::System.Span<float> scratch, int channels, int height, int width, int planeHeight, int planeWidth, int planeStride)");
        writer.Line("// Per column phase: which image column each lane takes (0 when none), and which lanes are image, not padding.");
        writer.Line($"global::System.Span<int> lanes = stackalloc int[{sw} * WidestVector];");
        writer.Line($"global::System.Span<float> keep = stackalloc float[{sw} * WidestVector];");
        writer.Open($"for (int lane = 0; lane < {sw} * WidestVector; lane++)");
        writer.Line($"int column = ((lane % WidestVector) * {sw}) + (lane / WidestVector) - {spec.PadLeft};");
        writer.Line("bool inside = (uint)column < (uint)width && lane % WidestVector < planeWidth;");
        writer.Line("lanes[lane] = inside ? column : 0;");
        writer.Line("keep[lane] = inside ? global::System.BitConverter.Int32BitsToSingle(-1) : 0f;");
        writer.Close();
        writer.Line();
        foreach (int b in columnPhases)
        {
            writer.Line($"{Ints} lanes{b} = {Vector}.Create(lanes.Slice({b} * WidestVector, WidestVector));");
            writer.Line($"{Floats} keep{b} = {Vector}.Create(keep.Slice({b} * WidestVector, WidestVector));");
        }

        writer.Line($"global::System.Span<float> lastRow = stackalloc float[WidestVector];");
        writer.Line("int guard = planeStride - (planeHeight * planeWidth);");
        writer.Line("ref float planesStart = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(scratch);");
        writer.Open("for (int channel = 0; channel < channels; channel++)");
        writer.Line($"ref float channelPlanes = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref planesStart, (nint)channel * {sh * sw} * planeStride);");
        writer.Open("for (int planeRow = 0; planeRow < planeHeight; planeRow++)");
        foreach (int a in rowPhases)
        {
            writer.Line($"// Row phase {a}: padded row planeRow*{sh} + {a}.");
            writer.Line($"int row{a} = (planeRow * {sh}) + {a} - {spec.PadTop};");
            writer.Line($"{Floats} line{a} = (uint)row{a} < (uint)height ? ImageRow(image, (channel * height * width) + (row{a} * width), width, lastRow) : {Floats}.Zero;");
            foreach (int b in columnPhases)
            {
                writer.Line($"{Vector}.StoreUnsafe({Vector}.BitwiseAnd(global::System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32(line{a}, lanes{b}), keep{b}), " +
                    $"ref channelPlanes, (nuint)(({a * sw + b} * planeStride) + (planeRow * planeWidth)));");
            }
        }

        writer.Close();
        writer.Line();
        writer.Line("// The guards after the planes some tap reads (at least one vector long; the last row's zero lanes began them).");
        foreach (int plane in rowPhases.SelectMany(a => columnPhases.Select(b => (a * sw) + b)))
        {
            writer.Line($"ref float guard{plane} = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref channelPlanes, ({plane} * planeStride) + (planeHeight * planeWidth));");
            writer.Open("for (int i = 0; i < guard; i += WidestVector)");
            writer.Line($"{Vector}.StoreUnsafe({Floats}.Zero, ref guard{plane}, (nuint)global::System.Math.Min(i, guard - WidestVector));");
            writer.Close();
        }

        writer.Close();
        writer.Close();
        writer.Line();
        writer.Line("/// <summary>The image row starting at <paramref name=\"start\"/> as a vector; lanes past it hold whatever follows (the permutes ignore");
        writer.Line("/// them), or zero for the image's last row, read through <paramref name=\"buffer\"/> so nothing past the image is read.</summary>");
        writer.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        writer.Open($"private static {Floats} ImageRow(global::System.ReadOnlySpan<float> image, int start, int width, global::System.Span<float> buffer)");
        writer.Open("if (start + WidestVector <= image.Length)");
        writer.Line($"return {Vector}.LoadUnsafe(ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(image.Slice(start, WidestVector)));");
        writer.Close();
        writer.Line();
        writer.Line("buffer.Clear();");
        writer.Line("image.Slice(start, width).CopyTo(buffer);");
        writer.Line($"return {Vector}.Create<float>(buffer);");
        writer.Close();
    }
}
