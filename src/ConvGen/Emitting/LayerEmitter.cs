using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>Writes the whole generated file for one layer: the partial class with its constants,
/// parameters, shape arithmetic, public API and kernel.</summary>
internal static class LayerEmitter
{
    internal const string GeneratorName = "ConvGen";
    internal static readonly string GeneratorVersion = typeof(LayerEmitter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The generated files of one attributed layer: the layer's, and for a transposed convolution its phase convolution's.</summary>
    public static System.Collections.Generic.IEnumerable<(string HintName, string Source)> Emit(LayerSource source) => source.Spec switch
    {
        ConvSpec spec => [(source.Target.HintName, Emit(source.Target, spec))],
        TransposedConvSpec spec => TransposedLayerEmitter.Emit(source.Target, spec),
        _ => [],
    };

    /// <summary>The file of one convolution layer, with the members <paramref name="surface"/> says.</summary>
    public static string Emit(TargetType target, ConvSpec spec, LayerSurface surface = LayerSurface.Public)
    {
        var plan = KernelPlanner.Plan(spec);
        var writer = new SourceWriter();
        using (GeneratedFile.Open(writer, target, $"[{spec.Kind}] on {target.FullName}"))
        {
            writer.Line("/// <summary>");
            writer.Line($"/// {LayerDescription.Summary(spec)}");
            writer.Line($"/// Weights are PyTorch's {LayerDescription.WeightShape(spec)}; input and output are {(spec.Kind == LayerKind.Conv2d ? "NCHW" : "NCL")} float32.");
            if (spec.Activation != ActivationKind.None)
            {
                writer.Line($"/// Fused activation: the output is {spec.Activation}(conv(x) + bias), {spec.Activation}(x) = {ActivationEmitter.Formula(spec.Activation)}.");
            }

            foreach (string fact in LayerFacts.Convolution(spec, plan))
            {
                writer.Line($"/// {fact}");
            }

            writer.Line("/// </summary>");
            writer.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"{GeneratorName}\", \"{GeneratorVersion}\")]");
            using (writer.Block(surface == LayerSurface.Public
                ? $"partial {target.Keyword} {target.Name} : global::ConvGen.ILayer, global::ConvGen.IParameterized"
                : $"sealed partial {target.Keyword} {target.Name}"))
            {
                ConstantsEmitter.Emit(writer, spec, plan);
                writer.Line();
                ParametersEmitter.Emit(writer, spec, plan, target.Name, surface);
                writer.Line();
                ForwardEmitter.Emit(writer, spec, plan, surface);
                writer.Line();
                if (plan.TransformsRows)
                {
                    WinogradRowsEmitter.Emit(writer, spec, plan);
                    writer.Line();
                    DirectKernelEmitter.Emit(writer, spec, plan);
                }

                // The direct kernel: the layer's only path, or the one a layer without a fixed size takes where transformed rows cost more.
                if ((plan.TransformsRows ? plan.Direct : plan) is { } direct)
                {
                    if (plan.TransformsRows)
                    {
                        writer.Line();
                    }

                    WeightPackingEmitter.Emit(writer, direct, "PackWeight", "FanIn");
                    writer.Line();
                    PaddedInputEmitter.Emit(writer, spec, direct);
                    writer.Line();
                    if (direct.GathersTaps)
                    {
                        TapGatherEmitter.Emit(writer, spec, direct);
                        writer.Line();
                        if (ImageTapGatherEmitter.Windows(spec, direct) is { } windows)
                        {
                            ImageTapGatherEmitter.Emit(writer, spec, direct, windows);
                            writer.Line();
                        }
                    }

                    DirectKernelEmitter.Emit(writer, spec, direct);
                }
            }
        }

        return writer.ToString();
    }
}
