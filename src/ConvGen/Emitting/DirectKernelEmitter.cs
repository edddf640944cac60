using System.Collections.Generic;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes the direct-convolution kernel, once per vector type behind a dispatcher: for each tile of
/// output channels, pairs of output vectors (then single ones for the rest of the row) start at the
/// bias; every tap loads the input vector(s) once and multiplies them into each channel of the tile
/// with that channel's broadcast weight; the tile is stored once. All sizes are literals.
/// </summary>
internal static class DirectKernelEmitter
{
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";

    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        var geometry = new KernelGeometry(spec);
        writer.Line("/// <summary>");
        writer.Line("/// Direct convolution of one image, read from its padded, phase-split copy.");
        writer.Line($"/// Layer: {LayerDescription.Summary(spec)}");
        writer.Line($"/// Plan: register tile of {plan.ChannelTile} output channel(s) x {plan.OutputVectors} vector(s), {plan.FullTiles} full tile(s) per group" +
            $"{(plan.RemainderTile > 0 ? $" and one of {plan.RemainderTile}" : "")}; {TapDescription(spec, plan)}; " +
            "the last vector of a row overlaps its neighbour instead of a scalar tail.");
        writer.Line("/// Runs the widest accelerated vector kernel (the JIT folds the checks to constants).");
        writer.Line("/// </summary>");
        string parameters = $"global::System.ReadOnlySpan<float> scratch, global::System.ReadOnlySpan<float> weight, " +
            $"global::System.ReadOnlySpan<float> bias, global::System.Span<float> output{geometry.Parameters}";
        string arguments = $"scratch, weight, bias, output{geometry.CallArguments}";
        writer.Open($"private static void {plan.KernelName}({parameters})");
        for (int i = 0; i < VectorType.All.Length; i++)
        {
            var vector = VectorType.All[i];
            bool last = i == VectorType.All.Length - 1;
            writer.Open(last ? "else" : $"{(i == 0 ? "" : "else ")}if ({vector.Api}.IsHardwareAccelerated)");
            writer.Line($"{plan.KernelName}_{vector.Suffix}({arguments});");
            writer.Close();
        }

        writer.Close();
        foreach (var vector in VectorType.All)
        {
            writer.Line();
            Kernel(writer, spec, plan, geometry, vector, parameters);
        }

