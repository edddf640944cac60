using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ConvGen.Generator.Network;
using ConvGen.Onnx;
using ConvGen.Tests.Conformance;
using ConvGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// ONNX's own backend test models (Debian's libonnx-testdata: node/, pytorch-converted/, pytorch-operator/, simple/):
/// every model either lowers to a network or is reported with a ConvGen diagnostic (never an exception), and every
/// model that lowers is generated (all in one compilation), run on its test data sets, and compared with the data
/// set's expected output (ONNX's reference) and with ONNX Runtime.
/// </summary>
public class NetworkConformanceModelTests(ITestOutputHelper output)
{
    private static readonly string[] Suites = ["node", "pytorch-converted", "pytorch-operator", "simple"];

    // Problem: the first diagnostic's ID; Stop: what it stopped at (the operator of CG0023/CG0024, else the ID).
    private static readonly Lazy<List<(string Name, string Path, bool Lowered, string Problem, string Stop)>> Models = new(() =>
    {
        if (!Directory.Exists(OnnxConformanceCase.DataRoot))
        {
            throw new DirectoryNotFoundException($"ONNX test data not found at {OnnxConformanceCase.DataRoot}: install Debian's libonnx-testdata or set CONVGEN_ONNX_TESTDATA.");
        }

        var models = new List<(string, string, bool, string, string)>();
        foreach (string suite in Suites)
        {
            foreach (string directory in Directory.GetDirectories(Path.Combine(OnnxConformanceCase.DataRoot, suite)).Order(StringComparer.Ordinal))
            {
                string path = Path.Combine(directory, "model.onnx");
                if (!File.Exists(path))
                {
                    continue;
                }

                var file = OnnxFileReader.Parse(path, File.ReadAllBytes(path));
                string problem = string.Join("; ", file.Problems.Select(p => p.Descriptor.Id));
                var first = file.Problems.FirstOrDefault();
                string stop = first is null ? "" : first.Descriptor.Id is "CG0023" or "CG0024" ? $"{first.MessageArgs[2]} ({first.Descriptor.Id})" : first.Descriptor.Id;
                models.Add(($"{suite}/{Path.GetFileName(directory)}", path, file.Graph is not null, problem, stop));
            }
        }

        return models;
    });

    [Fact]
    public void Every_conformance_model_lowers_or_is_reported_with_a_ConvGen_diagnostic()
    {
        // OnnxFileReader.Parse turns any exception into a diagnostic; here nothing may have needed that catch-all.
        var unexpected = Models.Value.Where(m => !m.Lowered && !m.Problem.StartsWith("CG002", StringComparison.Ordinal)).ToList();
        Assert.Empty(unexpected);
        foreach (string suite in Suites)
        {
            output.WriteLine($"{suite}: {Models.Value.Count(m => m.Name.StartsWith(suite + "/", StringComparison.Ordinal) && m.Lowered)} of {Models.Value.Count(m => m.Name.StartsWith(suite + "/", StringComparison.Ordinal))} models compile");
        }

        // What stops the others (README lists it): CG0023 an operator, CG0024 a form of one, CG0025 a shape.
        output.WriteLine("stopped at: " + string.Join(", ", Models.Value.Where(m => !m.Lowered).GroupBy(m => m.Stop)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
    }

    [Fact]
    public void Supported_conformance_models_match_the_reference_outputs_and_ONNX_Runtime()
    {
        var supported = Models.Value.Where(m => m.Lowered).ToList();
        // Guards against the test passing vacuously when the discovery breaks, and against operators silently
        // dropping out: 101 models lowered before Concat/broadcast/Reduce/Transpose/Slice/Split/Pad and shape folding, 142 with them.
        Assert.True(supported.Count >= 140, $"only {supported.Count} conformance models lowered");

        // One class per model, each naming its file by a path unique among the items, all in one compilation.
        var source = new StringBuilder("using ConvGen;\nnamespace Conformance;\n");
        for (int i = 0; i < supported.Count; i++)
        {
            source.AppendLine($"[OnnxModel(\"{supported[i].Name}/model.onnx\")] public partial class M{i};");
        }

        var result = OnnxModelHarness.Run(source.ToString(), [.. supported.Select(m => m.Path)]);
        Assert.Empty(result.AllDiagnostics);
        var assembly = OnnxModelHarness.Load(result.Output, [.. supported.Select(m => m.Path)]);

        var failures = new List<string>();
        var ortMissing = new List<string>();
        int compared = 0;
        for (int i = 0; i < supported.Count; i++)
        {
            var net = Activator.CreateInstance(assembly.GetType($"Conformance.M{i}")!)!;
            byte[] model = File.ReadAllBytes(supported[i].Path);
            foreach (string set in Directory.GetDirectories(Path.GetDirectoryName(supported[i].Path)!, "test_data_set_*").Order(StringComparer.Ordinal))
            {
                var input = OnnxTensor.Load(Path.Combine(set, "input_0.pb"));
                long[] shape = [.. input.Dims];
                var actual = OnnxModelHarness.ForwardAll(net, input.Values, shape);
                string where = $"{supported[i].Name}/{Path.GetFileName(set)}";
                var expected = Enumerable.Range(0, actual.Count).Select(k => OnnxTensor.Load(Path.Combine(set, $"output_{k}.pb"))).ToList();
                Assert.False(File.Exists(Path.Combine(set, $"output_{actual.Count}.pb")), $"{where}: the network has {actual.Count} outputs, the data set more");
                List<(float[] Values, long[] Shape)> ort;
                try
                {
                    ort = OnnxModelHarness.RunOnnxRuntimeAll(model, input.Values, shape);
                }
                catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e) when (e.Message.Contains("Could not find an implementation", StringComparison.Ordinal))
                {
                    // ONNX Runtime dropped some opset-1 kernels (e.g. AveragePool-1): the reference output alone decides.
                    ort = [.. expected.Select(e => (e.Values, e.Dims.ToArray()))];
                    ortMissing.Add(where);
                }

                for (int o = 0; o < actual.Count; o++)
                {
                    string which = actual.Count == 1 ? where : $"{where}, output {o}";
                    if (!actual[o].Shape.Select(d => (long)d).SequenceEqual(expected[o].Dims) || !ort[o].Shape.SequenceEqual(expected[o].Dims))
                    {
                        failures.Add($"{which}: shape [{string.Join(", ", actual[o].Shape)}], reference [{string.Join(", ", expected[o].Dims)}], ONNX Runtime [{string.Join(", ", ort[o].Shape)}]");
                        continue;
                    }

                    for (int k = 0; k < actual[o].Values.Length; k++)
                    {
                        float value = actual[o].Values[k], reference = expected[o].Values[k];
                        double tolerance = 1e-4 * Math.Max(1, Math.Abs(reference));
                        if (!Agrees(value, reference, tolerance) || !Agrees(value, ort[o].Values[k], tolerance))
                        {
                            failures.Add($"{which}: value {k} is {value}, reference {reference}, ONNX Runtime {ort[o].Values[k]}");
                            break;
                        }
                    }
                }

                compared++;
            }
        }

        // NaN where the other has NaN (e.g. sqrt of a negative input), the same infinity, or within the tolerance.
        static bool Agrees(float actual, float other, double tolerance) =>
            actual == other || (float.IsNaN(other) ? float.IsNaN(actual) : Math.Abs(actual - other) <= tolerance);

        output.WriteLine($"{supported.Count} models, {compared} data sets compared ({ortMissing.Count} against the reference only, which ONNX Runtime cannot run: {string.Join(", ", ortMissing)}):");
        output.WriteLine(string.Join("\n", supported.Select(m => m.Name)));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
