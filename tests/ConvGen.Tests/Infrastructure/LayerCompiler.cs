using System;
using System.Collections.Generic;
using System.Reflection;
using System.Text;
using Xunit;

namespace ConvGen.Tests.Infrastructure;

/// <summary>
/// Generates many layers into one in-memory compilation (fast: one compile for all), checks it has
/// no diagnostic at all, loads it, and returns a factory that builds layer i from PyTorch-layout
/// weight and bias arrays.
/// </summary>
internal static class LayerCompiler
{
    public static Func<int, float[], float[], ILayer> Compile(IReadOnlyList<string> attributes)
    {
        var source = new StringBuilder("using ConvGen;\nnamespace CompiledLayers;\n");
        for (int i = 0; i < attributes.Count; i++)
        {
            source.AppendLine($"[{attributes[i]}] public partial class L{i};");
        }

        source.AppendLine("public static class Factory");
        source.AppendLine("{");
        source.AppendLine("    public static ILayer Create(int index, float[] weight, float[] bias) => index switch");
        source.AppendLine("    {");
        for (int i = 0; i < attributes.Count; i++)
        {
            source.AppendLine($"        {i} => new L{i}(weight, bias),");
        }

        source.AppendLine("        _ => throw new System.ArgumentOutOfRangeException(nameof(index)),");
        source.AppendLine("    };");
        source.AppendLine("}");

        var result = GeneratorRunner.Run(source.ToString());
        Assert.Empty(result.AllDiagnostics);
        var create = InMemoryAssembly.Load(result.Output).GetType("CompiledLayers.Factory")!.GetMethod("Create")!;
        return (index, weight, bias) =>
        {
            try
            {
                return (ILayer)create.Invoke(null, [index, weight, bias])!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        };
    }
}
