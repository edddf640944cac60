using System;
using System.Linq;
using System.Numerics.Tensors;
using System.Reflection;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// Bad arguments to a generated network (the digits CNN): each is an ArgumentException whose message names the
/// expected and the actual value, the output keeps every value it had, and the instance is unchanged: a good call
/// afterwards gives what a fresh instance gives. The typed <c>Forward(input, output, batch, degreeOfParallelism)</c> is
/// called through a small class compiled beside the network (spans cannot pass through reflection).
/// </summary>
public class NetworkArgumentTests
{
    private const int InputSize = 256, OutputSize = 10;

    private const string Source = """
        using System;
        using ConvGen;
        namespace Nets;
        [OnnxModel("model.onnx")] public partial class Net;
        public static class Probe
        {
            public static void Forward(Net net, float[] input, float[] output, int batch, int degreeOfParallelism) =>
                net.Forward(input, output, batch, degreeOfParallelism);
        }
        """;

    private static readonly Lazy<(ILayer Net, ILayer Fresh, MethodInfo Forward)> Compiled = new(() =>
    {
        string path = System.IO.Path.Combine(DigitsModelTests.RepositoryRoot(), "samples", "Digits", "data", "model.onnx");
        var result = OnnxModelHarness.Run(Source, path);
        Assert.Empty(result.AllDiagnostics);
        var assembly = OnnxModelHarness.Load(result.Output, path);
        var type = assembly.GetType("Nets.Net")!;
        return ((ILayer)Activator.CreateInstance(type)!, (ILayer)Activator.CreateInstance(type)!, assembly.GetType("Nets.Probe")!.GetMethod("Forward")!);
    });

    public static TheoryData<string, int, int, int, int, string[]> TypedCalls => new()
    {
        // case, input length, output length, batch, degree of parallelism, what the message must say
        { "batch 0", 0, 0, 0, 0, ["batch", "0", "at least 1"] },
        { "negative batch", 2 * InputSize, 2 * OutputSize, -2, 0, ["batch", "-2", "at least 1"] },
        { "input one value short", (2 * InputSize) - 1, 2 * OutputSize, 2, 0, ["input has 511 values", "a batch of 2 needs 512"] },
        { "input of another batch", 3 * InputSize, 2 * OutputSize, 2, 0, ["input has 768 values", "a batch of 2 needs 512"] },
        { "output one value long", 2 * InputSize, (2 * OutputSize) + 1, 2, 0, ["output has 21 values", "a batch of 2 needs 20"] },
        { "negative degree of parallelism", 2 * InputSize, 2 * OutputSize, 2, -1, ["degreeOfParallelism", "-1"] },
    };

    [Theory]
    [MemberData(nameof(TypedCalls))]
    public void Bad_arguments_name_expected_and_actual_and_change_nothing(string name, int inputLength, int outputLength, int batch, int degree, string[] said)
    {
        var (net, _, forward) = Compiled.Value;
        float[] input = DigitsModelTests.Images(Math.Max(1, inputLength / InputSize + 1)).AsSpan(0, inputLength).ToArray();
        float[] output = Sentinels(outputLength);
        var error = Assert.IsAssignableFrom<ArgumentException>(Assert.Throws<TargetInvocationException>(() => forward.Invoke(null, [net, input, output, batch, degree])).InnerException);
        foreach (string part in said)
        {
            Assert.True(error.Message.Contains(part, StringComparison.Ordinal), $"{name}: the message \"{error.Message}\" does not say \"{part}\"");
        }

        Assert.True(output.SequenceEqual(Sentinels(outputLength)), $"{name}: the output was written to");
        AssertUnchanged();
    }

    public static TheoryData<string, long[], string> BadShapes => new()
    {
        { "rank 3", [1, 16, 16], "[1, 16, 16]" },
        { "channels", [1, 3, 16, 16], "[1, 3, 16, 16]" },
        { "size", [2, 1, 16, 15], "[2, 1, 16, 15]" },
        { "batch 0", [0, 1, 16, 16], "[0, 1, 16, 16]" },
    };

    [Theory]
    [MemberData(nameof(BadShapes))]
    public void Shapes_other_than_the_model_input_are_rejected_with_both_shapes(string name, long[] shape, string actual)
    {
        var net = Compiled.Value.Net;
        nint[] nativeShape = [.. shape.Select(d => (nint)d)];
        long length = Math.Max(0, shape.Aggregate(1L, (p, d) => p * d));
        float[] output = Sentinels(OutputSize);
        foreach (var call in new Action[]
        {
            () => net.GetOutputShape(nativeShape),
            () => net.Forward(new float[length], nativeShape, output),
            () => net.Forward(Tensor.Create(new float[length], nativeShape)),
        })
        {
            var error = Assert.IsAssignableFrom<ArgumentException>(Record.Exception(call));
            Assert.True(error.Message.Contains("[batch, 1, 16, 16]", StringComparison.Ordinal) && error.Message.Contains(actual, StringComparison.Ordinal),
                $"{name}: the message \"{error.Message}\" does not name the expected [batch, 1, 16, 16] and the actual {actual}");
        }

        Assert.True(output.SequenceEqual(Sentinels(OutputSize)), $"{name}: the output was written to");
        AssertUnchanged();
    }

    /// <summary>A good call on the instance that saw the bad ones gives, bit for bit, what a fresh instance gives.</summary>
    private static void AssertUnchanged()
    {
        var (net, fresh, _) = Compiled.Value;
        float[] images = DigitsModelTests.Images(3);
        nint[] shape = [3, 1, 16, 16];
        var expected = new float[3 * OutputSize];
        var actual = new float[3 * OutputSize];
        fresh.Forward(images, shape, expected);
        net.Forward(images, shape, actual);
        Assert.Equal(expected, actual);
    }

    private static float[] Sentinels(int length) => [.. Enumerable.Range(0, length).Select(i => -1000f - i)];
}
