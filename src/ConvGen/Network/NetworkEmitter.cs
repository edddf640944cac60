using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ConvGen.Generator.Emitting;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Network;

/// <summary>
/// Writes the files of one [OnnxModel] class: the network (constants, the constructors that read its weights from
/// the model at run time, the planned <c>Forward</c>, whose steps call the runtime's operator cores with shape constants,
/// the pooling windows and resize tables they pass, <c>ILayer</c>),
/// and one nested generated convolution per Conv (through <see cref="LayerEmitter"/>, with the input size fixed so
/// every spatial extent is a constant). No weight value is written into the source.
/// </summary>
internal static class NetworkEmitter
{
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    private const string Primitives = "global::System.Numerics.Tensors.TensorPrimitives";
    private const string Operators = "global::ConvGen.Operators";

    // Fully optimised from the first call, as the kernels are: a network is called few times in short runs, and
    // tier-0 code for Forward would be slower until tiering catches up (the operator cores carry the attribute too).
    private const string AggressiveOptimization =
        "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    public static IEnumerable<(string HintName, string Source)> Emit(NetworkSource source)
    {
        var (target, graph) = (source.Target, source.Graph);
        var plan = BufferPlanner.Plan(graph);
        yield return (target.HintName, Network(target, source.ModelPath, graph, plan));
        var nested = new EquatableArray<ContainingType>([.. target.ContainingTypes, new ContainingType(target.Keyword, target.Name)]);
        foreach (var conv in graph.Steps.OfType<ConvStep>().GroupBy(step => step.ClassName).Select(steps => steps.First()))
        {
            yield return (target.FullName + "." + conv.ClassName + ".g.cs",
                LayerEmitter.Emit(new TargetType(target.Namespace, conv.ClassName, "class", nested), conv.Spec, LayerSurface.NetworkStep));
        }

        foreach (var transposed in graph.Steps.OfType<ConvTransposeStep>().GroupBy(step => step.ClassName).Select(steps => steps.First()))
        {
            foreach (var file in TransposedLayerEmitter.Emit(new TargetType(target.Namespace, transposed.ClassName, "class", nested), transposed.Spec))
            {
                yield return file;
            }
        }
    }

    private static string Network(TargetType target, string modelPath, NetworkGraph graph, BufferPlan plan)
    {
        var writer = new SourceWriter();
        using (GeneratedFile.Open(writer, target, $"[OnnxModel(\"{graph.FileName}\")] on {target.FullName}: the network"))
        {
            var input = graph.Input;
            long weightBytes = graph.ParameterCount * 4;
            writer.Line("/// <summary>");
            writer.Line($"/// The ONNX model <c>{Xml(graph.FileName)}</c> (opset {graph.Opset}) compiled by ConvGen: {Describe(graph)}.");
            string outputs = string.Join(", ", graph.Outputs.Select(o => $"<c>{Xml(o.OnnxName)}</c>{(graph.SingleOutput ? " is" : "")} {graph.Values[o.Value].ShapeText}"));
            writer.Line($"/// Input <c>{Xml(graph.InputName)}</c> is {input.ShapeText} float32, output{(graph.SingleOutput ? "" : "s")} {outputs}; N, the batch, is any positive number.");
            foreach (string fact in NetworkFacts.Lines(graph, plan))
            {
                writer.Line($"/// {fact}");
            }

            writer.Line($"/// </summary>");
            writer.Line("/// <remarks>");
            writer.Line($"/// The {graph.ParameterCount:N0} weights ({weightBytes / 1024.0:0.#} KB after batch norms fold into the convolutions) are read at");
            writer.Line($"/// construction from the model: <c>new {target.Name}()</c> reads the <c>{Xml(graph.FileName)}</c> embedded in this assembly (the");
            writer.Line("/// ConvGen package embeds every .onnx AdditionalFiles item), <c>new(stream)</c> and <c>Load(path)</c> another export of the");
            writer.Line("/// same architecture, every tensor checked by name and shape first. Intermediate results live in buffers planned at");
            writer.Line("/// compile time, one set per call in flight: <c>Forward</c> may run on any number of threads at once, and allocates");
            writer.Line("/// nothing once every concurrent call has had a set that holds its batch.");
            writer.Line("/// </remarks>");
            writer.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"{LayerEmitter.GeneratorName}\", \"{LayerEmitter.GeneratorVersion}\")]");
            using (writer.Block($"partial {target.Keyword} {target.Name}{(graph.SingleOutput ? " : global::ConvGen.ILayer" : "")}"))
            {
                Constants(writer, graph, plan);
                writer.Line();
                Fields(writer, modelPath, graph, plan);
                writer.Line();
                Constructor(writer, target, graph);
                writer.Line();
                Forward(writer, graph, plan);
                writer.Line();
                LayerInterface(writer, graph);
                foreach (var step in graph.Steps)
                {
                    switch (step)
                    {
                        case PoolStep pool:
                            writer.Line();
                            Pool(writer, graph, pool);
                            break;
                        case ResizeStep resize:
                            writer.Line();
                            Resize(writer, graph, resize);
                            break;
                        case LinearResizeStep linear:
                            writer.Line();
                            LinearResizeTables(writer, graph, linear);
                            break;
                        case BroadcastStep { Left: < 0 } or BroadcastStep { Right: < 0 }:
                            var constant = (BroadcastStep)step;
                            writer.Line();
                            writer.Line($"// {Xml(constant.Node)}: the constant operand, {constant.Constant.Count} value{(constant.Constant.Count == 1 ? "" : "s")}.");
                            writer.Line($"private static global::System.ReadOnlySpan<float> {BroadcastConstantName(graph, constant)} => new float[] {{ {string.Join(", ", constant.Constant.Select(Literal))} }};");
                            break;
                    }
                }
            }
        }

