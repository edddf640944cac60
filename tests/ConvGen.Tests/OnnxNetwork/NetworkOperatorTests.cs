using System;
using System.Linq;
using Xunit;
using static ConvGen.Tests.OnnxNetwork.NetworkConformanceTests;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// The operators torchvision networks need beyond convolutions, each on small graphs built here and compared with
/// ONNX Runtime (single thread) at batch 1 and 3 from one generated network: Concat, broadcasting binary operators
/// (computed and constant operands), reductions, constants passed through Identity/Dropout, shape arithmetic folded
/// at compile time, Transpose, Slice, Split, Gather with constant indices and Pad.
/// </summary>
public class NetworkOperatorTests
{
    // ---- Concat ----

    [Theory]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(3L)]
    [InlineData(-1L)]
    [InlineData(-3L)]
    public void Concat_along_each_sample_axis_matches_ONNX_Runtime(long axis)
    {
        // Three parts of different extents along the axis (a strided slice, the input itself, a sigmoid), so each
        // part's block size differs; the graph input is one of the parts.
        int normalised = (int)(axis < 0 ? axis + 4 : axis);
        long[] shape = [3, 4, 5];
        long[] ends = [.. shape];
        ends[normalised - 1] = 2;
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 3, 4, 5])
            .Int64Initializer("starts", [0, 0, 0]).Int64Initializer("ends", ends).Int64Initializer("axes", [1, 2, 3])
            .Node("Relu", ["x"], ["r"], "relu")
            .Node("Slice", ["r", "starts", "ends", "axes"], ["a"], "slice")
            .Node("Sigmoid", ["x"], ["b"], "sigmoid")
            .Node("Concat", ["a", "x", "b"], ["y"], "join", ("axis", axis))
            .Output("y");
        AssertMatches(model.ToArray(), [3, 4, 5]);
    }

    /// <summary>SqueezeNet's fire module: a 1x1 squeeze conv, then 1x1 and 3x3 expand convs joined along the channels.</summary>
    [Fact]
    public void Fire_module_matches_ONNX_Runtime()
    {
        var random = new Random(11);
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 6, 7, 7])
            .Initializer("ws", [3, 6, 1, 1], Values(random, 18, 0.5f)).Initializer("bs", [3], Values(random, 3, 0.1f))
            .Initializer("we1", [4, 3, 1, 1], Values(random, 12, 0.5f)).Initializer("be1", [4], Values(random, 4, 0.1f))
            .Initializer("we3", [5, 3, 3, 3], Values(random, 135, 0.3f)).Initializer("be3", [5], Values(random, 5, 0.1f))
            .Node("Conv", ["x", "ws", "bs"], ["s"], "squeeze")
            .Node("Relu", ["s"], ["sr"], "squeeze_relu")
            .Node("Conv", ["sr", "we1", "be1"], ["e1"], "expand1x1")
            .Node("Relu", ["e1"], ["e1r"], "expand1x1_relu")
            .Node("Conv", ["sr", "we3", "be3"], ["e3"], "expand3x3", ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Relu", ["e3"], ["e3r"], "expand3x3_relu")
            .Node("Concat", ["e1r", "e3r"], ["y"], "fire", ("axis", 1L))
            .Output("y");
        AssertMatches(model.ToArray(), [6, 7, 7]);
    }

    // ---- Broadcasting binary operators ----

    /// <summary>Squeeze-excitation: the sigmoid of a global average pool, [N, C, 1, 1], scales [N, C, H, W], both orders.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Squeeze_excitation_matches_ONNX_Runtime(bool scaleFirst)
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 3, 5])
            .Node("GlobalAveragePool", ["x"], ["g"], "pool")
            .Node("Sigmoid", ["g"], ["s"], "gate")
            .Node("Mul", scaleFirst ? ["s", "x"] : ["x", "s"], ["y"], "excite")
            .Output("y");
        AssertMatches(model.ToArray(), [4, 3, 5]);
    }

    /// <summary>A constant operand of every broadcast shape, on either side, with every operator.</summary>
    [Theory]
    [InlineData("Mul", new long[0], false)]
    [InlineData("Sub", new long[0], true)]
    [InlineData("Div", new long[0], true)]
    [InlineData("Add", new long[] { 4, 1, 1 }, false)]
    [InlineData("Mul", new long[] { 1, 4, 1, 1 }, true)]
    [InlineData("Sub", new long[] { 5 }, false)]
    [InlineData("Div", new long[] { 3, 1 }, false)]
    [InlineData("Add", new long[] { 4, 3, 5 }, true)]
    [InlineData("Max", new long[] { 1, 3, 1 }, false)]
    [InlineData("Min", new long[] { 4, 1, 5 }, true)]
    [InlineData("Pow", new long[0], false)]
    [InlineData("Pow", new long[] { 4, 1, 1 }, true)]
    [InlineData("Add", new long[] { 1 }, false)]
    public void Constant_operand_broadcasts_as_ONNX_Runtime_does(string op, long[] constantShape, bool constantFirst)
    {
        var random = new Random(12);
        int count = (int)constantShape.Aggregate(1L, (a, b) => a * b);
        // Pow needs a positive base: the sigmoid of x, and exponents in [0.5, 2.5].
        float[] constant = op == "Pow" ? [.. Values(random, count, 1f).Select(v => v + 1.5f)] : Values(random, count, 1.5f);
        if (op == "Div" && constantFirst)
        {
            constant = [.. constant.Select(v => v + 3f)];
        }

        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 3, 5])
            .Initializer("c", constantShape, constant)
            .Node("Sigmoid", ["x"], ["s"], "sigmoid")
            .Node("Add", ["s", "s"], ["d"], "double")
            .Node(op, constantFirst ? ["c", op == "Div" ? "d" : "s"] : [op == "Div" ? "d" : "s", "c"], ["y"], "binary")
            .Output("y");
        AssertMatches(model.ToArray(), [4, 3, 5]);
    }

    /// <summary>Two computed operands of different shapes: spatial attention ([N, 1, H, W] over the channels), an
    /// outer product ([N, C, 1, W] with [N, 1, H, 1]), a per-sample scalar, and Max/Min/Pow of equal shapes.</summary>
    [Theory]
    [InlineData("Mul", new long[] { 1 }, new long[0])]
    [InlineData("Sub", new long[] { 2, 3 }, new long[] { 1 })]
    [InlineData("Add", new long[] { 1, 2, 3 }, new long[0])]
    [InlineData("Div", new long[] { 1, 2, 3 }, new long[] { 1 })]
    [InlineData("Max", new long[0], new long[0])]
    [InlineData("Min", new long[] { 2 }, new long[0])]
    [InlineData("Pow", new long[0], new long[0])]
    public void Computed_operands_broadcast_as_ONNX_Runtime_does(string op, long[] leftAxes, long[] rightAxes)
    {
        // Each operand is sigmoid(x) + 0.5 (positive, so Div and Pow stay finite) reduced over some axes with keepdims.
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 3, 5])
            .Initializer("half", [], [0.5f])
            .Node("Sigmoid", ["x"], ["s"], "sigmoid")
            .Node("Add", ["s", "half"], ["p"], "positive")
            .Node("Tanh", ["x"], ["t"], "tanh")
            .Node("Add", ["t", "p"], ["q"], "other");
        string left = Reduced(model, "p", leftAxes, "left"), right = Reduced(model, "q", rightAxes, "right");
        model.Node(op, [left, right], ["y"], "binary").Output("y");
        AssertMatches(model.ToArray(), [4, 3, 5]);
    }

    /// <summary>An element-wise step writing in place must not overwrite the operand it broadcasts: a chain where the
    /// broadcast operand is read again later.</summary>
    [Fact]
    public void Broadcast_operand_is_not_overwritten_in_place()
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 3, 5])
            .Node("Relu", ["x"], ["r"], "relu")
            .Node("GlobalMaxPool", ["r"], ["g"], "pool")
            .Node("Sub", ["r", "g"], ["d"], "centre")
            .Node("Mul", ["g", "d"], ["m"], "scale")
            .Node("Add", ["m", "g"], ["y"], "shift")
            .Output("y");
        AssertMatches(model.ToArray(), [4, 3, 5]);
    }

    // ---- Reductions ----

    [Theory]
    [InlineData("ReduceMean", new long[] { 2, 3 }, 0L, 13)]
    [InlineData("ReduceMean", new long[] { 2, 3 }, 1L, 18)]
    [InlineData("ReduceMean", new long[] { 2 }, 0L, 13)]
    [InlineData("ReduceMax", new long[] { 1 }, 1L, 13)]
    [InlineData("ReduceMax", new long[] { -1 }, 0L, 18)]
    [InlineData("ReduceSum", new long[] { 1, 3 }, 1L, 13)]
    [InlineData("ReduceSum", new long[] { -3, -2, -1 }, 0L, 11)]
    [InlineData("ReduceMin", new long[] { 1, 2 }, 0L, 13)]
    [InlineData("ReduceMean", new long[] { 3, 1 }, 1L, 11)]
    [InlineData("ReduceMax", new long[] { 2, 3 }, 1L, 18)]
    public void Reductions_match_ONNX_Runtime(string op, long[] axes, long keepDims, int opset)
    {
        // Axes are an input from opset 13 for ReduceSum and from 18 for the others.
        bool axesInput = op == "ReduceSum" ? opset >= 13 : opset >= 18;
        var model = new OnnxGraphWriter(opset).Input("x", [null, 4, 3, 5]).Node("Tanh", ["x"], ["t"], "tanh");
        if (axesInput)
        {
            model.Int64Initializer("axes", axes).Node(op, ["t", "axes"], ["y"], "reduce", ("keepdims", keepDims));
        }
        else
        {
            model.Node(op, ["t"], ["y"], "reduce", ("axes", axes), ("keepdims", keepDims));
        }

        AssertMatches(model.Output("y").ToArray(), [4, 3, 5]);
    }

    /// <summary>nn.GELU() as torch 1.13 exports it: x * 0.5 * (1 + erf(x / sqrt 2)) from Div, Erf, Add, Mul, Mul.</summary>
    [Fact]
    public void Exported_gelu_matches_ONNX_Runtime()
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 3, 7, 9])
            .Initializer("root2", [], [1.4142135f]).Initializer("one", [], [1f]).Initializer("half", [], [0.5f])
            .Node("Div", ["x", "root2"], ["d"], "div")
            .Node("Erf", ["d"], ["e"], "erf")
            .Node("Add", ["e", "one"], ["a"], "add")
            .Node("Mul", ["x", "a"], ["m"], "mul")
            .Node("Mul", ["m", "half"], ["y"], "mul_half")
            .Output("y");
        AssertMatches(model.ToArray(), [3, 7, 9]);
    }

    /// <summary>nn.LayerNorm over the last axis as torch 1.13 exports it at opset 13: ReduceMean, Sub, Pow, ReduceMean,
    /// Add, Sqrt, Div, then the affine Mul and Add (and a Reciprocal form of the division).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decomposed_layer_norm_matches_ONNX_Runtime(bool reciprocal)
    {
        var random = new Random(12);
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 6, 8])
            .Initializer("two", [], [2f]).Initializer("eps", [], [1e-5f])
            .Initializer("gamma", [8], Values(random, 8, 1f)).Initializer("beta", [8], Values(random, 8, 0.5f))
            .Node("ReduceMean", ["x"], ["mean"], "mean", ("axes", new long[] { -1 }), ("keepdims", 1L))
            .Node("Sub", ["x", "mean"], ["d"], "sub")
            .Node("Pow", ["d", "two"], ["sq"], "pow")
            .Node("ReduceMean", ["sq"], ["var"], "var", ("axes", new long[] { -1 }), ("keepdims", 1L))
            .Node("Add", ["var", "eps"], ["ve"], "add_eps")
            .Node("Sqrt", ["ve"], ["sd"], "sqrt");
        model = reciprocal
            ? model.Node("Reciprocal", ["sd"], ["inv"], "reciprocal").Node("Mul", ["d", "inv"], ["n"], "normalise")
            : model.Node("Div", ["d", "sd"], ["n"], "normalise");
        model.Node("Mul", ["n", "gamma"], ["g"], "scale")
            .Node("Add", ["g", "beta"], ["y"], "shift")
            .Output("y");
        AssertMatches(model.ToArray(), [4, 6, 8]);
    }

    /// <summary>torch.mean(x, dim=2) in a 1-D network, then a linear layer.</summary>
    [Fact]
    public void Mean_over_time_then_dense_matches_ONNX_Runtime()
    {
        var random = new Random(13);
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 6, 9])
            .Initializer("w", [6, 3], Values(random, 18, 0.5f))
            .Node("ReduceMean", ["x"], ["m"], "mean", ("axes", new long[] { 2 }), ("keepdims", 0L))
            .Node("MatMul", ["m", "w"], ["y"], "fc")
            .Output("y");
        AssertMatches(model.ToArray(), [6, 9]);
    }

    // ---- Constants through Identity/Dropout, and shape arithmetic ----

    /// <summary>torch shares constants through Identity (weights) and Dropout (a bias): they are the same constant.</summary>
    [Fact]
    public void Identity_and_dropout_of_constants_are_the_constants()
    {
        var random = new Random(14);
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 2, 5, 5])
            .Initializer("w", [3, 2, 3, 3], Values(random, 54, 0.4f)).Initializer("b", [3, 1, 1], Values(random, 3, 0.3f))
            .Node("Identity", ["w"], ["w2"], "shared_weight")
            .Node("Dropout", ["b"], ["b2"], "shared_bias")
            .Node("Conv", ["x", "w2"], ["c"], "conv")
            .Node("Add", ["c", "b2"], ["y"], "bias")
            .Output("y");
        AssertMatches(model.ToArray(), [2, 5, 5]);
    }

    /// <summary>x.view(x.size(0), -1) as torch exports it: Shape, Gather(0), Unsqueeze, Concat with [-1], Reshape.</summary>
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void View_by_the_batch_size_folds_to_a_reshape(int opset)
    {
        var random = new Random(15);
        var model = new OnnxGraphWriter(opset)
            .Input("x", [null, 3, 4, 4])
            .Initializer("w", [5, 48], Values(random, 240, 0.3f))
            .Int64Initializer("zero", [], [0]).Int64Initializer("minus_one", [-1])
            .Node("Relu", ["x"], ["r"], "relu")
            .Node("Shape", ["r"], ["shape"], "shape")
            .Node("Gather", ["shape", "zero"], ["n"], "batch", ("axis", 0L));
        if (opset >= 13)
        {
            model.Int64Initializer("axis0", [0]).Node("Unsqueeze", ["n", "axis0"], ["n1"], "unsqueeze");
        }
        else
        {
            model.Node("Unsqueeze", ["n"], ["n1"], "unsqueeze", ("axes", new long[] { 0 }));
        }

        model.Node("Concat", ["n1", "minus_one"], ["target"], "target", ("axis", 0L))
            .Node("Reshape", ["r", "target"], ["flat"], "view")
            .Node("Gemm", ["flat", "w"], ["y"], "fc", ("transB", 1L))
            .Output("y");
        AssertMatches(model.ToArray(), [3, 4, 4]);
    }

    /// <summary>F.interpolate(x, size=y.shape[-2:]) as torchvision's segmentation heads export it: Resize whose sizes are
    /// Shape(x)[:2] (the run-time batch first) concatenated with a constant height and width.</summary>
    [Theory]
    [InlineData("linear")]
    [InlineData("nearest")]
    public void Resize_to_sizes_that_carry_the_batch_folds(string mode)
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 3, 5, 7])
            .Int64Initializer("zero", [0]).Int64Initializer("two", [2]).Int64Initializer("hw", [9, 11])
            .Node("Shape", ["x"], ["shape"], "shape")
            .Node("Slice", ["shape", "zero", "two"], ["nc"], "batch_and_channels")
            .Node("Concat", ["nc", "hw"], ["sizes"], "sizes", ("axis", 0L))
            .Node("Resize", ["x", "", "", "sizes"], ["y"], "upsample", ("mode", mode))
            .Output("y");
        AssertMatches(model.ToArray(), [3, 5, 7]);
    }

    /// <summary>MatMul of a channels-last [N, H, W, C] tensor by a constant [C, M], then a bias Add (ConvNeXt's
    /// Linear layers): one dense layer at each of the H x W positions.</summary>
    [Fact]
    public void Channels_last_matmul_is_a_dense_layer_per_position()
    {
        var random = new Random(16);
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 5, 6])
            .Initializer("w", [6, 3], Values(random, 18, 0.5f)).Initializer("b", [3], Values(random, 3, 0.2f))
            .Node("MatMul", ["x", "w"], ["m"], "linear")
            .Node("Add", ["m", "b"], ["y"], "bias")
            .Output("y");
        AssertMatches(model.ToArray(), [4, 5, 6]);
    }

    /// <summary>Shape arithmetic on the sample dimensions: [N, C * H, W / 2, 2] computed with Slice, Mul, Div, Cast,
    /// Concat and a Constant node, and a ConstantOfShape added to the result.</summary>
    [Fact]
    public void Shape_arithmetic_folds_at_compile_time()
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 3, 4, 6])
            .Int64Initializer("starts", [1]).Int64Initializer("ends", [2]).Int64Initializer("ends3", [3]).Int64Initializer("ends4", [4])
            .Int64Initializer("two", [2]).Int64Initializer("last", [1, 3, 2])
            .Node("Shape", ["x"], ["s"], "shape")
            .Node("Slice", ["s", "starts", "ends"], ["c"], "channels")
            .Node("Slice", ["s", "ends", "ends3"], ["h"], "height")
            .Node("Slice", ["s", "ends3", "ends4"], ["w"], "width")
            .Node("Mul", ["c", "h"], ["ch"], "c_times_h")
            .Node("Cast", ["w"], ["wf"], "to_float", ("to", 1L))
            .Node("Cast", ["wf"], ["wi"], "to_int", ("to", 7L))
            .Node("Div", ["wi", "two"], ["half"], "half_width")
            .Node("Slice", ["s", "ends", "starts"], ["empty"], "empty_slice")
            .Node("Gather", ["s", "starts"], ["n0"], "gather_c")
            .Node("Sub", ["n0", "n0"], ["zero"], "zero")
            .Node("Concat", ["zero", "ch", "half", "two", "empty"], ["target"], "target", ("axis", 0L))
            .Node("Reshape", ["x", "target"], ["r"], "reshape")
            .Node("ConstantOfShape", ["last"], ["ones"], "ones")
            .Node("Add", ["r", "ones"], ["y"], "plus_one")
            .Output("y");
        // ConstantOfShape's default value is float 0; the Add broadcasts [1, 3, 2] zeros over [N, 12, 3, 2].
        AssertMatches(model.ToArray(), [3, 4, 6]);
    }

    // ---- Transpose, Slice, Split ----

    /// <summary>ShuffleNetV2's channel shuffle: Reshape [N, g, C/g, H, W], Transpose [0, 2, 1, 3, 4], Reshape back.</summary>
    [Fact]
    public void Channel_shuffle_matches_ONNX_Runtime()
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 6, 3, 4])
            .Int64Initializer("grouped", [0, 2, 3, 3, 4]).Int64Initializer("back", [0, -1, 3, 4])
            .Node("Reshape", ["x", "grouped"], ["g"], "group")
            .Node("Transpose", ["g"], ["t"], "shuffle", ("perm", new long[] { 0, 2, 1, 3, 4 }))
            .Node("Reshape", ["t", "back"], ["y"], "ungroup")
            .Output("y");
        AssertMatches(model.ToArray(), [6, 3, 4]);
    }

    [Theory]
    [InlineData(new long[] { 0, 3, 1, 2 })]
    [InlineData(new long[] { 0, 2, 3, 1 })]
    [InlineData(new long[] { 0, 1, 3, 2 })]
    [InlineData(new long[] { 0, 3, 2, 1 })]
    public void Transpose_matches_ONNX_Runtime(long[] perm)
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 2, 3, 5])
            .Node("Transpose", ["x"], ["t"], "transpose", ("perm", perm))
            .Node("Relu", ["t"], ["y"], "relu")
            .Output("y");
        AssertMatches(model.ToArray(), [2, 3, 5]);
    }

    [Theory]
    [InlineData(new long[] { 1 }, new long[] { 3 }, new long[] { 1 }, new long[0])]
    [InlineData(new long[] { 0, 1 }, new long[] { 100, 5 }, new long[] { 2, 3 }, new long[] { 1, 2 })]
    [InlineData(new long[] { -1 }, new long[] { -100 }, new long[] { -1 }, new long[] { -1 })]
    [InlineData(new long[] { 0, 2 }, new long[] { long.MaxValue, -1 }, new long[] { 0, -2 }, new long[0])]
    [InlineData(new long[] { 4, 0 }, new long[] { 0, 2 }, new long[] { 3, 1 }, new long[] { -2, 1 })]
    [InlineData(new long[] { 1, 4 }, new long[] { 100, -100 }, new long[] { 2, 3 }, new long[] { long.MaxValue, long.MinValue })]
    public void Slice_of_computed_tensors_matches_ONNX_Runtime(long[] starts, long[] ends, long[] axes, long[] steps)
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 6, 5])
            .Int64Initializer("starts", starts).Int64Initializer("ends", ends).Int64Initializer("axes", axes)
            .Node("Relu", ["x"], ["r"], "relu");
        string[] inputs = ["r", "starts", "ends", "axes"];
        if (steps.Length > 0)
        {
            model.Int64Initializer("steps", steps);
            inputs = [.. inputs, "steps"];
        }

        model.Node("Slice", inputs, ["y"], "slice").Output("y");
        AssertMatches(model.ToArray(), [4, 6, 5]);
    }

    /// <summary>ShuffleNetV2's split of the channels in two halves (opset 13, sizes as an input) joined back in the
    /// other order, and an uneven split along the width (opset 11, sizes as an attribute).</summary>
    [Theory]
    [InlineData(13)]
    [InlineData(11)]
    public void Split_matches_ONNX_Runtime(int opset)
    {
        var model = new OnnxGraphWriter(opset).Input("x", [null, 4, 3, 5]);
        if (opset >= 13)
        {
            model.Int64Initializer("split", [2, 2]).Node("Split", ["x", "split"], ["a", "b"], "split", ("axis", 1L))
                .Node("Relu", ["b"], ["rb"], "relu").Node("Concat", ["rb", "a"], ["y"], "join", ("axis", 1L));
        }
        else
        {
            model.Node("Split", ["x"], ["a", "b", "c"], "split", ("axis", -1L), ("split", new long[] { 1, 3, 1 }))
                .Node("Mul", ["a", "c"], ["ac"], "product").Node("Sub", ["b", "ac"], ["y"], "difference");
        }

        AssertMatches(model.Output("y").ToArray(), [4, 3, 5]);
    }

    /// <summary>Gather of a computed tensor with constant indices: one index drops the axis (x[:, 0]), an evenly spaced
    /// run (negative indices included) is a strided slice.</summary>
    [Theory]
    [InlineData(1L, new long[0], new long[] { 2 })]
    [InlineData(2L, new long[0], new long[] { -1 })]
    [InlineData(3L, new long[] { 3 }, new long[] { 0, 2, 4 })]
    [InlineData(-2L, new long[] { 2 }, new long[] { 2, 1 })]
    [InlineData(1L, new long[] { 1 }, new long[] { 3 })]
    public void Gather_of_computed_tensors_matches_ONNX_Runtime(long axis, long[] indexShape, long[] indices)
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 3, 5])
            .Int64Initializer("i", indexShape, indices)
            .Node("Sigmoid", ["x"], ["s"], "sigmoid")
            .Node("Gather", ["s", "i"], ["y"], "gather", ("axis", axis))
            .Output("y");
        AssertMatches(model.ToArray(), [4, 3, 5]);
    }

    // ---- Pad ----

    [Theory]
    [InlineData("constant", new long[] { 0, 0, 1, 2, 0, 1, 0, 3 }, 13, false)]
    [InlineData("constant", new long[] { 0, 1, 0, 0, 0, 0, 0, 2 }, 10, false)]
    [InlineData("reflect", new long[] { 0, 0, 2, 1, 0, 0, 1, 2 }, 13, false)]
    [InlineData("reflect", new long[] { 0, 1, 2, 3, 0, 2, 0, 1 }, 11, false)]
    [InlineData("edge", new long[] { 0, 1, 1, 0, 0, 2, 0, 4 }, 13, false)]
    [InlineData("edge", new long[] { 1, 2, 3, 0 }, 18, true)]
    [InlineData("constant", new long[] { 2, 0, 0, 1 }, 18, true)]
    public void Pad_matches_ONNX_Runtime(string mode, long[] pads, int opset, bool axesInput)
    {
        var model = new OnnxGraphWriter(opset).Input("x", [null, 3, 4, 5]).Node("Tanh", ["x"], ["t"], "tanh");
        if (opset < 11)
        {
            model.Node("Pad", ["t"], ["y"], "pad", ("mode", mode), ("pads", pads), ("value", -1.5f));
        }
        else
        {
            model.Int64Initializer("pads", pads).Initializer("value", [], [0.75f]);
            string[] inputs = ["t", "pads", mode == "constant" ? "value" : ""];
            if (axesInput)
            {
                model.Int64Initializer("axes", [-2, 3]);
                inputs = [.. inputs, "axes"];
            }

            model.Node("Pad", inputs, ["y"], "pad", ("mode", mode));
        }

        AssertMatches(model.Output("y").ToArray(), [3, 4, 5]);
    }

    // ---- What stays unsupported: one diagnostic naming the node and the value ----

    public static TheoryData<string, string, string> Unsupported => new()
    {
        { "concat_batch", "CG0024", "axis 0, the batch dimension" },
        { "reduce_all", "CG0024", "reduces every dimension including the batch" },
        { "reduce_batch", "CG0024", "axes entry -4, the batch dimension" },
        { "transpose_batch", "CG0024", "perm [1, 0, 2, 3]" },
        { "constant_over_batch", "CG0024", "broadcasts the constant of shape [2, 4, 1, 1] over the batch dimension" },
        { "batch_into_constant_of_shape", "CG0025", "from the run-time batch size" },
        { "gather_computed", "CG0024", "gathers indices [0, 2, 3], which are not evenly spaced" },
        { "slice_batch", "CG0024", "slices the batch dimension (0) from 0 to 1" },
        { "incompatible_broadcast", "CG0025", "dimension 3 is 5 against 4" },
        { "concat_constant", "CG0024", "concatenates the constant 'c'" },
        { "gather_without_indices", "CG0024", "has 1 input; Gather takes 2" },
        { "pad_wrap", "CG0024", "mode 'wrap'" },
        { "pad_batch", "CG0024", "pads the batch dimension by [1, 0]" },
        { "pad_reflect_too_far", "CG0024", "reflects pads [0, 5] on a dimension of 5" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void Unsupported_uses_are_one_diagnostic_naming_the_node(string node, string id, string message)
    {
        var model = new OnnxGraphWriter(13)
            .Input("x", [null, 4, 3, 5])
            .Initializer("c", [2, 4, 1, 1], new float[8]).Initializer("c4", [4], new float[4])
            .Int64Initializer("zero", [0]).Int64Initializer("one", [1]).Int64Initializer("all", [int.MaxValue]);
        var built = node switch
        {
            "concat_batch" => model.Node("Concat", ["x", "x"], ["y"], node, ("axis", 0L)),
            "reduce_all" => model.Node("ReduceMean", ["x"], ["y"], node),
            "reduce_batch" => model.Node("ReduceMax", ["x"], ["y"], node, ("axes", new long[] { 2, -4 })),
            "transpose_batch" => model.Node("Transpose", ["x"], ["y"], node, ("perm", new long[] { 1, 0, 2, 3 })),
            "constant_over_batch" => model.Node("Mul", ["x", "c"], ["y"], node),
            "batch_into_constant_of_shape" => model.Node("Shape", ["x"], ["s"], "shape").Node("ConstantOfShape", ["s"], ["k"], node).Node("Add", ["x", "k"], ["y"], "add"),
            "gather_computed" => model.Int64Initializer("uneven", [0, 2, 3]).Node("Gather", ["x", "uneven"], ["y"], node, ("axis", 1L)),
            "slice_batch" => model.Node("Slice", ["x", "zero", "one", "zero"], ["y"], node),
            "incompatible_broadcast" => model.Node("Add", ["x", "c4"], ["y"], node),
            "gather_without_indices" => model.Node("Gather", ["zero"], ["k"], node).Node("Reshape", ["x", "k"], ["y"], "reshape"),
            "pad_wrap" => model.Int64Initializer("pads", [0, 0, 1, 1, 0, 0, 1, 1]).Node("Pad", ["x", "pads"], ["y"], node, ("mode", "wrap")),
            "pad_batch" => model.Int64Initializer("pads", [1, 0, 0, 0, 0, 0, 0, 0]).Node("Pad", ["x", "pads"], ["y"], node),
            "pad_reflect_too_far" => model.Int64Initializer("pads", [0, 0, 0, 0, 0, 0, 0, 5]).Node("Pad", ["x", "pads"], ["y"], node, ("mode", "reflect")),
            _ => model.Node("Concat", ["x", "c"], ["y"], node, ("axis", 1L)),
        };
        var result = OnnxModelHarness.Run("using ConvGen;\nnamespace Nets;\n[OnnxModel(\"model.onnx\")] public partial class Net;\n",
            OnnxModelHarness.WriteModel("model.onnx", built.Output("y").ToArray()));

        var diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains($"'{node}'", diagnostic.GetMessage());
        Assert.Contains(message, diagnostic.GetMessage());
        Assert.Empty(result.RunResult.GeneratedTrees);
    }

    /// <summary>Reduces <paramref name="value"/> with ReduceMean over <paramref name="axes"/> (keepdims) unless there are none.</summary>
    private static string Reduced(OnnxGraphWriter model, string value, long[] axes, string name)
    {
        if (axes.Length == 0)
        {
            return value;
        }

        model.Node("ReduceMean", [value], [name], name + "_mean", ("axes", axes), ("keepdims", 1L));
        return name;
    }

    /// <summary>Generates the network once and compares it with ONNX Runtime at batch 1 and 3 (the model's batch is dynamic).</summary>
    internal static void AssertMatches(byte[] model, long[] sample)
    {
        var net = OnnxModelHarness.Compile(OnnxModelHarness.WriteModel("model.onnx", model));
        foreach (int batch in new[] { 1, 3 })
        {
            long[] shape = [batch, .. sample];
            var random = new Random(42 + batch);
            float[] input = Values(random, (int)shape.Aggregate(1L, (a, b) => a * b), 2f);
            float[] expected = OnnxModelHarness.RunOnnxRuntime(model, input, shape, out long[] expectedShape);
            float[] actual = OnnxModelHarness.Forward(net, input, shape, out nint[] actualShape);
            float[] again = OnnxModelHarness.Forward(net, input, shape, out _);

            Assert.Equal(expectedShape.Select(d => (nint)d), actualShape);
            Assert.Equal(actual, again);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])),
                    $"batch {batch}, output {i} of {expected.Length}: ConvGen {actual[i]}, ONNX Runtime {expected[i]}");
            }
        }
    }
}
