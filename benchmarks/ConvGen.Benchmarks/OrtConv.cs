using System;
using ConvGen.Tests.Conformance;
using Microsoft.ML.OnnxRuntime;

namespace ConvGen.Benchmarks;

/// <summary>
/// ONNX Runtime running one convolution: a one-node model the tests build (<see cref="OnnxConvModelWriter"/>: Conv or
/// ConvTranspose), all graph optimisations, <c>IntraOpNumThreads</c> = <c>threads</c> (its default spinning thread pool),
/// on a fixed input shape, reading <c>input</c> and writing <c>output</c> in place.
/// </summary>
public sealed class OrtConv : IDisposable
{
    private static readonly string[] InputNames = ["X"];
    private static readonly string[] OutputNames = ["Y"];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    /// <summary>The Conv of <paramref name="g"/> on a batch x Cin x size x size input.</summary>
    public OrtConv(ConvGeometry g, float[] weight, float[] bias, float[] input, float[] output, int batch, int size, int threads)
        : this(OnnxConvModelWriter.Write(g, false, [batch, g.InChannels, size, size], weight, bias),
            input, [batch, g.InChannels, size, size], output, [batch, g.OutChannels, g.OutputHeight(size), g.OutputWidth(size)], threads)
    {
    }

    /// <summary>Any one-node model from X to Y.</summary>
    public OrtConv(byte[] model, float[] input, long[] inputShape, float[] output, long[] outputShape, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(model, options);
        _inputs = [OrtValue.CreateTensorValueFromMemory(input, inputShape)];
        _outputs = [OrtValue.CreateTensorValueFromMemory(output, outputShape)];
    }

    public void Run() => _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);

    public void Dispose()
    {
        _inputs[0].Dispose();
        _outputs[0].Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
