using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ConvGen.Onnx;

namespace ConvGen.Tests.Conformance;

/// <summary>
/// One Conv case of ONNX's backend test data (Debian's libonnx-testdata): the model, its Conv node,
/// and for each test_data_set the input X, weights W, optional bias B and expected output.
/// Values missing from the initializers come from the data set's input_N.pb, in graph-input order.
/// </summary>
public sealed record OnnxConformanceCase(string Name, OnnxNode Conv, IReadOnlyList<OnnxConformanceData> DataSets)
{
    /// <summary>Where the data lives: $CONVGEN_ONNX_TESTDATA, else the Debian package's path.</summary>
    public static string DataRoot =>
        Environment.GetEnvironmentVariable("CONVGEN_ONNX_TESTDATA") is { Length: > 0 } path ? path : "/usr/share/libonnx-testdata/data";

    /// <summary>Every case whose model is a single Conv node: node/test_conv_*, node/test_basic_conv_*,
    /// pytorch-converted/test_Conv*d*. Throws when the data is missing: that must fail, not skip.</summary>
    public static IReadOnlyList<string> Discover()
    {
        if (!Directory.Exists(DataRoot))
        {
            throw new DirectoryNotFoundException($"ONNX test data not found at {DataRoot}: install Debian's libonnx-testdata or set CONVGEN_ONNX_TESTDATA.");
        }

        return [.. new[] { ("node", "test_conv_*"), ("node", "test_basic_conv_*"), ("pytorch-converted", "test_Conv*d*") }
            .SelectMany(p => Directory.GetDirectories(Path.Combine(DataRoot, p.Item1), p.Item2).Select(d => $"{p.Item1}/{Path.GetFileName(d)}"))
            .Where(name => !name.Contains("Transpose", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];
    }

    public static OnnxConformanceCase Load(string name)
    {
        string directory = Path.Combine(DataRoot, name);
        var model = OnnxModel.Load(Path.Combine(directory, "model.onnx"));
        var conv = model.Nodes.Single();
        var fedInputs = model.Inputs.Where(input => model.Initializer(input.Name) is null).Select(input => input.Name).ToList();
        var dataSets = Directory.GetDirectories(directory, "test_data_set_*").Order(StringComparer.Ordinal).Select(set =>
        {
            OnnxTensor Value(string valueName) => model.Initializer(valueName)
                ?? OnnxTensor.Load(Path.Combine(set, $"input_{fedInputs.IndexOf(valueName)}.pb"));
            var bias = conv.Inputs.Count > 2 && conv.Inputs[2].Length > 0 ? Value(conv.Inputs[2]) : null;
            return new OnnxConformanceData(Value(conv.Inputs[0]), Value(conv.Inputs[1]), bias, OnnxTensor.Load(Path.Combine(set, "output_0.pb")));
        }).ToList();
        return new OnnxConformanceCase(name, conv, dataSets);
    }

    public MappedConv Map() => OnnxConvMapping.Map(Conv, DataSets[0].X.Dims, DataSets[0].W.Dims, DataSets[0].B is not null);
}

/// <summary>One test_data_set: inputs and the expected output.</summary>
public sealed record OnnxConformanceData(OnnxTensor X, OnnxTensor W, OnnxTensor? B, OnnxTensor Y);
