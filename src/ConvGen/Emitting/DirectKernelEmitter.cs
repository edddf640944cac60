using System.Collections.Generic;
using ConvGen.Generator.Kernels;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes the direct-convolution kernel, once per vector type behind a dispatcher. For each tile of
/// output channels it sweeps the output in lines: every output row, or (when that fills vectors
/// better) the whole plane as one flat line whose pitch columns are dropped afterwards. Along a line,
/// groups of output vectors start at the bias; every tap loads the input vectors once and multiplies
/// them into each channel of the tile with that channel's broadcast weight; the tile is stored once.
/// </summary>
internal static class DirectKernelEmitter
{
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Sweep = "global::ConvGen.Kernels.LineSweep";

    public static void Emit(SourceWriter writer, ConvSpec layer, KernelPlan plan)
    {
        var geometry = new KernelGeometry(layer, plan);
        var spec = KernelPlanner.KernelSpec(layer, plan);
        writer.Line("/// <summary>");
        writer.Line(plan.GathersTaps
            ? $"/// Convolution of one image as a 1x1 convolution of its {spec.InChannels} gathered taps (rows of {plan.GatheredRowStride} floats, one per input channel and kernel position) on the output plane."
            : plan.TransformsRows
                ? $"/// One Winograd point of a band of tile rows: a 1 x {spec.KernelWidth} convolution of the point's transformed input rows (one plane per input channel) with its transformed weights."
                : "/// Direct convolution of one group of one image (its output channels, weights and biases), read from the group's stride-phase planes (or in place).");
        writer.Line($"/// Layer: {LayerDescription.Summary(layer)}");
        writer.Line($"/// Plan: register tile of {plan.ChannelTile} output channel(s) x {plan.OutputVectors} vector(s) " +
            $"({plan.NarrowOutputVectors} for Vector256/Vector128), {plan.FullTiles} full tile(s) per group" +
            $"{(plan.RemainderTile > 0 ? $" and one of {plan.RemainderTile}" : "")}; " +
            (plan.GathersTaps
                ? "one gathered row per step of the input-channel loop; the output plane swept flat"
                : $"{TapDescription(spec, plan)}; row by row or as one flat sweep, whichever computes fewer vectors") +
            "; a line's last vector overlaps its neighbour instead of a scalar tail.");
        writer.Line("/// Runs the widest accelerated vector kernel (the JIT folds the checks to constants).");
        writer.Line("/// </summary>");
        // A grouped kernel runs a batch of whole groups; an ungrouped one a range of channel tiles (a thread's share).
        string parameters = "global::System.ReadOnlySpan<float> source, global::System.ReadOnlySpan<float> weight, " +
            $"global::System.ReadOnlySpan<float> bias, global::System.Span<float> output, global::System.Span<float> staging{(spec.Groups > 1 ? ", int groups" : ", int firstTile, int endTile")}{geometry.Parameters}";
        string arguments = $"source, weight, bias, output, staging{(spec.Groups > 1 ? ", groups" : ", firstTile, endTile")}{ArgumentNames(geometry)}";
        using (writer.Block($"private static void {plan.KernelName}({parameters})"))
        {
            using (writer.Block($"if ({VectorType.Vector512.Api}.IsHardwareAccelerated)"))
            {
                writer.Line($"{plan.KernelName}_{VectorType.Vector512.Suffix}({arguments});");
            }

            using (writer.Block($"else if ({VectorType.Vector256.Api}.IsHardwareAccelerated)"))
            {
                writer.Line($"{plan.KernelName}_{VectorType.Narrow.Suffix}<{VectorType.Vector256.Type}, {VectorType.Vector256.Ops}>({arguments});");
            }

            using (writer.Block("else"))
            {
                writer.Line($"{plan.KernelName}_{VectorType.Narrow.Suffix}<{VectorType.Vector128.Type}, {VectorType.Vector128.Ops}>({arguments});");
            }
        }

        foreach (var vector in new[] { VectorType.Vector512, VectorType.Narrow })
        {
            writer.Line();
            Kernel(writer, spec, plan, geometry, vector, parameters);
        }
    }