        return writer.ToString();
    }

    private static void Constants(SourceWriter writer, NetworkGraph graph, BufferPlan plan)
    {
        writer.Line("/// <summary>Values per sample of the input: " + string.Join(" x ", graph.Input.Shape) + ".</summary>");
        writer.Line($"public const int InputSize = {graph.Input.SampleSize};");
        writer.Line();
        foreach (var output in graph.Outputs)
        {
            var value = graph.Values[output.Value];
            writer.Line($"/// <summary>Values per sample of the output{OutputName(graph, output)}: {string.Join(" x ", value.Shape)}.</summary>");
            writer.Line($"public const int {output.Identifier}Size = {value.SampleSize};");
            writer.Line();
        }

        writer.Line("/// <summary>Learnable parameters after folding (convolution weights and biases, dense layers, unfolded batch norms).</summary>");
        writer.Line($"public const int ParameterCount = {graph.ParameterCount};");
        writer.Line();
        writer.Line("/// <summary>The shape of one input sample (the input is [batch, ..InputShape]).</summary>");
        writer.Line($"public static global::System.ReadOnlySpan<int> InputShape => new int[] {{ {string.Join(", ", graph.Input.Shape)} }};");
        writer.Line();
        foreach (var output in graph.Outputs)
        {
            writer.Line($"/// <summary>The shape of one sample of the output{OutputName(graph, output)} (it is [batch, ..{output.Identifier}Shape]).</summary>");
            writer.Line($"public static global::System.ReadOnlySpan<int> {output.Identifier}Shape => new int[] {{ {string.Join(", ", graph.Values[output.Value].Shape)} }};");
            writer.Line();
        }

        if (graph.SingleOutput)
        {
            var (convolutions, dense) = NetworkFacts.MultiplyAdds(graph);
            writer.Line("// Multiply-adds per sample, which decide how many threads a batch splits over.");
            writer.Line($"private const double MultiplyAddsPerSample = {convolutions + dense};");
            writer.Line();
        }

        writer.Line("// Intermediate buffers, in values per sample; values whose lifetimes do not overlap share a buffer.");
        for (int b = 0; b < plan.BufferSizes.Length; b++)
        {
            writer.Line($"private const int Buffer{b}Size = {plan.BufferSizes[b]};");
        }
    }

    private static void Fields(SourceWriter writer, string modelPath, NetworkGraph graph, BufferPlan plan)
    {
        writer.Line("// The model as [OnnxModel] names it: its weights are the embedded resource ConvGen/<path> whose path ends with this.");
        writer.Line($"private const string ModelPath = {Quote(modelPath)};");
        writer.Line();
        writer.Line("// Every tensor the network reads from the model, with the shape it was compiled for.");
        writer.Line("private static readonly (string Name, long[] Shape)[] WeightShapes =");
        writer.Line("{");
        foreach (var tensor in graph.Tensors)
        {
            writer.Line($"    ({Quote(tensor.Name)}, new long[] {{ {string.Join(", ", tensor.Shape)} }}),");
        }

        writer.Line("};");
        writer.Line();
        foreach (var step in graph.Steps)
        {
            switch (step)
            {
                case ConvStep conv:
                    writer.Line($"// {Xml(conv.Node)}.");
                    writer.Line($"private readonly {conv.ClassName} _{conv.Field};");
                    break;
                case ConvTransposeStep transposed:
                    writer.Line($"// {Xml(transposed.Node)}.");
                    writer.Line($"private readonly {transposed.ClassName} _{transposed.Field};");
                    break;
                case DenseStep dense:
                    writer.Line($"// {Xml(dense.Node)}: the [{dense.OutFeatures}, {dense.InFeatures}] (out, in) dense weight packed by Dense.Pack{(dense.Bias is null ? "" : ", and its bias")}.");
                    writer.Line($"private readonly float[] {Field(dense, "Weight")};");
                    if (dense.Bias is not null)
                    {
                        writer.Line($"private readonly float[] {Field(dense, "Bias")};");
                    }

                    break;
                case LayerNormStep norm:
                    writer.Line($"// {Xml(norm.Node)}: the layer norm's scale{(norm.Bias is null ? "" : " and bias")}, {norm.Length} values each.");
                    writer.Line($"private readonly float[] {Field(norm, "Scale")};");
                    if (norm.Bias is not null)
                    {
                        writer.Line($"private readonly float[] {Field(norm, "Bias")};");
                    }

                    break;
                case ScaleShiftStep scale:
                    writer.Line($"// {Xml(scale.Node)}: the batch norm's scale and shift per channel.");
                    writer.Line($"private readonly float[] {Field(scale, "Scale")};");
                    writer.Line($"private readonly float[] {Field(scale, "Shift")};");
                    break;
            }
        }

        if (plan.BufferSizes.Length > 0)
        {
            writer.Line("// The intermediate buffers, one set per call in flight.");
            var sizes = Enumerable.Range(0, plan.BufferSizes.Length).Select(b => $"Buffer{b}Size");
            writer.Line($"private readonly global::ConvGen.NetworkBuffers _buffers = new({string.Join(", ", sizes)});");
        }
    }

    private static void Constructor(SourceWriter writer, TargetType target, NetworkGraph graph)
    {
        const string Weights = "global::ConvGen.NetworkWeights";
        writer.Line($"/// <summary>Creates the network with the trained weights of <c>{Xml(graph.FileName)}</c>, the model it was compiled from, embedded in this assembly.</summary>");
        writer.Line("/// <exception cref=\"global::System.InvalidOperationException\">The assembly does not embed the model (see <see cref=\"global::ConvGen.NetworkWeights\"/>).</exception>");
        writer.Line($"public {target.Name}()");
        writer.Line($"    : this({Weights}.FromResource(typeof({target.Name}).Assembly, ModelPath, WeightShapes))");
        writer.Line("{");
        writer.Line("}");

        writer.Line();
        writer.Line("/// <summary>Creates the network with the weights of an ONNX model read from <paramref name=\"onnx\"/>: another export of the");
        writer.Line("/// same architecture (a fine-tuned one), whose every tensor is checked by name and shape before anything is built.</summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The bytes are not an ONNX model, or they lack a tensor the network reads or");
        writer.Line("/// hold it with another shape (the message names the first such tensor, expected and actual).</exception>");
        writer.Line($"public {target.Name}(global::System.IO.Stream onnx)");
        writer.Line($"    : this({Weights}.Read(onnx, WeightShapes))");
        writer.Line("{");
        writer.Line("}");

        writer.Line();
        writer.Line("/// <summary>Creates the network with the weights of the ONNX model in <paramref name=\"path\"/> (see the stream constructor).</summary>");
        writer.Line($"public static {target.Name} Load(string path) => new {target.Name}({Weights}.Read(path, WeightShapes));");
        writer.Line();
        writer.Line("// Builds every step that holds weights from the checked tensors: batch norms fold into convolutions here (float64).");
        using (writer.Block($"private {target.Name}({Weights} weights)"))
        {
            foreach (var step in graph.Steps)
            {
                switch (step)
                {
                    case ConvStep conv:
                        if (conv.BatchNorm is { } bn)
                        {
                            writer.Line($"// {Xml(conv.Node)}: weight {Quote(conv.Weight)}{(conv.Bias is null ? "" : $", bias {Quote(conv.Bias)}")}, batch norm folded in.");
                            writer.Line($"var {conv.Field} = weights.FoldBatchNorm({Quote(conv.Weight)}, {(conv.Bias is null ? "null" : Quote(conv.Bias))}, {BatchNormArguments(bn)});");
                            writer.Line($"_{conv.Field} = new {conv.ClassName}({conv.Field}.Weight, {conv.Field}.Bias);");
                        }
                        else
                        {
                            string bias = conv.Bias is null ? "" : $", weights.Tensor({Quote(conv.Bias)})";
                            writer.Line($"_{conv.Field} = new {conv.ClassName}(weights.Tensor({Quote(conv.Weight)}){bias});");
                        }

                        break;
                    case ConvTransposeStep transposed:
                        string transposedBias = transposed.Bias is null ? "" : $", weights.Tensor({Quote(transposed.Bias)})";
                        writer.Line($"_{transposed.Field} = new {transposed.ClassName}(weights.Tensor({Quote(transposed.Weight)}){transposedBias});");
                        break;
                    case DenseStep dense:
                        writer.Line($"// {Xml(dense.Node)}: {(dense.WeightIsOutByIn ? "weight" : "weight transposed")} {Quote(dense.Weight)}{(dense.Bias is null ? "" : $", bias {Quote(dense.Bias)}")}.");
                        writer.Line($"{Field(dense, "Weight")} = weights.DenseWeight({Quote(dense.Weight)}, outerIsOutput: {(dense.WeightIsOutByIn ? "true" : "false")}, {dense.OutFeatures}, {dense.InFeatures}, alpha: {Literal(dense.Alpha)});");
                        if (dense.Bias is not null)
                        {
                            writer.Line($"{Field(dense, "Bias")} = weights.DenseBias({Quote(dense.Bias)}, {dense.OutFeatures}, beta: {Literal(dense.Beta)});");
                        }

                        break;
                    case LayerNormStep norm:
                        writer.Line($"{Field(norm, "Scale")} = weights.Tensor({Quote(norm.Scale)});");
                        if (norm.Bias is not null)
                        {
                            writer.Line($"{Field(norm, "Bias")} = weights.Tensor({Quote(norm.Bias)});");
                        }

                        break;
                    case ScaleShiftStep scale:
                        writer.Line($"// {Xml(scale.Node)}: a batch norm on its own, as a scale and shift per channel.");
                        writer.Line($"({Field(scale, "Scale")}, {Field(scale, "Shift")}) = weights.ScaleShift({BatchNormArguments(scale.Tensors)});");
                        break;
                }
            }
        }
    }

    private static string BatchNormArguments(BatchNormTensors bn) =>
        $"{Quote(bn.Scale)}, {Quote(bn.Shift)}, {Quote(bn.Mean)}, {Quote(bn.Variance)}, epsilon: {Literal(bn.Epsilon)}";

    private static void Forward(SourceWriter writer, NetworkGraph graph, BufferPlan plan)
    {
        writer.Line("/// <summary>Runs the whole network on <paramref name=\"batch\"/> samples; allocates nothing once the buffers hold that batch.</summary>");
        writer.Line($"/// <param name=\"input\">batch x InputSize values: {graph.Input.ShapeText} row-major.</param>");
        foreach (var output in graph.Outputs)
        {
            writer.Line($"/// <param name=\"{output.Parameter}\">{(graph.SingleOutput ? "" : $"Output <c>{Xml(output.OnnxName)}</c>: ")}batch x {output.Identifier}Size values: {graph.Values[output.Value].ShapeText} row-major, overwritten.</param>");
        }

        writer.Line("/// <param name=\"batch\">The number of samples, at least 1.</param>");
        if (graph.SingleOutput)
        {
            writer.Line("/// <param name=\"degreeOfParallelism\">Threads the call may use: 0 (the default) decides from its work, 1 keeps the calling thread");
            writer.Line("/// only, n uses up to n. A batch splits into runs of samples, one per thread, each through the whole network; a single");
            writer.Line("/// sample splits each convolution instead (the other steps run on the calling thread).</param>");
        }
        else
        {
            writer.Line("/// <param name=\"degreeOfParallelism\">Threads each convolution may use: 0 (the default) lets each decide from its work, 1 keeps");
            writer.Line("/// the calling thread only, n uses up to n; the other steps run on the calling thread.</param>");
        }

        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The batch is not positive, a span does not hold exactly batch samples,");
        writer.Line("/// or <paramref name=\"degreeOfParallelism\"/> is negative.</exception>");
        writer.Line(AggressiveOptimization);
        string spans = string.Concat(graph.Outputs.Select(o => $", {Span} {o.Parameter}"));
        using (writer.Block($"public void Forward({ReadOnlySpan} input{spans}, int batch, int degreeOfParallelism = 0)"))
        {
            writer.Line("global::System.ArgumentOutOfRangeException.ThrowIfNegative(degreeOfParallelism);");
            using (writer.Block("if (batch < 1)"))
            {
                writer.Line("throw new global::System.ArgumentOutOfRangeException(nameof(batch), batch, \"the batch must be at least 1.\");");
            }

            writer.Line();
            using (writer.Block("if (input.Length != (long)batch * InputSize)"))
            {
                writer.Line($"throw new global::System.ArgumentException($\"input has {{input.Length}} values, but a batch of {{batch}} needs {{(long)batch * InputSize}} ({{batch}} x {graph.Input.ShapeText.Substring(4, graph.Input.ShapeText.Length - 5)}).\", nameof(input));");
            }

            writer.Line();
            foreach (var output in graph.Outputs)
            {
                var (span, size, shape) = (output.Parameter, output.Identifier + "Size", graph.Values[output.Value].ShapeText);
                using (writer.Block($"if ({span}.Length != (long)batch * {size})"))
                {
                    writer.Line($"throw new global::System.ArgumentException($\"{span} has {{{span}.Length}} values, but a batch of {{batch}} needs {{(long)batch * {size}}} ({{batch}} x {shape.Substring(4, shape.Length - 5)}).\", nameof({span}));");
                }

                writer.Line();
            }
            if (graph.SingleOutput)
            {
                writer.Line("// A batch over several threads: each runs a share of the samples through the whole network on its own.");
                writer.Line("int parts = global::ConvGen.NetworkBatches.Parts(batch, degreeOfParallelism, MultiplyAddsPerSample);");
                using (writer.Block("if (parts > 1)"))
                {
                    using (writer.Block($"global::ConvGen.ForwardParts.Run(this, input, {graph.Outputs[0].Parameter}, default, new global::ConvGen.ForwardShape(batch, 0, 0, 0, 0, parts, parts), static (network, samples, results, _, in shape, part, _) =>", ");"))
                    {
                        writer.Line("var (first, count) = global::ConvGen.NetworkBatches.Share(shape, part);");
                        writer.Line($"network.Forward(samples.Slice(first * InputSize, count * InputSize), results.Slice(first * {graph.Outputs[0].Identifier}Size, count * {graph.Outputs[0].Identifier}Size), count, degreeOfParallelism: 1);");
                    }

                    writer.Line("return;");
                }

                writer.Line();
            }

            bool buffered = plan.BufferSizes.Length > 0;
            if (buffered)
            {
                writer.Line("// This call's set of intermediate buffers, given back when it ends (other threads run with sets of their own).");
                writer.Line("var buffers = _buffers.Rent(batch);");
            }

            // The steps, in a try whose finally gives the buffers back when there are any.
            using (buffered ? writer.Block("try") : null)
            {
                var declared = new HashSet<int> { 0 };
                writer.Line($"// {Xml(graph.InputName)}: {graph.Input.ShapeText}");
                writer.Line($"{ReadOnlySpan} v0 = input;");
                var placement = plan.Placement;
                for (int s = 0; s < graph.Steps.Count; s++)
                {
                    var step = graph.Steps[s];
                    writer.Line();
                    foreach (int read in step.Inputs)
                    {
                        Declare(writer, graph, plan, read, declared);
                    }

                    Declare(writer, graph, plan, step.Output, declared);
                    if (placement.PerImage[s])
                    {
                        var sliced = step.Inputs.Append(step.Output).Distinct().Where(value => !placement.Slices[value].Whole);
                        writer.Line($"// Image by image: {string.Join(", ", sliced.Select(value => $"the images of v{value} are {placement.Slices[value].Stride} values apart in v{placement.Slices[value].In}"))}.");
                        using (writer.Block("for (int image = 0; image < batch; image++)"))
                        {
                            Step(writer, graph, step, value => ImageSpan(placement.Slices[value], value), "1", placement.Copies[s]);
                        }
                    }
                    else
                    {
                        Step(writer, graph, step, value => "v" + value, "batch", placement.Copies[s]);
                    }
                }
            }

            if (buffered)
            {
                using (writer.Block("finally"))
                {
                    writer.Line("_buffers.Return(buffers);");
                }
            }
        }
    }

    /// <summary>Declares the span local of <paramref name="value"/> (and of the values it aliases) before first use.</summary>
    private static void Declare(SourceWriter writer, NetworkGraph graph, BufferPlan plan, int value, HashSet<int> declared)
    {
        if (declared.Contains(value))
        {
            return;
        }

        var info = graph.Values[value];
        var slice = plan.Placement.Slices[value];
        if (!slice.Whole)
        {
            Declare(writer, graph, plan, slice.In, declared);
            writer.Line($"// {Xml(info.Name)} (v{value}): {info.ShapeText}, values {slice.Offset} to {slice.Offset + slice.Size - 1} of each {slice.Stride}-value image of v{slice.In} (placed for a concat).");
        }
        else if ((info.AliasOf ?? (slice.In == value ? null : slice.In)) is { } source)
        {
            Declare(writer, graph, plan, source, declared);
            writer.Line($"// {Xml(info.Name)}: {info.ShapeText}, the same memory as v{source}.");
            writer.Line($"var v{value} = v{source};");
        }
        else
        {
            string storage = plan.Kind[value] switch
            {
                Storage.Output => graph.Outputs[plan.Buffer[value]].Parameter,
                Storage.Input => "input",
                _ => $"buffers.Buffer({plan.Buffer[value]}, batch * {info.SampleSize})",
            };
            string where = plan.Kind[value] == Storage.Buffer ? $"buffer {plan.Buffer[value]}" : "the caller's " + storage;
            writer.Line($"// {Xml(info.Name)}: {info.ShapeText} in {where}.");
            writer.Line($"{Span} v{value} = {storage};");
        }

        declared.Add(value);
    }

    /// <summary>The span of one image of <paramref name="value"/>, in a loop over the images.</summary>
    private static string ImageSpan(ImageSlice slice, int value) => slice.Whole
        ? $"v{value}.Slice(image * {slice.Size}, {slice.Size})"
        : $"v{slice.In}.Slice({(slice.Offset == 0 ? $"image * {slice.Stride}" : $"(image * {slice.Stride}) + {slice.Offset}")}, {slice.Size})";

    /// <summary>One step's comment and calls: <paramref name="v"/> names each value's span, <paramref name="batch"/> the images
    /// the calls run on (<c>batch</c>, or <c>1</c> in a loop over the images); a concat copies only the parts <paramref name="copies"/> lists.</summary>
    private static void Step(SourceWriter writer, NetworkGraph graph, NetworkStep step, Func<int, string> v, string batch, int[] copies)
    {
        int x = step.Inputs[0], y = step.Output;
        string X = v(x), Y = v(y);
        var inShape = graph.Values[x].ShapeText;
        var outShape = graph.Values[y].ShapeText;
        switch (step)
        {
            case ConvStep conv:
                var s = conv.Spec;
                string fused = s.Activation == ActivationKind.None ? "" : $", {s.Activation} fused";
                writer.Line($"// {Xml(conv.Node)}: conv {s.InChannels}->{s.OutChannels} {s.KernelHeight}x{s.KernelWidth}{(s.StrideHeight * s.StrideWidth > 1 ? $" stride {s.StrideHeight}x{s.StrideWidth}" : "")}{(s.Groups > 1 ? $" groups {s.Groups}" : "")}{fused}, {inShape} -> {outShape}.");
                writer.Line($"_{conv.Field}.Forward({X}, {Y}, {batch}, degreeOfParallelism);");
                break;
            case ConvTransposeStep transposed:
                var t = transposed.Spec;
                writer.Line($"// {Xml(transposed.Node)}: transposed conv {t.InChannels}->{t.OutChannels} {t.KernelHeight}x{t.KernelWidth} stride {t.StrideHeight}x{t.StrideWidth}{(t.Groups > 1 ? $" groups {t.Groups}" : "")}, {inShape} -> {outShape}.");
                writer.Line($"_{transposed.Field}.Forward({X}, {Y}, {batch}, {t.InputHeight}, {t.InputWidth}, degreeOfParallelism);");
                break;
            case ActivationStep activation:
                writer.Line($"// {Xml(activation.Node)}: {activation.Kind}{Parameters(activation)}, element-wise.");
                Activation(writer, activation, X, Y);
                break;
            case BinaryStep binary:
                string op = binary.Operator switch { "+" => "Add", "-" => "Subtract", "*" => "Multiply", _ => "Divide" };
                writer.Line($"// {Xml(binary.Node)}: v{binary.Left} {binary.Operator} v{binary.Right}, element-wise, {outShape}.");
                writer.Line($"{Primitives}.{op}({v(binary.Left)}, {v(binary.Right)}, {Y});");
                break;
            case ScaleShiftStep scale:
                writer.Line($"// {Xml(scale.Node)}: batch norm as x * scale[c] + shift[c] over each of {scale.Channels} channels.");
                writer.Line($"{Operators}.ScaleShift.Run({X}, {Y}, {batch}, {scale.Channels}, {scale.PlaneSize}, {Field(scale, "Scale")}, {Field(scale, "Shift")});");
                break;
            case PoolStep pool:
                writer.Line($"// {Xml(pool.Node)}: {(pool.IsMax ? "max" : "average")} pool {pool.KernelHeight}x{pool.KernelWidth} stride {pool.StrideHeight}x{pool.StrideWidth}, {inShape} -> {outShape}.");
                string arguments = $"{X}, {Y}, {Count(batch, pool.Channels)}, {pool.Height}, {pool.Width}, {pool.OutputHeight}, {pool.OutputWidth}, {PoolWindowName(graph, pool)}";
                writer.Line(pool.IsMax
                    ? $"{Operators}.Pool.Max({arguments});"
                    : $"{Operators}.Pool.Average({arguments}, countIncludePad: {(pool.CountIncludePad ? "true" : "false")});");
                break;
            case GlobalPoolStep global:
                writer.Line($"// {Xml(global.Node)}: global {(global.IsMax ? "max" : "average")} pool, {inShape} -> {outShape}.");
                writer.Line($"{Operators}.GlobalPool.{(global.IsMax ? "Max" : "Average")}({X}, {Y}, {Count(batch, global.Channels)}, {global.PlaneSize});");
                break;
            case DenseStep dense:
                writer.Line($"// {Xml(dense.Node)}: dense {dense.InFeatures}->{dense.OutFeatures}{(dense.Rows == 1 ? "" : $" at each of {dense.Rows} positions")}, y = x W^T{(dense.Bias is null ? "" : " + b")}, {inShape} -> {outShape}.");
                string bias = dense.Bias is null ? $"{ReadOnlySpan}.Empty" : Field(dense, "Bias");
                writer.Line($"{Operators}.Dense.Run({X}, {Y}, {Count(batch, dense.Rows)}, {dense.InFeatures}, {dense.OutFeatures}, {Field(dense, "Weight")}, {bias});");
                break;
            case ResizeStep resize:
                string table = ResizeName(graph, resize);
                writer.Line($"// {Xml(resize.Node)}: nearest resize, {inShape} -> {outShape}.");
                writer.Line($"{Operators}.ResizeNearest.Run({X}, {Y}, {Count(batch, resize.Channels)}, {resize.Height}, {resize.Width}, {table}Rows, {table}Columns);");
                break;
            case LinearResizeStep linear:
                string tables = ResizeName(graph, linear);
                writer.Line($"// {Xml(linear.Node)}: bilinear resize, {inShape} -> {outShape}.");
                writer.Line($"{Operators}.ResizeLinear.Run({X}, {Y}, {Count(batch, linear.Channels)}, {linear.Height}, {linear.Width}, {tables}Rows, {tables}RowWeights, {tables}Columns, {tables}ColumnWeights);");
                break;
            case SoftmaxStep softmax:
                Softmax(writer, softmax, X, Y, batch);
                break;
            case ConcatStep concat:
                string parts = string.Join(", ", concat.Parts.Select(p => "v" + p));
                string written = string.Join(", ", concat.Parts.Where((_, i) => !copies.Contains(i)).Select(p => "v" + p));
                writer.Line($"// {Xml(concat.Node)}: concat of {parts} along axis {concat.Axis}, {outShape}" + (written.Length == 0 ? "."
                    : copies.Length == 0 ? ": every part was written in place." : $"; {written} written in place."));
                int total = concat.Sizes.Sum();
                foreach (int i in copies)
                {
                    int offset = concat.Sizes.Take(i).Sum();
                    writer.Line($"{Operators}.Concat.Part({v(concat.Parts[i])}, {Y}, {Count(batch, concat.Outer)}, {concat.Sizes[i]}, {offset}, {total});");
                }

                break;
            case BroadcastStep broadcast:
                string Operand(int value) => value < 0 ? BroadcastConstantName(graph, broadcast) : "v" + value;
                string left = broadcast.Left < 0 ? BroadcastConstantName(graph, broadcast) : v(broadcast.Left);
                string right = broadcast.Right < 0 ? BroadcastConstantName(graph, broadcast) : v(broadcast.Right);
                writer.Line($"// {Xml(broadcast.Node)}: {broadcast.Operator}({Operand(broadcast.Left)}, {Operand(broadcast.Right)}) broadcast to {outShape}.");
                writer.Line($"{Operators}.Broadcast.Run({Operators}.BinaryOperator.{broadcast.Operator}, {left}, {right}, {Y}, {batch}, {broadcast.BatchStrideLeft}, {broadcast.BatchStrideRight}, "
                    + $"{Ints(broadcast.Dims)}, {Ints(broadcast.StridesLeft)}, {Ints(broadcast.StridesRight)});");
                break;
            case ReduceStep reduce:
                writer.Line($"// {Xml(reduce.Node)}: {reduce.Kind.ToLowerInvariant()} over merged dims [{string.Join(", ", reduce.Dims)}] with mask {reduce.ReducedMask}, {inShape} -> {outShape}.");
                writer.Line($"{Operators}.Reduce.Run({Operators}.ReduceKind.{reduce.Kind}, {X}, {Y}, {batch}, {Ints(reduce.Dims)}, {reduce.ReducedMask});");
                break;
            case StridedStep strided:
                writer.Line($"// {Xml(strided.Node)}: {strided.What}, {inShape} -> {outShape}.");
                writer.Line($"{Operators}.Strided.Copy({X}, {Y}, {batch}, {strided.BatchStride}, {strided.Offset}, {Ints(strided.Dims)}, {Ints(strided.Strides)});");
                break;
            case PadStep pad:
                writer.Line($"// {Xml(pad.Node)}: {pad.Mode.ToLowerInvariant()} pad{(pad.Mode == "Constant" ? " with " + Literal(pad.Value) : "")}, {inShape} -> {outShape}.");
                writer.Line($"{Operators}.Pad.Run({Operators}.PadMode.{pad.Mode}, {Literal(pad.Value)}, {X}, {Y}, {batch}, {Ints(pad.Dims)}, {Ints(pad.Before)}, {Ints(pad.After)});");
                break;
            case LayerNormStep norm:
                writer.Line($"// {Xml(norm.Node)}: layer norm of {norm.Rows} run{(norm.Rows == 1 ? "" : "s")} of {norm.Length} values per sample, epsilon {Literal(norm.Epsilon)}, {outShape}.");
                string normBias = norm.Bias is null ? "default" : Field(norm, "Bias");
                writer.Line($"{Operators}.LayerNorm.Run({X}, {Y}, {Count(batch, norm.Rows)}, {norm.Length}, {Field(norm, "Scale")}, {normBias}, {Literal(norm.Epsilon)});");
                break;
            case CopyStep copy:
                writer.Line($"// The output {Xml(graph.Values[y].Name)} is a {Xml(copy.Node)}.");
                writer.Line($"{X}.CopyTo({Y});");
                break;
        }
    }

    private static void Activation(SourceWriter writer, ActivationStep step, string x, string y)
    {
        string a = Literal(step.Alpha), b = Literal(step.Beta);
        if (step.Kind == ElementwiseKind.Clip)
        {
            writer.Line($"{Primitives}.Max({x}, {a}, {y});");
            writer.Line($"{Primitives}.Min({y}, {b}, {y});");
            return;
        }

        // The other kinds are named as the methods that compute them: TensorPrimitives' and the runtime's Elementwise.
        string parameters = Parameters(step) is { Length: > 0 } list ? ", " + list.Substring(1, list.Length - 2) : "";
        writer.Line(step.Kind switch
        {
            ElementwiseKind.Relu => $"{Primitives}.Max({x}, 0f, {y});",
            ElementwiseKind.Neg => $"{Primitives}.Negate({x}, {y});",
            ElementwiseKind.Erf => $"{Operators}.Erf.Run({x}, {y});",
            ElementwiseKind.Gelu => $"{Operators}.Gelu.Run({x}, {y}, tanh: {(step.Alpha == 1 ? "true" : "false")});",
            ElementwiseKind.Sigmoid or ElementwiseKind.SiLU or ElementwiseKind.LeakyRelu or ElementwiseKind.Elu or ElementwiseKind.HardSigmoid
                or ElementwiseKind.HardSwish or ElementwiseKind.Softplus =>
                $"{Operators}.Elementwise.{step.Kind}({x}, {y}{parameters});",
            _ => $"{Primitives}.{step.Kind}({x}, {y});",
        });
    }

    private static void Softmax(SourceWriter writer, SoftmaxStep step, string x, string y, string batch)
    {
        // The runs are [outer, Length, Stride] in each sample: Groups = outer x Stride of them.
        string what = step.Log ? "log-softmax" : "softmax";
        writer.Line($"// {Xml(step.Node)}: {what} over runs of {step.Length} values{(step.Stride > 1 ? $" {step.Stride} apart" : "")}, {step.Groups} per sample (max subtracted first).");
        writer.Line($"{Operators}.AxisSoftmax.Run({x}, {y}, {Count(batch, step.Groups / step.Stride)}, {step.Length}, {step.Stride}, log: {(step.Log ? "true" : "false")});");
    }

    /// <summary>The tensor <c>Forward</c> and, for one output, <c>ILayer</c>'s members.</summary>
    private static void LayerInterface(SourceWriter writer, NetworkGraph graph)
    {
        if (!graph.SingleOutput)
        {
            TupleForward(writer, graph);
            writer.Line();
            ReadBatch(writer, graph);
            return;
        }

        writer.Line("/// <inheritdoc/>");
        using (writer.Block("public nint[] GetOutputShape(global::System.ReadOnlySpan<nint> inputShape)"))
        {
            writer.Line("int batch = ReadBatch(inputShape);");
            writer.Line($"return new nint[] {{ batch, {string.Join(", ", graph.Output(0).Shape)} }};");
        }

        writer.Line();
        writer.Line("/// <inheritdoc/>");
        using (writer.Block($"public void Forward({ReadOnlySpan} input, global::System.ReadOnlySpan<nint> inputShape, {Span} output)"))
        {
            writer.Line("Forward(input, output, ReadBatch(inputShape));");
        }

        writer.Line();
        writer.Line("/// <inheritdoc/>");
        using (writer.Block($"public void Forward({ReadOnlySpan} input, global::System.ReadOnlySpan<nint> inputShape, {Span} output, int degreeOfParallelism)"))
        {
            writer.Line("Forward(input, output, ReadBatch(inputShape), degreeOfParallelism);");
        }

        writer.Line();
        writer.Line("/// <summary>Runs the network on a tensor of shape [batch, ..InputShape] and returns a new output tensor.</summary>");
        writer.Line("public global::System.Numerics.Tensors.Tensor<float> Forward(global::System.Numerics.Tensors.Tensor<float> input) =>");
        writer.Line("    global::ConvGen.LayerTensors.Forward(this, input);");
        writer.Line();
        writer.Line("int global::ConvGen.ILayer.ParameterCount => ParameterCount;");
        writer.Line();
        ReadBatch(writer, graph);
    }

    /// <summary>A network of several outputs on tensors: a named tuple of new output tensors, in graph order.</summary>
    private static void TupleForward(SourceWriter writer, NetworkGraph graph)
    {
        const string Tensor = "global::System.Numerics.Tensors.Tensor<float>";
        writer.Line("/// <summary>Runs the network on a tensor of shape [batch, ..InputShape] and returns new output tensors, one per output in");
        writer.Line("/// the model's order.</summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The input's shape is not [batch, ..InputShape].</exception>");
        string tuple = string.Join(", ", graph.Outputs.Select(o => $"{Tensor} {o.Identifier}"));
        using (writer.Block($"public ({tuple}) Forward({Tensor} input)"))
        {
            writer.Line("global::System.ArgumentNullException.ThrowIfNull(input);");
            writer.Line("int batch = ReadBatch(input.Lengths);");
            foreach (var output in graph.Outputs)
            {
                writer.Line($"var {output.Parameter} = new float[(long)batch * {output.Identifier}Size];");
            }

            writer.Line($"Forward(global::ConvGen.LayerTensors.Contiguous(input), {string.Join(", ", graph.Outputs.Select(o => o.Parameter))}, batch);");
            writer.Line($"return ({string.Join(", ", graph.Outputs.Select(o => $"global::ConvGen.LayerTensors.Create({o.Parameter}, batch, {o.Identifier}Shape)"))});");
        }
    }

    private static void ReadBatch(SourceWriter writer, NetworkGraph graph)
    {
        writer.Line("// The batch of an input shape [batch, ..InputShape]; anything else is rejected with the expected shape.");
        using (writer.Block("private static int ReadBatch(global::System.ReadOnlySpan<nint> inputShape)"))
        {
            var conditions = new List<string> { $"inputShape.Length != {graph.Input.Shape.Count + 1}", "inputShape[0] < 1", "inputShape[0] > int.MaxValue" };
            for (int d = 0; d < graph.Input.Shape.Count; d++)
            {
                conditions.Add($"inputShape[{d + 1}] != {graph.Input.Shape[d]}");
            }

            using (writer.Block("if (" + string.Join(" || ", conditions) + ")"))
            {
                writer.Line($"throw new global::System.ArgumentException($\"the network takes [batch, {string.Join(", ", graph.Input.Shape)}], not {{(global::ConvGen.LayerShapes.Format(inputShape))}}.\", nameof(inputShape));");
            }

            writer.Line();
            writer.Line("return (int)inputShape[0];");
        }
    }

    /// <summary>A pooling step's window, a constant of the network that its step passes to the runtime's pool.</summary>
    private static void Pool(SourceWriter writer, NetworkGraph graph, PoolStep p)
    {
        writer.Line($"// {Xml(p.Node)}: window {p.KernelHeight}x{p.KernelWidth}, stride {p.StrideHeight}x{p.StrideWidth}, pads (top, left, bottom, right) ({p.PadTop}, {p.PadLeft}, {p.PadBottom}, {p.PadRight}), dilation {p.DilationHeight}x{p.DilationWidth}.");
        writer.Line($"private static readonly {Operators}.PoolWindow {PoolWindowName(graph, p)} = new({p.KernelHeight}, {p.KernelWidth}, {p.StrideHeight}, {p.StrideWidth}, "
            + $"{p.PadTop}, {p.PadLeft}, {p.PadBottom}, {p.PadRight}, {p.DilationHeight}, {p.DilationWidth});");
    }

    /// <summary>A nearest resize step's tables: the source row of each output row and the source column of each column.</summary>
    private static void Resize(SourceWriter writer, NetworkGraph graph, ResizeStep r)
    {
        string name = ResizeName(graph, r);
        writer.Line($"// {Xml(r.Node)}: the source row of each of the {r.SourceRows.Count} output rows and the source column of each of the {r.SourceColumns.Count} columns.");
        writer.Line($"private static global::System.ReadOnlySpan<int> {name}Rows => new int[] {{ {string.Join(", ", r.SourceRows)} }};");
        writer.Line($"private static global::System.ReadOnlySpan<int> {name}Columns => new int[] {{ {string.Join(", ", r.SourceColumns)} }};");
    }

    /// <summary>A linear resize step's tables: the two source rows (columns) of each output row (column) and their weights.</summary>
    private static void LinearResizeTables(SourceWriter writer, NetworkGraph graph, LinearResizeStep r)
    {
        string name = ResizeName(graph, r);
        writer.Line($"// {Xml(r.Node)}: the (top, bottom) source rows of each of the {r.Rows.Count / 2} output rows and their weights, then the");
        writer.Line($"// (left, right) source columns of each of the {r.Columns.Count / 2} output columns and theirs.");
        writer.Line($"private static global::System.ReadOnlySpan<int> {name}Rows => new int[] {{ {string.Join(", ", r.Rows)} }};");
        writer.Line($"private static global::System.ReadOnlySpan<float> {name}RowWeights => new float[] {{ {string.Join(", ", r.RowWeights.Select(Literal))} }};");
        writer.Line($"private static global::System.ReadOnlySpan<int> {name}Columns => new int[] {{ {string.Join(", ", r.Columns)} }};");
        writer.Line($"private static global::System.ReadOnlySpan<float> {name}ColumnWeights => new float[] {{ {string.Join(", ", r.ColumnWeights.Select(Literal))} }};");
    }

    private static string Describe(NetworkGraph graph)
    {
        var parts = new List<string>();
        int convs = graph.Steps.Count(step => step is ConvStep or ConvTransposeStep);
        parts.Add($"{convs} convolution{(convs == 1 ? "" : "s")}");
        foreach (var group in graph.Steps.Where(s => s is not (ConvStep or ConvTransposeStep)).GroupBy(s => s.GetType().Name.Replace("Step", "")))
        {
            parts.Add($"{group.Count()} {group.Key.ToLowerInvariant()}");
        }

        return string.Join(", ", parts);
    }

    private static string Parameters(ActivationStep step) => step.Kind switch
    {
        ElementwiseKind.Clip => $"({Literal(step.Alpha)}, {Literal(step.Beta)})",
        ElementwiseKind.LeakyRelu or ElementwiseKind.Elu => $"({Literal(step.Alpha)})",
        ElementwiseKind.HardSigmoid => $"({Literal(step.Alpha)}, {Literal(step.Beta)})",
        ElementwiseKind.Gelu when step.Alpha == 1 => "(tanh)",
        _ => "",
    };

    /// <summary>" <c>name</c>" when the network has several outputs, else nothing.</summary>
    private static string OutputName(NetworkGraph graph, NetworkOutput output) => graph.SingleOutput ? "" : $" <c>{Xml(output.OnnxName)}</c>";

    private static string PoolWindowName(NetworkGraph graph, PoolStep step) => (step.IsMax ? "MaxPool" : "AveragePool") + IndexOf(graph, step) + "Window";

    /// <summary>The count of something there are <paramref name="perSample"/> of per sample, in <paramref name="batch"/> samples:
    /// <c>batch</c>, <c>batch * n</c> or, for one sample, <c>n</c>.</summary>
    private static string Count(string batch, int perSample) => batch == "1" ? $"{perSample}" : perSample == 1 ? batch : $"{batch} * {perSample}";

    private static string ResizeName(NetworkGraph graph, NetworkStep step) => "Resize" + IndexOf(graph, step);

    private static string BroadcastConstantName(NetworkGraph graph, BroadcastStep step) => "Constant" + IndexOf(graph, step);

    /// <summary>An int array literal (a constant span: no allocation).</summary>
    private static string Ints(EquatableArray<int> values) => "new int[] { " + string.Join(", ", values) + " }";

    private static int IndexOf(NetworkGraph graph, NetworkStep step)
    {
        for (int i = 0; i < graph.Steps.Count; i++)
        {
            if (ReferenceEquals(graph.Steps[i], step))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The field of a step's prepared weights: <c>_dense7Weight</c>, <c>_batchNorm3Scale</c>, ...</summary>
    private static string Field(NetworkStep step, string part) =>
        "_" + step switch { DenseStep => "dense", LayerNormStep => "layerNorm", _ => "batchNorm" } + step.Output + part;

    /// <summary>A C# string literal of <paramref name="text"/> (tensor names may hold any character).</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    internal static string Literal(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }

        if (float.IsInfinity(value))
        {
            return value > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        }

        return value.ToString("G9", CultureInfo.InvariantCulture) + "f";
    }

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
