using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace ConvGen.Tests.Infrastructure;

/// <summary>Emits a compilation and loads it into its own collectible context.</summary>
internal static class InMemoryAssembly
{
    /// <summary>Emits <paramref name="compilation"/> with <paramref name="resources"/> (name, file) as embedded
    /// manifest resources, as MSBuild's EmbeddedResource items would be, and loads it.</summary>
    public static Assembly Load(Compilation compilation, params (string Name, string Path)[] resources)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream, manifestResources: [.. resources.Select(r => new ResourceDescription(r.Name, () => File.OpenRead(r.Path), isPublic: true))]);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(20);
            throw new InvalidOperationException("the generated code does not compile:\n" + string.Join("\n", errors));
        }

        stream.Position = 0;
        return new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(stream);
    }
}
