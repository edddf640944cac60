using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using ConvGen.Tests.Conformance;
using Microsoft.ML.OnnxRuntime;

namespace ConvGen.Benchmarks;

/// <summary>One layer, batch 1, NCHW float32, single thread: the generated layer, the naive float64
/// reference (baseline) and ONNX Runtime (IntraOpNumThreads = 1, all graph optimisations) on the
/// same weights and input, each writing into memory allocated once.</summary>
[MemoryDiagnoser]
public class ConvLayerBenchmarks
{
    private static readonly string[] InputNames = ["X"];
    private static readonly string[] OutputNames = ["Y"];

    private BenchmarkLayer _case = null!;
    private ILayer _layer = null!;
    private float[] _input = [], _weight = [], _bias = [], _output = [];
    private double[] _referenceOutput = [];
    private nint[] _shape = [];
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _inputValues = [], _outputValues = [];

    public static IEnumerable<string> Layers => BenchmarkLayer.All.Select(layer => layer.Label);

    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _case = BenchmarkLayer.Find(Layer);
        var g = _case.Geometry;
        var random = new Random(1);
        _weight = Uniform(random, g.WeightLength);
        _bias = Uniform(random, g.OutChannels);
        _input = Uniform(random, g.InChannels * _case.Size * _case.Size);
        _shape = [1, g.InChannels, _case.Size, _case.Size];
        _layer = _case.Create(_weight, _bias);
        _output = new float[g.OutChannels * _case.OutputSize * _case.OutputSize];
        _referenceOutput = new double[_output.Length];

        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(OnnxConvModelWriter.Write(g, false, [.. _shape.Select(d => (long)d)], _weight, _bias), options);
        _runOptions = new RunOptions();
        _inputValues = [OrtValue.CreateTensorValueFromMemory(_input, [.. _shape.Select(d => (long)d)])];
        _outputValues = [OrtValue.CreateTensorValueFromMemory(_output.ToArray(), [1, g.OutChannels, _case.OutputSize, _case.OutputSize])];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var value in _inputValues.Concat(_outputValues))
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void Naive() => ReferenceConvolution.Conv2d(_case.Geometry, _input, 1, _case.Size, _case.Size, _weight, _bias, _referenceOutput);

    [Benchmark]
    public void ConvGen() => _layer.Forward(_input, _shape, _output, 1);

    [Benchmark]
    public void OnnxRuntime() => _session.Run(_runOptions, InputNames, _inputValues, OutputNames, _outputValues);

    private static float[] Uniform(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1))];
}
