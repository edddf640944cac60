using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Onnx;
using ConvGen.Tests.Infrastructure;
using ConvGen.Tests.Numeric;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace ConvGen.Tests.Conformance;

/// <summary>
/// ONNX Runtime 1.32.0 as a differential oracle: 200 valid layers drawn with their own seed (every
/// padding mode resolved to explicit ONNX pads, groups, dilation, strides, Conv1d), each built as a
/// one-node ONNX model in memory and run single-threaded in ORT, must agree with the generated
/// layer within the float32 bound of <see cref="ReferenceCheck"/> (two float32 computations).
/// </summary>
public class OnnxRuntimeOracleTests
{
    private const int Seed = 31011;
    private const int Count = 200;

    private static readonly IReadOnlyList<RandomLayerCase> Cases = RandomLayerCase.Draw(Seed, Count);
    private static readonly Lazy<Func<int, float[], float[], ILayer>> Factory = new(() => LayerCompiler.Compile([.. Cases.Select(c => c.Attribute)]));

    public static IEnumerable<object[]> CaseIndices => Enumerable.Range(0, Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Generated_layer_agrees_with_ONNX_Runtime(int index)
    {
        var layerCase = Cases[index];
        var g = layerCase.Geometry;
        var run = layerCase.Run((weight, bias) => Factory.Value(index, weight, bias), Seed + index);

        long[] shape = [.. layerCase.InputShape.Select(d => (long)d)];
        float[] expected = RunOnnxRuntime(OnnxConvModelWriter.Write(g, layerCase.Is1d, shape, run.Weight, run.Bias), run.Input, shape, out long[] expectedShape);
        Assert.Equal(expectedShape.Select(d => (nint)d), run.OutputShape);
        ReferenceCheck.AssertClose(run.Output, i => expected[i], run.Magnitude, g.FanIn, computations: 2, layerCase.ToString());
    }

    [Fact]
    public void Model_writer_round_trips_through_ConvGens_reader()
    {
        var g = new ConvGeometry(4, 6, 3, 2, 2, 1, 1, 2, 0, 1, 1, 2, 2);
        var model = OnnxModel.Parse(OnnxConvModelWriter.Write(g, false, [1, 4, 9, 9], new float[g.WeightLength], new float[6]));

        var conv = Assert.Single(model.Nodes);
        Assert.Equal(["X", "W", "B"], conv.Inputs);
        Assert.Equal([1L, 0, 2, 1], conv.Attribute("pads")!.Ints);
        Assert.Equal(2, conv.Attribute("group")!.Int);
        Assert.Equal([6L, 2, 3, 2], model.Initializer("W")!.Dims);
        Assert.Equal([1L, 4, 9, 9], model.Inputs.Single().Shape.Select(d => d!.Value));
    }

    internal static float[] RunOnnxRuntime(byte[] model, float[] input, long[] shape, out long[] outputShape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(model, options);
        using var x = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["X"], [x], ["Y"]);
        outputShape = outputs[0].GetTensorTypeAndShape().Shape;
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
