using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using ConvGen.Onnx;
using ConvGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Sdk;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// Models saved with ONNX external data (tensors in a file beside the model: data_location EXTERNAL with a location,
/// offset and length) work as any other. Real exports (tests/zoo/export.py's U-Net and M5, re-saved by onnx itself with
/// tests/zoo/external_data.py) compile to the same source as their inline versions and run bit-identically, with weights
/// from the embedded files or from <c>Load(path)</c>, and match ONNX Runtime. A small graph built here has its folded
/// constants (a Mul operand, a Reshape shape) in the side file at offsets with gaps between them, which the generator reads
/// only when the side file is an AdditionalFiles item (else CG0031). A location outside the model's folder, a byte range
/// outside the file and a missing file are errors that name the tensor and the file, at compile time and at run time.
/// </summary>
public class ExternalDataTests
{
    private const string Source = "using ConvGen;\nnamespace Nets;\n[OnnxModel(\"model.onnx\")] public partial class Net;\n";

    private static readonly long[] SmallShape = [4, 3, 3];

    private static readonly Lazy<Dictionary<string, Export>> Exports = new(ExportModels);

    // The small graph with its folded constants in the side file, compiled once with the side file as an AdditionalFiles item.
    private static readonly Lazy<(Type Net, string Model, string Data)> SmallNet = new(() =>
    {
        var (model, data) = WriteSmall(Folder(), SmallModel(external: ["w", "scale", "shape"]));
        var result = OnnxModelHarness.Run(Source, model, data);
        Assert.Empty(result.AllDiagnostics);
        return (NetType(result, model, data), model, data);
    });

    public static TheoryData<string> RealModels => ["unet", "m5"];

    // ---- Real exports, re-saved by onnx with external data ----

    [Theory]
    [MemberData(nameof(RealModels))]
    public void A_real_export_with_external_data_compiles_and_runs_bit_identically_to_its_inline_version_and_matches_ONNX_Runtime(string name)
    {
        Export export = Exports.Value[name];
        var inline = OnnxModelHarness.Run(Source, export.Inline);
        var external = OnnxModelHarness.Run(Source, export.External, export.Data);
        Assert.Empty(inline.AllDiagnostics);
        Assert.Empty(external.AllDiagnostics);
        // The generator reads the graph and the shapes, never a weight: where the weights are changes nothing it writes.
        Assert.Equal(Texts(inline), Texts(external));

        var inlineNet = Create(NetType(inline, export.Inline));
        Type externalType = NetType(external, export.External, export.Data);
        var embedded = Create(externalType);
        var loaded = Load(externalType, export.External);
        foreach (int batch in new[] { 1, 3 })
        {
            long[] shape = [batch, .. export.SampleShape];
            float[] input = ZooTests.Zoo.RandomInput(shape, seed: 5 + batch);
            float[] expected = OnnxModelHarness.Forward(inlineNet, input, shape, out _);

            AssertBitIdentical(expected, OnnxModelHarness.Forward(embedded, input, shape, out _), $"{name}, batch {batch}, weights from the embedded model and side file");
            AssertBitIdentical(expected, OnnxModelHarness.Forward(loaded, input, shape, out _), $"{name}, batch {batch}, weights from Load(path)");
            AssertMatchesOnnxRuntime(OnnxModelHarness.RunOnnxRuntime(export.External, input, shape, out _), expected, $"{name}, batch {batch}");
        }
    }

    [Theory]
    [MemberData(nameof(RealModels))]
    public void OnnxModel_Load_reads_every_external_tensor_as_the_inline_model_holds_it(string name)
    {
        Export export = Exports.Value[name];

        var inline = OnnxModel.Load(export.Inline).Initializers.ToDictionary(t => t.Name);
        var external = OnnxModel.Load(export.External).Initializers;

        Assert.Contains(external, t => t.External is not null);
        Assert.Equal(inline.Keys.Order(), external.Select(t => t.Name).Order());
        foreach (OnnxTensor tensor in external)
        {
            Assert.Equal(inline[tensor.Name].Dims, tensor.Dims);
            AssertBitIdentical(inline[tensor.Name].Values, tensor.Values, $"{name}: tensor '{tensor.Name}'");
        }
    }

