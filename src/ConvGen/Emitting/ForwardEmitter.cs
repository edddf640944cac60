using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>Writes the surface around the kernel: for an attributed layer output-size arithmetic, the checked
/// <c>Forward</c> overloads and <c>ILayer</c>, for a network step one <c>Forward</c> of its fixed size; then how a
/// checked call runs (<see cref="RunEmitter"/>, <see cref="WinogradRunEmitter"/>).</summary>
internal static class ForwardEmitter
{
    private const string Sweep = "global::ConvGen.Kernels.LineSweep";

    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan, LayerSurface surface)
    {
        bool is2d = spec.Kind == LayerKind.Conv2d;
        if (surface == LayerSurface.NetworkStep)
        {
            StepForward(writer, spec, plan);
        }
        else
        {
            PublicSurface(writer, spec, plan, is2d);
        }

        writer.Line();
        if (plan.TransformsRows)
        {
            WinogradRunEmitter.Emit(writer, spec, plan);
            writer.Line();
        }

        if ((plan.TransformsRows ? plan.Direct : plan) is { } direct)
        {
            RunEmitter.Emit(writer, spec, direct);
            writer.Line();
        }

        if (plan.ChoosesPerCall)
        {
            TransformedRowsPay(writer, spec);
        }
    }

    /// <summary>Output-size arithmetic, the checked <c>Forward</c> and <c>ILayer</c>.</summary>
    private static void PublicSurface(SourceWriter writer, ConvSpec spec, KernelPlan plan, bool is2d)
    {
        if (is2d)
        {
            OutputSizeMethod(writer, "OutputHeight", "height", "rows", spec.Vertical, "MinimumInputHeight");
            writer.Line();
            OutputSizeMethod(writer, "OutputWidth", "width", "columns", spec.Horizontal, "MinimumInputWidth");
        }
        else
        {
            OutputSizeMethod(writer, "OutputLength", "length", "elements", spec.Horizontal, "MinimumInputLength");
        }

        writer.Line();
        FixedSizeCheck(writer, is2d, spec.InputHeight is not null, spec.InputWidth is not null);
        writer.Line();
        PublicForward(writer, spec, plan);
        writer.Line();
        LayerInterface(writer, is2d);
    }

    /// <summary>A network step's <c>Forward</c>: its network gives it one input size, so the sizes are constants.</summary>
    private static void StepForward(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        int height = spec.InputHeight!.Value, width = spec.InputWidth!.Value;
        writer.Line($"/// <summary>Runs the step on <paramref name=\"batch\"/> NCHW images of {height}x{width}, the size its network gives it.</summary>");
        using (writer.Block("public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, int batch, int degreeOfParallelism)"))
        {
            writer.Line($"const int height = {height}, width = {width}, outputHeight = {spec.Vertical.OutputSize(height)}, outputWidth = {spec.Horizontal.OutputSize(width)};");
            writer.Line("global::ConvGen.LayerChecks.Batch(batch);");
            writer.Line("global::ConvGen.LayerChecks.Spans(input, output, batch, InChannels, [height, width], OutChannels, [outputHeight, outputWidth]);");
            writer.Lines(RunCall(plan, ""));
        }
    }

    /// <summary>
    /// TransformedRowsPay: <see cref="WinogradRows.CostsLess"/> written out for the layer, so that a layer without a fixed
    /// size takes, per call, the path the planner would have chosen for a fixed size (the cost of the direct kernel's
    /// cheaper sweep, flat or row by row: <see cref="KernelPlanner.SweepCost"/>, the shared LineSweep.Cost).
    /// </summary>
    private static void TransformedRowsPay(SourceWriter writer, ConvSpec spec)
    {
        var scheme = RowScheme.For(spec);
        int rows = WinogradRows.OutputRows, dilation = spec.DilationHeight, sw = spec.StrideWidth;
        long viewFanIn = WinogradRows.KernelView(spec).FanIn;
        writer.Line("// Whether a call of this size costs fewer multiply-adds (with the transforms) on transformed rows than on the direct kernel:");
        writer.Line("// the planner's choice for a fixed size, made per call because the layer has none.");
        using (writer.Block("private static bool TransformedRowsPay(long outputHeight, long outputWidth, long width)"))
        {
            writer.Line($"long planeWidth = (width + {spec.PadLeft + spec.PadRight + sw - 1}) / {sw};");
            writer.Line($"long tileRows = {dilation} * ((outputHeight + {(rows * dilation) - 1}) / {rows * dilation});");
            writer.Line($"long direct = OutChannels * {Sweep}.Cost(outputHeight, outputWidth, planeWidth, FanIn, {KernelPlanner.Lanes});");
            writer.Line($"long points = {scheme.TransformedPoints} * OutChannels * {Sweep}.Cost(tileRows, outputWidth, planeWidth, {viewFanIn}, {KernelPlanner.Lanes})" +
                (scheme.PlainKernelRow is null ? ";" : $" + (OutChannels * {Sweep}.Cost({rows} * tileRows, outputWidth, planeWidth, {viewFanIn}, {KernelPlanner.Lanes}));"));
            writer.Line($"long transforms = {WinogradRows.TransformCost} * tileRows * (({(long)scheme.RowsPerTile * spec.InChannels * sw} * {Sweep}.Vectors(planeWidth, {KernelPlanner.Lanes})) + ({rows * spec.OutChannels} * {Sweep}.Vectors(outputWidth, {KernelPlanner.Lanes})));");
            writer.Line("return points + transforms < direct;");
        }
    }

    private static void OutputSizeMethod(SourceWriter writer, string name, string input, string unit, ConvAxis axis, string minimum)
    {
        writer.Line($"/// <summary>Output {unit} for an input of <paramref name=\"{input}\"/> {unit}: " +
            $"floor(({input} + {axis.PadBefore + axis.PadAfter} - {axis.Dilation}*({axis.Kernel} - 1) - 1) / {axis.Stride}) + 1.</summary>");
        writer.Line($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"{input}\"/> is not positive or is smaller than the kernel needs.</exception>");
        using (writer.Block($"public static int {name}(int {input})"))
        {
            writer.Line($"global::ConvGen.LayerChecks.InputSize({input}, {minimum}, nameof({input}));");
            writer.Line($"return global::ConvGen.LayerChecks.OutputSize((((long){input}{Signed(axis.SizeOffset)}) / {axis.Stride}) + 1, nameof({input}));");
        }
    }

    /// <summary>Resolves the output size of one input size, enforcing a fixed input size where the attribute gave one
    /// (<c>ResolveOutputSize</c> of a 2-D layer, <c>ResolveOutputLength</c> of a 1-D one).</summary>
    internal static void FixedSizeCheck(SourceWriter writer, bool is2d, bool fixedHeight, bool fixedWidth)
    {
        if (is2d)
        {
            writer.Line("// The output size for an input size, after checking any fixed input size.");
            using (writer.Block("private static void ResolveOutputSize(int height, int width, out int outputHeight, out int outputWidth)"))
            {
                if (fixedHeight)
                {
                    writer.Line("global::ConvGen.LayerChecks.FixedSize(height, InputHeight, nameof(height));");
                }

                if (fixedWidth)
                {
                    writer.Line("global::ConvGen.LayerChecks.FixedSize(width, InputWidth, nameof(width));");
                }

                writer.Line("outputHeight = OutputHeight(height);");
                writer.Line("outputWidth = OutputWidth(width);");
            }
        }
        else
        {
            writer.Line("// The output length for an input length, after checking any fixed input length.");
            using (writer.Block("private static int ResolveOutputLength(int length)"))
            {
                if (fixedWidth)
                {
                    writer.Line("global::ConvGen.LayerChecks.FixedSize(length, InputLength, nameof(length));");
                }

                writer.Line("return OutputLength(length);");
            }
        }
    }

    private static void PublicForward(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        if (spec.Kind == LayerKind.Conv2d)
        {
            writer.Lines("""
                /// <summary>Runs the layer on <paramref name="batch"/> NCHW images; allocates nothing in steady state.</summary>
                /// <param name="input">batch x InChannels x height x width values.</param>
                /// <param name="output">batch x OutChannels x OutputHeight(height) x OutputWidth(width) values, overwritten.</param>
                /// <param name="degreeOfParallelism">Threads to use: 0 (the default) lets the layer decide (one per core when the call has enough work to gain, else one);<br/>
                /// n uses up to n threads (no more than the call has parts: images, groups or channel tiles); 1 runs on the calling thread only.</param>
                /// <exception cref="global::System.ArgumentException">A size is not positive, the input is smaller than the kernel needs,
                /// a span has the wrong length, the spans overlap, or <paramref name="degreeOfParallelism"/> is negative.</exception>
                public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, int batch, int height, int width, int degreeOfParallelism = 0)
                {
                    global::ConvGen.LayerChecks.Batch(batch);
                    ResolveOutputSize(height, width, out int outputHeight, out int outputWidth);
                    global::ConvGen.LayerChecks.Spans(input, output, batch, InChannels, [height, width], OutChannels, [outputHeight, outputWidth]);
                RUN
                }
                """.Replace("RUN", RunCall(plan, "    ")));
        }
        else
        {
            writer.Lines("""
                /// <summary>Runs the layer on <paramref name="batch"/> NCL sequences; allocates nothing in steady state.</summary>
                /// <param name="input">batch x InChannels x length values.</param>
                /// <param name="output">batch x OutChannels x OutputLength(length) values, overwritten.</param>
                /// <param name="degreeOfParallelism">Threads to use: 0 (the default) lets the layer decide (one per core when the call has enough work to gain, else one);<br/>
                /// n uses up to n threads (no more than the call has parts: images, groups or channel tiles); 1 runs on the calling thread only.</param>
                /// <exception cref="global::System.ArgumentException">A size is not positive, the input is shorter than the kernel needs,
                /// a span has the wrong length, the spans overlap, or <paramref name="degreeOfParallelism"/> is negative.</exception>
                public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, int batch, int length, int degreeOfParallelism = 0)
                {
                    global::ConvGen.LayerChecks.Batch(batch);
                    int outputLength = ResolveOutputLength(length);
                    global::ConvGen.LayerChecks.Spans(input, output, batch, InChannels, [length], OutChannels, [outputLength]);
                    Run(input, output, batch, 1, length, 1, outputLength, degreeOfParallelism);
                }
                """);
        }
    }

    /// <summary>The checked call's run: the direct kernel, transformed rows, or whichever costs less at the call's size
    /// (lines indented by <paramref name="indent"/>, each ending in a newline but the last).</summary>
    private static string RunCall(KernelPlan plan, string indent)
    {
        const string arguments = "(input, output, batch, height, width, outputHeight, outputWidth, degreeOfParallelism);";
        string[] lines = !plan.TransformsRows ? [$"Run{arguments}"]
            : !plan.ChoosesPerCall ? [$"RunTransformed{arguments}"]
            : ["if (TransformedRowsPay(outputHeight, outputWidth, width))", "{", $"    RunTransformed{arguments}", "}", "else", "{", $"    Run{arguments}", "}"];
        return string.Join("\n", System.Array.ConvertAll(lines, line => indent + line));
    }

    /// <summary><c>ILayer</c> over the checked <c>Forward</c>, for any layer with InChannels, OutChannels and <see cref="FixedSizeCheck"/>'s method.</summary>
    internal static void LayerInterface(SourceWriter writer, bool is2d)
    {
        string read = is2d
            ? "global::ConvGen.LayerShapes.ReadImages(inputShape, InChannels, out int batch, out int height, out int width);"
            : "global::ConvGen.LayerShapes.ReadSequences(inputShape, InChannels, out int batch, out int length);";
        writer.Line("/// <inheritdoc/>");
        using (writer.Block("public nint[] GetOutputShape(global::System.ReadOnlySpan<nint> inputShape)"))
        {
            writer.Line(read);
            if (is2d)
            {
                writer.Line("ResolveOutputSize(height, width, out int outputHeight, out int outputWidth);");
                writer.Line("return global::ConvGen.LayerShapes.Images(inputShape.Length, batch, OutChannels, outputHeight, outputWidth);");
            }
            else
            {
                writer.Line("return global::ConvGen.LayerShapes.Sequences(inputShape.Length, batch, OutChannels, ResolveOutputLength(length));");
            }
        }

        writer.Line();
        writer.Line("/// <inheritdoc/>");
        using (writer.Block("public void Forward(global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<nint> inputShape, global::System.Span<float> output)"))
        {
            writer.Line(read);
            writer.Line(is2d ? "Forward(input, output, batch, height, width);" : "Forward(input, output, batch, length);");
        }

        writer.Line();
        writer.Line("/// <inheritdoc/>");
        using (writer.Block("public void Forward(global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<nint> inputShape, global::System.Span<float> output, int degreeOfParallelism)"))
        {
            writer.Line(read);
            writer.Line(is2d ? "Forward(input, output, batch, height, width, degreeOfParallelism);" : "Forward(input, output, batch, length, degreeOfParallelism);");
        }

        writer.Line();
        writer.Line($"/// <summary>Runs the layer on a {(is2d ? "NCHW (or CHW)" : "NCL (or CL)")} tensor and returns a new output tensor.</summary>");
        writer.Line("public global::System.Numerics.Tensors.Tensor<float> Forward(global::System.Numerics.Tensors.Tensor<float> input) =>");
        writer.Line("    global::ConvGen.LayerTensors.Forward(this, input);");
        writer.Line();
        writer.Line("int global::ConvGen.ILayer.ParameterCount => ParameterCount;");
    }

    private static string Signed(long value) => value switch
    {
        0 => "",
        > 0 => $" + {value}",
        _ => $" - {-value}",
    };
}
