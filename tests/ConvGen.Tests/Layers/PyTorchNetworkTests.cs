using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using ConvGen.Onnx;
using Xunit;

namespace ConvGen.Tests.Layers;

/// <summary>
/// The small CNN of Data/export_small_cnn.py (exported from PyTorch 1.13): rebuilt from ConvGen layers, loaded from the
/// ONNX file's initializers by name (or from the raw float32 file), it reproduces PyTorch's intermediate and final outputs.
/// </summary>
public class PyTorchNetworkTests
{
    // Against PyTorch's float32 results (other summation orders): well below what any wrong tap, window or index gives.
    private const double Absolute = 2e-5;
    private const double Relative = 2e-5;

    private static string Data(string name, [CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Data", name);

    private static OnnxTensor Tensor(string name) => OnnxTensor.Load(Data($"small_cnn_{name}.pb"));

    private static double[] Doubles(OnnxTensor tensor) => tensor.Values.Select(v => (double)v).ToArray();

    private static float[] Run(Sequential network, OnnxTensor input, int layers, out nint[] shape)
    {
        Sequential prefix = layers == network.Layers.Count ? network : SmallCnn.Prefix(network, layers);
        nint[] inputShape = input.Dims.Select(d => (nint)d).ToArray();
        shape = prefix.GetOutputShape(inputShape);
        var output = new float[LayerShapes.ElementCount(shape)];
        prefix.Forward(input.Values, inputShape, output);
        return output;
    }

    private static void AssertReproducesPyTorch(Sequential network)
    {
        OnnxTensor input = Tensor("input");
        foreach ((string name, int layers) in new[] { ("features", 5), ("pooled", 10), ("logits", 15), ("output", 16) })
        {
            OnnxTensor expected = Tensor(name);
            float[] actual = Run(network, input, layers, out nint[] shape);
            Assert.Equal(expected.Dims, shape.Select(s => (long)s));
            LayerAssert.Close(actual, Doubles(expected), Absolute, Relative, $"{name} (first {layers} layers)");
        }
    }

    [Fact]
    public void Network_loaded_from_ONNX_initializers_by_name_reproduces_PyTorch()
    {
        Sequential network = SmallCnn.Create();
        int loaded = OnnxWeights.Load(Data("small_cnn.onnx"), network);
        Assert.Equal(network.Parameters.Count, loaded);
        Assert.Equal(22, loaded); // every initializer of the export
        AssertReproducesPyTorch(network);
    }

    [Fact]
    public void Network_loaded_from_the_raw_float32_file_reproduces_PyTorch()
    {
        Sequential network = SmallCnn.Create();
        RawWeights.Load(Data("small_cnn_weights.bin"), network);
        AssertReproducesPyTorch(network);
    }

    // The unloaded network (PyTorch-style initialisation) must not pass: the comparison can fail.
    [Fact]
    public void Unloaded_network_does_not_reproduce_PyTorch()
    {
        Sequential network = SmallCnn.Create();
        Assert.ThrowsAny<Exception>(() => AssertReproducesPyTorch(network));
    }

    // Folding each batch norm into the convolution before it gives the same outputs as the unfolded network.
    [Fact]
    public void Folding_batch_norm_into_conv1_keeps_PyTorch_outputs()
    {
        OnnxModel model = OnnxModel.Load(Data("small_cnn.onnx"));
        Sequential network = SmallCnn.Create();
        OnnxWeights.Load(model, network);
        var bn = (BatchNorm2d)network.Layers[1];
        var conv = (SmallCnnConv1)network.Layers[0];
        BatchNormFolding.FoldInto(conv, model.Initializer("conv1.weight")!.Values, model.Initializer("conv1.bias")!.Values, bn);
        var folded = new Sequential(network.Names.Select((n, i) => (n, i == 1 ? (ILayer)new ActivationLayer(Activation.None) : network.Layers[i])));
        AssertReproducesPyTorch(folded);
    }

    // A generated convolution on its own loads by its module name, and its output is the reference convolution's.
    [Fact]
    public void Generated_conv_loads_by_name_from_ONNX()
    {
        OnnxModel model = OnnxModel.Load(Data("small_cnn.onnx"));
        var conv = new SmallCnnConv2();
        Assert.Equal(["weight", "bias"], conv.Parameters.Select(p => p.Name));
        Assert.Equal([16, 12, 3, 3], conv.Parameters[0].Shape);
        Assert.Equal(2, OnnxWeights.Load(model, conv, "conv2"));

        float[] weight = model.Initializer("conv2.weight")!.Values, bias = model.Initializer("conv2.bias")!.Values;
        float[] x = LayerAssert.Uniform(new Random(1), 12 * 9 * 7);
        var geometry = new ConvGeometry(12, 16, 3, 3, 2, 2);
        double[] magnitude = Infrastructure.ReferenceCheck.Magnitude(geometry, x, 1, 9, 7, weight, bias, out double[] reference);
        var y = new float[reference.Length];
        conv.Forward(x, y, 1, 9, 7);
        Infrastructure.ReferenceCheck.AssertClose(y, i => reference[i], magnitude, geometry.FanIn, 1, "conv2 loaded by name");

        // A module name whose shapes differ is rejected with both shapes: conv1's weight is [8, 3, 3, 3].
        var e = Assert.Throws<ArgumentException>(() => OnnxWeights.Load(model, new SmallCnnConv2(), "conv1"));
        Assert.Contains("[8, 3, 3, 3]", e.Message);
        Assert.Contains("[16, 12, 3, 3]", e.Message);
    }

    [Fact]
    public void Loading_reports_missing_and_misshapen_initializers_by_name()
    {
        OnnxModel model = OnnxModel.Load(Data("small_cnn.onnx"));
        var wrongShape = new Linear(16, 25);
        var e = Assert.Throws<ArgumentException>(() => OnnxWeights.Load(model, wrongShape, "fc1"));
        Assert.Contains("'fc1.weight'", e.Message);
        Assert.Contains("[24, 16]", e.Message);
        Assert.Contains("[25, 16]", e.Message);

        e = Assert.Throws<ArgumentException>(() => OnnxWeights.Load(model, new Linear(16, 24), "head"));
        Assert.Contains("'head.weight'", e.Message);
        Assert.Contains("fc1.weight", e.Message); // lists what the file has
        Assert.Equal(0, OnnxWeights.Load(model, new Linear(16, 24), "head", strict: false));

        var fc1 = new Linear(16, 24);
        Assert.Equal(2, OnnxWeights.Load(model, fc1, "fc1"));
        Assert.Equal(model.Initializer("fc1.weight")!.Values, fc1.Weight.ToArray());
        Assert.Equal(model.Initializer("fc1.bias")!.Values, fc1.Bias.ToArray());
    }

    [Fact]
    public void Raw_file_of_the_wrong_size_is_rejected_and_nothing_is_set()
    {
        var bn = new BatchNorm2d(3);
        var e = Assert.Throws<ArgumentException>(() => RawWeights.Load(new byte[(4 * 12) - 4], bn));
        Assert.Contains("12 float32 values", e.Message);
        Assert.Equal([1f, 1, 1], bn.Weight.ToArray());
        Assert.Throws<ArgumentException>(() => RawWeights.Load(Data("small_cnn_weights.bin"), new Sequential(new Linear(16, 24))));

        byte[] bytes = Enumerable.Range(0, 12).SelectMany(i => BitConverter.GetBytes((float)i)).ToArray();
        RawWeights.Load(bytes, bn);
        Assert.Equal([0f, 1, 2], bn.Weight.ToArray());
        Assert.Equal([9f, 10, 11], bn.RunningVar.ToArray());
    }
}
