using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ConvGen.Onnx;
using ConvGen.Tests.Conformance;
using Xunit;

namespace ConvGen.Tests.Layers;

/// <summary>
/// ONNX's backend test data (Debian's libonnx-testdata) for the operators the runtime layers implement: MaxPool,
/// AveragePool, GlobalAveragePool, BatchNormalization (inference), Relu, Sigmoid, Tanh, LeakyRelu, Softmax, Gemm
/// (as Linear), Flatten, Upsample (nearest). Each case's single node is mapped to the layer PyTorch would use; cases
/// PyTorch cannot express (auto_pad SAME_*, padding beyond half the kernel) are listed as unsupported and must map to
/// nothing, so the list stays honest.
/// </summary>
public class OnnxLayerConformanceTests
{
    public static TheoryData<string> Supported() => new(
        "node/test_maxpool_2d_default", "node/test_maxpool_2d_ceil", "node/test_maxpool_2d_dilations", "node/test_maxpool_2d_strides",
        "node/test_maxpool_2d_precomputed_pads", "node/test_maxpool_2d_precomputed_strides",
        "node/test_averagepool_2d_default", "node/test_averagepool_2d_ceil", "node/test_averagepool_2d_strides",
        "node/test_averagepool_2d_precomputed_pads", "node/test_averagepool_2d_precomputed_pads_count_include_pad",
        "node/test_averagepool_2d_precomputed_strides",
        "node/test_globalaveragepool", "node/test_globalaveragepool_precomputed",
        "node/test_batchnorm_example", "node/test_batchnorm_epsilon",
        "node/test_relu", "node/test_sigmoid", "node/test_sigmoid_example", "node/test_tanh", "node/test_tanh_example",
        "node/test_leakyrelu", "node/test_leakyrelu_default", "node/test_leakyrelu_example",
        "node/test_softmax_axis_0", "node/test_softmax_axis_1", "node/test_softmax_axis_2", "node/test_softmax_default_axis",
        "node/test_softmax_example", "node/test_softmax_large_number", "node/test_softmax_negative_axis",
        "node/test_gemm_transposeB", "node/test_flatten_axis1", "node/test_flatten_default_axis", "node/test_upsample_nearest",
        "pytorch-converted/test_MaxPool2d", "pytorch-converted/test_MaxPool2d_stride_padding_dilation",
        "pytorch-converted/test_AvgPool2d", "pytorch-converted/test_AvgPool2d_stride",
        "pytorch-converted/test_BatchNorm2d_eval", "pytorch-converted/test_BatchNorm2d_momentum_eval",
        "pytorch-converted/test_ReLU", "pytorch-converted/test_Sigmoid", "pytorch-converted/test_Tanh",
        "pytorch-converted/test_LeakyReLU", "pytorch-converted/test_LeakyReLU_with_negval", "pytorch-converted/test_Softmax",
        "pytorch-converted/test_Linear");

    public static TheoryData<string, string> Unsupported() => new()
    {
        { "node/test_maxpool_2d_pads", "half the kernel" },
        { "node/test_averagepool_2d_pads", "half the kernel" },
        { "node/test_averagepool_2d_pads_count_include_pad", "half the kernel" },
        { "node/test_maxpool_2d_same_upper", "auto_pad" },
        { "node/test_maxpool_2d_same_lower", "auto_pad" },
        { "node/test_maxpool_2d_precomputed_same_upper", "auto_pad" },
        { "node/test_averagepool_2d_same_upper", "auto_pad" },
        { "node/test_averagepool_2d_same_lower", "auto_pad" },
        { "node/test_averagepool_2d_precomputed_same_upper", "auto_pad" },
    };

    [Theory]
    [MemberData(nameof(Supported))]
    public void Case_reproduces_ONNX_expected_output(string name)
    {
        string directory = Path.Combine(OnnxConformanceCase.DataRoot, name);
        var model = OnnxModel.Load(Path.Combine(directory, "model.onnx"));
        OnnxNode node = Assert.Single(model.Nodes);
        string[] sets = Directory.GetDirectories(directory, "test_data_set_*");
        Assert.NotEmpty(sets);
        foreach (string set in sets)
        {
            OnnxTensor[] inputs = Inputs(model, node, set);
            ILayer layer = Map(model, node, inputs, out string? reason) ?? throw new InvalidOperationException($"{name}: {reason}");
            OnnxTensor x = inputs[0], expected = OnnxTensor.Load(Path.Combine(set, "output_0.pb"));
            nint[] shape = x.Dims.Select(d => (nint)d).ToArray();
            nint[] outputShape = layer.GetOutputShape(shape);
            var y = new float[LayerShapes.ElementCount(outputShape)];
            layer.Forward(x.Values, shape, y);

            // ONNX's expected shape; Flatten's 2-D result equals PyTorch's only for axis 1, which is all we map.
            Assert.Equal(expected.Dims, outputShape.Select(d => (long)d));
            LayerAssert.Close(y, expected.Values.Select(v => (double)v).ToArray(), 1e-5, 1e-5, $"{name}/{Path.GetFileName(set)}");
        }
    }

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void Case_PyTorch_cannot_express_is_reported_unsupported(string name, string because)
    {
        string directory = Path.Combine(OnnxConformanceCase.DataRoot, name);
        var model = OnnxModel.Load(Path.Combine(directory, "model.onnx"));
        OnnxNode node = Assert.Single(model.Nodes);
        string set = Directory.GetDirectories(directory, "test_data_set_*").Order(StringComparer.Ordinal).First();
        Assert.Null(Map(model, node, Inputs(model, node, set), out string? reason));
        Assert.Contains(because, reason);
    }