        foreach (var vector in VectorType.All)
        {
            writer.Line();
            writer.Line("// Stores the first destination.Length lanes of a vector (rows narrower than one vector).");
            writer.Open($"private static void StoreNarrow({vector.Type} values, global::System.Span<float> buffer, global::System.Span<float> destination)");
            writer.Line($"{vector.Api}.CopyTo(values, buffer);");
            writer.Line("buffer.Slice(0, destination.Length).CopyTo(destination);");
            writer.Close();
        }
    }

    /// <summary>The kernel written for one vector type.</summary>
    private static void Kernel(SourceWriter writer, ConvSpec spec, KernelPlan plan, KernelGeometry geometry, VectorType vector, string parameters)
    {
        writer.Line($"// The kernel with {vector.Type}.");
        writer.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        writer.Open($"private static void {plan.KernelName}_{vector.Suffix}({parameters})");
        foreach (string constant in geometry.Constants)
        {
            writer.Line(constant);
        }

        writer.Line("// Strides of the scratch copy (a row, a stride phase, a channel) and of the output (a channel).");
        writer.Line("nint rowStride = phaseWidth;");
        writer.Line("nint phaseStride = (nint)paddedHeight * phaseWidth;");
        writer.Line($"nint channelStride = {spec.StrideWidth} * phaseStride;");
        writer.Line("nint outputPlane = (nint)outputHeight * outputWidth;");
        foreach (int phase in PhasesUsed(spec, plan))
        {
            writer.Line($"nint phase{phase} = {phase} * phaseStride;");
        }

        writer.Line($"int vectorWidth = {vector.Type}.Count;");
        writer.Line("global::System.Span<float> narrowRow = stackalloc float[vectorWidth];");
        writer.Line("ref float scratchStart = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(scratch);");
        writer.Line("ref float weightStart = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(weight);");
        writer.Line("ref float outputStart = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(output);");
        int perGroup = spec.OutChannelsPerGroup;
        if (spec.Groups > 1)
        {
            writer.Open($"for (int group = 0; group < {spec.Groups}; group++)");
        }

        string groupStart = spec.Groups == 1 ? "0" : perGroup == 1 ? "group" : $"(group * {perGroup})";
        if (plan.FullTiles > 1)
        {
            writer.Line($"// {plan.FullTiles} tiles of {plan.ChannelTile} output channels.");
            writer.Open($"for (int tile = 0; tile < {plan.FullTiles}; tile++)");
            Tile(writer, spec, plan, vector, plan.ChannelTile, $"{groupStart} + (tile * {plan.ChannelTile})");
            writer.Close();
        }
        else if (plan.FullTiles == 1)
        {
            writer.Line($"// One tile of {plan.ChannelTile} output channel(s).");
            writer.Open();
            Tile(writer, spec, plan, vector, plan.ChannelTile, groupStart);
            writer.Close();
        }

        if (plan.RemainderTile > 0)
        {
            writer.Line($"// The group's last {plan.RemainderTile} output channel(s).");
            writer.Open();
            Tile(writer, spec, plan, vector, plan.RemainderTile, $"{groupStart} + {plan.FullTiles * plan.ChannelTile}");
            writer.Close();
        }

        if (spec.Groups > 1)
        {
            writer.Close();
        }

        writer.Close();
    }

    /// <summary>One register tile: <paramref name="tile"/> output channels starting at <paramref name="firstChannel"/>, over the whole output image.</summary>
    private static void Tile(SourceWriter writer, ConvSpec spec, KernelPlan plan, VectorType vector, int tile, string firstChannel)
    {
        writer.Line($"int firstChannel = {firstChannel};");
        if (spec.HasBias)
        {
            writer.Line("// The tile's biases, broadcast once.");
            for (int t = 0; t < tile; t++)
            {
                writer.Line($"var bias{t} = {vector.Broadcast($"bias[firstChannel + {t}]")};");
            }
        }

        string groupOffset = spec.Groups == 1 ? "0"
            : spec.InChannelsPerGroup == 1 ? "(nint)group * channelStride"
            : $"(nint)group * {spec.InChannelsPerGroup} * channelStride";
        writer.Line($"ref float tileWeight = ref {Unsafe}.Add(ref weightStart, (nint)firstChannel * FanIn);");
        writer.Line($"ref float groupInput = ref {Unsafe}.Add(ref scratchStart, {groupOffset});");
        writer.Line($"ref float tileOutput = ref {Unsafe}.Add(ref outputStart, firstChannel * outputPlane);");
        writer.Open("for (int oy = 0; oy < outputHeight; oy++)");
        writer.Line($"ref float inputRow = ref {Unsafe}.Add(ref groupInput, (nint)oy * {spec.StrideHeight} * rowStride);");
        writer.Line($"ref float outputRow = ref {Unsafe}.Add(ref tileOutput, (nint)oy * outputWidth);");
        writer.Line("int x0 = 0;");
        if (plan.OutputVectors == 2)
        {
            writer.Line("// Two vectors at a time: every input vector feeds the whole tile, every weight broadcast feeds two accumulators.");
            writer.Open("for (; x0 <= outputWidth - (2 * vectorWidth); x0 += 2 * vectorWidth)");
            Accumulate(writer, spec, plan, vector, tile, vectors: 2, "x0");
            for (int t = 0; t < tile; t++)
            {
                writer.Line($"{vector.Api}.StoreUnsafe(sum{t}, ref {OutputRow(t)}, (nuint)x0);");
                writer.Line($"{vector.Api}.StoreUnsafe(sum{t}b, ref {OutputRow(t)}, (nuint)(x0 + vectorWidth));");
            }

            writer.Close();
        }

        writer.Line("// One vector at a time for the rest: the last overlaps its neighbour; a row narrower than a vector is stored lane by lane.");
        writer.Open("for (; x0 < outputWidth; x0 += vectorWidth)");
        writer.Line("int x = global::System.Math.Min(x0, outputWidth - vectorWidth);");
        writer.Line("bool narrow = x < 0;");
        writer.Line("x = global::System.Math.Max(x, 0);");
        Accumulate(writer, spec, plan, vector, tile, vectors: 1, "x");
        writer.Open("if (!narrow)");
        for (int t = 0; t < tile; t++)
        {
            writer.Line($"{vector.Api}.StoreUnsafe(sum{t}, ref {OutputRow(t)}, (nuint)x);");
        }

        writer.Close();
        writer.Open("else");
        for (int t = 0; t < tile; t++)
        {
            writer.Line($"StoreNarrow(sum{t}, narrowRow, output.Slice((int)(((firstChannel + {t}) * outputPlane) + ((nint)oy * outputWidth)), outputWidth));");
        }

        writer.Close();
        writer.Close();
        writer.Close();
    }

    /// <summary>The current output row of channel <paramref name="t"/> of the tile.</summary>
    private static string OutputRow(int t) => t == 0 ? "outputRow" : $"{Unsafe}.Add(ref outputRow, {t} * outputPlane)";

    /// <summary>Accumulators for <paramref name="vectors"/> output vectors of the tile starting at column
    /// <paramref name="x"/>: bias, then every tap of every input channel of the group.</summary>
    private static void Accumulate(SourceWriter writer, ConvSpec spec, KernelPlan plan, VectorType vector, int tile, int vectors, string x)
    {
        for (int t = 0; t < tile; t++)
        {
            string start = spec.HasBias ? $"bias{t}" : $"{vector.Type}.Zero";
            writer.Line(vectors == 1 ? $"var sum{t} = {start};" : $"{vector.Type} sum{t} = {start}, sum{t}b = {start};");
        }

        writer.Line($"ref float input = ref {Unsafe}.Add(ref inputRow, {x});");
        writer.Line("ref float taps = ref tileWeight;");
        writer.Line(vectors == 1 ? $"{vector.Type} pixels;" : $"{vector.Type} pixels, pixelsB, tapWeight;");
        bool channelLoop = spec.InChannelsPerGroup > 1;
        if (channelLoop)
        {
            writer.Open($"for (int ic = 0; ic < {spec.InChannelsPerGroup}; ic++)");
        }

        Taps(writer, spec, plan, vector, tile, vectors);
        if (channelLoop)
        {
            writer.Line($"input = ref {Unsafe}.Add(ref input, channelStride);");
            writer.Line($"taps = ref {Unsafe}.Add(ref taps, {spec.KernelHeight * spec.KernelWidth * tile});");
            writer.Close();
        }
    }

    /// <summary>Every tap of one input channel: unrolled where the plan says so, looped otherwise.</summary>
    private static void Taps(SourceWriter writer, ConvSpec spec, KernelPlan plan, VectorType vector, int tile, int vectors)
    {
        int kernelWidth = spec.KernelWidth;
        if (plan.UnrollRows)
        {
            for (int ky = 0; ky < spec.KernelHeight; ky++)
            {
                string row = $"row{ky}";
                writer.Line(ky == 0
                    ? $"ref float {row} = ref input;"
                    : $"ref float {row} = ref {Unsafe}.Add(ref input, {ky * spec.DilationHeight} * rowStride);");
                for (int kx = 0; kx < kernelWidth; kx++)
                {
                    Tap(writer, spec, vector, tile, vectors, row, kx, "taps", ((ky * kernelWidth) + kx) * tile);
                }
            }

            return;
        }

        writer.Open($"for (int ky = 0; ky < {spec.KernelHeight}; ky++)");
        writer.Line($"ref float row = ref {Unsafe}.Add(ref input, (nint)ky * {spec.DilationHeight} * rowStride);");
        writer.Line($"ref float rowTaps = ref {Unsafe}.Add(ref taps, ky * {kernelWidth * tile});");
        if (plan.UnrollColumns)
        {
            for (int kx = 0; kx < kernelWidth; kx++)
            {
                Tap(writer, spec, vector, tile, vectors, "row", kx, "rowTaps", kx * tile);
            }
        }
        else
        {
            writer.Open($"for (int kx = 0; kx < {kernelWidth}; kx++)");
            string offset = spec.StrideWidth == 1
                ? $"kx * {spec.DilationWidth}"
                : $"((kx * {spec.DilationWidth} % {spec.StrideWidth}) * phaseStride) + (kx * {spec.DilationWidth} / {spec.StrideWidth})";
            writer.Line($"ref float columnTaps = ref {Unsafe}.Add(ref rowTaps, kx * {tile});");
            MultiplyAdd(writer, vector, tile, vectors, $"(nuint)({offset})", "row", "columnTaps", 0);

            writer.Close();
        }

        writer.Close();
    }

    /// <summary>One tap (kernel column <paramref name="kx"/> of a row): load the input vector, multiply it into every channel of the tile.</summary>
    private static void Tap(SourceWriter writer, ConvSpec spec, VectorType vector, int tile, int vectors, string row, int kx, string weights, int weightIndex)
    {
        int shift = kx * spec.DilationWidth;
        int phase = shift % spec.StrideWidth;
        int column = shift / spec.StrideWidth;
        string offset = phase == 0 ? $"(nuint){column}" : column == 0 ? $"(nuint)phase{phase}" : $"(nuint)(phase{phase} + {column})";
        MultiplyAdd(writer, vector, tile, vectors, offset, row, weights, weightIndex);
    }

    /// <summary>Loads the input vector(s) at <paramref name="offset"/> of <paramref name="row"/> and multiplies
    /// them into every channel of the tile with that channel's broadcast weight.</summary>
    private static void MultiplyAdd(SourceWriter writer, VectorType vector, int tile, int vectors, string offset, string row, string weights, int weightIndex)
    {
        writer.Line($"pixels = {vector.Api}.LoadUnsafe(ref {row}, {offset});");
        if (vectors == 2)
        {
            writer.Line($"pixelsB = {vector.Api}.LoadUnsafe(ref {row}, {offset} + (nuint)vectorWidth);");
        }

        for (int t = 0; t < tile; t++)
        {
            string broadcast = vector.Broadcast($"{Unsafe}.Add(ref {weights}, {weightIndex + t})");
            if (vectors == 1)
            {
                writer.Line($"sum{t} = {vector.Api}.FusedMultiplyAdd(pixels, {broadcast}, sum{t});");
                continue;
            }

            writer.Line($"tapWeight = {broadcast};");
            writer.Line($"sum{t} = {vector.Api}.FusedMultiplyAdd(pixels, tapWeight, sum{t});");
            writer.Line($"sum{t}b = {vector.Api}.FusedMultiplyAdd(pixelsB, tapWeight, sum{t}b);");
        }
    }

    /// <summary>Stride phases that unrolled taps read from (phase 0 needs no offset).</summary>
    private static IEnumerable<int> PhasesUsed(ConvSpec spec, KernelPlan plan)
    {
        var phases = new SortedSet<int>();
        if (plan.UnrollColumns)
        {
            for (int kx = 0; kx < spec.KernelWidth; kx++)
            {
                int phase = kx * spec.DilationWidth % spec.StrideWidth;
                if (phase != 0)
                {
                    phases.Add(phase);
                }
            }
        }

        return phases;
    }

    private static string TapDescription(ConvSpec spec, KernelPlan plan) =>
        plan.UnrollRows ? $"all {spec.KernelHeight * spec.KernelWidth} taps unrolled"
        : plan.UnrollColumns ? $"kernel rows looped, {spec.KernelWidth} columns unrolled"
        : "kernel rows and columns looped";
}
