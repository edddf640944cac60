using ConvGen.Generator.Model;

namespace ConvGen.Generator.Emitting;

/// <summary>Writes the parameter fields and the constructors: PyTorch's default initialisation, or
/// weights (and bias) given in PyTorch's layout, packed once for the kernel.</summary>
internal static class ParametersEmitter
{
    public static void Emit(SourceWriter writer, ConvSpec spec, string className)
    {
        string biasArgument = spec.HasBias ? "_bias" : "global::System.Span<float>.Empty";
        writer.Line("// Weights packed in the order the kernel reads them: [group][channel tile][in][kernel row][kernel column][channel in tile].");
        writer.Line("private readonly float[] _packedWeight = new float[WeightLength];");
        if (spec.HasBias)
        {
            writer.Line("// One bias per output channel.");
            writer.Line("private readonly float[] _bias = new float[OutChannels];");
        }

        writer.Line();
        writer.Line($"/// <summary>Creates the layer with parameters drawn as PyTorch's <c>reset_parameters</c> does: uniform in ±1/sqrt({spec.FanIn}).</summary>");
        writer.Line($"public {className}()");
        writer.Line("    : this(global::System.Random.Shared)");
        writer.Line("{");
        writer.Line("}");
        writer.Line();
        writer.Line($"/// <summary>Creates the layer with parameters drawn from <paramref name=\"random\"/> as PyTorch's <c>reset_parameters</c> does: uniform in ±1/sqrt({spec.FanIn}).</summary>");
        writer.Open($"public {className}(global::System.Random random)");
        writer.Line("global::System.ArgumentNullException.ThrowIfNull(random);");
        writer.Line("float[] weight = new float[WeightLength];");
        writer.Line($"global::ConvGen.ParameterInit.ConvUniform(weight, {biasArgument}, FanIn, random);");
        writer.Line("PackWeight(weight, _packedWeight);");
        writer.Close();
        writer.Line();
        writer.Line("/// <summary>Creates the layer from trained parameters in PyTorch's layout.</summary>");
        writer.Line($"/// <param name=\"weight\">{WeightLengthDoc(spec)}</param>");
        writer.Line(spec.HasBias
            ? "/// <param name=\"bias\">OutChannels biases.</param>"
            : "/// <param name=\"bias\">Must be empty: this layer has no bias.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        writer.Open($"public {className}(global::System.ReadOnlySpan<float> weight, global::System.ReadOnlySpan<float> bias = default)");
        writer.Line($"global::ConvGen.LayerChecks.Parameters(weight, bias, WeightLength, HasBias ? OutChannels : 0, \"{LayerDescription.WeightShape(spec)}\");");
        writer.Line("PackWeight(weight, _packedWeight);");
        if (spec.HasBias)
        {
            writer.Line("bias.CopyTo(_bias);");
        }

        writer.Close();
    }

    private static string WeightLengthDoc(ConvSpec spec) =>
        $"WeightLength ({spec.WeightLength}) values laid out {LayerDescription.WeightShape(spec)}.";
}