    private static string FlatComment(SweepLoops loops) => loops.FlatLanes.Count == 0 ? "Row by row"
        : loops.FlatLanes.Count == loops.Lanes.Count ? "The whole plane as one flat line (rows at the plane's pitch)"
        : $"As one flat line (rows at the plane's pitch) with {loops.FlatLanes[0]}-float vectors, else row by row";

    private static string FlatExpression(SweepLoops loops) => loops.FlatLanes.Count == 0 ? "false"
        : loops.FlatLanes.Count == loops.Lanes.Count ? "true"
        : $"vectorWidth == {loops.FlatLanes[0]}";

    /// <summary>Weights per output channel: the layer's FanIn constant, or the kernel view's count when it differs (transformed rows).</summary>
    private static string FanIn(ConvSpec spec, KernelPlan plan) => plan.TransformsRows ? $"{spec.FanIn}" : "FanIn";

    private static string ArgumentNames(KernelGeometry geometry) => geometry.Constants.Count == 0 ? ", outputHeight, outputWidth, planeWidth, planeStride" : "";

    /// <summary>The kernel written for one vector type.</summary>
    private static void Kernel(SourceWriter writer, ConvSpec spec, KernelPlan plan, KernelGeometry geometry, VectorType vector, string parameters)
    {
        int vectors = vector == VectorType.Vector512 ? plan.OutputVectors : plan.NarrowOutputVectors;
        int rowTile = vector == VectorType.Vector512 ? plan.RowTile : 1;
        var loops = geometry.Fixed is var (fixedHeight, fixedWidth, fixedPitch)
            ? SweepLoops.For(spec, plan, fixedHeight, fixedWidth, fixedPitch, vector.Lanes, vectors, rowTile)
            : null;
        if (vector.IsGeneric)
        {
            writer.Line($"// The kernel with Vector256 and Vector128 (TVector, its operations TOps): up to {vectors} output vector(s) per channel of a tile.");
            writer.Line(GeneratedFile.AggressiveOptimization);
            writer.Line($"private static void {plan.KernelName}_{vector.Suffix}<TVector, TOps>({parameters})");
            writer.Line("    where TVector : struct");
            writer.Line("    where TOps : struct, global::ConvGen.Kernels.IVectorOps<TVector>");
        }
        else
        {
            writer.Line($"// The kernel with {vector.Type}: up to {vectors} output vector(s) per channel of a tile.");
            writer.Line(GeneratedFile.AggressiveOptimization);
            writer.Line($"private static void {plan.KernelName}_{vector.Suffix}({parameters})");
        }

        using (writer.Block())
        {
            KernelBody(writer, spec, plan, geometry, vector, vectors, loops);
        }
    }