    [Fact]
    public void A_stream_holds_no_side_file_so_the_stream_constructor_says_to_load_from_the_path()
    {
        var (net, model, _) = SmallNet.Value;
        using var stream = File.OpenRead(model);

        var error = Throws<ArgumentException>(() => Activator.CreateInstance(net, [stream]));

        Assert.Contains("tensor 'w' is stored as ONNX external data in 'model.onnx.data'", error.Message);
        Assert.Contains("load the network from the model's path with Load(path)", error.Message);
    }

    [Fact]
    public void A_missing_side_file_is_a_FileNotFoundException_naming_the_tensor_and_the_file()
    {
        var (net, model, _) = SmallNet.Value;
        string alone = Path.Combine(Folder(), "model.onnx");
        File.Copy(model, alone);

        var error = Throws<FileNotFoundException>(() => Load(net, alone));

        string missing = Path.Combine(Path.GetDirectoryName(alone)!, "model.onnx.data");
        Assert.Equal(missing, error.FileName);
        Assert.Contains($"stores tensor 'w' as ONNX external data in 'model.onnx.data', and {missing} does not exist", error.Message);
    }

    [Fact]
    public void An_assembly_without_the_side_file_names_the_resource_and_how_to_embed_it()
    {
        var (_, model, data) = SmallNet.Value;
        var result = OnnxModelHarness.Run(Source, model, data);
        Type net = NetType(result, model); // the model embedded, its side file not

        var error = Throws<InvalidOperationException>(() => Activator.CreateInstance(net));

        string resource = OnnxModelPath.ResourcePrefix + data.Replace('\\', '/').TrimStart('/');
        Assert.Contains($"stores tensor 'w' as ONNX external data in 'model.onnx.data', but the assembly", error.Message);
        Assert.Contains($"embeds no resource {resource}", error.Message);
        Assert.Contains($"LogicalName=\"{resource}\"", error.Message);
    }

    [Fact]
    public void A_truncated_side_file_is_an_error_naming_the_tensor_the_range_and_the_file_size_never_a_read_past_its_end()
    {
        var (net, model, data) = SmallNet.Value;
        byte[] bytes = File.ReadAllBytes(data);
        // Cut in the middle of 'scale', a constant the generator folds; and in the middle of 'w', the weight the network reads.
        string cutScale = Folder(), cutWeight = Folder();
        foreach (var (folder, end) in new[] { (cutScale, ScaleOffset + 8), (cutWeight, WeightOffset + 10) })
        {
            File.Copy(model, Path.Combine(folder, "model.onnx"));
            File.WriteAllBytes(Path.Combine(folder, "model.onnx.data"), bytes[..end]);
        }

        var generator = AssertSingle(OnnxModelHarness.Run(Source, Path.Combine(cutScale, "model.onnx"), Path.Combine(cutScale, "model.onnx.data")), "CG0022");
        var runtime = Throws<ArgumentException>(() => Load(net, Path.Combine(cutWeight, "model.onnx")));

        Assert.Contains($"tensor 'scale' is stored in 16 bytes from byte {ScaleOffset} of 'model.onnx.data', which has {ScaleOffset + 8} bytes; the file is truncated", generator.GetMessage());
        Assert.Contains($"tensor 'w' is stored in 64 bytes from byte {WeightOffset} of 'model.onnx.data', which has {WeightOffset + 10} bytes; the file is truncated", runtime.Message);
    }

    [Theory]
    [InlineData(1 << 20, 64L)] // an offset past the end of the file
    [InlineData(WeightOffset, 1L << 40)] // a length past it (and not the tensor's size)
    [InlineData(long.MaxValue, 64L)] // offset + length overflows a long
    public void Offsets_and_lengths_outside_the_side_file_are_errors_never_reads(long offset, long length)
    {
        var (net, _, data) = SmallNet.Value;
        string folder = Folder();
        File.Copy(data, Path.Combine(folder, "model.onnx.data"));
        string model = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(model, SmallModel(external: ["w"], weightRange: (offset, length)));

        var error = Throws<ArgumentException>(() => Load(net, model));

        Assert.Contains("not a valid ONNX model (tensor 'w' ", error.Message);
        Assert.True(error.Message.Contains("the file is truncated", StringComparison.Ordinal) || error.Message.Contains("but its external data in 'model.onnx.data' is", StringComparison.Ordinal), error.Message);
    }

