using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>Writes the public surface around the kernel: output-size arithmetic, the checked
/// <c>Forward</c> overloads, <c>ILayer</c>, and the loop that pads each image and runs the kernel.</summary>
internal static class ForwardEmitter
{
    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        bool is2d = spec.Kind == LayerKind.Conv2d;
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
        FixedSizeCheck(writer, spec);
        writer.Line();
        PublicForward(writer, spec);
        writer.Line();
        LayerInterface(writer, is2d);
        writer.Line();
        Run(writer, spec, plan);
    }

    private static void OutputSizeMethod(SourceWriter writer, string name, string input, string unit, ConvAxis axis, string minimum)
    {
        writer.Line($"/// <summary>Output {unit} for an input of <paramref name=\"{input}\"/> {unit}: " +
            $"floor(({input} + {axis.PadBefore + axis.PadAfter} - {axis.Dilation}*({axis.Kernel} - 1) - 1) / {axis.Stride}) + 1.</summary>");
        writer.Line($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"{input}\"/> is not positive or is smaller than the kernel needs.</exception>");
        writer.Open($"public static int {name}(int {input})");
        writer.Line($"global::ConvGen.LayerChecks.InputSize({input}, {minimum}, nameof({input}));");
        writer.Line($"return global::ConvGen.LayerChecks.OutputSize((((long){input}{Signed(axis.SizeOffset)}) / {axis.Stride}) + 1, nameof({input}));");
        writer.Close();
    }

    /// <summary>Resolves the output size of one input size, enforcing a fixed input size where the attribute gave one.</summary>
    private static void FixedSizeCheck(SourceWriter writer, ConvSpec spec)
    {
        if (spec.Kind == LayerKind.Conv2d)
        {
            writer.Line("// The output size for an input size, after checking any fixed input size.");
            writer.Open("private static void ResolveOutputSize(int height, int width, out int outputHeight, out int outputWidth)");
            if (spec.InputHeight is not null)
            {
                writer.Line("global::ConvGen.LayerChecks.FixedSize(height, InputHeight, nameof(height));");
            }

            if (spec.InputWidth is not null)
            {
                writer.Line("global::ConvGen.LayerChecks.FixedSize(width, InputWidth, nameof(width));");
            }

            writer.Line("outputHeight = OutputHeight(height);");
            writer.Line("outputWidth = OutputWidth(width);");
        }
        else
        {
            writer.Line("// The output length for an input length, after checking any fixed input length.");
            writer.Open("private static int ResolveOutputLength(int length)");
            if (spec.InputWidth is not null)
            {
                writer.Line("global::ConvGen.LayerChecks.FixedSize(length, InputLength, nameof(length));");
            }

            writer.Line("return OutputLength(length);");
        }

        writer.Close();
    }

    private static void PublicForward(SourceWriter writer, ConvSpec spec)
    {
        if (spec.Kind == LayerKind.Conv2d)
        {
            writer.Lines("""
                /// <summary>Runs the layer on <paramref name="batch"/> NCHW images; allocates nothing in steady state.</summary>
                /// <param name="input">batch x InChannels x height x width values.</param>
                /// <param name="output">batch x OutChannels x OutputHeight(height) x OutputWidth(width) values, overwritten.</param>
                /// <exception cref="global::System.ArgumentException">A size is not positive, the input is smaller than the kernel needs,
                /// a span has the wrong length, or the spans overlap.</exception>
                public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, int batch, int height, int width)
                {
                    global::ConvGen.LayerChecks.Batch(batch);
                    ResolveOutputSize(height, width, out int outputHeight, out int outputWidth);
                    global::ConvGen.LayerChecks.Spans(input, output, batch, InChannels, [height, width], OutChannels, [outputHeight, outputWidth]);
                    Run(input, output, batch, height, width, outputHeight, outputWidth);
                }
                """);
        }
        else
        {
            writer.Lines("""
                /// <summary>Runs the layer on <paramref name="batch"/> NCL sequences; allocates nothing in steady state.</summary>
                /// <param name="input">batch x InChannels x length values.</param>
                /// <param name="output">batch x OutChannels x OutputLength(length) values, overwritten.</param>
                /// <exception cref="global::System.ArgumentException">A size is not positive, the input is shorter than the kernel needs,
                /// a span has the wrong length, or the spans overlap.</exception>
                public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, int batch, int length)
                {
                    global::ConvGen.LayerChecks.Batch(batch);
                    int outputLength = ResolveOutputLength(length);
                    global::ConvGen.LayerChecks.Spans(input, output, batch, InChannels, [length], OutChannels, [outputLength]);
                    Run(input, output, batch, 1, length, 1, outputLength);
                }
                """);
        }
    }

    private static void LayerInterface(SourceWriter writer, bool is2d)
    {
        string read = is2d
            ? "global::ConvGen.LayerShapes.ReadImages(inputShape, InChannels, out int batch, out int height, out int width);"
            : "global::ConvGen.LayerShapes.ReadSequences(inputShape, InChannels, out int batch, out int length);";
        writer.Line("/// <inheritdoc/>");
        writer.Open("public nint[] GetOutputShape(global::System.ReadOnlySpan<nint> inputShape)");
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

        writer.Close();
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Open("public void Forward(global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<nint> inputShape, global::System.Span<float> output)");
        writer.Line(read);
        writer.Line(is2d ? "Forward(input, output, batch, height, width);" : "Forward(input, output, batch, length);");
        writer.Close();
        writer.Line();
        writer.Line($"/// <summary>Runs the layer on a {(is2d ? "NCHW (or CHW)" : "NCL (or CL)")} tensor and returns a new output tensor.</summary>");
        writer.Line("public global::System.Numerics.Tensors.Tensor<float> Forward(global::System.Numerics.Tensors.Tensor<float> input) =>");
        writer.Line("    global::ConvGen.LayerTensors.Forward(this, input);");
        writer.Line();
        writer.Line("int global::ConvGen.ILayer.ParameterCount => ParameterCount;");
    }

    private static void Run(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        var geometry = new KernelGeometry(spec, plan);
        int phases = spec.StrideHeight * spec.StrideWidth;
        writer.Line("// Lays each image out as the kernel reads it (in pooled scratch memory) and runs the kernel on it, image by image.");
        writer.Open("private void Run(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, int batch, int height, int width, int outputHeight, int outputWidth)");
        writer.Line($"// Scratch for a batch of groups of one image: {spec.InChannelsPerGroup} channel(s) per group x {phases} stride-phase plane(s) of planeHeight x planeWidth (the padded image's rows");
        writer.Line("// and columns split by the stride), each followed by a guard of the widest tap shift plus one vector; then staging for");
        writer.Line("// one channel tile when the kernel sweeps a plane flat and drops the pitch's extra columns afterwards.");
        writer.Line("// (KernelGeometry computes the same layout as constants for fixed input sizes.)");
        writer.Line($"long planeHeight = ((long)height + {spec.PadTop + spec.PadBottom + spec.StrideHeight - 1}) / {spec.StrideHeight};");
        writer.Line($"long planeWidth = ((long)width + {spec.PadLeft + spec.PadRight + spec.StrideWidth - 1}) / {spec.StrideWidth};");
        if (plan.ReadsInputInPlace)
        {
            writer.Line("// A 1x1 unpadded layer reads the input in place unless the image is smaller than a vector.");
            writer.Line("bool inPlace = (long)height * width >= WidestVector;");
            writer.Line("long planeStride = inPlace ? (long)height * width : (planeHeight * planeWidth) + MaxTapShift + WidestVector;");
        }
        else
        {
            writer.Line("const bool inPlace = false;");
            writer.Line("long planeStride = (planeHeight * planeWidth) + MaxTapShift + WidestVector;");
        }

        bool grouped = spec.Groups > 1;
        if (grouped)
        {
            writer.Line("// Groups go to the kernel in batches whose scratch fits the cache budget: each batch is filled right before");
            writer.Line("// the kernel reads it, and many small groups (depthwise on small images) share one fill and one kernel call.");
            writer.Line($"int batchGroups = inPlace ? {spec.Groups} : (int)global::System.Math.Clamp(GroupBatchFloats / ({(long)spec.InChannelsPerGroup * phases} * planeStride), 1, {spec.Groups});");
        }
        else
        {
            writer.Line("const int batchGroups = 1;");
        }

        writer.Line($"double scratchLength = inPlace ? 0 : batchGroups * {(long)spec.InChannelsPerGroup * phases}d * planeStride;");
        writer.Line($"double stagingLength = planeWidth == outputWidth ? 0 : {plan.ChannelTile}d * outputHeight * planeWidth;");
        writer.Line("int bufferLength = global::ConvGen.LayerChecks.ScratchLength(scratchLength + stagingLength);");
        writer.Line("float[] buffer = global::System.Buffers.ArrayPool<float>.Shared.Rent(bufferLength);");
        writer.Open("try");
        writer.Line("global::System.Span<float> scratch = new global::System.Span<float>(buffer, 0, (int)scratchLength);");
        writer.Line("global::System.Span<float> staging = new global::System.Span<float>(buffer, (int)scratchLength, (int)stagingLength);");
        writer.Line($"int groupInput = {spec.InChannelsPerGroup} * height * width;");
        writer.Line($"int groupOutput = {spec.OutChannelsPerGroup} * outputHeight * outputWidth;");
        writer.Open("for (int image = 0; image < batch; image++)");
        writer.Open($"for (int firstGroup = 0; firstGroup < {spec.Groups}; firstGroup += batchGroups)");
        writer.Line($"int groups = global::System.Math.Min(batchGroups, {spec.Groups} - firstGroup);");
        writer.Line($"int part = (image * {spec.Groups}) + firstGroup;");
        writer.Line("global::System.ReadOnlySpan<float> source = input.Slice(part * groupInput, groups * groupInput);");
        writer.Line("global::System.Span<float> partOutput = output.Slice(part * groupOutput, groups * groupOutput);");
        writer.Open("if (!inPlace)");
        writer.Line($"FillPaddedInput(source, scratch, groups * {spec.InChannelsPerGroup}, height, width, (int)planeHeight, (int)planeWidth, (int)planeStride);");
        writer.Line("source = scratch;");
        writer.Close();
        writer.Line();
        string weight = !grouped ? "_packedWeight" : $"new global::System.ReadOnlySpan<float>(_packedWeight, firstGroup * {spec.OutChannelsPerGroup} * FanIn, groups * {spec.OutChannelsPerGroup} * FanIn)";
        string bias = !spec.HasBias ? "default" : !grouped ? "_bias" : $"new global::System.ReadOnlySpan<float>(_bias, firstGroup * {spec.OutChannelsPerGroup}, groups * {spec.OutChannelsPerGroup})";
        writer.Line($"{plan.KernelName}(source, {weight}, {bias}, partOutput, staging{(grouped ? ", groups" : "")}{geometry.CallArguments});");
        ActivationEmitter.AfterKernel(writer, spec, "partOutput");
        writer.Close();
        writer.Close();
        writer.Close();
        writer.Open("finally");
        writer.Line("global::System.Buffers.ArrayPool<float>.Shared.Return(buffer);");
        writer.Close();
        writer.Close();
    }

    private static string Signed(long value) => value switch
    {
        0 => "",
        > 0 => $" + {value}",
        _ => $" - {-value}",
    };
}