    /// <summary>The body of <see cref="Kernel"/>: its strides and constants, then bands of output rows, each swept tile by tile.</summary>
    private static void KernelBody(SourceWriter writer, ConvSpec spec, KernelPlan plan, KernelGeometry geometry, VectorType vector, int vectors, SweepLoops? loops)
    {
        foreach (string constant in geometry.ConstantsUsed(UsesPlaneStride(spec, plan)))
        {
            writer.Line(constant);
        }

        int phases = spec.StrideHeight * spec.StrideWidth;
        writer.Line("// Strides of the source (an input channel: its stride-phase planes) and of the output (a channel).");
        if (spec.InChannelsPerGroup > 1 || spec.Groups > 1)
        {
            writer.Line($"nint channelStride = {(phases == 1 ? "" : $"{phases} * ")}(nint)planeStride;");
        }

        writer.Line("nint outputPlane = (nint)outputHeight * outputWidth;");
        if (plan.UnrollRows && loops?.LineGroups.Count != 0)
        {
            // Offsets of the kernel rows, for single lines (row tiles address their input rows themselves).
            for (int ky = 0; ky < spec.KernelHeight; ky++)
            {
                string offset = RowOffset(spec, ky);
                if (offset != "0")
                {
                    writer.Line($"nint rowOffset{ky} = {offset};");
                }
            }
        }

        foreach (int phase in ColumnPhasesUsed(spec, plan))
        {
            writer.Line($"nint phase{phase} = {phase} * (nint)planeStride;");
        }

        writer.Line($"int vectorWidth = {vector.Count};");
        if (loops is null)
        {
            writer.Line("// Row by row, or the whole plane as one flat line (rows at the plane's pitch), whichever costs fewer multiply-adds.");
            writer.Line($"bool flat = {Sweep}.IsFlat(outputHeight, outputWidth, planeWidth, {FanIn(spec, plan)}, vectorWidth);");
        }
        else
        {
            writer.Line($"// {FlatComment(loops)}: at this size the cheaper sweep.");
            writer.Line($"bool flat = {FlatExpression(loops)};");
        }

        writer.Line("bool staged = flat && planeWidth != outputWidth;");
        writer.Line("nint destinationPlane = staged ? (nint)outputHeight * planeWidth : outputPlane;");
        writer.Line("int destinationPitch = staged ? planeWidth : outputWidth;");
        var (inputPlanes, rowReach) = SweepLoops.BandInput(spec);
        writer.Line("// Output rows run in bands, tiles inside bands, so that the input rows a band reads (every input channel's) stay");
        writer.Line($"// in L2 while all the tiles read them: at most {LineSweep.BandInputFloats} floats each, in bands of equal height.");
        writer.Line(loops is null
            ? $"int bandRows = {Sweep}.BandRows(outputHeight, planeWidth, {inputPlanes}, {rowReach});"
            : $"int bandRows = {loops.BandRows};");
        writer.Line("global::System.Span<float> narrowLine = stackalloc float[vectorWidth];");
        writer.Line($"ref float sourceStart = ref {Marshal}.GetReference(source);");
        writer.Line($"ref float weightStart = ref {Marshal}.GetReference(weight);");
        writer.Line($"ref float outputStart = ref {Marshal}.GetReference(output);");
        writer.Line($"ref float stagingStart = ref {Marshal}.GetReference(staging);");
        int perGroup = spec.OutChannelsPerGroup;
        if (spec.Groups > 1)
        {
            writer.Line("// The batch's groups one after another: each reads its own input channels.");
            using (writer.Block("for (int group = 0; group < groups; group++)"))
            {
                writer.Line($"ref float groupInput = ref {Unsafe}.Add(ref sourceStart, {(spec.InChannelsPerGroup == 1 ? "" : $"{spec.InChannelsPerGroup} * ")}(nint)group * channelStride);");
                Bands(perGroup == 1 ? "group" : $"(group * {perGroup})");
            }
        }
        else
        {
            writer.Line("ref float groupInput = ref sourceStart;");
            Bands(null);
        }

        // The bands of output rows, each swept tile by tile (groupStart: the group's first output channel, when there are groups).
        void Bands(string? groupStart)
        {
            using (writer.Block("for (int bandStart = 0; bandStart < outputHeight; bandStart += bandRows)"))
            {
                writer.Line("int bandEnd = global::System.Math.Min(bandStart + bandRows, outputHeight);");
                writer.Line("// A flat sweep takes the band's rows as one line at the plane's pitch; a row sweep takes them one by one.");
                writer.Line("int lineEnd = flat ? bandStart + 1 : bandEnd;");
                writer.Line("int count = flat ? (bandEnd - bandStart) * planeWidth : outputWidth;");
                if (spec.Groups == 1)
                {
                    writer.Line($"// Tiles firstTile to endTile - 1 of {plan.FullTiles} full tile(s) of {plan.ChannelTile} output channel(s){(plan.RemainderTile > 0 ? $" and one of {plan.RemainderTile}" : "")}.");
                    writer.Line($"int fullTilesEnd = global::System.Math.Min(endTile, {plan.FullTiles});");
                    using (writer.Block("for (int tile = firstTile; tile < fullTilesEnd; tile++)"))
                    {
                        Tile(writer, spec, plan, vector, vectors, loops, plan.ChannelTile, plan.ChannelTile == 1 ? "tile" : $"tile * {plan.ChannelTile}");
                    }

                    if (plan.RemainderTile > 0)
                    {
                        writer.Line($"// The last {plan.RemainderTile} output channel(s).");
                        using (writer.Block($"if (endTile > {plan.FullTiles})"))
                        {
                            Tile(writer, spec, plan, vector, vectors, loops, plan.RemainderTile, $"{plan.FullTiles * plan.ChannelTile}");
                        }
                    }
                }
                else
                {
                    if (plan.FullTiles > 1)
                    {
                        writer.Line($"// {plan.FullTiles} tiles of {plan.ChannelTile} output channels.");
                        using (writer.Block($"for (int tile = 0; tile < {plan.FullTiles}; tile++)"))
                        {
                            Tile(writer, spec, plan, vector, vectors, loops, plan.ChannelTile, FirstChannel(groupStart, $"(tile * {plan.ChannelTile})"));
                        }
                    }
                    else if (plan.FullTiles == 1)
                    {
                        writer.Line($"// One tile of {plan.ChannelTile} output channel(s).");
                        using (writer.Block())
                        {
                            Tile(writer, spec, plan, vector, vectors, loops, plan.ChannelTile, FirstChannel(groupStart, "0"));
                        }
                    }

                    if (plan.RemainderTile > 0)
                    {
                        writer.Line($"// The last {plan.RemainderTile} output channel(s).");
                        using (writer.Block())
                        {
                            Tile(writer, spec, plan, vector, vectors, loops, plan.RemainderTile, FirstChannel(groupStart, $"{plan.FullTiles * plan.ChannelTile}"));
                        }
                    }
                }
            }
        }
    }

