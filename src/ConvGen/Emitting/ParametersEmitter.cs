using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>Writes the parameter fields and the constructors: PyTorch's default initialisation, or
/// weights (and bias) given in PyTorch's layout, packed once for the kernel.</summary>
internal static class ParametersEmitter
{
    public static void Emit(SourceWriter writer, ConvSpec spec, KernelPlan plan, string className, LayerSurface surface)
    {
        string biasArgument = spec.HasBias ? "_bias" : "global::System.Span<float>.Empty";
        if (plan.KeepsPackedWeights)
        {
            writer.Line("// Weights packed in the order the direct kernel reads them (see PackWeight).");
            writer.Line("private readonly float[] _packedWeight = new float[PackedWeightLength];");
        }

        if (plan.TransformsRows)
        {
            writer.Line("// Each point's transformed weights, packed in the order the points' kernel reads them (see PackTransformedWeight).");
            writer.Line("private readonly float[] _transformedWeight = new float[TransformedWeightLength];");
        }

        if (spec.HasBias)
        {
            writer.Line("// One bias per output channel.");
            writer.Line("private readonly float[] _bias = new float[OutChannels];");
        }

        writer.Line();
        if (surface == LayerSurface.NetworkStep)
        {
            TrainedConstructor(writer, spec, plan, className);
            return;
        }

        writer.Line($"/// <summary>Creates the layer with parameters drawn as PyTorch's <c>reset_parameters</c> does: uniform in ±1/sqrt({spec.FanIn}).</summary>");
        writer.Line($"public {className}()");
        writer.Line("    : this(global::System.Random.Shared)");
        writer.Line("{");
        writer.Line("}");
        writer.Line();
        writer.Line($"/// <summary>Creates the layer with parameters drawn from <paramref name=\"random\"/> as PyTorch's <c>reset_parameters</c> does: uniform in ±1/sqrt({spec.FanIn}).</summary>");
        using (writer.Block($"public {className}(global::System.Random random)"))
        {
            writer.Line("global::System.ArgumentNullException.ThrowIfNull(random);");
            writer.Line("float[] weight = new float[WeightLength];");
            writer.Line($"global::ConvGen.ParameterInit.ConvUniform(weight, {biasArgument}, FanIn, random);");
            Pack(writer, plan, "weight");
        }

        writer.Line();
        TrainedConstructor(writer, spec, plan, className);
        writer.Line();
        ParameterAccess(writer, spec, plan, className);
    }

    private static void TrainedConstructor(SourceWriter writer, ConvSpec spec, KernelPlan plan, string className)
    {
        writer.Line("/// <summary>Creates the layer from trained parameters in PyTorch's layout.</summary>");
        writer.Line($"/// <param name=\"weight\">{WeightLengthDoc(spec)}</param>");
        writer.Line(spec.HasBias
            ? "/// <param name=\"bias\">OutChannels biases.</param>"
            : "/// <param name=\"bias\">Must be empty: this layer has no bias.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        using (writer.Block($"public {className}(global::System.ReadOnlySpan<float> weight, global::System.ReadOnlySpan<float> bias = default)"))
        {
            writer.Line($"global::ConvGen.LayerChecks.Parameters(weight, bias, WeightLength, HasBias ? OutChannels : 0, \"{LayerDescription.WeightShape(spec)}\");");
            Pack(writer, plan, "weight");
            if (spec.HasBias)
            {
                writer.Line("bias.CopyTo(_bias);");
            }
        }
    }

    /// <summary>Packs a weight for every path the layer has: the direct kernel's, the transformed rows', or both.</summary>
    private static void Pack(SourceWriter writer, KernelPlan plan, string weight)
    {
        if (plan.KeepsPackedWeights)
        {
            writer.Line($"PackWeight({weight}, _packedWeight);");
        }

        if (plan.TransformsRows)
        {
            writer.Line($"PackTransformedWeight({weight}, _transformedWeight);");
        }
    }

    /// <summary>
    /// <c>IParameterized</c>: PyTorch's names and shapes as one static read-only list, and <c>SetParameter</c>,
    /// which checks the name and length before it writes anything, then repacks a weight or copies a bias.
    /// </summary>
    private static void ParameterAccess(SourceWriter writer, ConvSpec spec, KernelPlan plan, string className)
    {
        string weightShape = LayerDescription.WeightShape(spec);
        string weightDims = weightShape.Substring(1, weightShape.Length - 2);
        string listType = "global::System.Collections.Generic.IReadOnlyList<global::ConvGen.ParameterInfo>";
        writer.Line("// PyTorch's names and shapes of the learnable parameters, in state-dict order; read-only and shared by all instances.");
        writer.Line($"private static readonly {listType} ParameterList = global::System.Array.AsReadOnly(new global::ConvGen.ParameterInfo[]");
        writer.Line("{");
        writer.Line($"    new global::ConvGen.ParameterInfo(\"weight\", global::System.Array.AsReadOnly(new int[] {{ {weightDims} }})),");
        if (spec.HasBias)
        {
            writer.Line($"    new global::ConvGen.ParameterInfo(\"bias\", global::System.Array.AsReadOnly(new int[] {{ {spec.OutChannels} }})),");
        }

        writer.Line("});");
        writer.Line();
        string names = spec.HasBias ? $"weight {weightShape} and bias [{spec.OutChannels}]" : $"weight {weightShape} (no bias)";
        writer.Line($"/// <summary>The learnable parameters with PyTorch's names and shapes: {names}.</summary>");
        writer.Line($"public {listType} Parameters => ParameterList;");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line(spec.HasBias
            ? $"/// Replaces a parameter, given in PyTorch's layout: <c>\"weight\"</c> ({spec.WeightLength} values {weightShape}, repacked for the kernel) or <c>\"bias\"</c> ({spec.OutChannels} values)."
            : $"/// Replaces a parameter, given in PyTorch's layout: <c>\"weight\"</c> ({spec.WeightLength} values {weightShape}, repacked for the kernel); this layer has no bias.");
        writer.Line("/// A call that throws changes nothing.");
        writer.Line("/// </summary>");
        writer.Line("/// <remarks>Not thread-safe against <c>Forward</c>: replacing parameters while <c>Forward</c> runs on another thread");
        writer.Line("/// is not supported (that call may read a mix of old and new values).</remarks>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The layer has no parameter <paramref name=\"name\"/>, or <paramref name=\"values\"/> has the wrong length;");
        writer.Line("/// the message lists the parameters and their lengths.</exception>");
        using (writer.Block("public void SetParameter(string name, global::System.ReadOnlySpan<float> values)"))
        {
            writer.Line("// Name and length are checked before anything is written; then the weight is repacked as the kernel reads it.");
            writer.Line($"global::ConvGen.LayerChecks.Parameter(ParameterList, name, values.Length, nameof({className}));");
            if (spec.HasBias)
            {
                using (writer.Block("if (name == \"weight\")"))
                {
                    Pack(writer, plan, "values");
                }

                using (writer.Block("else"))
                {
                    writer.Line("values.CopyTo(_bias);");
                }
            }
            else
            {
                Pack(writer, plan, "values");
            }
        }
    }

    private static string WeightLengthDoc(ConvSpec spec) =>
        $"WeightLength ({spec.WeightLength}) values laid out {LayerDescription.WeightShape(spec)}.";
}
