using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Threading;
using ConvGen.Generator;
using ConvGen.Onnx;
using ConvGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// Runs the generator on an [OnnxModel] class with .onnx files as AdditionalFiles items (written to a temporary
/// folder, as the compiler hands the generator a path), compiles and loads the result, and runs ONNX Runtime
/// (single thread) on the same bytes as the oracle.
/// </summary>
internal static class OnnxModelHarness
{
    public static readonly string Folder = Directory.CreateTempSubdirectory("convgen-onnx-").FullName;

    /// <summary>Writes <paramref name="bytes"/> to a fresh file called <paramref name="name"/> and returns its path.</summary>
    public static string WriteModel(string name, byte[] bytes)
    {
        string directory = Path.Combine(Folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static ImmutableArray<AdditionalText> AdditionalTexts(params string[] paths) =>
        [.. paths.Select(path => (AdditionalText)new BinaryAdditionalText(path))];

    public static GeneratorDriver CreateDriver(params string[] additionalFiles) => CreateDriver(AdditionalTexts(additionalFiles));

    public static GeneratorDriver CreateDriver(ImmutableArray<AdditionalText> additionalTexts) => CSharpGeneratorDriver.Create(
        [new ConvGenerator().AsSourceGenerator()],
        additionalTexts,
        GeneratorRunner.ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorResult Run(string source, params string[] additionalFiles)
    {
        var compilation = GeneratorRunner.CreateCompilation(source);
        var driver = CreateDriver(additionalFiles).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorResult(driver.GetRunResult(), output, diagnostics);
    }

    /// <summary>Generates <c>Net</c> from the model, asserts there is no diagnostic at all, and returns a new instance.</summary>
    public static ILayer Compile(string modelPath) => (ILayer)CompileNetwork(modelPath);

    /// <summary>As <see cref="Compile"/>, for a model of any number of outputs (several: no <see cref="ILayer"/>).</summary>
    public static object CompileNetwork(string modelPath)
    {
        string file = Path.GetFileName(modelPath);
        var result = Run($"using ConvGen;\nnamespace Nets;\n[OnnxModel(\"{file}\")] public partial class Net;\n", modelPath);
        Assert.Empty(result.AllDiagnostics);
        var type = Load(result.Output, modelPath).GetType("Nets.Net")!;
        return Activator.CreateInstance(type)!;
    }

    /// <summary>Loads the compilation with each model embedded as build/ConvGen.targets embeds an .onnx item: the
    /// resource ConvGen/&lt;path&gt; (here the whole path, which ends with what the attribute names).</summary>
    public static System.Reflection.Assembly Load(Compilation compilation, params string[] modelPaths) =>
        InMemoryAssembly.Load(compilation, [.. modelPaths.Select(path => (OnnxModelPath.ResourcePrefix + path.Replace('\\', '/').TrimStart('/'), path))]);

    /// <summary>Runs the network through ILayer (which checks the shape and calls Forward(input, output, batch)).</summary>
    public static float[] Forward(ILayer net, float[] input, long[] shape, out nint[] outputShape)
    {
        nint[] inputShape = [.. shape.Select(d => (nint)d)];
        outputShape = net.GetOutputShape(inputShape);
        var output = new float[outputShape.Aggregate(1L, (a, b) => a * b)];
        net.Forward(input, inputShape, output);
        return output;
    }

    /// <summary>Runs every output of a generated network: through ILayer for one output, else through the tuple-returning
    /// <c>Forward(Tensor&lt;float&gt;)</c> a network of several outputs has, in graph order.</summary>
    public static List<(float[] Values, nint[] Shape)> ForwardAll(object net, float[] input, long[] shape)
    {
        if (net is ILayer layer)
        {
            return [(Forward(layer, input, shape, out nint[] outputShape), outputShape)];
        }

        var forward = net.GetType().GetMethod("Forward", [typeof(Tensor<float>)])!;
        var tensors = (ITuple)forward.Invoke(net, [Tensor.Create(input, [.. shape.Select(d => (nint)d)])])!;
        var outputs = new List<(float[], nint[])>();
        for (int i = 0; i < tensors.Length; i++)
        {
            var tensor = (Tensor<float>)tensors[i]!;
            var values = new float[tensor.FlattenedLength];
            tensor.FlattenTo(values);
            outputs.Add((values, tensor.Lengths.ToArray()));
        }

        return outputs;
    }

    /// <summary>Runs ONNX Runtime, single-threaded, on <paramref name="model"/> of one output.</summary>
    public static float[] RunOnnxRuntime(byte[] model, float[] input, long[] shape, out long[] outputShape, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL) =>
        Single(RunOnnxRuntimeAll(model, input, shape, optimization), out outputShape);

    /// <summary>Runs ONNX Runtime, single-threaded, on <paramref name="model"/>: every output, in graph order.</summary>
    public static List<(float[] Values, long[] Shape)> RunOnnxRuntimeAll(byte[] model, float[] input, long[] shape, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = optimization, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        return Run(session, input, shape);
    }

    /// <summary>Runs ONNX Runtime, single-threaded, on the model of one output in <paramref name="modelPath"/>, which reads
    /// the tensors the model stores as external data from the files beside it.</summary>
    public static float[] RunOnnxRuntime(string modelPath, float[] input, long[] shape, out long[] outputShape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(modelPath, options);
        return Single(Run(session, input, shape), out outputShape);
    }

    private static float[] Single(List<(float[] Values, long[] Shape)> outputs, out long[] outputShape)
    {
        var (values, shape) = outputs.Single();
        outputShape = shape;
        return values;
    }

    private static List<(float[] Values, long[] Shape)> Run(InferenceSession session, float[] input, long[] shape)
    {
        string inputName = session.InputMetadata.Keys.Single();
        string[] outputNames = [.. session.OutputNames];
        using var x = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [x], outputNames);
        return [.. outputs.Select(o => (o.GetTensorDataAsSpan<float>().ToArray(), o.GetTensorTypeAndShape().Shape))];
    }

    /// <summary>An AdditionalFiles item as the compiler gives it to a generator: a path. Its text must never be
    /// asked for (the compiler would report CS2015 for a binary file), so GetText fails the test.</summary>
    private sealed class BinaryAdditionalText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the generator must not read a binary .onnx file as text");
    }
}