    // The node's inputs: initializers, else the data set's input_N.pb in graph-input order.
    private static OnnxTensor[] Inputs(OnnxModel model, OnnxNode node, string set)
    {
        var fed = model.Inputs.Where(i => model.Initializer(i.Name) is null).Select(i => i.Name).ToList();
        return node.Inputs.Where(i => i.Length > 0)
            .Select(i => model.Initializer(i) ?? OnnxTensor.Load(Path.Combine(set, $"input_{fed.IndexOf(i)}.pb"))).ToArray();
    }

    private static long Int(OnnxNode node, string name, long fallback) => node.Attribute(name)?.Int ?? fallback;

    private static IReadOnlyList<long> Ints(OnnxNode node, string name, params long[] fallback) =>
        node.Attribute(name) is { Ints.Count: > 0 } a ? a.Ints : fallback;

    /// <summary>The PyTorch-equivalent layer for an ONNX node, or null with the reason it has none.</summary>
    private static ILayer? Map(OnnxModel model, OnnxNode node, OnnxTensor[] inputs, out string? reason)
    {
        reason = null;
        int rank = inputs[0].Dims.Count;
        switch (node.OpType)
        {
            case "MaxPool" or "AveragePool":
            {
                if (node.Attribute("auto_pad")?.String is { } autoPad && autoPad != "NOTSET")
                {
                    reason = $"auto_pad {autoPad} pads asymmetrically; PyTorch's pools pad both sides equally";
                    return null;
                }

                IReadOnlyList<long> k = Ints(node, "kernel_shape"), s = Ints(node, "strides", 1, 1), p = Ints(node, "pads", 0, 0, 0, 0);
                IReadOnlyList<long> d = Ints(node, "dilations", 1, 1);
                Assert.Equal(4, rank);
                Assert.True(p[0] == p[2] && p[1] == p[3], "asymmetric pads");
                if (p[0] > k[0] / 2 || p[1] > k[1] / 2)
                {
                    reason = $"pads {string.Join(",", p)} exceed half the kernel {string.Join("x", k)}, which PyTorch rejects";
                    return null;
                }

                bool ceil = Int(node, "ceil_mode", 0) == 1;
                return node.OpType == "MaxPool"
                    ? new MaxPool2d((int)k[0], (int)k[1], (int)s[0], (int)s[1], (int)p[0], (int)p[1], (int)d[0], (int)d[1], ceil)
                    : new AvgPool2d((int)k[0], (int)k[1], (int)s[0], (int)s[1], (int)p[0], (int)p[1], ceil, countIncludePad: Int(node, "count_include_pad", 0) == 1);
            }

            case "GlobalAveragePool":
                return new AdaptiveAvgPool2d(1);
            case "BatchNormalization":
                Assert.Equal(0, Int(node, "training_mode", 0));
                return new BatchNorm2d(inputs[1].Values, inputs[2].Values, inputs[3].Values, inputs[4].Values, node.Attribute("epsilon")?.Float ?? 1e-5f);
            case "Relu":
                return new ActivationLayer(Activation.ReLU);
            case "Sigmoid":
                return new ActivationLayer(Activation.Sigmoid);
            case "Tanh":
                return new ActivationLayer(Activation.Tanh);
            case "LeakyRelu":
                return new LeakyReLU(node.Attribute("alpha")?.Float ?? 0.01f);
            case "Softmax":
            {
                long axis = Int(node, "axis", model.OpsetVersion >= 13 ? -1 : 1);
                // Before opset 13 Softmax flattens to 2-D at axis: the same as PyTorch's only on the last axis.
                Assert.True(model.OpsetVersion >= 13 || axis == rank - 1 || axis == -1, "opset < 13 softmax on a non-last axis");
                return new Softmax((int)axis);
            }

            case "Flatten":
                Assert.Equal(1, Int(node, "axis", 1));
                return new Flatten();
            case "Gemm":
            {
                Assert.True(Int(node, "transA", 0) == 0 && Int(node, "transB", 0) == 1, "Gemm other than x W^T");
                Assert.Equal(1f, node.Attribute("alpha")?.Float ?? 1f);
                Assert.Equal(1f, node.Attribute("beta")?.Float ?? 1f);
                int outFeatures = (int)inputs[1].Dims[0], inFeatures = (int)inputs[1].Dims[1];
                float[] bias = inputs.Length > 2 ? inputs[2].Values : [];
                Assert.True(bias.Length is 0 || bias.Length == outFeatures, "Gemm bias other than one per output");
                return new Linear(inFeatures, outFeatures, inputs[1].Values, bias);
            }

            case "Upsample":
            {
                Assert.Equal("nearest", node.Attribute("mode")?.String);
                float[] scales = inputs[1].Values;
                Assert.True(scales[0] == 1 && scales[1] == 1, "scaling batch or channels");
                return Upsample.WithScale(scales[2], scales[3]);
            }

            default:
                reason = $"no layer for {node.OpType}";
                return null;
        }
    }
}
