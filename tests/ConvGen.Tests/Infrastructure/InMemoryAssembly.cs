using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;

namespace ConvGen.Tests.Infrastructure;

/// <summary>Emits a compilation and loads it into its own collectible context.</summary>
internal static class InMemoryAssembly
{
    /// <summary>
    /// A folder (CONVGEN_TEST_ASSEMBLY_CACHE, which tests/run sets for one run) where emitted assemblies are kept by the
    /// hash of everything they are compiled from. The passes that tests/run repeats under other instruction sets compile
    /// exactly the code the first pass did (IL does not depend on the CPU; the JIT picks the vector paths when it loads
    /// it), so they load the first pass's bytes instead of compiling them again.
    /// </summary>
    private static readonly string? CacheFolder = Environment.GetEnvironmentVariable("CONVGEN_TEST_ASSEMBLY_CACHE");

    /// <summary>Emits <paramref name="compilation"/> with <paramref name="resources"/> (name, file) as embedded
    /// manifest resources, as MSBuild's EmbeddedResource items would be, and loads it.</summary>
    public static Assembly Load(Compilation compilation, params (string Name, string Path)[] resources)
    {
        byte[] image = CacheFolder is null ? Emit(compilation, resources) : Cached(CacheFolder, compilation, resources);
        return new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(new MemoryStream(image));
    }

    private static byte[] Emit(Compilation compilation, (string Name, string Path)[] resources)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream, manifestResources: [.. resources.Select(r => new ResourceDescription(r.Name, () => File.OpenRead(r.Path), isPublic: true))]);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(20);
            throw new InvalidOperationException("the generated code does not compile:\n" + string.Join("\n", errors));
        }

        return stream.ToArray();
    }

    private static byte[] Cached(string folder, Compilation compilation, (string Name, string Path)[] resources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));
        Add(compilation.AssemblyName ?? "");
        Add(compilation.Options.OptimizationLevel.ToString());
        foreach (var tree in compilation.SyntaxTrees)
        {
            Add(tree.FilePath);
            Add(tree.GetText().ToString());
        }

        foreach (var (name, path) in resources)
        {
            Add(name);
            hash.AppendData(File.ReadAllBytes(path));
        }

        string file = Path.Combine(folder, Convert.ToHexString(hash.GetHashAndReset()) + ".dll");
        if (File.Exists(file))
        {
            return File.ReadAllBytes(file);
        }

        byte[] image = Emit(compilation, resources);
        Directory.CreateDirectory(folder);
        string partial = file + "." + Guid.NewGuid().ToString("N");
        File.WriteAllBytes(partial, image);
        File.Move(partial, file, overwrite: true);
        return image;
    }
}
