using System.Collections.Generic;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes a transposed convolution: its constants, parameters (PyTorch's layout, packed into the phase convolutions'),
/// output-size arithmetic, checked <c>Forward</c> and <c>ILayer</c>; and, as a file each, its phase convolutions, private
/// nested layers written by <see cref="LayerEmitter"/> like any [Conv2d]/[Conv1d]. Packing, running the phase
/// convolutions and placing their outputs are the runtime's (<c>ConvGen.Transposed.TransposedConvolution</c>), written
/// once for every layer.
/// </summary>
internal static class TransposedLayerEmitter
{
    internal const string PhaseClass = "PhaseConvolution";
    private const string Runtime = "global::ConvGen.Transposed.TransposedConvolution";
    private const string Phases = "global::ConvGen.Transposed.IPhaseConvolutions";

    public static IEnumerable<(string HintName, string Source)> Emit(TargetType target, TransposedConvSpec spec)
    {
        var plan = TransposedPlanner.Plan(spec);
        yield return (target.HintName, Layer(target, spec, plan));
        var nested = new EquatableArray<ContainingType>([.. target.ContainingTypes, new ContainingType(target.Keyword, target.Name)]);
        for (int convolution = 0; convolution < plan.Convolutions.Count; convolution++)
        {
            string name = ClassName(plan, convolution);
            yield return (target.FullName + "." + name + ".g.cs",
                LayerEmitter.Emit(new TargetType(target.Namespace, name, "class", nested), plan.Convolutions[convolution]));
        }
    }

    /// <summary>The nested class of phase convolution <paramref name="convolution"/>: PhaseConvolution when it is the only one, else numbered.</summary>
    private static string ClassName(TransposedPlan plan, int convolution) => plan.Convolutions.Count == 1 ? PhaseClass : $"{PhaseClass}{convolution}";

    /// <summary>The field holding phase convolution <paramref name="convolution"/>.</summary>
    private static string Field(TransposedPlan plan, int convolution) => plan.Convolutions.Count == 1 ? "_phases" : $"_phases{convolution}";

    private static string Layer(TargetType target, TransposedConvSpec spec, TransposedPlan plan)
    {
        var writer = new SourceWriter();
        using (GeneratedFile.Open(writer, target, $"[{spec.Kind}] on {target.FullName}"))
        {
            var geometry = spec.SplitGeometry(plan.SeparateRows, plan.SeparateColumns);
            writer.Line("/// <summary>");
            writer.Line($"/// {Summary(spec)}");
            writer.Line($"/// Weights are PyTorch's {WeightShape(spec)}; input and output are {(spec.Is2d ? "NCHW" : "NCL")} float32.");
            string placed = plan.SingleConvolution ? ", which writes the output directly." : " whose outputs are placed at their interleaved positions.";
            if (plan.Convolutions.Count == 1)
            {
                writer.Line($"/// Runs as one stride-1 convolution of the input ({PhaseClass}: {geometry.Phases} stride phase(s) x {spec.OutChannels} channels, " +
                    $"{SubKernel(spec, plan.Convolutions[0])} sub-kernels of the flipped weights){placed}");
            }
            else
            {
                writer.Line($"/// Runs as {plan.Convolutions.Count} stride-1 convolutions of the input, one per padding its stride phases need (so none computes outputs");
                writer.Line($"/// no phase uses){placed}");
                for (int convolution = 0; convolution < plan.Convolutions.Count; convolution++)
                {
                    var phases = plan.Convolutions[convolution];
                    writer.Line($"/// {ClassName(plan, convolution)}: {PhaseList(spec, geometry, convolution)} x {spec.OutChannels} channels, {SubKernel(spec, phases)} sub-kernels, padding " +
                        (spec.Is2d ? $"{phases.PadTop}/{phases.PadBottom}/{phases.PadLeft}/{phases.PadRight} (top/bottom/left/right)." : $"{phases.PadLeft}/{phases.PadRight} (left/right)."));
                }
            }

            if (spec.Activation != ActivationKind.None)
            {
                writer.Line($"/// Fused activation: the output is {spec.Activation}(conv_transpose(x) + bias), {spec.Activation}(x) = {ActivationEmitter.Formula(spec.Activation)}.");
            }

            var classes = new List<string>();
            for (int convolution = 0; convolution < plan.Convolutions.Count; convolution++)
            {
                classes.Add(ClassName(plan, convolution));
            }

            foreach (string fact in LayerFacts.Transposed(spec, plan, classes))
            {
                writer.Line($"/// {fact}");
            }

            writer.Line("/// </summary>");
            writer.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"{LayerEmitter.GeneratorName}\", \"{LayerEmitter.GeneratorVersion}\")]");
            using (writer.Block($"partial {target.Keyword} {target.Name} : global::ConvGen.ILayer, global::ConvGen.IParameterized{(plan.SingleConvolution ? "" : $", {Phases}")}"))
            {
                Constants(writer, spec, plan);
                writer.Line();
                Parameters(writer, spec, plan, target.Name);
                writer.Line();
                Forward(writer, spec, plan);
            }
        }