    /// <summary>A tile's first output channel: its offset inside the group, after the group's first channel if any.</summary>
    private static string FirstChannel(string? groupStart, string inGroup) =>
        groupStart is null ? inGroup : inGroup == "0" ? groupStart : $"{groupStart} + {inGroup}";

    /// <summary>One register tile: <paramref name="tile"/> output channels starting at <paramref name="firstChannel"/>, over the whole output image;
    /// with a fixed size only the loops that run (<paramref name="loops"/>).</summary>
    private static void Tile(SourceWriter writer, ConvSpec spec, KernelPlan plan, VectorType vector, int vectors, SweepLoops? loops, int tile, string firstChannel)
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

        writer.Line($"ref float tileWeight = ref {Unsafe}.Add(ref weightStart, (nint)firstChannel * {FanIn(spec, plan)});");
        writer.Line($"ref float tileDestination = ref staged ? ref stagingStart : ref {Unsafe}.Add(ref outputStart, firstChannel * outputPlane);");
        writer.Line("int line = bandStart;");
        if (vector == VectorType.Vector512 && plan.RowTile > 1 && loops?.RowTileGroups.Count != 0)
        {
            writer.Line($"// Row sweeps go {plan.RowTile} output rows at a time: each input row a tap reads is loaded once for all of them.");
            using (writer.Block($"for (; !flat && line <= lineEnd - {plan.RowTile}; line += {plan.RowTile})"))
            {
                Line(writer, spec, plan, vector, plan.RowTileVectors, loops?.RowTileGroups, tile, plan.RowTile);
            }
        }

        if (loops?.LineGroups.Count != 0)
        {
            using (writer.Block("for (; line < lineEnd; line++)"))
            {
                Line(writer, spec, plan, vector, vectors, loops?.LineGroups, tile, 1);
            }
        }

