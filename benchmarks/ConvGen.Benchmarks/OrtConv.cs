using System;
using ConvGen.Tests.Conformance;
using Microsoft.ML.OnnxRuntime;

namespace ConvGen.Benchmarks;

/// <summary>
/// ONNX Runtime running one convolution: the one-node Conv model the tests build (<see cref="OnnxConvModelWriter"/>),
/// all graph optimisations, <c>IntraOpNumThreads</c> = <paramref name="threads"/> (its default spinning thread pool),
/// on a fixed batch x Cin x size x size input, reading <paramref name="input"/> and writing <paramref name="output"/> in place.
/// </summary>
public sealed class OrtConv(ConvGeometry g, float[] weight, float[] bias, float[] input, float[] output, int batch, int size, int threads) : IDisposable
{
    private static readonly string[] InputNames = ["X"];
    private static readonly string[] OutputNames = ["Y"];

    private readonly InferenceSession _session = CreateSession(g, weight, bias, [batch, g.InChannels, size, size], threads);
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _inputs = [OrtValue.CreateTensorValueFromMemory(input, [batch, g.InChannels, size, size])];
    private readonly OrtValue[] _outputs = [OrtValue.CreateTensorValueFromMemory(output, [batch, g.OutChannels, g.OutputHeight(size), g.OutputWidth(size)])];

    public void Run() => _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);

    public void Dispose()
    {
        _inputs[0].Dispose();
        _outputs[0].Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static InferenceSession CreateSession(ConvGeometry g, float[] weight, float[] bias, long[] inputShape, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        return new InferenceSession(OnnxConvModelWriter.Write(g, false, inputShape, weight, bias), options);
    }
}
