using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes how a checked call runs on Winograd-transformed rows (<see cref="WinogradRows"/>): the scratch layout
/// (<c>TransformedScratchLayout</c>), the split of the call over threads (<c>RunTransformed</c>) and a thread's share
/// (<c>RunTransformedUnits</c>).
/// A unit is one band of tile rows of one image: transform its input rows, run the points' kernel once per point,
/// transform the products into its output rows. Bands are sized so their rows and products stay in L2, and an
/// image has at least as many bands as the call has threads per image, so one image still splits over threads.
/// </summary>
internal static class WinogradRunEmitter
{
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        Layout(writer, spec, plan);
        writer.Line();
        Run(writer, spec, plan);
        writer.Line();
        RunUnits(writer, spec, plan);
    }

    /// <summary>The scratch layout, computed at run time from the sizes (<see cref="ScratchSize"/> evaluates the same arithmetic
    /// for a fixed size, one thread and one image: the summary's scratch).</summary>
    private static void Layout(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        var scheme = RowScheme.For(spec);
        int rows = WinogradRows.OutputRows, dilation = spec.DilationHeight, sw = spec.StrideWidth;
        int transformed = scheme.TransformedPoints;
        bool plain = scheme.PlainKernelRow is not null;
        string planes = sw == 1 ? "InChannels planes" : $"InChannels x {sw} column-phase planes";
        writer.Line($"// Scratch of one part of a call: the {(plain ? "transformed " : "")}points' rows ({transformed} x {planes} of BandRows rows at pitch PlaneWidth,");
        writer.Line($"// each followed by a guard of the widest tap shift plus one vector){(plain ? $", the untransformed point's ({planes} of {rows} x BandRows rows)" : "")},");
        writer.Line($"// their products ({transformed} x OutChannels planes of BandRows x outputWidth{(plain ? $", then OutChannels of {rows} x BandRows x outputWidth" : "")}),");
        writer.Line(plain
            ? "// the kernel's staging for one channel tile, and one tile's even input rows split into column phases."
            : "// the kernel's staging for one channel tile, and one row of zeros (the input rows above and below the image).");
        using (writer.Block("private readonly struct TransformedScratchLayout"))
        {
            writer.Line("public readonly int TileRows, BandRows, Bands;");
            writer.Line($"public readonly long PlaneWidth, PlaneStride{(plain ? ", PlainStride" : "")};");
            writer.Line($"public readonly double PointsLength, ProductsLength, StagingLength, {RowsName(plain)}; // floats, each a multiple of a cache line (16 floats)");
            writer.Line();
            using (writer.Block("public TransformedScratchLayout(int width, int outputHeight, int outputWidth, int batch, int threads)"))
            {
                writer.Line($"TileRows = {dilation} * ((outputHeight + {(rows * dilation) - 1}) / {rows * dilation});");
                writer.Line(sw == 1
                    ? $"PlaneWidth = (long)width + {spec.PadLeft + spec.PadRight};"
                    : $"PlaneWidth = ((long)width + {spec.PadLeft + spec.PadRight + sw - 1}) / {sw}; // a column phase of the padded row");
                writer.Line("// Bands of tile rows whose points' rows and products fit twice the L2 budget of a band, in bands of equal height;");
                writer.Line("// at least as many bands per image as the call has threads per image.");
                writer.Line($"long floatsPerTileRow = {scheme.RowsPerTile}L * ((InChannels * {(sw == 1 ? "" : $"{sw} * ")}PlaneWidth) + ((long)OutChannels * outputWidth));");
                writer.Line("int limit = (int)global::System.Math.Clamp(2 * BandInputFloats / floatsPerTileRow, 1, TileRows);");
                writer.Line("int bands = global::System.Math.Max((TileRows + limit - 1) / limit, global::System.Math.Min(TileRows, (threads + batch - 1) / batch));");
                writer.Line("BandRows = (TileRows + bands - 1) / bands;");
                writer.Line("Bands = (TileRows + BandRows - 1) / BandRows;");
                writer.Line("PlaneStride = (BandRows * PlaneWidth) + MaxTapShift + WidestVector;");
                if (plain)
                {
                    writer.Line($"PlainStride = ({rows} * BandRows * PlaneWidth) + MaxTapShift + WidestVector;");
                    writer.Line($"PointsLength = CacheLines(InChannels * {sw}d * (({transformed} * PlaneStride) + PlainStride));");
                    writer.Line($"ProductsLength = CacheLines({scheme.RowsPerTile}d * OutChannels * BandRows * outputWidth);");
                    writer.Line($"StagingLength = CacheLines({plan.ChannelTile}d * {rows} * BandRows * PlaneWidth);");
                    writer.Line($"EvenRowsLength = CacheLines({scheme.TransformedRows * sw}d * PlaneWidth);");
                }
                else
                {
                    writer.Line($"PointsLength = CacheLines({transformed}d * InChannels * PlaneStride);");
                    writer.Line($"ProductsLength = CacheLines({transformed}d * OutChannels * BandRows * outputWidth);");
                    writer.Line($"StagingLength = CacheLines({plan.ChannelTile}d * BandRows * PlaneWidth);");
                    writer.Line("ZeroLength = CacheLines(width);");
                }
            }

            writer.Line();
            writer.Line("/// <summary>Floats of the scratch of one part.</summary>");
            writer.Line($"public double PartLength => PointsLength + ProductsLength + StagingLength + {RowsName(plain)};");
            writer.Line();
            writer.Line("private static double CacheLines(double floats) => global::System.Math.Ceiling(floats / 16) * 16;");
        }
    }

    /// <summary>The scratch's last part: a zero row (stride 1) or the buffer of a tile's even rows (stride 2).</summary>
    private static string RowsName(bool plain) => plain ? "EvenRowsLength" : "ZeroLength";

    private static void Run(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        writer.Line("// Splits a call over threads by units (one band of tile rows of one image each). Scratch comes from the shared array pool.");
        using (writer.Block($"private void RunTransformed({ReadOnlySpan} input, {Span} output, int batch, int height, int width, int outputHeight, int outputWidth, int degreeOfParallelism)"))
        {
            writer.Line($"int threads = global::ConvGen.ForwardParts.Threads(degreeOfParallelism, (double)batch * OutChannels * outputHeight * outputWidth * FanIn, MinimumWorkPerThread);");
            writer.Line("var layout = new TransformedScratchLayout(width, outputHeight, outputWidth, batch, threads);");
            writer.Line("long units = (long)batch * layout.Bands;");
            writer.Line("threads = (int)global::System.Math.Min(threads, units);");
            writer.Line("layout = new TransformedScratchLayout(width, outputHeight, outputWidth, batch, threads); // the layout every part computes");
            writer.Line("units = (long)batch * layout.Bands;");
            writer.Line("double bufferLength = threads * layout.PartLength;");
            writer.Line("float[] buffer = global::System.Buffers.ArrayPool<float>.Shared.Rent(global::ConvGen.LayerChecks.ScratchLength(bufferLength));");
            using (writer.Block("try"))
            {
                writer.Line($"var scratch = new {Span}(buffer, 0, (int)bufferLength);");
                writer.Line("// Parts of whole units, four per thread (claimed one by one, so a thread that starts late still takes its share).");
                writer.Line("var shape = new global::ConvGen.ForwardShape(batch, height, width, outputHeight, outputWidth, (int)global::System.Math.Min(units, 4L * threads), threads);");
                using (writer.Block("if (threads == 1)"))
                {
                    writer.Line("RunTransformedUnits(input, output, scratch, shape, layout, 0, (int)units);");
                }

                RunEmitter.UnitParts(writer, "new TransformedScratchLayout(shape.Width, shape.OutputHeight, shape.OutputWidth, shape.Batch, shape.Threads)", "(long)shape.Batch * layout.Bands", "RunTransformedUnits");
            }

            RunEmitter.ReturnScratch(writer);
        }
    }

    private static void RunUnits(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        var scheme = RowScheme.For(spec);
        int transformed = scheme.TransformedPoints, rows = WinogradRows.OutputRows, sw = spec.StrideWidth;
        bool plain = scheme.PlainKernelRow is not null;
        writer.Line("// Runs units firstUnit to endUnit - 1 of a call (a unit is one band of tile rows of one image) in one thread and one part's scratch.");
        using (writer.Block($"private void RunTransformedUnits({ReadOnlySpan} input, {Span} output, {Span} scratch, in global::ConvGen.ForwardShape shape, in TransformedScratchLayout layout, int firstUnit, int endUnit)"))
        {
            writer.Line("int height = shape.Height, width = shape.Width, outputHeight = shape.OutputHeight, outputWidth = shape.OutputWidth;");
            writer.Line($"int planeWidth = (int)layout.PlaneWidth, planeStride = (int)layout.PlaneStride{(plain ? ", plainStride = (int)layout.PlainStride" : "")};");
            writer.Line($"{Span} points = scratch.Slice(0, (int)layout.PointsLength);");
            writer.Line($"{Span} products = scratch.Slice((int)layout.PointsLength, (int)layout.ProductsLength);");
            writer.Line($"{Span} staging = scratch.Slice((int)(layout.PointsLength + layout.ProductsLength), (int)layout.StagingLength);");
            if (plain)
            {
                writer.Line($"{Span} evenRows = scratch.Slice((int)(layout.PointsLength + layout.ProductsLength + layout.StagingLength), (int)layout.EvenRowsLength);");
            }
            else
            {
                writer.Line($"{Span} zeroRow = scratch.Slice((int)(layout.PointsLength + layout.ProductsLength + layout.StagingLength), (int)layout.ZeroLength);");
                writer.Line("zeroRow.Clear();");
            }

            writer.Line("int inputPerImage = InChannels * height * width, outputPerImage = OutChannels * outputHeight * outputWidth;");
            writer.Line($"int pointInput = InChannels * {(sw == 1 ? "" : $"{sw} * ")}planeStride;");
            using (writer.Block("for (int unit = firstUnit; unit < endUnit; unit++)"))
            {
                writer.Line("int image = unit / layout.Bands;");
                writer.Line("int firstTileRow = unit % layout.Bands * layout.BandRows;");
                writer.Line("int tileRows = global::System.Math.Min(layout.BandRows, layout.TileRows - firstTileRow);");
                writer.Line(plain
                    ? "TransformInputRows(input.Slice(image * inputPerImage, inputPerImage), points, evenRows, height, width, firstTileRow, tileRows, planeWidth, planeStride, plainStride);"
                    : "TransformInputRows(input.Slice(image * inputPerImage, inputPerImage), points, zeroRow, height, width, firstTileRow, tileRows, planeWidth, planeStride);");
                writer.Line("int pointOutput = OutChannels * tileRows * outputWidth;");
                string range = spec.Groups > 1 ? $"{spec.Groups}" : $"0, {plan.Tiles}";
                writer.Line($"// Each transformed point: a 1 x {spec.KernelWidth} convolution of its rows with its weights into its products.");
                using (writer.Block($"for (int point = 0; point < {transformed}; point++)"))
                {
                    writer.Line($"{plan.KernelName}(points.Slice(point * pointInput, pointInput), new {ReadOnlySpan}(_transformedWeight, point * PointWeightLength, PointWeightLength), default,");
                    writer.Line($"    products.Slice(point * pointOutput, pointOutput), staging, {range}, tileRows, outputWidth, planeWidth, planeStride);");
                }

                if (plain)
                {
                    writer.Line();
                    writer.Line($"// Kernel row {scheme.PlainKernelRow} as it is, on the band's odd rows ({rows} per tile row).");
                    writer.Line($"{plan.KernelName}(points.Slice({transformed} * pointInput, InChannels * {sw} * plainStride), new {ReadOnlySpan}(_transformedWeight, {transformed} * PointWeightLength, PointWeightLength), default,");
                    writer.Line($"    products.Slice({transformed} * pointOutput, {rows} * pointOutput), staging, {range}, {rows} * tileRows, outputWidth, planeWidth, plainStride);");
                }

                writer.Line();
                writer.Line($"TransformOutputRows(products, output.Slice(image * outputPerImage, outputPerImage), {(spec.HasBias ? "_bias" : "default")}, firstTileRow, tileRows, outputHeight, outputWidth);");
            }
        }
    }
}