    [Theory]
    [InlineData("../model.onnx.data")]
    [InlineData("sub/../../model.onnx.data")]
    [InlineData("..\\model.onnx.data")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/model.onnx.data")]
    public void A_location_outside_the_models_folder_is_refused_at_compile_time_and_at_run_time(string location)
    {
        var (net, _, data) = SmallNet.Value;
        // The file the location climbs to exists: a reader that followed it would succeed.
        string parent = Folder();
        string folder = Path.Combine(parent, "model");
        Directory.CreateDirectory(folder);
        File.Copy(data, Path.Combine(parent, "model.onnx.data"));
        string model = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(model, SmallModel(external: ["w", "scale", "shape"], location: location));

        var generator = AssertSingle(OnnxModelHarness.Run(Source, model, Path.Combine(parent, "model.onnx.data")), "CG0022");
        var runtime = Throws<ArgumentException>(() => Load(net, model));

        string refusal = $"tensor 'w' is stored as external data in '{location}', which is not a file in the model's folder";
        Assert.Contains(refusal, generator.GetMessage());
        Assert.Contains(refusal, runtime.Message);
    }

    // ---- The generator: shapes from dims, folded constants from an AdditionalFiles side file ----

    [Fact]
    public void Folded_constants_are_read_from_a_side_file_that_is_an_AdditionalFiles_item_and_the_network_matches_its_inline_version()
    {
        var (net, model, data) = SmallNet.Value;
        string inlinePath = OnnxModelHarness.WriteModel("model.onnx", SmallModel(external: []));
        var inline = OnnxModelHarness.Run(Source, inlinePath);
        var external = OnnxModelHarness.Run(Source, model, data);

        // The scale and the shape were folded from the side file: the same source as from inline constants.
        Assert.Equal(Texts(inline), Texts(external));
        var inlineNet = Create(NetType(inline, inlinePath));
        foreach (var candidate in new[] { Create(net), Load(net, model) })
        {
            foreach (int batch in new[] { 1, 3 })
            {
                long[] shape = [batch, .. SmallShape];
                float[] input = ZooTests.Zoo.RandomInput(shape, seed: batch);
                float[] expected = OnnxModelHarness.Forward(inlineNet, input, shape, out _);
                AssertBitIdentical(expected, OnnxModelHarness.Forward(candidate, input, shape, out _), $"small graph, batch {batch}");
                // ONNX Runtime runs the inline version: it cannot infer Reshape's output from a shape tensor stored externally.
                AssertMatchesOnnxRuntime(OnnxModelHarness.RunOnnxRuntime(SmallModel(external: []), input, shape, out _), expected, $"small graph, batch {batch}");
            }
        }
    }

    [Fact]
    public void A_folded_constant_in_a_side_file_that_is_not_an_AdditionalFiles_item_is_CG0031_naming_the_tensor_and_the_file()
    {
        var (_, model, data) = SmallNet.Value;

        var result = OnnxModelHarness.Run(Source, model);

        var diagnostic = AssertSingle(result, "CG0031");

        Assert.Equal(
            $"ONNX model 'model.onnx': [OnnxModel] needs the values of tensor 'scale' at compile time, and the model stores them as external data in 'model.onnx.data', "
            + $"which is not an AdditionalFiles item; add it to the project as the model is, <AdditionalFiles Include=\"{data}\" />",
            diagnostic.GetMessage());
        // On the attribute's argument, as every [OnnxModel] diagnostic.
        var tree = Assert.Single(result.Output.SyntaxTrees, t => t.FilePath == diagnostic.Location.GetLineSpan().Path);
        Assert.Equal("\"model.onnx\"", tree.GetText().ToString(diagnostic.Location.SourceSpan));
    }

    [Fact]
    public void Weights_in_a_side_file_need_no_AdditionalFiles_item_the_generator_takes_their_shapes_from_the_dims()
    {
        // Only the conv weight is external, and the side file is not there at all at compile time.
        string folder = Folder();
        string model = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(model, SmallModel(external: ["w"]));

        var result = OnnxModelHarness.Run(Source, model);

        Assert.Empty(result.AllDiagnostics);
        Assert.Contains("(\"w\", new long[] { 4, 4, 1, 1 })", string.Join("\n", Texts(result)));
    }

    [Fact]
    public void A_code_edit_reads_nothing_again_and_a_changed_side_file_regenerates_what_it_folds()
    {
        var (model, data) = WriteSmall(Folder(), SmallModel(external: ["w", "scale", "shape"]));
        var compilation = GeneratorRunner.CreateCompilation(Source, "namespace Nets; public class Other { public int A => 1; }");
        var texts = OnnxModelHarness.AdditionalTexts(model, data);
        var driver = OnnxModelHarness.CreateDriver(texts).RunGenerators(compilation);
        string before = Assert.Single(driver.GetRunResult().GeneratedTrees, t => t.FilePath.EndsWith("Nets.Net.g.cs", StringComparison.Ordinal)).ToString();

        // An edit to code: the model and its side file are not read again.
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Nets; public class Other { public int A => 2; }", GeneratorRunner.ParseOptions, path: "Source1.cs"));
        var reads = driver.RunGenerators(edited).GetRunResult().Results[0].TrackedSteps[Generator.TrackingNames.OnnxFiles].SelectMany(run => run.Outputs).ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));

