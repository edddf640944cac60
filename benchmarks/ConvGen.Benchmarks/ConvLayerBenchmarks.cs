using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace ConvGen.Benchmarks;

/// <summary>One layer, batch 1, NCHW float32: the generated layer, the naive float64 reference (baseline) and
/// ONNX Runtime (<see cref="OrtConv"/>, all graph optimisations) on the same weights and input, each writing into
/// memory allocated once; ConvGen and ORT on one thread and on two (ConvGen's degreeOfParallelism, ORT's
/// IntraOpNumThreads, a second session).</summary>
[MemoryDiagnoser]
public class ConvLayerBenchmarks
{
    private BenchmarkLayer _case = null!;
    private ILayer _layer = null!;
    private float[] _input = [], _weight = [], _bias = [], _output = [];
    private double[] _referenceOutput = [];
    private nint[] _shape = [];
    private OrtConv _ort = null!, _ortTwoThreads = null!;

    public static IEnumerable<string> Layers => BenchmarkLayer.All.Select(layer => layer.Label);

    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _case = BenchmarkLayer.Find(Layer);
        var g = _case.Geometry;
        var random = new Random(1);
        _weight = LayerData.Uniform(random, g.WeightLength);
        _bias = LayerData.Uniform(random, g.OutChannels);
        _input = LayerData.Uniform(random, g.InChannels * _case.Size * _case.Size);
        _shape = [1, g.InChannels, _case.Size, _case.Size];
        _layer = _case.Create(_weight, _bias);
        _output = new float[g.OutChannels * _case.OutputSize * _case.OutputSize];
        _referenceOutput = new double[_output.Length];
        _ort = new OrtConv(g, _weight, _bias, _input, new float[_output.Length], 1, _case.Size, threads: 1);
        _ortTwoThreads = new OrtConv(g, _weight, _bias, _input, new float[_output.Length], 1, _case.Size, threads: 2);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ort.Dispose();
        _ortTwoThreads.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void Naive() => ReferenceConvolution.Conv2d(_case.Geometry, _input, 1, _case.Size, _case.Size, _weight, _bias, _referenceOutput);

    [Benchmark]
    public void ConvGen() => _layer.Forward(_input, _shape, _output, 1);

    [Benchmark]
    public void OnnxRuntime() => _ort.Run();

    [Benchmark]
    public void ConvGenTwoThreads() => _layer.Forward(_input, _shape, _output, 2);

    [Benchmark]
    public void OnnxRuntimeTwoThreads() => _ortTwoThreads.Run();
}
