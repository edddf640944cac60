using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Packaging;

/// <summary>
/// The NuGet package as a user gets it: README's `dotnet pack` command, word for word, at the root of a fresh copy of
/// the sources (no build output; a git repository with one commit and the GitHub origin, as in a new clone), which must
/// not warn; the package's metadata (licence, repository and commit, README, version, release notes) and its symbol
/// package with SourceLink; then a fresh console
/// project outside this repository that references only that package, declares layers, builds
/// (warnings as errors) and runs them on data this test wrote. The outputs are checked here against
/// the float64 reference, so a package without the generator, without the attributes, or with a
/// broken runtime fails. The consumer also compiles the digits model with [OnnxModel] from an
/// AdditionalFiles item alone: the package's build/ConvGen.targets must embed it for the network's
/// weights (checked against ONNX Runtime here); and the same model saved with ONNX external data, whose side file
/// the targets must embed beside it (bit-identical outputs).
/// </summary>
public sealed class PackageTests : IDisposable
{
    private const string Release = "0.2.0";
    private const string RepositoryUrl = "https://github.com/convgen/convgen";

    private readonly string root = Path.Combine(Path.GetTempPath(), "convgen-package-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public void PackedConvGenBuildsAndRunsGeneratedLayersInAFreshConsumer()
    {
        string repo = RepositoryRoot();

        // README's pack command exactly as written, run where a user runs it: the root of a fresh clone (a copy of the
        // repository's sources without any build output, so the repository's own bin/obj are never touched).
        string clone = Path.Combine(root, "clone");
        CopySources(repo, clone);
        string commit = CommitAsClone(clone);
        string[] command = ReadmePackCommand(repo);
        string packOutput = Dotnet(clone, command[1..]);
        var warnings = packOutput.Split('\n').Where(line => line.Contains(": warning ", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count == 0, $"{string.Join(' ', command)} warned:\n{string.Join('\n', warnings)}");
        string feed = Path.Combine(clone, command[Array.IndexOf(command, "-o") + 1]);

        var packages = Directory.GetFiles(feed, "*.nupkg");
        Assert.True(packages.Length == 1, $"expected exactly one package, got: {string.Join(", ", packages.Select(Path.GetFileName))}");
        string version = CheckPackageContents(packages[0], commit);
        CheckSymbolPackage(Path.ChangeExtension(packages[0], ".snupkg"), commit);

        string consumer = Path.Combine(root, "consumer");
        Directory.CreateDirectory(consumer);
        WriteConsumer(consumer, feed, version);

        // Data for the consumer's two layers, written here and checked here.
        var random = new Random(20261124);
        var strided = new ConvGeometry(3, 8, 3, 3, StrideHeight: 2, StrideWidth: 2, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1);
        var depthwise = new ConvGeometry(4, 8, 3, 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Groups: 4);
        var cases = new (string Name, ConvGeometry Geometry, int Height, int Width, bool Bias)[]
        {
            ("strided", strided, 17, 23, true),
            ("depthwise", depthwise, 9, 40, false),
        };
        var data = new Dictionary<string, (float[] Input, float[] Weight, float[] Bias)>();
        foreach (var (name, g, height, width, bias) in cases)
        {
            var input = TestValues.Uniform(random, 2 * g.InChannels * height * width);
            var weight = TestValues.Uniform(random, g.WeightLength);
            var biasValues = bias ? TestValues.Uniform(random, g.OutChannels) : [];
            WriteFloats(Path.Combine(consumer, $"{name}.input.f32"), input);
            WriteFloats(Path.Combine(consumer, $"{name}.weight.f32"), weight);
            WriteFloats(Path.Combine(consumer, $"{name}.bias.f32"), biasValues);
            data[name] = (input, weight, biasValues);
        }

        // The digits network: its model as an AdditionalFiles item, its input written here.
        string digitsModel = Path.Combine(repo, "samples", "Digits", "data", "model.onnx");
        Directory.CreateDirectory(Path.Combine(consumer, "models"));
        File.Copy(digitsModel, Path.Combine(consumer, "models", "digits.onnx"));
        var digitsInput = TestValues.Uniform(random, 2 * 16 * 16);
        WriteFloats(Path.Combine(consumer, "digits.input.f32"), digitsInput);

        // The same model saved by onnx with every tensor as external data, in a folder of its own: the model and its side
        // file are AdditionalFiles items there, and the package's targets must embed both.
        string externalModel = Path.Combine(consumer, "models", "external", "digits-external.onnx");
        string script = Path.Combine(repo, "tests", "zoo", "external_data.py");
        var (code, printed, error) = OnnxNetwork.ZooTests.Zoo.Start(OnnxNetwork.ZooTests.Zoo.Python, TimeSpan.FromMinutes(5), script, digitsModel, externalModel, "--threshold", "0");
        Assert.True(code == 0, $"{script} failed with exit code {code} (it needs python3-onnx):\n{printed}\n{error}");
        Assert.True(File.Exists(externalModel + ".data"), $"{script} wrote no side file: {printed}");

        Dotnet(consumer, "build", "-c", "Release");
        Dotnet(consumer, "run", "-c", "Release", "--no-build", "--", consumer);

        foreach (var (name, g, height, width, _) in cases)
        {
            var (input, weight, bias) = data[name];
            string outputPath = Path.Combine(consumer, $"{name}.output.f32");
            Assert.True(File.Exists(outputPath), $"the consumer wrote no {name} output");
            var actual = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outputPath)).ToArray();
            var magnitude = ReferenceCheck.Magnitude(g, input, 2, height, width, weight, bias, out var reference);
            ReferenceCheck.AssertClose(actual, i => reference[i], magnitude, g.FanIn, computations: 1, $"packaged {name} layer");
        }

        float[] digits = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(consumer, "digits.output.f32"))).ToArray();
        byte[] external = File.ReadAllBytes(Path.Combine(consumer, "digits-external.output.f32"));
        Assert.True(external.AsSpan().SequenceEqual(MemoryMarshal.AsBytes(digits.AsSpan())), "the digits network saved with external data differs from the inline one");
        float[] expected = OnnxNetwork.OnnxModelHarness.RunOnnxRuntime(File.ReadAllBytes(digitsModel), digitsInput, [2, 1, 16, 16], out _);
        Assert.Equal(expected.Length, digits.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - digits[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"packaged digits network, logit {i}: {digits[i]}, ONNX Runtime {expected[i]}");
        }
    }

    // The one package: the runtime under lib/net10.0, the generator and its code fixes under analyzers/dotnet/cs, no
    // dependency on either project or on Roslyn's Workspaces, and the metadata a package page shows; returns its version.
    private static string CheckPackageContents(string package, string commit)
    {
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/ConvGen.Runtime.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ConvGen.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ConvGen.CodeFixes.dll", entries);
        Assert.Contains("build/ConvGen.targets", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith("/ConvGen.dll", StringComparison.Ordinal));

        var metadata = NuspecMetadata(zip);
        XNamespace ns = metadata.Name.Namespace;
        Assert.Equal("ConvGen", metadata.Element(ns + "id")!.Value);
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToList();
        Assert.Equal(["System.Numerics.Tensors"], dependencies);

        string version = metadata.Element(ns + "version")!.Value;
        Assert.Equal(Release, version);
        var license = metadata.Element(ns + "license");
        Assert.True(license is not null, "the package states no licence");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        var repository = metadata.Element(ns + "repository");
        Assert.True(repository is not null, "the package names no repository");
        Assert.Equal(("git", RepositoryUrl, commit), ((string?)repository.Attribute("type"), (string?)repository.Attribute("url"), (string?)repository.Attribute("commit")));
        Assert.StartsWith(Release + ":", metadata.Element(ns + "releaseNotes")?.Value ?? "(no release notes)", StringComparison.Ordinal);

        // The README a package page renders: in the package, named by the nuspec, its quick start on this version.
        string readme = metadata.Element(ns + "readme")?.Value ?? "(no readme)";
        Assert.Contains(readme, entries);
        using var reader = new StreamReader(zip.GetEntry(readme)!.Open());
        Assert.Contains($"<PackageReference Include=\"ConvGen\" Version=\"{version}\" />", reader.ReadToEnd(), StringComparison.Ordinal);
        return version;
    }

    // The symbol package beside it: the runtime's PDB, whose SourceLink maps every source to the clone's commit on GitHub.
    private static void CheckSymbolPackage(string symbols, string commit)
    {
        Assert.True(File.Exists(symbols), $"no symbol package {Path.GetFileName(symbols)}");
        using var zip = ZipFile.OpenRead(symbols);
        var pdb = zip.GetEntry("lib/net10.0/ConvGen.Runtime.pdb");
        Assert.True(pdb is not null, "the symbol package has no lib/net10.0/ConvGen.Runtime.pdb");
        using var pdbBytes = new MemoryStream();
        using (var stream = pdb.Open())
        {
            stream.CopyTo(pdbBytes);
        }

        pdbBytes.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdbBytes);
        var reader = provider.GetMetadataReader();
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        string? sourceLink = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == sourceLinkKind)
            .Select(info => System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(info.Value)))
            .SingleOrDefault();
        Assert.Contains($"https://raw.githubusercontent.com/convgen/convgen/{commit}/", sourceLink ?? "(no SourceLink in the PDB)", StringComparison.Ordinal);
    }

    private static XElement NuspecMetadata(ZipArchive zip)
    {
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var nuspec = XDocument.Load(stream);
        return nuspec.Root!.Element(nuspec.Root.Name.Namespace + "metadata")!;
    }

    private void WriteConsumer(string consumer, string feed, string version)
    {
        // Restore into a private folder (no stale ConvGen from an earlier run); ConvGen comes only from
        // the local feed, everything else from the machine's package cache or nuget.org.
        string globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(root, "packages")}" /></config>
              <packageSources>
                <clear />
                <add key="convgen-local" value="{feed}" />
                <add key="machine-cache" value="{globalPackages}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="convgen-local"><package pattern="ConvGen" /></packageSource>
                <packageSource key="machine-cache"><package pattern="*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ConvGen" Version="[{version}]" />
                <AdditionalFiles Include="models/digits.onnx" />
                <AdditionalFiles Include="models/external/*" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using System;
            using System.IO;
            using System.Runtime.InteropServices;
            using ConvGen;

            string dir = args[0];
            Run("strided", (w, b) => new Strided(w, b), 3, 17, 23);
            Run("depthwise", (w, b) => new Depthwise(w), 4, 9, 40);
            Console.WriteLine($"ran {Strided.ParameterCount} + {Depthwise.ParameterCount} parameters");

            // The whole digits network, its weights read from the model the package's targets embedded.
            var digits = new Digits();
            var logits = new float[2 * Digits.OutputSize];
            digits.Forward(Read("digits.input.f32"), logits, batch: 2);
            File.WriteAllBytes(Path.Combine(dir, "digits.output.f32"), MemoryMarshal.AsBytes(logits.AsSpan()).ToArray());

            // The same network saved with ONNX external data, its side file embedded beside the model by the targets.
            var external = new DigitsExternal();
            var externalLogits = new float[2 * DigitsExternal.OutputSize];
            external.Forward(Read("digits.input.f32"), externalLogits, batch: 2);
            File.WriteAllBytes(Path.Combine(dir, "digits-external.output.f32"), MemoryMarshal.AsBytes(externalLogits.AsSpan()).ToArray());

            void Run(string name, Func<float[], float[], ILayer> create, int channels, int height, int width)
            {
                var layer = create(Read($"{name}.weight.f32"), Read($"{name}.bias.f32"));
                var input = Read($"{name}.input.f32");
                ReadOnlySpan<nint> shape = [2, channels, height, width];
                var output = new float[2 * 8 * OutputSize(layer, shape)];
                layer.Forward(input, shape, output);
                File.WriteAllBytes(Path.Combine(dir, $"{name}.output.f32"), MemoryMarshal.AsBytes(output.AsSpan()).ToArray());
            }

            static int OutputSize(ILayer layer, ReadOnlySpan<nint> shape)
            {
                var output = layer.GetOutputShape(shape);
                return (int)(output[2] * output[3]);
            }

            float[] Read(string file) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(dir, file))).ToArray();

            [Conv2d(@in: 3, @out: 8, k: 3, s: 2, p: 1)]
            partial class Strided;

            [Conv2d(@in: 4, @out: 8, k: 3, padding: Padding.Same, groups: 4, bias: false)]
            partial class Depthwise;

            [OnnxModel("digits.onnx")]
            partial class Digits;

            [OnnxModel("digits-external.onnx")]
            partial class DigitsExternal;
            """);
    }

    private static void WriteFloats(string path, float[] values) =>
        File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static string Dotnet(string workingDirectory, params string[] arguments) =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", workingDirectory, arguments);

    /// <summary>Runs a program to completion, asserts it succeeded and returns what it printed.</summary>
    private static string Run(string program, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings must not leak into the child builds.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0,
            $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout + stderr.Result;
    }

    /// <summary>The <c>dotnet pack ...</c> command README's quick start gives, split into its words.</summary>
    private static string[] ReadmePackCommand(string repo)
    {
        var match = Regex.Match(File.ReadAllText(Path.Combine(repo, "README.md")), "`(dotnet pack [^`]+)`");
        Assert.True(match.Success, "README.md gives no `dotnet pack ...` command");
        string[] words = match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("-o", words);
        return words;
    }

    /// <summary>What a clone has that packing reads: the root's files and src/, without bin/ or obj/ (nor the .git
    /// file of a git worktree: the copy gets its own repository).</summary>
    private static void CopySources(string repo, string clone)
    {
        Directory.CreateDirectory(clone);
        foreach (string file in Directory.GetFiles(repo).Where(f => Path.GetFileName(f) != ".git"))
        {
            File.Copy(file, Path.Combine(clone, Path.GetFileName(file)));
        }

        foreach (string file in Directory.GetFiles(Path.Combine(repo, "src"), "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(repo, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(clone, relative))!);
            File.Copy(file, Path.Combine(clone, relative));
        }
    }

    /// <summary>Makes the copy what a clone from GitHub is: a repository whose one commit holds the sources, with the
    /// project's GitHub origin (which SourceLink maps to); returns the commit.</summary>
    private static string CommitAsClone(string clone)
    {
        Run("git", clone, "init", "--quiet");
        Run("git", clone, "add", "--all");
        Run("git", clone, "-c", "user.name=ConvGen tests", "-c", "user.email=tests@convgen.invalid", "commit", "--quiet", "--message", "clone");
        Run("git", clone, "remote", "add", "origin", RepositoryUrl + ".git");
        return Run("git", clone, "rev-parse", "HEAD").Trim();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConvGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ConvGen.sln above {AppContext.BaseDirectory}");
    }
}