        // The side file alone gets another scale (the compiler hands the generator a new AdditionalText for it, and the
        // model's stays as it was): the model is read again, and the folded constant changes.
        byte[] bytes = File.ReadAllBytes(data);
        Buffer.BlockCopy(new[] { 3f, 3f, 3f, 3f }, 0, bytes, ScaleOffset, 16);
        File.WriteAllBytes(data, bytes);
        var second = driver.ReplaceAdditionalText(texts[1], OnnxModelHarness.AdditionalTexts(data)[0]).RunGenerators(compilation).GetRunResult();

        string after = Assert.Single(second.GeneratedTrees, t => t.FilePath.EndsWith("Nets.Net.g.cs", StringComparison.Ordinal)).ToString();
        Assert.NotEqual(before, after);
        Assert.Contains("new float[] { 3f, 3f, 3f, 3f }", after);
    }

    // ---- helpers ----

    // The small graph: y = Reshape(Conv(x, w, b) * scale, shape) on [N, 4, 3, 3]. Its side file holds w, scale and shape at
    // these offsets, with bytes of junk before and between them, so a reader that ignores offsets reads wrong values.
    private const int WeightOffset = 16, ScaleOffset = WeightOffset + 64 + 8, ShapeOffset = ScaleOffset + 16 + 24;

    private static readonly float[] Weight = NetworkConformanceTests.Values(new Random(3), 16, 0.5f);
    private static readonly float[] Bias = [0.1f, -0.2f, 0.3f, -0.4f];
    private static readonly float[] Scale = [1.5f, -0.75f, 2.25f, 0.5f];
    private static readonly long[] ReshapeTo = [0, 36];

    /// <summary>The small graph, with the tensors named in <paramref name="external"/> stored in <paramref name="location"/>.</summary>
    private static byte[] SmallModel(string[] external, string location = "model.onnx.data", (long Offset, long Length)? weightRange = null)
    {
        var writer = new OnnxGraphWriter(13).Input("x", [null, 4, 3, 3]).Initializer("b", [4], Bias);
        _ = external.Contains("w")
            ? writer.ExternalInitializer("w", [4, 4, 1, 1], OnnxTensor.FloatType, location, weightRange?.Offset ?? WeightOffset, weightRange?.Length ?? 64)
            : writer.Initializer("w", [4, 4, 1, 1], Weight);
        _ = external.Contains("scale")
            ? writer.ExternalInitializer("scale", [4, 1, 1], OnnxTensor.FloatType, location, ScaleOffset, 16)
            : writer.Initializer("scale", [4, 1, 1], Scale);
        _ = external.Contains("shape")
            ? writer.ExternalInitializer("shape", [2], OnnxTensor.Int64Type, location, ShapeOffset, null) // no length: to the end of the file
            : writer.Int64Initializer("shape", ReshapeTo);
        return writer
            .Node("Conv", ["x", "w", "b"], ["c"], "conv")
            .Node("Mul", ["c", "scale"], ["m"], "scale")
            .Node("Reshape", ["m", "shape"], ["y"], "flatten")
            .Output("y").ToArray();
    }

    /// <summary>Writes the model and its side file (w, scale and shape at their offsets, junk around them) into <paramref name="folder"/>.</summary>
    private static (string Model, string Data) WriteSmall(string folder, byte[] model)
    {
        var data = new byte[ShapeOffset + 16];
        new Random(99).NextBytes(data);
        Buffer.BlockCopy(Weight, 0, data, WeightOffset, 64);
        Buffer.BlockCopy(Scale, 0, data, ScaleOffset, 16);
        Buffer.BlockCopy(ReshapeTo, 0, data, ShapeOffset, 16);
        string modelPath = Path.Combine(folder, "model.onnx"), dataPath = Path.Combine(folder, "model.onnx.data");
        File.WriteAllBytes(modelPath, model);
        File.WriteAllBytes(dataPath, data);
        return (modelPath, dataPath);
    }

    private static string Folder()
    {
        string folder = Path.Combine(OnnxModelHarness.Folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The generated network type, loaded with <paramref name="embedded"/> as build/ConvGen.targets embeds a model and
    /// the files beside it: ConvGen/&lt;path&gt; (here the whole path).</summary>
    private static Type NetType(GeneratorResult result, params string[] embedded) =>
        InMemoryAssembly.Load(result.Output, [.. embedded.Select(path => (OnnxModelPath.ResourcePrefix + path.Replace('\\', '/').TrimStart('/'), path))]).GetType("Nets.Net")!;

    private static ILayer Create(Type net) => (ILayer)Activator.CreateInstance(net)!;

    private static ILayer Load(Type net, string path) => (ILayer)net.GetMethod("Load", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [path])!;

    private static List<string> Texts(GeneratorResult result) => [.. result.RunResult.GeneratedTrees.Select(tree => tree.ToString())];

    private static T Throws<T>(Func<object?> action)
        where T : Exception =>
        Assert.IsType<T>(Assert.Throws<TargetInvocationException>(action).InnerException);

    private static Diagnostic AssertSingle(GeneratorResult result, string id)
    {
        var diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Empty(result.RunResult.GeneratedTrees);
        return diagnostic;
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                throw new XunitException($"{what}: value {i} is {actual[i]:R}, expected {expected[i]:R} bit for bit");
            }
        }
    }

    /// <summary>ZooTests' bound: per image, |ConvGen - ORT| &lt;= 1e-4 * max(1, max |ORT|) (here over the whole batch).</summary>
    private static void AssertMatchesOnnxRuntime(float[] ort, float[] actual, string what)
    {
        Assert.Equal(ort.Length, actual.Length);
        double scale = Math.Max(1, ort.Max(v => Math.Abs(v)));
        for (int i = 0; i < ort.Length; i++)
        {
            Assert.True(Math.Abs(ort[i] - actual[i]) <= 1e-4 * scale, $"{what}, output {i}: ConvGen {actual[i]}, ONNX Runtime {ort[i]}");
        }
    }

    private sealed record Export(string Inline, string External, string Data, long[] SampleShape);

    /// <summary>Exports the U-Net and M5 with tests/zoo/export.py, then re-saves each with onnx's external data through
    /// tests/zoo/external_data.py: the U-Net with onnx's default threshold (tensors of 1 KB and more external, biases
    /// inline), M5 with every tensor external in a file of another name.</summary>
    private static Dictionary<string, Export> ExportModels()
    {
        string python = ZooTests.Zoo.Python;
        if (!File.Exists(python))
        {
            throw new XunitException($"The external data tests need Debian's Python with PyTorch and onnx at {python} (or CONVGEN_PYTHON): apt-get install python3-torchvision python3-onnx");
        }

        string folder = Directory.CreateTempSubdirectory("convgen-external-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        string zoo = Path.Combine(DigitsModelTests.RepositoryRoot(), "tests", "zoo");
        Run(Path.Combine(zoo, "export.py"), folder, "unet", "m5");
        var exports = new Dictionary<string, Export>();
        foreach (var (name, arguments) in new[] { ("unet", Array.Empty<string>()), ("m5", new[] { "--threshold", "0", "--location", "m5-weights.bin" }) })
        {
            string inline = Path.Combine(folder, "inline", name, "model.onnx");
            Directory.CreateDirectory(Path.GetDirectoryName(inline)!);
            File.Move(Path.Combine(folder, name + ".onnx"), inline);
            string external = Path.Combine(folder, "external", name, "model.onnx");
            Run(Path.Combine(zoo, "external_data.py"), [inline, external, .. arguments]);
            string data = Path.Combine(Path.GetDirectoryName(external)!, arguments.Length > 0 ? arguments[^1] : "model.onnx.data");
            exports[name] = new Export(inline, external, data, ZooTests.Zoo.SampleShape(name));
        }

        return exports;

        void Run(string script, params string[] arguments)
        {
            var (code, output, error) = ZooTests.Zoo.Start(python, TimeSpan.FromMinutes(5), [script, .. arguments]);
            if (code != 0)
            {
                throw new XunitException($"{script} {string.Join(' ', arguments)} failed with exit code {code}:\n{output}\n{error}");
            }
        }
    }
}
