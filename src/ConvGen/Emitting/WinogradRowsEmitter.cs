using System.Collections.Generic;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes the three transforms of a layer on Winograd-transformed rows (<see cref="WinogradRows"/>, with the layer's
/// <see cref="RowScheme"/>): the weights' (once, when they are set), the input rows' (before the points' kernels) and
/// the output rows' (after them, with the bias and the activation). The input and output transforms are written once
/// per vector type, widest first, and once with floats for rows narrower than every vector.
/// </summary>
internal static class WinogradRowsEmitter
{
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";

    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        var scheme = RowScheme.For(spec);
        WeightTransform(writer, spec, plan, scheme);
        writer.Line();
        if (scheme.PlainKernelRow is null)
        {
            InputTransform(writer, spec, scheme);
        }
        else
        {
            PhaseInputTransform(writer, spec, scheme);
            // A layer with the direct kernel too gets FillRow with the direct kernel's padded copy.
            if (!plan.ChoosesPerCall)
            {
                writer.Line();
                PaddedInputEmitter.EmitFillRow(writer, spec);
            }
        }

        writer.Line();
        OutputTransform(writer, spec, scheme);
    }

    private static void WeightTransform(SourceWriter writer, ConvSpec spec, KernelPlan plan, RowScheme scheme)
    {
        var g = scheme.FilterTransform;
        var entries = new List<string>();
        for (int p = 0; p < scheme.Points; p++)
        {
            for (int r = 0; r < 3; r++)
            {
                entries.Add(Fraction(g[p, r], scheme.FilterDenominator));
            }
        }

        int kw = spec.KernelWidth;
        writer.Line($"// G, row by row: point p's weight row is the kernel's three rows weighted by G[p]{(scheme.PlainKernelRow is { } plain ? $" (the last point's: kernel row {plain} as it is)" : "")}.");
        writer.Line($"private static readonly double[] FilterTransform = new double[] {{ {string.Join(", ", entries)} }};");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// Transforms PyTorch's weights [out][in/groups][3][{kw}] into each point's weights U_p[out][in/groups][{kw}] = Σ_r G[p][r] w[.., r, ..]");
        writer.Line("/// (summed in float64, rounded once), each packed as the points' kernel reads it.");
        writer.Line("/// </summary>");
        using (writer.Block("private static void PackTransformedWeight(global::System.ReadOnlySpan<float> weight, global::System.Span<float> packed)"))
        {
            writer.Line("float[] point = new float[PointWeightLength];");
            using (writer.Block($"for (int p = 0; p < {scheme.Points}; p++)"))
            {
                using (writer.Block("for (int i = 0; i < PointWeightLength; i++)"))
                {
                    writer.Line($"int top = (i / {kw} * {3 * kw}) + (i % {kw}); // w[out][in][0][column]");
                    writer.Line($"point[i] = (float)((FilterTransform[3 * p] * weight[top]) + (FilterTransform[(3 * p) + 1] * weight[top + {kw}]) + (FilterTransform[(3 * p) + 2] * weight[top + {2 * kw}]));");
                }

                writer.Line();
                writer.Line("PackPointWeight(point, packed.Slice(p * PointWeightLength, PointWeightLength));");
            }
        }

        writer.Line();
        WeightPackingEmitter.Emit(writer, plan, "PackPointWeight", $"{WinogradRows.KernelView(spec).FanIn}");
    }

    /// <summary>TransformInputRows: per input channel and tile row, the six padded input rows become the points' rows.</summary>
    private static void InputTransform(SourceWriter writer, ConvSpec spec, RowScheme scheme)
    {
        string parameters = "global::System.ReadOnlySpan<float> image, global::System.Span<float> points, global::System.ReadOnlySpan<float> zeroRow, int height, int width, int firstTileRow, int tileRows, int planeWidth, int planeStride";
        string arguments = "image, points, zeroRow, height, width, firstTileRow, tileRows, planeWidth, planeStride";
        writer.Line("/// <summary>");
        writer.Line("/// Input transform of tile rows firstTileRow to firstTileRow + tileRows - 1 of one image: for every input channel and tile row, the");
        writer.Line($"/// six input rows the tile reads ({spec.DilationHeight} apart; zero rows where the padding is), d0..d5, become the points' rows V_p = Σ_r B^T[p][r] d_r,");
        writer.Line($"/// point p's in plane p * InChannels + channel of <paramref name=\"points\"/> at row (tile row - firstTileRow), with {spec.PadLeft}/{spec.PadRight} zero column(s) left/right.");
        writer.Line("/// </summary>");
        Transform(writer, "TransformInputRows", parameters, arguments, "width", vector => InputTransformBody(writer, spec, scheme, vector, parameters));
    }

    private static void InputTransformBody(SourceWriter writer, ConvSpec spec, RowScheme scheme, VectorType? vector, string parameters)
    {
        int dilation = spec.DilationHeight;
        writer.Line(GeneratedFile.AggressiveOptimization);
        using (writer.Block($"private static void TransformInputRows_{Suffix(vector)}({parameters})"))
        {
            writer.Line("nint pointStride = (nint)InChannels * planeStride;");
            writer.Line($"ref float pointsStart = ref {Marshal}.GetReference(points);");
            using (writer.Block("for (int channel = 0; channel < InChannels; channel++)"))
            {
                writer.Line("global::System.ReadOnlySpan<float> source = image.Slice(channel * height * width, height * width);");
                using (writer.Block("for (int tile = 0; tile < tileRows; tile++)"))
                {
                    writer.Line($"// The tile's first input row: tile rows come in blocks of {WinogradRows.OutputRows * dilation} output rows{(dilation > 1 ? $" holding {dilation} interleaved tiles" : "")}.");
                    writer.Line("int tileRow = firstTileRow + tile;");
                    writer.Line($"int top = {TileTop(dilation)} - {spec.PadTop};");
                    for (int r = 0; r < scheme.TransformedPoints; r++)
                    {
                        string row = r == 0 ? "top" : $"(top + {r * dilation})";
                        writer.Line($"ref float d{r}Row = ref {Marshal}.GetReference((uint){row} < (uint)height ? source.Slice({row} * width) : zeroRow);");
                    }

                    writer.Line("ref float v0Row = ref " + $"{Unsafe}.Add(ref pointsStart, ((nint)channel * planeStride) + ((nint)tile * planeWidth));");
                    for (int p = 1; p < scheme.TransformedPoints; p++)
                    {
                        writer.Line($"ref float v{p}Row = ref {Unsafe}.Add(ref v0Row, {(p == 1 ? "" : $"{p} * ")}pointStride);");
                    }

                    ZeroColumns(writer, scheme, "The left padding columns.", "i", spec.PadLeft);
                    ZeroColumns(writer, scheme, "The right padding columns.", $"{spec.PadLeft} + width + i", spec.PadRight);

                    writer.Line($"// V_p = Σ_r B^T[p][r] d_r, {(vector is null ? "column by column" : "a vector of columns at a time, the last one overlapping its neighbour")}.");
                    var bt = scheme.InputTransform;
                    if (vector is null)
                    {
                        using (writer.Block("for (int x = 0; x < width; x++)"))
                        {
                            for (int r = 0; r < scheme.TransformedPoints; r++)
                            {
                                writer.Line($"float d{r} = {Unsafe}.Add(ref d{r}Row, x);");
                            }

                            for (int p = 0; p < scheme.TransformedPoints; p++)
                            {
                                writer.Line($"{Unsafe}.Add(ref v{p}Row, {spec.PadLeft} + x) = {Combination(bt, p, "d", "f")};");
                            }
                        }
                    }
                    else
                    {
                        using (writer.Block($"for (int x0 = 0; x0 < width; x0 += {vector.Count})"))
                        {
                            writer.Line($"nuint x = (nuint)global::System.Math.Min(x0, width - {vector.Count});");
                            for (int r = 0; r < scheme.TransformedPoints; r++)
                            {
                                writer.Line($"var d{r} = {vector.Api}.LoadUnsafe(ref d{r}Row, x);");
                            }

                            for (int p = 0; p < scheme.TransformedPoints; p++)
                            {
                                writer.Line($"{vector.Api}.StoreUnsafe({Combination(bt, p, "d", "f")}, ref v{p}Row, {(spec.PadLeft == 0 ? "x" : $"{spec.PadLeft} + x")});");
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// TransformInputRows for a vertical stride of 2 (<see cref="RowScheme.StrideTwo"/>): per input channel and tile row, the
    /// tile's odd input rows are split into column phases straight into the untransformed point's rows, its even rows into
    /// a small buffer, from which the transformed points' rows are summed phase by phase.
    /// </summary>
    private static void PhaseInputTransform(SourceWriter writer, ConvSpec spec, RowScheme scheme)
    {
        string parameters = "global::System.ReadOnlySpan<float> image, global::System.Span<float> points, global::System.Span<float> evenRows, int height, int width, int firstTileRow, int tileRows, int planeWidth, int planeStride, int plainStride";
        string arguments = "image, points, evenRows, height, width, firstTileRow, tileRows, planeWidth, planeStride, plainStride";
        int sw = spec.StrideWidth, even = scheme.TransformedRows;
        writer.Line("/// <summary>");
        writer.Line("/// Input transform of tile rows firstTileRow to firstTileRow + tileRows - 1 of one image. A tile of four output rows reads");
        writer.Line($"/// padded rows 8 * tile row to 8 * tile row + 8. Per input channel and tile row, each read row is split into its {sw} column phase(s)");
        writer.Line($"/// ({spec.PadLeft}/{spec.PadRight} zero column(s) left/right before the split, zero rows where the padding is): the odd rows become the");
        writer.Line($"/// untransformed point's rows (kernel row {scheme.PlainKernelRow}'s input), the even rows e0..e{even - 1} become the transformed points' rows");
        writer.Line("/// V_p = Σ_r B^T[p][r] e_r, summed phase by phase. Point p's rows are in plane (p * InChannels + channel) * phases + phase of");
        writer.Line("/// <paramref name=\"points\"/> (planes of planeStride floats; the untransformed point's, last, of plainStride).");
        writer.Line("/// </summary>");
        Transform(writer, "TransformInputRows", parameters, arguments, "planeWidth", vector => PhaseInputTransformBody(writer, spec, scheme, vector, parameters));
    }

    private static void PhaseInputTransformBody(SourceWriter writer, ConvSpec spec, RowScheme scheme, VectorType? vector, string parameters)
    {
        int sw = spec.StrideWidth, rows = WinogradRows.OutputRows, even = scheme.TransformedRows;
        writer.Line(GeneratedFile.AggressiveOptimization);
        using (writer.Block($"private static void TransformInputRows_{Suffix(vector)}({parameters})"))
        {
            writer.Line($"nint pointStride = (nint)InChannels * {sw} * planeStride;");
            writer.Line($"ref float pointsStart = ref {Marshal}.GetReference(points);");
            writer.Line($"ref float evenStart = ref {Marshal}.GetReference(evenRows);");
            writer.Line($"global::System.Span<float> plain = points.Slice({scheme.TransformedPoints} * (int)pointStride);");
            using (writer.Block("for (int channel = 0; channel < InChannels; channel++)"))
            {
                writer.Line("global::System.ReadOnlySpan<float> source = image.Slice(channel * height * width, height * width);");
                using (writer.Block("for (int tile = 0; tile < tileRows; tile++)"))
                {
                    writer.Line($"int top = ((firstTileRow + tile) * {2 * rows}) - {spec.PadTop}; // the tile's first padded row, as an image row");
                    writer.Line($"// The odd rows top + 1, top + 3, ...: rows 4 * tile to 4 * tile + 3 of the untransformed point.");
                    using (writer.Block($"for (int i = 0; i < {rows}; i++)"))
                    {
                        writer.Line("int row = top + (2 * i) + 1;");
                        writer.Line("global::System.ReadOnlySpan<float> line = (uint)row < (uint)height ? source.Slice(row * width, width) : default;");
                        using (writer.Block($"for (int phase = 0; phase < {sw}; phase++)"))
                        {
                            writer.Line($"FillRow(line, plain.Slice((((channel * {sw}) + phase) * plainStride) + ((({rows} * tile) + i) * planeWidth), planeWidth), phase);");
                        }
                    }

                    writer.Line();
                    writer.Line($"// The even rows top, top + 2, ..., top + {2 * (even - 1)}: e_r's phase q in evenRows at (r * {sw} + q) * planeWidth.");
                    using (writer.Block($"for (int r = 0; r < {even}; r++)"))
                    {
                        writer.Line("int row = top + (2 * r);");
                        writer.Line("global::System.ReadOnlySpan<float> line = (uint)row < (uint)height ? source.Slice(row * width, width) : default;");
                        using (writer.Block($"for (int phase = 0; phase < {sw}; phase++)"))
                        {
                            writer.Line($"FillRow(line, evenRows.Slice(((r * {sw}) + phase) * planeWidth, planeWidth), phase);");
                        }
                    }

                    writer.Line();
                    writer.Line($"// V_p = Σ_r B^T[p][r] e_r, phase by phase, {(vector is null ? "column by column" : "a vector of columns at a time, the last one overlapping its neighbour")}.");
                    using (writer.Block($"for (int phase = 0; phase < {sw}; phase++)"))
                    {
                        writer.Line($"ref float e0Row = ref {Unsafe}.Add(ref evenStart, phase * planeWidth);");
                        for (int r = 1; r < even; r++)
                        {
                            writer.Line($"ref float e{r}Row = ref {Unsafe}.Add(ref e0Row, {r * sw} * planeWidth);");
                        }

                        writer.Line($"ref float v0Row = ref {Unsafe}.Add(ref pointsStart, ((nint)((channel * {sw}) + phase) * planeStride) + ((nint)tile * planeWidth));");
                        for (int p = 1; p < scheme.TransformedPoints; p++)
                        {
                            writer.Line($"ref float v{p}Row = ref {Unsafe}.Add(ref v0Row, {(p == 1 ? "" : $"{p} * ")}pointStride);");
                        }

                        var bt = scheme.InputTransform;
                        if (vector is null)
                        {
                            using (writer.Block("for (int x = 0; x < planeWidth; x++)"))
                            {
                                for (int r = 0; r < even; r++)
                                {
                                    writer.Line($"float e{r} = {Unsafe}.Add(ref e{r}Row, x);");
                                }

                                for (int p = 0; p < scheme.TransformedPoints; p++)
                                {
                                    writer.Line($"{Unsafe}.Add(ref v{p}Row, x) = {Combination(bt, p, "e", "f")};");
                                }
                            }
                        }
                        else
                        {
                            using (writer.Block($"for (int x0 = 0; x0 < planeWidth; x0 += {vector.Count})"))
                            {
                                writer.Line($"nuint x = (nuint)global::System.Math.Min(x0, planeWidth - {vector.Count});");
                                for (int r = 0; r < even; r++)
                                {
                                    writer.Line($"var e{r} = {vector.Api}.LoadUnsafe(ref e{r}Row, x);");
                                }

                                for (int p = 0; p < scheme.TransformedPoints; p++)
                                {
                                    writer.Line($"{vector.Api}.StoreUnsafe({Combination(bt, p, "e", "f")}, ref v{p}Row, x);");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>TransformOutputRows: per output channel and tile row, the points' products become the tile's output rows.</summary>
    private static void OutputTransform(SourceWriter writer, ConvSpec spec, RowScheme scheme)
    {
        string parameters = "global::System.ReadOnlySpan<float> products, global::System.Span<float> output, global::System.ReadOnlySpan<float> bias, int firstTileRow, int tileRows, int outputHeight, int outputWidth";
        string arguments = "products, output, bias, firstTileRow, tileRows, outputHeight, outputWidth";
        writer.Line("/// <summary>");
        writer.Line("/// Output transform of tile rows firstTileRow to firstTileRow + tileRows - 1 of one image: for every output channel and tile row, the");
        writer.Line("/// points' products M_p (point p's in plane p * OutChannels + channel of <paramref name=\"products\"/>, tileRows x outputWidth) become");
        writer.Line($"/// the tile's output rows Y_t = Σ_p A^T[t][p] M_p{(scheme.PlainKernelRow is null ? "" : " + Q_t")}{(spec.HasBias ? " + bias" : "")}{(spec.Activation == ActivationKind.None ? "" : $", then {spec.Activation}")}; rows below the output are dropped.");
        if (scheme.PlainKernelRow is { } plain)
        {
            writer.Line($"/// Q_t is kernel row {plain}'s product for output row t: row 4 * tile + t of the untransformed point's planes, after the others' (4 * tileRows x outputWidth).");
        }

        writer.Line("/// </summary>");
        Transform(writer, "TransformOutputRows", parameters, arguments, "outputWidth", vector => OutputTransformBody(writer, spec, scheme, vector, parameters));
    }

    private static void OutputTransformBody(SourceWriter writer, ConvSpec spec, RowScheme scheme, VectorType? vector, string parameters)
    {
        int dilation = spec.DilationHeight;
        writer.Line(GeneratedFile.AggressiveOptimization);
        using (writer.Block($"private static void TransformOutputRows_{Suffix(vector)}({parameters})"))
        {
            writer.Line("nint productPlane = (nint)tileRows * outputWidth, pointStride = OutChannels * productPlane;");
            writer.Line("nint outputPlane = (nint)outputHeight * outputWidth;");
            writer.Line($"ref float productsStart = ref {Marshal}.GetReference(products);");
            writer.Line($"ref float outputStart = ref {Marshal}.GetReference(output);");
            using (writer.Block("for (int channel = 0; channel < OutChannels; channel++)"))
            {
                string zero = vector is null ? "0f" : $"{vector.Zero}";
                writer.Line($"var channelBias = {(spec.HasBias ? (vector is null ? "bias[channel]" : vector.Broadcast("bias[channel]")) : zero)};");
                using (writer.Block("for (int tile = 0; tile < tileRows; tile++)"))
                {
                    writer.Line("int tileRow = firstTileRow + tile;");
                    writer.Line($"int top = {TileTop(dilation)};");
                    writer.Line($"// Output rows top, top + {dilation}, ...: those inside the output.");
                    using (writer.Block("if (top >= outputHeight)"))
                    {
                        writer.Line("continue; // a tile of the last block that lies wholly below the output");
                    }

                    writer.Line();
                    writer.Line($"int rows = global::System.Math.Min({WinogradRows.OutputRows}, ((outputHeight - 1 - top) / {dilation}) + 1);");
                    writer.Line("ref float m0Row = ref " + $"{Unsafe}.Add(ref productsStart, (channel * productPlane) + ((nint)tile * outputWidth));");
                    for (int p = 1; p < scheme.TransformedPoints; p++)
                    {
                        writer.Line($"ref float m{p}Row = ref {Unsafe}.Add(ref m0Row, {(p == 1 ? "" : $"{p} * ")}pointStride);");
                    }

                    writer.Line($"ref float y0Row = ref {Unsafe}.Add(ref outputStart, (channel * outputPlane) + ((nint)top * outputWidth));");
                    writer.Line("// Rows below the output are never stored; their refs stay on row 0, as a ref past the output's end would be a GC hole.");
                    for (int t = 1; t < WinogradRows.OutputRows; t++)
                    {
                        writer.Line($"ref float y{t}Row = ref rows > {t} ? ref {Unsafe}.Add(ref y0Row, {t * dilation} * (nint)outputWidth) : ref y0Row;");
                    }

                    bool plain = scheme.PlainKernelRow is not null;
                    if (plain)
                    {
                        writer.Line($"ref float q0Row = ref {Unsafe}.Add(ref productsStart, ({scheme.TransformedPoints} * pointStride) + (channel * {WinogradRows.OutputRows} * productPlane) + ((nint){WinogradRows.OutputRows} * tile * outputWidth));");
                        for (int t = 1; t < WinogradRows.OutputRows; t++)
                        {
                            writer.Line($"ref float q{t}Row = ref {Unsafe}.Add(ref q0Row, {t} * (nint)outputWidth);");
                        }
                    }

                    var at = scheme.OutputTransform;
                    if (vector is null)
                    {
                        using (writer.Block("for (int x = 0; x < outputWidth; x++)"))
                        {
                            for (int p = 0; p < scheme.TransformedPoints; p++)
                            {
                                writer.Line($"float m{p} = {Unsafe}.Add(ref m{p}Row, x);");
                            }

                            for (int t = 0; t < WinogradRows.OutputRows; t++)
                            {
                                using (writer.Block($"if (rows > {t})"))
                                {
                                    writer.Line($"float sum = ({Combination(at, t, "m", "f")}){(plain ? $" + {Unsafe}.Add(ref q{t}Row, x)" : "")} + channelBias;");
                                    writer.Line($"{Unsafe}.Add(ref y{t}Row, x) = {ScalarActivation(spec, "sum")};");
                                }
                            }
                        }
                    }
                    else
                    {
                        using (writer.Block($"for (int x0 = 0; x0 < outputWidth; x0 += {vector.Count})"))
                        {
                            writer.Line($"nuint x = (nuint)global::System.Math.Min(x0, outputWidth - {vector.Count});");
                            for (int p = 0; p < scheme.TransformedPoints; p++)
                            {
                                writer.Line($"var m{p} = {vector.Api}.LoadUnsafe(ref m{p}Row, x);");
                            }

                            for (int t = 0; t < WinogradRows.OutputRows; t++)
                            {
                                using (writer.Block($"if (rows > {t})"))
                                {
                                    writer.Line($"{vector.Api}.StoreUnsafe({ActivationEmitter.InRegister(vector, spec, $"({Combination(at, t, "m", "f")}){(plain ? $" + {vector.Api}.LoadUnsafe(ref q{t}Row, x)" : "")} + channelBias")}, ref y{t}Row, x);");
                                }
                            }
                        }
                    }

                    if (spec.Activation != ActivationKind.None && !ActivationEmitter.IsInRegister(spec.Activation))
                    {
                        writer.Line();
                        using (writer.Block("for (int t = 0; t < rows; t++)"))
                        {
                            ActivationEmitter.AfterKernel(writer, spec, $"output.Slice((int)((channel * outputPlane) + ((nint)(top + (t * {dilation})) * outputWidth)), outputWidth)");
                        }
                    }
                }
            }
        }
    }

    /// <summary>A transform: its dispatcher, then its body once per vector type, widest first, and once with floats.</summary>
    private static void Transform(SourceWriter writer, string name, string parameters, string arguments, string width, System.Action<VectorType?> body)
    {
        Dispatch(writer, name, parameters, arguments, width);
        foreach (var vector in VectorType.All)
        {
            writer.Line();
            body(vector);
        }

        writer.Line();
        body(null);
    }

    /// <summary>The dispatcher: the widest vector kernel whose vector fits in <paramref name="width"/>, else the float one.</summary>
    private static void Dispatch(SourceWriter writer, string name, string parameters, string arguments, string width)
    {
        using (writer.Block($"private static void {name}({parameters})"))
        {
            for (int i = 0; i < VectorType.All.Length; i++)
            {
                var vector = VectorType.All[i];
                string accelerated = vector == VectorType.Vector128 ? "" : $"{vector.Api}.IsHardwareAccelerated && ";
                using (writer.Block($"{(i == 0 ? "" : "else ")}if ({accelerated}{width} >= {vector.Count})"))
                {
                    writer.Line($"{name}_{vector.Suffix}({arguments});");
                }
            }

            using (writer.Block("else"))
            {
                writer.Line($"{name}_{Suffix(null)}({arguments});");
            }
        }
    }

    /// <summary>The first row (output rows; input rows before the padding shift) of tile row <c>tileRow</c>.</summary>
    private static string TileTop(int dilation) =>
        dilation == 1 ? $"tileRow * {WinogradRows.OutputRows}" : $"(tileRow % {dilation}) + (tileRow / {dilation} * {WinogradRows.OutputRows * dilation})";

    /// <summary>Zeroes <paramref name="count"/> columns of every point's row, at <paramref name="column"/> for i = 0 to count - 1.</summary>
    private static void ZeroColumns(SourceWriter writer, RowScheme scheme, string comment, string column, int count)
    {
        if (count == 0)
        {
            return;
        }

        writer.Line($"// {comment}");
        using (writer.Block($"for (int i = 0; i < {count}; i++)"))
        {
            for (int p = 0; p < scheme.TransformedPoints; p++)
            {
                writer.Line($"{Unsafe}.Add(ref v{p}Row, {column}) = 0f;");
            }
        }
    }

    /// <summary>Σ_j matrix[row, j] names_j, with ±1 as a plain sum and zeros left out, e.g. "(d0 * 4f) - (d2 * 5f) + d4".</summary>
    private static string Combination(int[,] matrix, int row, string name, string suffix)
    {
        var text = new System.Text.StringBuilder();
        for (int j = 0; j < matrix.GetLength(1); j++)
        {
            int c = matrix[row, j];
            if (c == 0)
            {
                continue;
            }

            string term = System.Math.Abs(c) == 1 ? $"{name}{j}" : $"({name}{j} * {System.Math.Abs(c)}{suffix})";
            text.Append(text.Length == 0 ? (c < 0 ? $"-{term}" : term) : (c < 0 ? $" - {term}" : $" + {term}"));
        }

        return text.ToString();
    }

    private static string ScalarActivation(ConvSpec spec, string sum) => spec.Activation switch
    {
        ActivationKind.ReLU => $"global::System.MathF.Max({sum}, 0f)",
        ActivationKind.ReLU6 => $"global::System.MathF.Min(global::System.MathF.Max({sum}, 0f), 6f)",
        _ => sum,
    };

    private static string Suffix(VectorType? vector) => vector?.Suffix ?? "scalar";

    /// <summary>numerator / denominator as a C# double expression in lowest terms ("-1.0 / 6", "1", "0").</summary>
    private static string Fraction(int numerator, int denominator)
    {
        if (numerator == 0)
        {
            return "0";
        }

        int a = System.Math.Abs(numerator), b = denominator;
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        int n = numerator / a, d = denominator / a;
        return d == 1 ? $"{n}" : $"{n}.0 / {d}";
    }
}