        return writer.ToString();
    }

    private static void Constants(SourceWriter writer, TransposedConvSpec spec, TransposedPlan plan)
    {
        writer.Line("// The layer's hyper-parameters, fixed at compile time.");
        Constant(writer, "Input channels.", "InChannels", spec.InChannels);
        Constant(writer, "Output channels.", "OutChannels", spec.OutChannels);
        if (spec.Is2d)
        {
            Constant(writer, "Kernel rows.", "KernelHeight", spec.KernelHeight);
            Constant(writer, "Kernel columns.", "KernelWidth", spec.KernelWidth);
            Constant(writer, "Vertical stride.", "StrideHeight", spec.StrideHeight);
            Constant(writer, "Horizontal stride.", "StrideWidth", spec.StrideWidth);
            Constant(writer, "Output rows dropped at the top and at the bottom (PyTorch's padding).", "PaddingHeight", spec.PadTop);
            Constant(writer, "Output columns dropped at the left and at the right (PyTorch's padding).", "PaddingWidth", spec.PadLeft);
            Constant(writer, "Output rows added at the bottom (PyTorch's output_padding).", "OutputPaddingHeight", spec.OutputPadHeight);
            Constant(writer, "Output columns added at the right (PyTorch's output_padding).", "OutputPaddingWidth", spec.OutputPadWidth);
            Constant(writer, "Vertical dilation.", "DilationHeight", spec.DilationHeight);
            Constant(writer, "Horizontal dilation.", "DilationWidth", spec.DilationWidth);
        }
        else
        {
            Constant(writer, "Kernel size.", "KernelSize", spec.KernelWidth);
            Constant(writer, "Stride.", "Stride", spec.StrideWidth);
            Constant(writer, "Outputs dropped at both ends (PyTorch's padding).", "Padding", spec.PadLeft);
            Constant(writer, "Outputs added at the end (PyTorch's output_padding).", "OutputPadding", spec.OutputPadWidth);
            Constant(writer, "Dilation.", "Dilation", spec.DilationWidth);
        }

        Constant(writer, "Groups: each input channel feeds OutChannels / Groups output channels.", "Groups", spec.Groups);
        writer.Line("/// <summary>Whether the layer adds a bias per output channel.</summary>");
        writer.Line($"public const bool HasBias = {(spec.HasBias ? "true" : "false")};");
        writer.Line("/// <summary>The activation fused into the layer: the output is activation(conv_transpose(x) + bias).</summary>");
        writer.Line($"public const global::ConvGen.Activation FusedActivation = global::ConvGen.Activation.{spec.Activation};");
        Constant(writer, $"Elements of the PyTorch-layout weight {WeightShape(spec)}.", "WeightLength", spec.WeightLength);
        Constant(writer, "Learnable parameters: weights plus biases.", "ParameterCount", spec.ParameterCount);
        if (spec.Is2d)
        {
            OptionalConstant(writer, "The only input height this layer accepts.", "InputHeight", spec.InputHeight);
            OptionalConstant(writer, "The only input width this layer accepts.", "InputWidth", spec.InputWidth);
        }
        else
        {
            OptionalConstant(writer, "The only input length this layer accepts.", "InputLength", spec.InputWidth);
        }

        writer.Line();
        writer.Line("// Derived sizes: PyTorch's fan_in of the weight ((out/groups) * kh * kw) and the smallest inputs with a non-empty output.");
        writer.Line($"private const int FanIn = {spec.FanIn};");
        if (spec.Is2d)
        {
            writer.Line($"private const int MinimumInputHeight = {spec.Vertical.MinimumInput};");
        }

        writer.Line($"private const int MinimumInput{(spec.Is2d ? "Width" : "Length")} = {spec.Horizontal.MinimumInput};");
        writer.Line();
        if (plan.SeparateRows || plan.SeparateColumns)
        {
            writer.Line("// Each axis split into its stride phases (outputs dropped before, and after net of output padding; separatePhases: one");
            writer.Line("// convolution per padding the phases need), and how the phases map onto the phase convolutions' output channels:");
            writer.Line("// ConvGen.Transposed.TransposedAxis and TransposedGeometry.");
        }
        else
        {
            writer.Line("// Each axis split into its stride phases (outputs dropped before, and after net of output padding), and how the");
            writer.Line($"// phases map onto {PhaseClass}'s output channels: ConvGen.Transposed.TransposedAxis and TransposedGeometry.");
        }

        writer.Line("private static readonly global::ConvGen.Transposed.TransposedGeometry Geometry = new(InChannels, OutChannels, Groups,");
        writer.Line(spec.Is2d
            ? $"    new(KernelHeight, StrideHeight, PaddingHeight, PaddingHeight - OutputPaddingHeight, DilationHeight{Separate(plan.SeparateRows)}),"
            : "    new(1, 1, 0, 0, 1),");
        writer.Line(spec.Is2d
            ? $"    new(KernelWidth, StrideWidth, PaddingWidth, PaddingWidth - OutputPaddingWidth, DilationWidth{Separate(plan.SeparateColumns)}));"
            : $"    new(KernelSize, Stride, Padding, Padding - OutputPadding, Dilation{Separate(plan.SeparateColumns)}));");
        if (!plan.SingleConvolution)
        {
            writer.Line("// Multiply-adds a call must give each thread before threads of their own run whole phase convolutions (the planner's estimate).");
            writer.Line($"private const double MinimumWorkPerThread = {plan.MinimumWorkPerThread};");
        }
    }

    private static string Separate(bool separate) => separate ? ", separatePhases: true" : "";

    private static void Parameters(SourceWriter writer, TransposedConvSpec spec, TransposedPlan plan, string className)
    {
        string shape = WeightShape(spec);
        if (plan.Convolutions.Count == 1)
        {
            writer.Line($"// The convolution that computes every stride phase, with the weights packed into its layout (see {PhaseClass}).");
        }
        else
        {
            writer.Line("// The convolutions that compute the stride phases, each with the weights packed into its layout.");
        }

        for (int convolution = 0; convolution < plan.Convolutions.Count; convolution++)
        {
            writer.Line($"private readonly {ClassName(plan, convolution)} {Field(plan, convolution)};");
        }

        if (plan.HasEmptyPhases)
        {
            writer.Line("// activation(bias) per output channel: what the outputs of the phases without taps hold.");
            writer.Line("private readonly float[] _emptyPhaseValues = new float[OutChannels];");
        }

        writer.Line();
        writer.Line($"/// <summary>Creates the layer with parameters drawn as PyTorch's <c>reset_parameters</c> does: uniform in ±1/sqrt({spec.FanIn}), fan_in from the weight's dimension 1.</summary>");
        writer.Line($"public {className}()");
        writer.Line("    : this(global::System.Random.Shared)");
        writer.Line("{");
        writer.Line("}");
        writer.Line();
        writer.Line($"/// <summary>Creates the layer with parameters drawn from <paramref name=\"random\"/> as PyTorch's <c>reset_parameters</c> does: uniform in ±1/sqrt({spec.FanIn}).</summary>");
        writer.Line($"public {className}(global::System.Random random)");
        writer.Line("    : this(Draw(random, out float[] bias), bias)");
        writer.Line("{");
        writer.Line("}");
        writer.Line();
        writer.Line("/// <summary>Creates the layer from trained parameters in PyTorch's layout.</summary>");
        writer.Line($"/// <param name=\"weight\">WeightLength ({spec.WeightLength}) values laid out {shape}.</param>");
        writer.Line(spec.HasBias
            ? "/// <param name=\"bias\">OutChannels biases.</param>"
            : "/// <param name=\"bias\">Must be empty: this layer has no bias.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        using (writer.Block($"public {className}(global::System.ReadOnlySpan<float> weight, global::System.ReadOnlySpan<float> bias = default)"))
        {
            writer.Line($"global::ConvGen.LayerChecks.Parameters(weight, bias, WeightLength, HasBias ? OutChannels : 0, \"{shape}\");");
            for (int convolution = 0; convolution < plan.Convolutions.Count; convolution++)
            {
                writer.Line($"{Field(plan, convolution)} = new {ClassName(plan, convolution)}(PhaseWeight(weight, {convolution}), PhaseBias(bias, {convolution}));");
            }

            if (plan.HasEmptyPhases)
            {
                writer.Line($"{Runtime}.EmptyPhaseValues(bias, FusedActivation, _emptyPhaseValues);");
            }
        }

        writer.Line();
        writer.Line("// PyTorch's initialisation of the weight and bias.");
        using (writer.Block("private static float[] Draw(global::System.Random random, out float[] bias)"))
        {
            writer.Line("global::System.ArgumentNullException.ThrowIfNull(random);");
            writer.Line("float[] weight = new float[WeightLength];");
            writer.Line("bias = new float[HasBias ? OutChannels : 0];");
            writer.Line("global::ConvGen.ParameterInit.ConvUniform(weight, bias, FanIn, random);");
            writer.Line("return weight;");
        }

        writer.Line();
        writer.Line("// A PyTorch-layout weight as a phase convolution's weight: each of its phases' taps, flipped, zero where the phase is shorter.");
        using (writer.Block("private static float[] PhaseWeight(global::System.ReadOnlySpan<float> weight, int convolution)"))
        {
            writer.Line("float[] packed = new float[Geometry.ConvolutionWeightLength(convolution)];");
            writer.Line($"{Runtime}.PackPhaseWeight(Geometry, convolution, weight, packed);");
            writer.Line("return packed;");
        }

        writer.Line();
        writer.Line("// The biases as a phase convolution's: each output channel's for each of its phases.");
        using (writer.Block("private static float[] PhaseBias(global::System.ReadOnlySpan<float> bias, int convolution)"))
        {
            if (spec.HasBias)
            {
                writer.Line("float[] packed = new float[Geometry.ConvolutionOutChannels(convolution)];");
                writer.Line($"{Runtime}.PackPhaseBias(Geometry, convolution, bias, packed);");
                writer.Line("return packed;");
            }
            else
            {
                writer.Line("return [];");
            }
        }

        writer.Line();
        ParameterAccess(writer, spec, plan, className, shape);
    }

    private static void ParameterAccess(SourceWriter writer, TransposedConvSpec spec, TransposedPlan plan, string className, string shape)
    {
        string listType = "global::System.Collections.Generic.IReadOnlyList<global::ConvGen.ParameterInfo>";
        writer.Line("// PyTorch's names and shapes of the learnable parameters, in state-dict order; read-only and shared by all instances.");
        writer.Line($"private static readonly {listType} ParameterList = global::System.Array.AsReadOnly(new global::ConvGen.ParameterInfo[]");
        writer.Line("{");
        writer.Line($"    new global::ConvGen.ParameterInfo(\"weight\", global::System.Array.AsReadOnly(new int[] {{ {shape.Substring(1, shape.Length - 2)} }})),");
        if (spec.HasBias)
        {
            writer.Line($"    new global::ConvGen.ParameterInfo(\"bias\", global::System.Array.AsReadOnly(new int[] {{ {spec.OutChannels} }})),");
        }

        writer.Line("});");
        writer.Line();
        writer.Line($"/// <summary>The learnable parameters with PyTorch's names and shapes: {(spec.HasBias ? $"weight {shape} and bias [{spec.OutChannels}]" : $"weight {shape} (no bias)")}.</summary>");
        writer.Line($"public {listType} Parameters => ParameterList;");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line(spec.HasBias
            ? $"/// Replaces a parameter, given in PyTorch's layout: <c>\"weight\"</c> ({spec.WeightLength} values {shape}, repacked for the phase convolution) or <c>\"bias\"</c> ({spec.OutChannels} values)."
            : $"/// Replaces a parameter, given in PyTorch's layout: <c>\"weight\"</c> ({spec.WeightLength} values {shape}, repacked for the phase convolution); this layer has no bias.");
        writer.Line("/// A call that throws changes nothing.");
        writer.Line("/// </summary>");
        writer.Line("/// <remarks>Not thread-safe against <c>Forward</c>: replacing parameters while <c>Forward</c> runs on another thread");
        writer.Line("/// is not supported (that call may read a mix of old and new values).</remarks>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The layer has no parameter <paramref name=\"name\"/>, or <paramref name=\"values\"/> has the wrong length;");
        writer.Line("/// the message lists the parameters and their lengths.</exception>");
        using (writer.Block("public void SetParameter(string name, global::System.ReadOnlySpan<float> values)"))
        {
            writer.Line($"global::ConvGen.LayerChecks.Parameter(ParameterList, name, values.Length, nameof({className}));");
            if (spec.HasBias)
            {
                using (writer.Block("if (name == \"weight\")"))
                {
                    SetPhaseParameters(writer, plan, "weight", "PhaseWeight");
                }

                using (writer.Block("else"))
                {
                    SetPhaseParameters(writer, plan, "bias", "PhaseBias");
                    if (plan.HasEmptyPhases)
                    {
                        writer.Line($"{Runtime}.EmptyPhaseValues(values, FusedActivation, _emptyPhaseValues);");
                    }
                }
            }
            else
            {
                SetPhaseParameters(writer, plan, "weight", "PhaseWeight");
            }
        }
    }

    private static void SetPhaseParameters(SourceWriter writer, TransposedPlan plan, string name, string pack)
    {
        for (int convolution = 0; convolution < plan.Convolutions.Count; convolution++)
        {
            writer.Line($"{Field(plan, convolution)}.SetParameter(\"{name}\", {pack}(values, {convolution}));");
        }
    }

    private static void Forward(SourceWriter writer, TransposedConvSpec spec, TransposedPlan plan)
    {
        bool is2d = spec.Is2d;
        if (is2d)
        {
            OutputSizeMethod(writer, "OutputHeight", "height", "rows", spec.Vertical, "MinimumInputHeight", spec.PadTop, spec.OutputPadHeight);
            writer.Line();
            OutputSizeMethod(writer, "OutputWidth", "width", "columns", spec.Horizontal, "MinimumInputWidth", spec.PadLeft, spec.OutputPadWidth);
        }
        else
        {
            OutputSizeMethod(writer, "OutputLength", "length", "elements", spec.Horizontal, "MinimumInputLength", spec.PadLeft, spec.OutputPadWidth);
        }

        writer.Line();
        ForwardEmitter.FixedSizeCheck(writer, is2d, spec.Is2d && spec.InputHeight is not null, spec.InputWidth is not null);
        writer.Line();
        string sizes = is2d ? "height, width" : "length";
        writer.Line($"/// <summary>Runs the layer on <paramref name=\"batch\"/> {(is2d ? "NCHW images" : "NCL sequences")}; allocates nothing in steady state.</summary>");
        writer.Line($"/// <param name=\"input\">batch x InChannels x {(is2d ? "height x width" : "length")} values.</param>");
        writer.Line($"/// <param name=\"output\">batch x OutChannels x {(is2d ? "OutputHeight(height) x OutputWidth(width)" : "OutputLength(length)")} values, overwritten.</param>");
        writer.Line($"/// <param name=\"degreeOfParallelism\">Threads the phase convolution{(plan.Convolutions.Count == 1 ? "" : "s")} may use: 0 (the default) lets {(plan.Convolutions.Count == 1 ? "it" : "them")} decide, 1 runs on the calling thread only.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A size is not positive, the input is smaller than the layer needs,");
        writer.Line("/// a span has the wrong length, the spans overlap, or <paramref name=\"degreeOfParallelism\"/> is negative.</exception>");
        using (writer.Block($"public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output, int batch, {(is2d ? "int height, int width" : "int length")}, int degreeOfParallelism = 0)"))
        {
            writer.Line("global::ConvGen.LayerChecks.Batch(batch);");
            if (is2d)
            {
                writer.Line("ResolveOutputSize(height, width, out int outputHeight, out int outputWidth);");
                writer.Line("global::ConvGen.LayerChecks.Spans(input, output, batch, InChannels, [height, width], OutChannels, [outputHeight, outputWidth]);");
            }
            else
            {
                writer.Line("int outputLength = ResolveOutputLength(length);");
                writer.Line("global::ConvGen.LayerChecks.Spans(input, output, batch, InChannels, [length], OutChannels, [outputLength]);");
            }

            if (plan.SingleConvolution)
            {
                writer.Line("// Stride 1 with nothing cropped: the phase convolution's output is the layer's.");
                writer.Line($"_phases.Forward(input, output, batch, {sizes}, degreeOfParallelism);");
            }
            else
            {
                writer.Line("// The phase convolutions' outputs (pooled scratch), then each phase's outputs at their interleaved positions.");
                writer.Line($"{Runtime}.Forward(this, input, output, batch, {(is2d ? "height, width" : "1, length")}, {(plan.HasEmptyPhases ? "_emptyPhaseValues" : "null")}, MinimumWorkPerThread, degreeOfParallelism);");
            }
        }

        writer.Line();
        ForwardEmitter.LayerInterface(writer, is2d);
        if (!plan.SingleConvolution)
        {
            writer.Line();
            PhaseConvolutions(writer, spec, plan);
        }
    }

    /// <summary>The layer as the runtime's <c>TransposedConvolution.Forward</c> runs it (explicit, so not on the layer's surface).</summary>
    private static void PhaseConvolutions(SourceWriter writer, TransposedConvSpec spec, TransposedPlan plan)
    {
        string sizes = spec.Is2d ? "height, width" : "width";
        writer.Line("/// <inheritdoc/>");
        writer.Line($"global::ConvGen.Transposed.TransposedGeometry {Phases}.Geometry => Geometry;");
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        using (writer.Block($"void {Phases}.RunPhaseConvolution(int convolution, global::System.ReadOnlySpan<float> input, global::System.Span<float> output, int batch, int height, int width, int degreeOfParallelism)"))
        {
            if (plan.Convolutions.Count == 1)
            {
                writer.Line($"_phases.Forward(input, output, batch, {sizes}, degreeOfParallelism);");
            }
            else
            {
                using (writer.Block("switch (convolution)"))
                {
                    for (int convolution = 0; convolution < plan.Convolutions.Count; convolution++)
                    {
                        writer.Line(convolution < plan.Convolutions.Count - 1 ? $"case {convolution}:" : "default:");
                        writer.Line($"    {Field(plan, convolution)}.Forward(input, output, batch, {sizes}, degreeOfParallelism);");
                        writer.Line("    return;");
                    }
                }
            }
        }
    }

    /// <summary>A phase convolution's sub-kernel: "2x2", "3".</summary>
    private static string SubKernel(TransposedConvSpec spec, ConvSpec phases) =>
        spec.Is2d ? $"{phases.KernelHeight}x{phases.KernelWidth}" : $"{phases.KernelWidth}";

    /// <summary>The stride phases of phase convolution <paramref name="convolution"/>: "stride phase (0, 1)", "stride phases (0, 1), (2, 1)"; 1-D: "stride phase 1".</summary>
    private static string PhaseList(TransposedConvSpec spec, Transposed.TransposedGeometry geometry, int convolution)
    {
        var phases = new List<string>();
        for (int phase = geometry.FirstPhase(convolution); phase < geometry.FirstPhase(convolution + 1); phase++)
        {
            phases.Add(spec.Is2d ? $"({geometry.PhaseRow(phase)}, {geometry.PhaseColumn(phase)})" : $"{geometry.PhaseColumn(phase)}");
        }

        return $"stride phase{(phases.Count == 1 ? "" : "s")} {string.Join(", ", phases)}";
    }

    private static void OutputSizeMethod(SourceWriter writer, string name, string input, string unit, Transposed.TransposedAxis axis, string minimum, int pad, int outputPad)
    {
        writer.Line($"/// <summary>Output {unit} for an input of <paramref name=\"{input}\"/> {unit}: " +
            $"({input} - 1)*{axis.Stride} - 2*{pad} + {axis.Dilation}*({axis.Kernel} - 1) + {outputPad} + 1.</summary>");
        writer.Line($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"{input}\"/> is not positive or gives an empty output.</exception>");
        using (writer.Block($"public static int {name}(int {input})"))
        {
            writer.Line($"global::ConvGen.LayerChecks.TransposedInputSize({input}, {minimum}, nameof({input}));");
            writer.Line($"return global::ConvGen.LayerChecks.OutputSize((((long){input} - 1) * {axis.Stride}){Signed(axis.SizeOffset)}, nameof({input}));");
        }
    }

    private static string Summary(TransposedConvSpec spec) => spec.Is2d
        ? $"ConvTranspose2d: in {spec.InChannels}, out {spec.OutChannels}, kernel {spec.KernelHeight}x{spec.KernelWidth}, stride {spec.StrideHeight}x{spec.StrideWidth}, " +
          $"padding {spec.PadTop}x{spec.PadLeft}, output padding {spec.OutputPadHeight}x{spec.OutputPadWidth}, dilation {spec.DilationHeight}x{spec.DilationWidth}, " +
          $"groups {spec.Groups}, {(spec.HasBias ? "bias" : "no bias")}{(spec.InputHeight is null && spec.InputWidth is null ? "" : $", input {spec.InputHeight?.ToString() ?? "any"}x{spec.InputWidth?.ToString() ?? "any"}")}."
        : $"ConvTranspose1d: in {spec.InChannels}, out {spec.OutChannels}, kernel {spec.KernelWidth}, stride {spec.StrideWidth}, padding {spec.PadLeft}, " +
          $"output padding {spec.OutputPadWidth}, dilation {spec.DilationWidth}, groups {spec.Groups}, {(spec.HasBias ? "bias" : "no bias")}" +
          $"{(spec.InputWidth is { } length ? $", input length {length}" : "")}.";

    private static string WeightShape(TransposedConvSpec spec) => spec.Is2d
        ? $"[{spec.InChannels}, {spec.OutChannelsPerGroup}, {spec.KernelHeight}, {spec.KernelWidth}]"
        : $"[{spec.InChannels}, {spec.OutChannelsPerGroup}, {spec.KernelWidth}]";

    private static void Constant(SourceWriter writer, string summary, string name, int value)
    {
        writer.Line($"/// <summary>{summary}</summary>");
        writer.Line($"public const int {name} = {value};");
    }

    private static void OptionalConstant(SourceWriter writer, string summary, string name, int? value)
    {
        if (value is { } fixedValue)
        {
            Constant(writer, summary, name, fixedValue);
        }
    }

    private static string Signed(long value) => value switch
    {
        0 => "",
        > 0 => $" + {value}",
        _ => $" - {-value}",
    };
}
