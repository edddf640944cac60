using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes how a checked call runs: the scratch layout the kernel reads (<c>ScratchLayout</c>), the split of the
/// call over threads (<c>Run</c>), and the two kinds of part a thread runs: a range of units (one group of one
/// image each) in its own scratch, or, for an ungrouped layer with fewer images than threads, a range of one
/// image's channel tiles reading a padded copy shared by all threads.
/// </summary>
internal static class RunEmitter
{
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        // Whether the taps are gathered straight from the image (with AVX-512), which needs no padded copy.
        bool imageTaps = ImageTapGatherEmitter.Windows(spec, plan) is not null;
        Layout(writer, spec, plan, imageTaps);
        writer.Line();
        Run(writer, spec, plan);
        writer.Line();
        RunUnits(writer, spec, plan, imageTaps);
        if (spec.Groups == 1)
        {
            writer.Line();
            FillChannels(writer, spec, plan, imageTaps);
            writer.Line();
            RunTiles(writer, spec, plan);
        }
    }

    /// <summary>The scratch layout, computed at run time from the sizes (<see cref="ScratchSize"/> evaluates the same arithmetic for a
    /// fixed size: KernelGeometry's constants and the summary's scratch).</summary>
    private static void Layout(SourceWriter writer, ConvSpec spec, KernelPlan plan, bool imageTaps)
    {
        int phases = spec.StrideHeight * spec.StrideWidth;
        writer.Line($"// Scratch of one part of a call: a batch of groups, each {spec.InChannelsPerGroup} channel(s) x {phases} stride-phase plane(s) of planeHeight x planeWidth");
        writer.Line("// (the padded image's rows and columns split by the stride), each followed by a guard of the widest tap shift plus");
        writer.Line("// one vector; then staging for one channel tile when the kernel sweeps a plane flat and drops the pitch's extra columns.");
        if (plan.GathersTaps)
        {
            writer.Line($"// The kernel reads the taps gathered from the planes: {spec.FanIn} rows of {plan.GatheredRowStride} floats after the planes, no staging.");
        }

        using (writer.Block("private readonly struct ScratchLayout"))
        {
            writer.Line("public readonly long PlaneHeight, PlaneWidth, PlaneStride;");
            writer.Line("public readonly bool InPlace; // the kernel reads the input itself");
            writer.Line("public readonly int BatchGroups; // groups filled and run per kernel call");
            writer.Line($"public readonly double InputLength, {(plan.GathersTaps ? "TapsLength, " : "")}StagingLength; // floats, each a multiple of a cache line (16 floats)");
            writer.Line();
            using (writer.Block("public ScratchLayout(int height, int width, int outputHeight, int outputWidth)"))
            {
                writer.Line($"PlaneHeight = ((long)height + {spec.PadTop + spec.PadBottom + spec.StrideHeight - 1}) / {spec.StrideHeight};");
                writer.Line($"PlaneWidth = ((long)width + {spec.PadLeft + spec.PadRight + spec.StrideWidth - 1}) / {spec.StrideWidth};");
                if (plan.ReadsInputInPlace)
                {
                    writer.Line("// A 1x1 unpadded layer reads the input in place unless the image is smaller than a vector.");
                    writer.Line("InPlace = (long)height * width >= WidestVector;");
                    writer.Line("PlaneStride = InPlace ? (long)height * width : (PlaneHeight * PlaneWidth) + MaxTapShift + WidestVector;");
                }
                else
                {
                    writer.Line("InPlace = false;");
                    writer.Line("PlaneStride = (PlaneHeight * PlaneWidth) + MaxTapShift + WidestVector;");
                }

                if (spec.Groups > 1)
                {
                    writer.Line("// Groups go to the kernel in batches whose scratch fits the cache budget: each batch is filled right before");
                    writer.Line("// the kernel reads it, and many small groups (depthwise on small images) share one fill and one kernel call.");
                    writer.Line($"BatchGroups = InPlace ? {spec.Groups} : (int)global::System.Math.Clamp(GroupBatchFloats / ({(long)spec.InChannelsPerGroup * phases} * PlaneStride), 1, {spec.Groups});");
                }
                else
                {
                    writer.Line("BatchGroups = 1;");
                }

                string noCopy = "InPlace";
                if (imageTaps)
                {
                    writer.Line("// With AVX-512 the taps are gathered straight from the image: no padded copy.");
                    noCopy += " || global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported";
                }

                writer.Line($"InputLength = {noCopy} ? 0 : CacheLines(BatchGroups * {(long)spec.InChannelsPerGroup * phases}d * PlaneStride);");
                if (plan.GathersTaps)
                {
                    writer.Line($"TapsLength = {(long)spec.FanIn * plan.GatheredRowStride};");
                    writer.Line("StagingLength = 0;");
                }
                else
                {
                    writer.Line($"StagingLength = PlaneWidth == outputWidth ? 0 : CacheLines({plan.ChannelTile}d * outputHeight * PlaneWidth);");
                }
            }

            writer.Line();
            writer.Line("/// <summary>Floats of the scratch of one part that runs whole units.</summary>");
            writer.Line($"public double PartLength => InputLength + {(plan.GathersTaps ? "TapsLength + " : "")}StagingLength;");
            writer.Line();
            writer.Line("private static double CacheLines(double floats) => global::System.Math.Ceiling(floats / 16) * 16;");
        }
    }

    private static void Run(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        writer.Line("// Splits a call over threads: whole units (groups of images) per thread, or one image's channel tiles per thread");
        writer.Line("// when an ungrouped layer has fewer images than threads. Scratch comes from the shared array pool.");
        using (writer.Block($"private void Run({ReadOnlySpan} input, {Span} output, int batch, int height, int width, int outputHeight, int outputWidth, int degreeOfParallelism)"))
        {
            writer.Line($"int threads = global::ConvGen.ForwardParts.Threads(degreeOfParallelism, (double)batch * OutChannels * outputHeight * outputWidth * FanIn, MinimumWorkPerThread);");
            writer.Line("var layout = new ScratchLayout(height, width, outputHeight, outputWidth);");
            if (spec.Groups == 1)
            {
                writer.Line("bool splitTiles = threads > batch;");
                writer.Line($"threads = splitTiles ? global::System.Math.Min(threads, {plan.Tiles}) : threads;");
                writer.Line($"double bufferLength = splitTiles ? {BeforeStaging(plan)} + (threads * layout.StagingLength) : threads * layout.PartLength;");
            }
            else
            {
                writer.Line($"threads = (int)global::System.Math.Min(threads, (long)batch * {spec.Groups});");
                writer.Line("double bufferLength = threads * layout.PartLength;");
            }

            writer.Line("float[] buffer = global::System.Buffers.ArrayPool<float>.Shared.Rent(global::ConvGen.LayerChecks.ScratchLength(bufferLength));");
            using (writer.Block("try"))
            {
                writer.Line($"var scratch = new {Span}(buffer, 0, (int)bufferLength);");
                writer.Line($"// Parts of whole units, four per thread (claimed one by one, so a thread that starts late still takes its share).");
                writer.Line($"var shape = new global::ConvGen.ForwardShape(batch, height, width, outputHeight, outputWidth, (int)global::System.Math.Min((long)batch{(spec.Groups > 1 ? $" * {spec.Groups}" : "")}, 4L * threads), threads);");
                using (writer.Block("if (threads == 1)"))
                {
                    writer.Line($"RunUnits(input, output, scratch, shape, layout, 0, batch{(spec.Groups > 1 ? $" * {spec.Groups}" : "")});");
                }

                if (spec.Groups == 1)
                {
                    using (writer.Block("else if (splitTiles)"))
                    {
                        writer.Line("int imageInput = InChannels * height * width, imageOutput = OutChannels * outputHeight * outputWidth;");
                        writer.Line("// Parts of one or more whole tiles: two per thread, so a thread that starts late still takes its share, or one per");
                        writer.Line("// thread when the input spans several bands (each part re-reads every band: from memory, once the input is that large).");
                        writer.Line($"var tileShape = shape with {{ Parts = layout.InputLength > 4 * BandInputFloats ? threads : global::System.Math.Min({plan.Tiles}, 2 * threads) }};");
                        writer.Line($"var fillShape = shape with {{ Parts = global::System.Math.Min(InChannels, 2 * threads) }};");
                        using (writer.Block("for (int image = 0; image < batch; image++)"))
                        {
                            writer.Line($"// The image's padded copy{(plan.GathersTaps ? " and its gathered taps" : "")}, made once; then every thread runs its share of the channel tiles on it.");
                            writer.Line("global::System.ReadOnlySpan<float> source = input.Slice(image * imageInput, imageInput);");
                            using (writer.Block("if (!layout.InPlace)"))
                            {
                                writer.Line("global::ConvGen.ForwardParts.Run(this, source, default, scratch, fillShape,");
                                writer.Line("    static (layer, source, _, scratch, in shape, part, _) => FillChannels(source, scratch, shape, part));");
                            }

                            writer.Line();
                            writer.Line("global::ConvGen.ForwardParts.Run(this, source, output.Slice(image * imageOutput, imageOutput), scratch, tileShape,");
                            writer.Line("    static (layer, source, output, scratch, in shape, part, thread) => layer.RunTiles(source, output, scratch, shape, part, thread));");
                        }
                    }
                }

                UnitParts(writer, "new ScratchLayout(shape.Height, shape.Width, shape.OutputHeight, shape.OutputWidth)", $"(long)shape.Batch{(spec.Groups > 1 ? $" * {spec.Groups}" : "")}", "RunUnits");
            }

            ReturnScratch(writer);
        }
    }

    /// <summary>The last branch of a Run's try: the call's units split into parts over the threads, each part in its thread's
    /// slice of the scratch (<paramref name="layout"/> and <paramref name="units"/>: the part's expressions for the layout and
    /// the unit count; <paramref name="runUnits"/>: the method that runs them).</summary>
    internal static void UnitParts(SourceWriter writer, string layout, string units, string runUnits)
    {
        using (writer.Block("else"))
        {
            writer.Line("global::ConvGen.ForwardParts.Run(this, input, output, scratch, shape, static (layer, input, output, scratch, in shape, part, thread) =>");
            using (writer.Block("", ");"))
            {
                writer.Line("// Part p runs units [p * units / parts, (p + 1) * units / parts) in its thread's slice of the scratch.");
                writer.Line($"var layout = {layout};");
                writer.Line($"long units = {units};");
                writer.Line("int partLength = (int)layout.PartLength;");
                writer.Line($"layer.{runUnits}(input, output, scratch.Slice(thread * partLength, partLength), shape, layout,");
                writer.Line("    (int)(part * units / shape.Parts), (int)((part + 1) * units / shape.Parts));");
            }
        }
    }

    /// <summary>The end of a Run, after its try: the scratch returned to the pool.</summary>
    internal static void ReturnScratch(SourceWriter writer)
    {
        using (writer.Block("finally"))
        {
            writer.Line("global::System.Buffers.ArrayPool<float>.Shared.Return(buffer);");
        }
    }

    /// <summary>Units [firstUnit, endUnit) in one thread: fill a batch of groups, run the kernel on it, and go on.</summary>
    private static void RunUnits(SourceWriter writer, ConvSpec spec, KernelPlan plan, bool imageTaps)
    {
        var geometry = new KernelGeometry(spec, plan);
        bool grouped = spec.Groups > 1;
        writer.Line($"// Runs units firstUnit to endUnit - 1 of a call ({(grouped ? "a unit is one group of one image" : "a unit is one image")}) in one thread and one part's scratch.");
        using (writer.Block($"private void RunUnits({ReadOnlySpan} input, {Span} output, {Span} scratch, in global::ConvGen.ForwardShape shape, in ScratchLayout layout, int firstUnit, int endUnit)"))
        {
            writer.Line("int height = shape.Height, width = shape.Width, outputHeight = shape.OutputHeight, outputWidth = shape.OutputWidth;");
            writer.Line("long planeWidth = layout.PlaneWidth, planeStride = layout.PlaneStride;");
            writer.Line($"{Span} copy = scratch.Slice(0, (int)layout.InputLength);");
            if (plan.GathersTaps)
            {
                writer.Line($"{Span} taps = scratch.Slice((int)layout.InputLength, (int)layout.TapsLength);");
            }

            writer.Line($"{Span} staging = scratch.Slice({(plan.GathersTaps ? $"(int)({BeforeStaging(plan)})" : "(int)layout.InputLength")}, (int)layout.StagingLength);");
            writer.Line($"int inputPerUnit = {spec.InChannelsPerGroup} * height * width;");
            writer.Line($"int outputPerUnit = {spec.OutChannelsPerGroup} * outputHeight * outputWidth;");
            if (grouped)
            {
                writer.Line("// A batch of groups never crosses an image or the part's end.");
                writer.Line("int groups;");
            }
            else
            {
                writer.Line("const int groups = 1;");
            }

            using (writer.Block(grouped ? "for (int unit = firstUnit; unit < endUnit; unit += groups)" : "for (int unit = firstUnit; unit < endUnit; unit++)"))
            {
                if (grouped)
                {
                    writer.Line($"int firstGroup = unit % {spec.Groups};");
                    writer.Line($"groups = global::System.Math.Min(layout.BatchGroups, global::System.Math.Min(endUnit - unit, {spec.Groups} - firstGroup));");
                }

                writer.Line($"{ReadOnlySpan} source = input.Slice(unit * inputPerUnit, groups * inputPerUnit);");
                writer.Line($"{Span} unitOutput = output.Slice(unit * outputPerUnit, groups * outputPerUnit);");
                string fill = $"FillPaddedInput(source, copy, groups * {spec.InChannelsPerGroup}, height, width, (int)layout.PlaneHeight, (int)planeWidth, (int)planeStride);";
                if (!plan.GathersTaps)
                {
                    using (writer.Block("if (!layout.InPlace)"))
                    {
                        writer.Line(fill);
                        writer.Line("source = copy;");
                    }
                }
                else if (!imageTaps)
                {
                    writer.Line(fill);
                    writer.Line("GatherTaps(copy, taps, 0, InChannels);");
                    writer.Line("source = taps;");
                }
                else
                {
                    writer.Line("// With AVX-512 the taps come straight from the image; otherwise from its padded copy.");
                    using (writer.Block("if (global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported)"))
                    {
                        writer.Line("GatherImageTaps(source, taps, 0, InChannels);");
                    }

                    using (writer.Block("else"))
                    {
                        writer.Line(fill);
                        writer.Line("GatherTaps(copy, taps, 0, InChannels);");
                    }

                    writer.Line();
                    writer.Line("source = taps;");
                }
                writer.Line();
                string weight = !grouped ? "_packedWeight" : $"new {ReadOnlySpan}(_packedWeight, firstGroup * {spec.OutChannelsPerGroup} * FanIn, groups * {spec.OutChannelsPerGroup} * FanIn)";
                string bias = !spec.HasBias ? "default" : !grouped ? "_bias" : $"new {ReadOnlySpan}(_bias, firstGroup * {spec.OutChannelsPerGroup}, groups * {spec.OutChannelsPerGroup})";
                writer.Line($"{plan.KernelName}(source, {weight}, {bias}, unitOutput, staging{(grouped ? ", groups" : $", 0, {plan.Tiles}")}{geometry.CallArguments});");
                ActivationEmitter.AfterKernel(writer, spec, "unitOutput");
            }
        }
    }

    /// <summary>One thread's share of the padded copy of an image (ungrouped layers split by channel tiles).</summary>
    private static void FillChannels(SourceWriter writer, ConvSpec spec, KernelPlan plan, bool imageTaps)
    {
        int phases = spec.StrideHeight * spec.StrideWidth;
        writer.Line($"// Fills part p of an image's padded copy{(plan.GathersTaps ? " and gathers its taps" : "")}: input channels [p * InChannels / parts, (p + 1) * InChannels / parts).");
        using (writer.Block($"private static void FillChannels({ReadOnlySpan} image, {Span} scratch, in global::ConvGen.ForwardShape shape, int part)"))
        {
            writer.Line("var layout = new ScratchLayout(shape.Height, shape.Width, shape.OutputHeight, shape.OutputWidth);");
            writer.Line("int first = part * InChannels / shape.Parts, end = (part + 1) * InChannels / shape.Parts;");
            if (imageTaps)
            {
                using (writer.Block("if (global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported)"))
                {
                    writer.Line("GatherImageTaps(image, scratch.Slice((int)layout.InputLength, (int)layout.TapsLength), first, end);");
                    writer.Line("return;");
                }

                writer.Line();
            }

            writer.Line("int channelInput = shape.Height * shape.Width, channelPlanes = " + (phases == 1 ? "" : $"{phases} * ") + "(int)layout.PlaneStride;");
            writer.Line("FillPaddedInput(image.Slice(first * channelInput, (end - first) * channelInput), scratch.Slice(first * channelPlanes, (end - first) * channelPlanes),");
            writer.Line("    end - first, shape.Height, shape.Width, (int)layout.PlaneHeight, (int)layout.PlaneWidth, (int)layout.PlaneStride);");
            if (plan.GathersTaps)
            {
                writer.Line("GatherTaps(scratch.Slice(0, (int)layout.InputLength), scratch.Slice((int)layout.InputLength, (int)layout.TapsLength), first, end);");
            }
        }
    }

    /// <summary>One thread's share of an image's channel tiles (ungrouped layers only).</summary>
    private static void RunTiles(SourceWriter writer, ConvSpec spec, KernelPlan plan)
    {
        var geometry = new KernelGeometry(spec, plan);
        writer.Line($"// Runs part p of one image's {plan.Tiles} channel tile(s), tiles [p * {plan.Tiles} / parts, (p + 1) * {plan.Tiles} / parts), on the padded copy");
        writer.Line("// at the start of the scratch (or the image itself), with the running thread's own staging after it.");
        using (writer.Block($"private void RunTiles({ReadOnlySpan} image, {Span} output, {Span} scratch, in global::ConvGen.ForwardShape shape, int part, int thread)"))
        {
            writer.Line("var layout = new ScratchLayout(shape.Height, shape.Width, shape.OutputHeight, shape.OutputWidth);");
            writer.Line("int outputHeight = shape.OutputHeight, outputWidth = shape.OutputWidth;");
            writer.Line("long planeWidth = layout.PlaneWidth, planeStride = layout.PlaneStride;");
            writer.Line($"int firstTile = part * {plan.Tiles} / shape.Parts, endTile = (part + 1) * {plan.Tiles} / shape.Parts;");
            writer.Line(plan.GathersTaps
                ? $"{ReadOnlySpan} source = scratch.Slice((int)layout.InputLength, (int)layout.TapsLength);"
                : $"{ReadOnlySpan} source = layout.InPlace ? image : scratch.Slice(0, (int)layout.InputLength);");
            writer.Line($"{Span} staging = scratch.Slice((int)({BeforeStaging(plan)} + (thread * layout.StagingLength)), (int)layout.StagingLength);");
            writer.Line($"{plan.KernelName}(source, _packedWeight, {(spec.HasBias ? "_bias" : "default")}, output, staging, firstTile, endTile{geometry.CallArguments});");
            if (spec.Activation != ActivationKind.None && !ActivationEmitter.IsInRegister(spec.Activation))
            {
                writer.Line($"int firstChannel = firstTile * {plan.ChannelTile}, endChannel = global::System.Math.Min(endTile * {plan.ChannelTile}, OutChannels);");
                writer.Line($"{Span} partOutput = output.Slice(firstChannel * outputHeight * outputWidth, (endChannel - firstChannel) * outputHeight * outputWidth);");
                ActivationEmitter.AfterKernel(writer, spec, "partOutput");
            }
        }
    }

    /// <summary>Floats of the scratch before the staging: the padded copy, then the gathered taps if any.</summary>
    private static string BeforeStaging(KernelPlan plan) => plan.GathersTaps ? "layout.InputLength + layout.TapsLength" : "layout.InputLength";
}
