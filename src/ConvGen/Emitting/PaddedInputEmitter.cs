using ConvGen.Generator.Model;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes the copy of one input image into scratch memory: zero padding around it, and each row
/// split into stride phases (phase r holds padded columns r, r + s, r + 2s, ...), so the kernel
/// reads every tap as a contiguous vector with no edge branches.
/// </summary>
internal static class PaddedInputEmitter
{
    public static void Emit(SourceWriter writer, ConvSpec spec)
    {
        int phases = spec.StrideWidth;
        writer.Line($"/// <summary>Copies one image into <paramref name=\"scratch\"/>: {spec.PadTop}/{spec.PadBottom} zero rows above/below, " +
            $"{spec.PadLeft} zero columns left, zeros up to the phase width on the right{(phases > 1 ? $", each row split into {phases} stride phases" : "")}.</summary>");
        writer.Open("private static void FillPaddedInput(global::System.ReadOnlySpan<float> image, global::System.Span<float> scratch, int height, int width, int paddedHeight, int phaseWidth)");
        writer.Open($"for (int channel = 0; channel < {spec.InChannels}; channel++)");
        if (phases > 1)
        {
            writer.Open($"for (int phase = 0; phase < {phases}; phase++)");
        }

        writer.Open("for (int row = 0; row < paddedHeight; row++)");
        string plane = phases > 1 ? $"(channel * {phases}) + phase" : "channel";
        writer.Line($"global::System.Span<float> target = scratch.Slice(((({plane}) * paddedHeight) + row) * phaseWidth, phaseWidth);");
        writer.Line($"int sourceRow = row - {spec.PadTop};");
        writer.Open("if ((uint)sourceRow >= (uint)height)");
        writer.Line("target.Clear();");
        writer.Line("continue;");
        writer.Close();
        writer.Line();
        writer.Line("global::System.ReadOnlySpan<float> source = image.Slice(((channel * height) + sourceRow) * width, width);");
        if (phases == 1)
        {
            writer.Line($"target.Slice(0, {spec.PadLeft}).Clear();");
            writer.Line($"source.CopyTo(target.Slice({spec.PadLeft}));");
            writer.Line($"target.Slice({spec.PadLeft} + width).Clear();");
        }
        else
        {
            writer.Line($"// Column j of this phase is padded column j*{phases} + phase.");
            writer.Open("for (int column = 0; column < phaseWidth; column++)");
            writer.Line($"int sourceColumn = (column * {phases}) + phase - {spec.PadLeft};");
            writer.Line("target[column] = (uint)sourceColumn < (uint)width ? source[sourceColumn] : 0f;");
            writer.Close();
        }

        writer.Close();
        if (phases > 1)
        {
            writer.Close();
        }

        writer.Close();
        writer.Close();
    }
}