        using (writer.Block("if (staged)"))
        {
            writer.Line("// Copies the band's staged rows out, dropping the columns the plane's pitch adds to each.");
            using (writer.Block($"for (int t = 0; t < {tile}; t++)"))
            {
                writer.Line("global::ConvGen.KernelSupport.CopyRows(staging.Slice((int)((t * destinationPlane) + ((nint)bandStart * planeWidth)), (bandEnd - bandStart) * planeWidth), planeWidth, " +
                    "output.Slice((int)(((firstChannel + t) * outputPlane) + ((nint)bandStart * outputWidth)), (bandEnd - bandStart) * outputWidth), outputWidth);");
            }
        }
    }

    /// <summary>One line (or <paramref name="rows"/> lines at once) of the tile: groups of output vectors (those in <paramref name="groups"/>
    /// when the size is fixed), then single ones.</summary>
    private static void Line(SourceWriter writer, ConvSpec spec, KernelPlan plan, VectorType vector, int vectors, SortedSet<int>? groups, int tile, int rows)
    {
        writer.Line($"ref float lineInput = ref {Unsafe}.Add(ref groupInput, (nint)line * planeWidth);");
        writer.Line($"ref float lineDestination = ref {Unsafe}.Add(ref tileDestination, (nint)line * destinationPitch);");
        writer.Line("int x0 = 0;");
        foreach (int group in SweepLoops.Groups(vectors))
        {
            if (groups?.Contains(group) == false)
            {
                continue;
            }

            writer.Line($"// {group} vectors at a time: every input vector feeds the whole tile, every weight broadcast feeds {group} accumulators.");
            using (writer.Block($"for (; x0 <= count - ({group} * vectorWidth); x0 += {group} * vectorWidth)"))
            {
                Accumulate(writer, spec, plan, vector, tile, rows, group, "x0");
                for (int t = 0; t < tile; t++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        for (int v = 0; v < group; v++)
                        {
                            string at = v == 0 ? "(nuint)x0" : $"(nuint)(x0 + {Times(v)}vectorWidth)";
                            writer.Line($"{vector.Api}.StoreUnsafe({ActivationEmitter.InRegister(vector, spec, Sum(t, r, v))}, ref {Destination(t, r)}, {at});");
                        }
                    }
                }
            }
        }

        writer.Line("// One vector at a time for the rest: the last overlaps its neighbour; a line narrower than a vector is stored lane by lane.");
        using (writer.Block("for (; x0 < count; x0 += vectorWidth)"))
        {
            writer.Line("int x = global::System.Math.Min(x0, count - vectorWidth);");
            writer.Line("bool narrow = x < 0;");
            writer.Line("x = global::System.Math.Max(x, 0);");
            Accumulate(writer, spec, plan, vector, tile, rows, 1, "x");
            using (writer.Block("if (!narrow)"))
            {
                for (int t = 0; t < tile; t++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        writer.Line($"{vector.Api}.StoreUnsafe({ActivationEmitter.InRegister(vector, spec, Sum(t, r, 0))}, ref {Destination(t, r)}, (nuint)x);");
                    }
                }
            }

            using (writer.Block("else"))
            {
                for (int t = 0; t < tile; t++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        writer.Line($"{vector.Ops}.StoreNarrow({ActivationEmitter.InRegister(vector, spec, Sum(t, r, 0))}, narrowLine, {Marshal}.CreateSpan(ref {Destination(t, r)}, count));");
                    }
                }
            }
        }
    }

    /// <summary>Channel <paramref name="t"/>'s position in line <paramref name="r"/> of the current row tile of the destination.</summary>
    private static string Destination(int t, int r)
    {
        string row = r == 0 ? "" : $"({r} * (nint)outputWidth)";
        string channel = t == 0 ? "" : $"({t} * destinationPlane)";
        return row + channel == "" ? "lineDestination"
            : $"{Unsafe}.Add(ref lineDestination, {(row != "" && channel != "" ? $"{row} + {channel}" : row + channel)})";
    }

    /// <summary>The accumulator of channel <paramref name="t"/>, row <paramref name="r"/> of a row tile, vector <paramref name="v"/>.</summary>
    private static string Sum(int t, int r, int v) => r == 0 ? $"sum{t}_{v}" : $"sum{t}_r{r}_{v}";

    private static string Times(int factor) => factor == 1 ? "" : $"{factor} * ";

    /// <summary>Accumulators for <paramref name="vectors"/> output vectors (in each of <paramref name="rows"/> rows) of the tile
    /// starting at column <paramref name="x"/>: bias, then every tap of every input channel of the group.</summary>
    private static void Accumulate(SourceWriter writer, ConvSpec spec, KernelPlan plan, VectorType vector, int tile, int rows, int vectors, string x)
    {
        for (int t = 0; t < tile; t++)
        {
            string start = spec.HasBias ? $"bias{t}" : vector.Zero;
            var sums = new List<string>();
            for (int r = 0; r < rows; r++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    sums.Add($"{Sum(t, r, v)} = {start}");
                }
            }

            writer.Line($"{vector.Type} {string.Join(", ", sums)};");
        }

        var pixels = new List<string>();
        for (int v = 0; v < (TapMajor(rows, tile) ? rows : 1) * vectors; v++)
        {
            pixels.Add($"pixels{v}");
        }

        writer.Line($"{vector.Type} {string.Join(", ", pixels)}, tapWeight;");
        bool channelLoop = spec.InChannelsPerGroup > 1;
        using (channelLoop ? writer.Block($"for (int ic = 0; ic < {spec.InChannelsPerGroup}; ic++)") : null)
        {
            if (channelLoop)
            {
                // Each channel's input and taps from the tile's start: refs moved along after every channel would end a
                // channel past the input, a managed pointer outside its array (undefined behaviour the GC may trip on).
                writer.Line($"ref float input = ref {Unsafe}.Add(ref lineInput, {x} + (ic * channelStride));");
                writer.Line($"ref float taps = ref {Unsafe}.Add(ref tileWeight, ic * {spec.KernelHeight * spec.KernelWidth * tile});");
            }
            else
            {
                writer.Line($"ref float input = ref {Unsafe}.Add(ref lineInput, {x});");
                writer.Line("ref float taps = ref tileWeight;");
            }

            if (rows == 1)
            {
                Taps(writer, spec, plan, vector, tile, vectors);
            }
            else if (TapMajor(rows, tile))
            {
                TapMajorRowTileTaps(writer, spec, vector, tile, rows, vectors);
            }
            else
            {
                RowTileTaps(writer, spec, vector, tile, rows, vectors);
            }
        }
    }

    /// <summary>Whether a row tile goes tap by tap (wide channel tiles, bound by weight broadcasts) rather than input row by
    /// input row (narrow ones, bound by input loads).</summary>
    private static bool TapMajor(int rows, int tile) => rows > 1 && tile > KernelPlanner.MaxRowTileChannels;

    /// <summary>Every tap of one input channel for a row tile of a wide channel tile (all unrolled): each tap loads every
    /// row's input vectors, then broadcasts each channel's weight once for all of them.</summary>
    private static void TapMajorRowTileTaps(SourceWriter writer, ConvSpec spec, VectorType vector, int tile, int rows, int vectors)
    {
        // Output row r with kernel row ky reads plane (ky*dh % sh) at row r + ky*dh / sh.
        var inputRows = new SortedDictionary<(int Phase, int Row), string>();
        for (int ky = 0; ky < spec.KernelHeight; ky++)
        {
            int shift = ky * spec.DilationHeight;
            for (int r = 0; r < rows; r++)
            {
                var key = (shift % spec.StrideHeight, r + (shift / spec.StrideHeight));
                if (!inputRows.ContainsKey(key))
                {
                    string offset = PlaneRowOffset(spec, key.Item1, key.Item2);
                    string row = $"inputRow{inputRows.Count}";
                    inputRows[key] = row;
                    writer.Line(offset == "0" ? $"ref float {row} = ref input;" : $"ref float {row} = ref {Unsafe}.Add(ref input, {offset});");
                }
            }
        }

        for (int ky = 0; ky < spec.KernelHeight; ky++)
        {
            int shift = ky * spec.DilationHeight;
            for (int kx = 0; kx < spec.KernelWidth; kx++)
            {
                for (int r = 0; r < rows; r++)
                {
                    string row = inputRows[(shift % spec.StrideHeight, r + (shift / spec.StrideHeight))];
                    for (int v = 0; v < vectors; v++)
                    {
                        string offset = ColumnOffset(spec, kx);
                        string at = v == 0 ? offset : $"{offset} + (nuint)({Times(v)}vectorWidth)";
                        writer.Line($"pixels{(r * vectors) + v} = {vector.Api}.LoadUnsafe(ref {row}, {at});");
                    }
                }

                for (int t = 0; t < tile; t++)
                {
                    writer.Line($"tapWeight = {vector.Broadcast($"{Unsafe}.Add(ref taps, {(((ky * spec.KernelWidth) + kx) * tile) + t})")};");
                    for (int r = 0; r < rows; r++)
                    {
                        for (int v = 0; v < vectors; v++)
                        {
                            writer.Line($"{Sum(t, r, v)} = {vector.Api}.MultiplyAddEstimate(pixels{(r * vectors) + v}, tapWeight, {Sum(t, r, v)});");
                        }
                    }
                }
            }
        }
    }

    /// <summary>Every tap of one input channel for a row tile of a narrow channel tile (all unrolled): each input row some
    /// tap reads is loaded column by column once and multiplied into every (output row, kernel row) pair that reads it.</summary>
    private static void RowTileTaps(SourceWriter writer, ConvSpec spec, VectorType vector, int tile, int rows, int vectors)
    {
        // Output row r with kernel row ky reads plane (ky*dh % sh) at row r + ky*dh / sh.
        var readers = new SortedDictionary<(int Phase, int Row), List<(int R, int Ky)>>();
        for (int r = 0; r < rows; r++)
        {
            for (int ky = 0; ky < spec.KernelHeight; ky++)
            {
                int shift = ky * spec.DilationHeight;
                var key = (shift % spec.StrideHeight, r + (shift / spec.StrideHeight));
                if (!readers.TryGetValue(key, out var pairs))
                {
                    readers[key] = pairs = [];
                }

                pairs.Add((r, ky));
            }
        }

        int inputRow = 0;
        foreach (var entry in readers)
        {
            string offset = PlaneRowOffset(spec, entry.Key.Phase, entry.Key.Row);
            string row = $"inputRow{inputRow++}";
            writer.Line($"// Input row {row}: read by {string.Join(", ", entry.Value.ConvertAll(p => $"output row {p.R} with kernel row {p.Ky}"))}.");
            writer.Line(offset == "0" ? $"ref float {row} = ref input;" : $"ref float {row} = ref {Unsafe}.Add(ref input, {offset});");
            for (int kx = 0; kx < spec.KernelWidth; kx++)
            {
                LoadPixels(writer, vector, vectors, ColumnOffset(spec, kx), row);
                foreach (var (r, ky) in entry.Value)
                {
                    MultiplyInto(writer, vector, tile, vectors, "taps", ((ky * spec.KernelWidth) + kx) * tile, r);
                }
            }
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
                writer.Line(RowOffset(spec, ky) == "0"
                    ? $"ref float {row} = ref input;"
                    : $"ref float {row} = ref {Unsafe}.Add(ref input, rowOffset{ky});");
                for (int kx = 0; kx < kernelWidth; kx++)
                {
                    Tap(writer, spec, vector, tile, vectors, row, kx, "taps", ((ky * kernelWidth) + kx) * tile);
                }
            }

            return;
        }

        using (writer.Block($"for (int ky = 0; ky < {spec.KernelHeight}; ky++)"))
        {
            writer.Line($"int rowShift = ky * {spec.DilationHeight};");
            string rowPhase = spec.StrideHeight == 1 ? "" : $"((nint)(rowShift % {spec.StrideHeight}) * {spec.StrideWidth} * planeStride) + ";
            string rowIndex = spec.StrideHeight == 1 ? "rowShift" : $"(rowShift / {spec.StrideHeight})";
            writer.Line($"ref float row = ref {Unsafe}.Add(ref input, {rowPhase}((nint){rowIndex} * planeWidth));");
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
                using (writer.Block($"for (int kx = 0; kx < {kernelWidth}; kx++)"))
                {
                    string offset = spec.StrideWidth == 1
                        ? $"kx * {spec.DilationWidth}"
                        : $"((kx * {spec.DilationWidth} % {spec.StrideWidth}) * planeStride) + (kx * {spec.DilationWidth} / {spec.StrideWidth})";
                    writer.Line($"ref float columnTaps = ref {Unsafe}.Add(ref rowTaps, kx * {tile});");
                    MultiplyAdd(writer, vector, tile, vectors, $"(nuint)({offset})", "row", "columnTaps", 0);
                }
            }
        }
    }

    /// <summary>Offset of kernel row <paramref name="ky"/>'s plane row from the output position: its row phase's plane, then whole rows.</summary>
    private static string RowOffset(ConvSpec spec, int ky)
    {
        int shift = ky * spec.DilationHeight;
        return PlaneRowOffset(spec, shift % spec.StrideHeight, shift / spec.StrideHeight);
    }

    /// <summary>Offset of plane row <paramref name="rows"/> of row phase <paramref name="phase"/> ("0" when none).</summary>
    private static string PlaneRowOffset(ConvSpec spec, int phase, int rows)
    {
        var terms = new List<string>();
        if (phase != 0)
        {
            terms.Add($"{(long)phase * spec.StrideWidth} * (nint)planeStride");
        }

        if (rows != 0)
        {
            terms.Add($"{Times(rows)}(nint)planeWidth");
        }

        return terms.Count == 0 ? "0" : string.Join(" + ", terms);
    }

    /// <summary>One tap (kernel column <paramref name="kx"/> of a row): load the input vectors, multiply them into every channel of the tile.</summary>
    private static void Tap(SourceWriter writer, ConvSpec spec, VectorType vector, int tile, int vectors, string row, int kx, string weights, int weightIndex) =>
        MultiplyAdd(writer, vector, tile, vectors, ColumnOffset(spec, kx), row, weights, weightIndex);

    /// <summary>Offset of kernel column <paramref name="kx"/> inside a row: its column phase's plane, then columns.</summary>
    private static string ColumnOffset(ConvSpec spec, int kx)
    {
        int shift = kx * spec.DilationWidth;
        int phase = shift % spec.StrideWidth;
        int column = shift / spec.StrideWidth;
        return phase == 0 ? $"(nuint){column}" : column == 0 ? $"(nuint)phase{phase}" : $"(nuint)(phase{phase} + {column})";
    }

    /// <summary>Loads the input vector(s) at <paramref name="offset"/> of <paramref name="row"/> and multiplies
    /// them into every channel of the tile with that channel's broadcast weight.</summary>
    private static void MultiplyAdd(SourceWriter writer, VectorType vector, int tile, int vectors, string offset, string row, string weights, int weightIndex)
    {
        LoadPixels(writer, vector, vectors, offset, row);
        MultiplyInto(writer, vector, tile, vectors, weights, weightIndex, 0);
    }

    private static void LoadPixels(SourceWriter writer, VectorType vector, int vectors, string offset, string row)
    {
        for (int v = 0; v < vectors; v++)
        {
            string at = v == 0 ? offset : $"{offset} + (nuint)({Times(v)}vectorWidth)";
            writer.Line($"pixels{v} = {vector.Api}.LoadUnsafe(ref {row}, {at});");
        }
    }

    /// <summary>Multiplies the loaded pixels into row <paramref name="r"/>'s accumulators of every channel of the tile.</summary>
    private static void MultiplyInto(SourceWriter writer, VectorType vector, int tile, int vectors, string weights, int weightIndex, int r)
    {
        for (int t = 0; t < tile; t++)
        {
            writer.Line($"tapWeight = {vector.Broadcast($"{Unsafe}.Add(ref {weights}, {weightIndex + t})")};");
            for (int v = 0; v < vectors; v++)
            {
                writer.Line($"{Sum(t, r, v)} = {vector.Api}.MultiplyAddEstimate(pixels{v}, tapWeight, {Sum(t, r, v)});");
            }
        }
    }

    /// <summary>Column phases that unrolled taps read from (phase 0 needs no offset).</summary>
    private static IEnumerable<int> ColumnPhasesUsed(ConvSpec spec, KernelPlan plan) =>
        plan.UnrollColumns ? spec.Horizontal.PhasesRead().FindAll(phase => phase != 0) : [];

    /// <summary>Whether some offset the kernel computes crosses planes: input channels, or row or column stride phases.</summary>
    private static bool UsesPlaneStride(ConvSpec spec, KernelPlan plan) =>
        spec.InChannelsPerGroup > 1 || spec.Groups > 1
        || (plan.UnrollRows ? spec.Vertical.PhasesRead().Count > 1 : spec.StrideHeight > 1)
        || (plan.UnrollColumns ? spec.Horizontal.PhasesRead().Count > 1 : spec.StrideWidth > 1);

    private static string TapDescription(ConvSpec spec, KernelPlan plan) =>
        plan.UnrollRows ? $"all {spec.KernelHeight * spec.KernelWidth} taps unrolled"
        : plan.UnrollColumns ? $"kernel rows looped, {spec.KernelWidth} columns unrolled"
        : "kernel rows and columns looped";
}
