using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>
/// Lowers an ONNX graph to a <see cref="NetworkGraph"/>: resolves every shape from the graph input's (the batch,
/// dimension 0, stays free), folds each BatchNormalization that directly follows a Conv into its weights and bias
/// (in float64), fuses a following Relu/Clip(0, 6)/Sigmoid/Tanh into the Conv's activation, turns reshapes into
/// aliases, and checks every attribute it cannot honour. A problem stops the lowering with a
/// <see cref="NetworkError"/> that names the node and its operator.
/// </summary>
internal sealed class OnnxGraphLowering
{
    /// <summary>The most weights a model may have: they are embedded as float literals, about 13 characters of
    /// generated source each, so 4M weights (16 MB) already make a ~50 MB source file.</summary>
    internal const long MaxWeights = 4L << 20;

    internal static readonly string[] SupportedOperators =
    [
        "Conv", "BatchNormalization", "Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "HardSigmoid", "HardSwish",
        "Softplus", "Neg", "Abs", "Exp", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Add", "Sub",
        "Mul", "Div", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Gemm", "MatMul", "Upsample",
        "Resize", "Softmax", "LogSoftmax", "Constant",
    ];

    private readonly string _file;
    private readonly OnnxModel _model;
    private readonly Dictionary<string, OnnxTensor> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _valueByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consumers = new(StringComparer.Ordinal);
    private readonly List<NetworkValue> _values = [];
    private readonly List<NetworkStep> _steps = [];
    private readonly Dictionary<int, int> _producer = [];
    private readonly HashSet<string> _graphOutputs = new(StringComparer.Ordinal);
    private int _convCount;

    private OnnxGraphLowering(string file, OnnxModel model) => (_file, _model) = (file, model);

    /// <summary>Lowers <paramref name="model"/> (read from <paramref name="file"/>, named in messages).</summary>
    /// <exception cref="NetworkError">The graph uses something ConvGen cannot compile.</exception>
    public static NetworkGraph Lower(string file, OnnxModel model) => new OnnxGraphLowering(file, model).Lower();

    /// <summary>Every node whose operator is not supported, as diagnostics (without a location), at most ten.</summary>
    public static List<DiagnosticInfo> UnsupportedNodes(string file, OnnxModel model)
    {
        var found = new List<DiagnosticInfo>();
        for (int i = 0; i < model.Nodes.Count && found.Count < 10; i++)
        {
            var node = model.Nodes[i];
            bool defaultDomain = node.Domain is "" or "ai.onnx";
            if (!defaultDomain || Array.IndexOf(SupportedOperators, node.OpType) < 0)
            {
                string op = defaultDomain ? node.OpType : node.Domain + "." + node.OpType;
                found.Add(DiagnosticInfo.Create(OnnxUnsupportedOperator, null, file, NodeName(node, i), op, string.Join(", ", SupportedOperators)));
            }
        }

        return found;
    }

    private NetworkGraph Lower()
    {
        foreach (var tensor in _model.Initializers)
        {
            _constants[tensor.Name] = tensor;
        }

        var inputs = _model.Inputs.Where(input => !_constants.ContainsKey(input.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw Shape($"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => "'" + i.Name + "'"))}); [OnnxModel] compiles graphs with exactly one input");
        }

        if (_model.Outputs.Count != 1)
        {
            throw Shape($"the graph has {_model.Outputs.Count} outputs; [OnnxModel] compiles graphs with exactly one output");
        }

        var input = inputs[0];
        if (input.ElementType != OnnxTensor.FloatType)
        {
            throw Shape($"the input '{input.Name}' has element type {input.ElementType}; [OnnxModel] compiles float32 (type 1) graphs");
        }

        if (input.Shape.Count < 2)
        {
            throw Shape($"the input '{input.Name}' has {(input.Shape.Count == 0 ? "no shape" : "rank " + input.Shape.Count)}; it needs a batch dimension and fixed sample dimensions, e.g. [N, C, H, W]");
        }

        var sample = new int[input.Shape.Count - 1];
        for (int d = 1; d < input.Shape.Count; d++)
        {
            long? dim = input.Shape[d];
            if (dim is not > 0 || dim > int.MaxValue)
            {
                throw Shape($"dimension {d} of the input '{input.Name}' is {(dim is null ? "dynamic (a symbol or unknown)" : dim.ToString())}; only the batch dimension (0) may be dynamic, the others must be fixed sizes (export the model with a fixed input size)");
            }

            sample[d - 1] = (int)dim.Value;
        }

        AddValue(input.Name, sample, null);
        foreach (var node in _model.Nodes)
        {
            foreach (string name in node.Inputs)
            {
                _consumers[name] = _consumers.TryGetValue(name, out int n) ? n + 1 : 1;
            }
        }

        string outputName = _model.Outputs[0].Name;
        _graphOutputs.Add(outputName);
        for (int i = 0; i < _model.Nodes.Count; i++)
        {
            LowerNode(_model.Nodes[i], i);
        }

        if (!_valueByName.TryGetValue(outputName, out int output))
        {
            throw Shape($"the graph output '{outputName}' is not computed from the input (a constant output is not supported)");
        }

        if (Root(output) == 0)
        {
            // The output is the input (or a reshape of it): copy it.
            int copy = AddValue(outputName + "_copy", [.. _values[output].Shape], null);
            AddStep(new CopyStep("copy of the input", output, copy));
            output = copy;
        }

        long parameters = 0;
        foreach (var step in _steps)
        {
            parameters += step switch
            {
                ConvStep conv => conv.Weight.Length + (conv.Bias?.Length ?? 0),
                DenseStep dense => dense.Weight.Length + (dense.Bias?.Length ?? 0),
                ScaleShiftStep scale => scale.Scale.Length + scale.Shift.Length,
                _ => 0,
            };
        }

        if (parameters > MaxWeights)
        {
            throw new NetworkError(DiagnosticInfo.Create(OnnxModelTooLarge, null, _file, parameters.ToString("N0", CultureInfo.InvariantCulture), MaxWeights.ToString("N0", CultureInfo.InvariantCulture)));
        }

        return new NetworkGraph(_file, _model.OpsetVersion, input.Name, outputName,
            new EquatableArray<NetworkValue>([.. _values]), new EquatableArray<NetworkStep>([.. _steps]), output, parameters);
    }

    private void LowerNode(OnnxNode node, int index)
    {
        var at = new NodeContext(node, NodeName(node, index), this);
        switch (node.OpType)
        {
            case "Constant":
                _constants[node.Outputs[0]] = ConstantValue(at);
                break;
            case "Conv":
                Conv(at);
                break;
            case "BatchNormalization":
                BatchNormalization(at);
                break;
            case "Relu" or "Clip" or "Sigmoid" or "Tanh" or "LeakyRelu" or "Elu" or "HardSigmoid" or "HardSwish" or "Softplus" or "Neg" or "Abs" or "Exp":
                Activation(at);
                break;
            case "MaxPool" or "AveragePool":
                Pool(at);
                break;
            case "GlobalAveragePool" or "GlobalMaxPool":
                GlobalPool(at);
                break;
            case "Add" or "Sub" or "Mul" or "Div":
                Binary(at);
                break;
            case "Flatten":
                Flatten(at);
                break;
            case "Reshape":
                Reshape(at);
                break;
            case "Squeeze" or "Unsqueeze":
                Squeeze(at);
                break;
            case "Identity" or "Dropout":
                if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0 && _consumers.ContainsKey(node.Outputs[1]))
                {
                    throw at.Unsupported("uses its mask output");
                }

                Alias(at, at.Input(0), [.. _values[at.Input(0)].Shape]);
                break;
            case "Gemm":
                Gemm(at);
                break;
            case "MatMul":
                MatMul(at);
                break;
            case "Upsample" or "Resize":
                Resize(at);
                break;
            case "Softmax" or "LogSoftmax":
                Softmax(at);
                break;
            default:
                throw new NetworkError(DiagnosticInfo.Create(OnnxUnsupportedOperator, null, _file, at.Name, node.OpType, string.Join(", ", SupportedOperators)));
        }
    }

    // ---- Convolution and what folds into it ----

    private void Conv(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = at.Rank(x, 3, "a 4-D input [N, C, H, W] (Conv1d and Conv3d are not supported)");
        var weight = at.Constant(1, "weight");
        if (weight.Dims.Count != 4)
        {
            throw at.Unsupported($"has a weight of rank {weight.Dims.Count}; only 2-D convolutions (weight [M, C/group, kH, kW]) are supported");
        }

        int groups = (int)at.Int("group", 1);
        int outChannels = (int)weight.Dims[0], kh = (int)weight.Dims[2], kw = (int)weight.Dims[3];
        if (groups < 1 || shape[0] % groups != 0 || outChannels % groups != 0 || weight.Dims[1] * groups != shape[0])
        {
            throw at.Unsupported($"has group {groups} and weight [{string.Join(", ", weight.Dims)}] for an input of {shape[0]} channels, which do not match");
        }

        var kernel = at.Ints("kernel_shape", [kh, kw]);
        if (kernel.Length != 2 || kernel[0] != kh || kernel[1] != kw)
        {
            throw at.Unsupported($"has kernel_shape [{string.Join(", ", kernel)}], which differs from its weight's [{kh}, {kw}]");
        }

        var strides = at.Ints("strides", [1, 1]);
        var dilations = at.Ints("dilations", [1, 1]);
        var (pads, outputHeight, outputWidth) = at.Window(shape[1], shape[2], kh, kw, strides, dilations, ceilMode: false);
        float[]? bias = null;
        if (at.Node.Inputs.Count > 2 && at.Node.Inputs[2].Length > 0)
        {
            bias = at.Constant(2, "bias").Values;
            if (bias.Length != outChannels)
            {
                throw at.Unsupported($"has {bias.Length} biases for {outChannels} output channels");
            }
        }

        var spec = new ConvSpec(
            LayerKind.Conv2d, shape[0], outChannels, kh, kw, (int)strides[0], (int)strides[1],
            (int)pads[0], (int)pads[2], (int)pads[1], (int)pads[3], (int)dilations[0], (int)dilations[1], groups,
            HasBias: bias is not null, PaddingMode.Explicit, InputHeight: shape[1], InputWidth: shape[2]);
        int y = AddValue(at.Node.Outputs[0], [outChannels, outputHeight, outputWidth], null);
        string className = "Conv" + _convCount++;
        AddStep(new ConvStep(at.Name, x, y, className, spec, new FloatBlob(weight.Values), bias is null ? null : new FloatBlob(bias)));
    }

    /// <summary>The convolution step that writes <paramref name="value"/>, when nothing else reads that value and
    /// no activation has been fused into it yet, so a batch norm or activation can fold into it.</summary>
    private ConvStep? FoldableConv(int value, string valueName)
    {
        return _producer.TryGetValue(value, out int stepIndex)
            && _steps[stepIndex] is ConvStep { Spec.Activation: ActivationKind.None } conv
            && _consumers.TryGetValue(valueName, out int consumers) && consumers == 1
            && !_graphOutputs.Contains(valueName)
            ? conv
            : null;
    }

    private void BatchNormalization(NodeContext at)
    {
        int x = at.Input(0);
        if (at.Int("training_mode", 0) != 0 || at.Node.Outputs.Count(o => o.Length > 0) > 1)
        {
            throw at.Unsupported("runs in training mode (computes batch statistics)");
        }

        int[] shape = _values[x].Shape.ToArray();
        if (shape.Length < 1)
        {
            throw at.Unsupported("has an input without a channel dimension");
        }

        int channels = shape[0];
        float[] gamma = at.Constant(1, "scale").Values, beta = at.Constant(2, "B").Values;
        float[] mean = at.Constant(3, "mean").Values, variance = at.Constant(4, "var").Values;
        if (gamma.Length != channels || beta.Length != channels || mean.Length != channels || variance.Length != channels)
        {
            throw at.Unsupported($"has parameters whose lengths ({gamma.Length}, {beta.Length}, {mean.Length}, {variance.Length}) are not the input's {channels} channels");
        }

        double epsilon = at.Float("epsilon", 1e-5f);

        // y = (x - mean) / sqrt(var + eps) * gamma + beta = x * scale + shift, computed in float64.
        var scale = new double[channels];
        var shift = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt(variance[c] + epsilon);
            shift[c] = beta[c] - (mean[c] * scale[c]);
        }

        string inputName = at.Node.Inputs[0];
        if (FoldableConv(x, inputName) is { } conv)
        {
            // Conv then BatchNormalization: w' = w * scale[m], b' = b * scale[m] + shift[m].
            float[] weight = conv.Weight.Values;
            int perChannel = weight.Length / conv.Spec.OutChannels;
            var folded = new float[weight.Length];
            var bias = new float[conv.Spec.OutChannels];
            for (int m = 0; m < conv.Spec.OutChannels; m++)
            {
                for (int i = 0; i < perChannel; i++)
                {
                    folded[(m * perChannel) + i] = (float)(weight[(m * perChannel) + i] * scale[m]);
                }

                double b = conv.Bias is null ? 0 : conv.Bias.Values[m];
                bias[m] = (float)((b * scale[m]) + shift[m]);
            }

            Replace(conv, conv with
            {
                Node = conv.Node + " + " + at.Name,
                Spec = conv.Spec with { HasBias = true },
                Weight = new FloatBlob(folded),
                Bias = new FloatBlob(bias),
            });
            _valueByName[at.Node.Outputs[0]] = conv.Output;
            return;
        }

        int plane = 1;
        for (int d = 1; d < shape.Length; d++)
        {
            plane *= shape[d];
        }

        int y = AddValue(at.Node.Outputs[0], shape, null);
        AddStep(new ScaleShiftStep(at.Name, x, y, channels, plane,
            new FloatBlob([.. scale.Select(s => (float)s)]), new FloatBlob([.. shift.Select(s => (float)s)])));
    }

    private void Activation(NodeContext at)
    {
        int x = at.Input(0);
        string op = at.Node.OpType;
        float alpha = 0, beta = 0;
        ElementwiseKind kind;
        switch (op)
        {
            case "Relu": kind = ElementwiseKind.Relu; break;
            case "Sigmoid": kind = ElementwiseKind.Sigmoid; break;
            case "Tanh": kind = ElementwiseKind.Tanh; break;
            case "HardSwish": kind = ElementwiseKind.HardSwish; break;
            case "Softplus": kind = ElementwiseKind.Softplus; break;
            case "Neg": kind = ElementwiseKind.Neg; break;
            case "Abs": kind = ElementwiseKind.Abs; break;
            case "Exp": kind = ElementwiseKind.Exp; break;
            case "LeakyRelu": kind = ElementwiseKind.LeakyRelu; alpha = at.Float("alpha", 0.01f); break;
            case "Elu": kind = ElementwiseKind.Elu; alpha = at.Float("alpha", 1f); break;
            case "HardSigmoid": kind = ElementwiseKind.HardSigmoid; alpha = at.Float("alpha", 0.2f); beta = at.Float("beta", 0.5f); break;
            default:
                kind = ElementwiseKind.Clip;
                if (_model.OpsetVersion < 11)
                {
                    alpha = at.Float("min", float.NegativeInfinity);
                    beta = at.Float("max", float.PositiveInfinity);
                }
                else
                {
                    alpha = at.OptionalScalar(1, float.NegativeInfinity);
                    beta = at.OptionalScalar(2, float.PositiveInfinity);
                }

                break;
        }

        ActivationKind fused = kind switch
        {
            ElementwiseKind.Relu => ActivationKind.ReLU,
            ElementwiseKind.Sigmoid => ActivationKind.Sigmoid,
            ElementwiseKind.Tanh => ActivationKind.Tanh,
            ElementwiseKind.Clip when alpha == 0 && beta == 6 => ActivationKind.ReLU6,
            ElementwiseKind.Clip when alpha == 0 && float.IsPositiveInfinity(beta) => ActivationKind.ReLU,
            _ => ActivationKind.None,
        };
        if (fused != ActivationKind.None && FoldableConv(x, at.Node.Inputs[0]) is { } conv)
        {
            Replace(conv, conv with { Node = conv.Node + " + " + at.Name, Spec = conv.Spec with { Activation = fused } });
            _valueByName[at.Node.Outputs[0]] = conv.Output;
            return;
        }

        int y = AddValue(at.Node.Outputs[0], [.. _values[x].Shape], null);
        AddStep(new ActivationStep(at.Name, x, y, kind, alpha, beta));
    }

    // ---- Pooling ----

    private void Pool(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = at.Rank(x, 3, "a 4-D input [N, C, H, W]");
        bool isMax = at.Node.OpType == "MaxPool";
        if (at.Node.Outputs.Count > 1 && at.Node.Outputs[1].Length > 0)
        {
            throw at.Unsupported("returns indices (a second output)");
        }

        if (at.Int("storage_order", 0) != 0)
        {
            throw at.Unsupported("has storage_order 1");
        }

        var kernel = at.Ints("kernel_shape", null);
        if (kernel.Length != 2)
        {
            throw at.Unsupported($"has a kernel_shape of {kernel.Length} dimensions; only 2-D pools are supported");
        }

        var strides = at.Ints("strides", [1, 1]);
        var dilations = at.Ints("dilations", [1, 1]);
        bool ceil = at.Int("ceil_mode", 0) != 0;
        var (pads, outputHeight, outputWidth) = at.Window(shape[1], shape[2], (int)kernel[0], (int)kernel[1], strides, dilations, ceil);
        bool includePad = at.Int("count_include_pad", 0) != 0;
        int y = AddValue(at.Node.Outputs[0], [shape[0], outputHeight, outputWidth], null);
        AddStep(new PoolStep(at.Name, x, y, isMax, shape[0], shape[1], shape[2], outputHeight, outputWidth,
            (int)kernel[0], (int)kernel[1], (int)strides[0], (int)strides[1], (int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3],
            (int)dilations[0], (int)dilations[1], includePad));
    }

    private void GlobalPool(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = _values[x].Shape.ToArray();
        if (shape.Length < 2)
        {
            throw at.Unsupported($"has an input of rank {shape.Length + 1}; it needs [N, C, spatial...]");
        }

        int plane = 1;
        var outputShape = new int[shape.Length];
        outputShape[0] = shape[0];
        for (int d = 1; d < shape.Length; d++)
        {
            plane *= shape[d];
            outputShape[d] = 1;
        }

        int y = AddValue(at.Node.Outputs[0], outputShape, null);
        AddStep(new GlobalPoolStep(at.Name, x, y, at.Node.OpType == "GlobalMaxPool", shape[0], plane));
    }

    // ---- Element-wise with two inputs ----

    private void Binary(NodeContext at)
    {
        string leftName = at.Node.Inputs[0], rightName = at.Node.Inputs[1];
        bool leftConstant = _constants.ContainsKey(leftName), rightConstant = _constants.ContainsKey(rightName);
        if (at.Node.OpType == "Add" && (leftConstant ^ rightConstant))
        {
            // MatMul then Add of a bias vector (PyTorch's Linear in older exports): fold the bias into the dense step.
            int valueIndex = at.Input(leftConstant ? 1 : 0);
            var constant = _constants[leftConstant ? leftName : rightName];
            if (_producer.TryGetValue(valueIndex, out int stepIndex) && _steps[stepIndex] is DenseStep { Bias: null } dense
                && constant.DataType == OnnxTensor.FloatType && constant.Values.Length == dense.OutFeatures
                && constant.Dims.Take(constant.Dims.Count - 1).All(d => d == 1)
                && _consumers.TryGetValue(leftConstant ? rightName : leftName, out int consumers) && consumers == 1
                && !_graphOutputs.Contains(leftConstant ? rightName : leftName))
            {
                Replace(dense, dense with { Node = dense.Node + " + " + at.Name, Bias = new FloatBlob(constant.Values) });
                _valueByName[at.Node.Outputs[0]] = dense.Output;
                return;
            }
        }

        if (leftConstant || rightConstant)
        {
            throw at.Unsupported("has a constant operand; only two computed tensors of the same shape (or a MatMul's bias) are supported");
        }

        int left = at.Input(0), right = at.Input(1);
        if (!_values[left].Shape.Equals(_values[right].Shape))
        {
            throw at.Unsupported($"broadcasts {_values[left].ShapeText} with {_values[right].ShapeText}; only tensors of the same shape are supported");
        }

        string symbol = at.Node.OpType switch { "Add" => "+", "Sub" => "-", "Mul" => "*", _ => "/" };
        int y = AddValue(at.Node.Outputs[0], [.. _values[left].Shape], null);
        AddStep(new BinaryStep(at.Name, left, right, y, symbol));
    }

    // ---- Shape-only operators: aliases of their input ----

    private void Flatten(NodeContext at)
    {
        // Flatten's output is 2-D [d0 * ... * d(axis-1), rest]: only axis 1 keeps the batch as dimension 0.
        int x = at.Input(0);
        int rank = _values[x].Shape.Count + 1;
        long axis = at.Int("axis", 1);
        if ((axis < 0 ? axis + rank : axis) != 1)
        {
            throw at.Unsupported($"has axis {axis}, which merges the batch dimension with others (only axis 1 keeps the batch)");
        }

        Alias(at, x, [_values[x].SampleSize]);
    }

    private void Reshape(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = _values[x].Shape.ToArray();
        long[] target = _model.OpsetVersion < 5 ? at.Ints("shape", null) : at.IntegerConstant(1, "shape");
        bool allowZero = at.Int("allowzero", 0) != 0;
        if (target.Length == 0)
        {
            throw at.Unsupported("reshapes to a scalar, which drops the batch dimension");
        }

        // Dimension 0 is the batch: it must stay where it is (0 copies it, -1 infers it, or the model's fixed batch).
        long batchTarget = target[0];
        long? declaredBatch = DeclaredBatch();
        bool keepsBatch = (batchTarget == 0 && !allowZero) || batchTarget == -1 || (declaredBatch is { } fixedBatch && batchTarget == fixedBatch);
        if (!keepsBatch)
        {
            throw Shape($"node '{at.Name}' (Reshape) reshapes to [{string.Join(", ", target)}], whose first dimension {batchTarget} is not the batch; [OnnxModel] needs the batch to stay dimension 0 (use 0 or -1 there)");
        }

        int sampleSize = _values[x].SampleSize;
        var result = new int[target.Length - 1];
        int inferred = -1;
        long known = 1;
        for (int d = 1; d < target.Length; d++)
        {
            long dim = target[d];
            if (dim == 0 && !allowZero)
            {
                if (d - 1 >= shape.Length)
                {
                    throw at.Unsupported($"copies dimension {d} (0 in the shape), which the input [N, {string.Join(", ", shape)}] does not have");
                }

                dim = shape[d - 1];
            }

            if (dim == -1)
            {
                if (inferred >= 0 || batchTarget == -1)
                {
                    throw at.Unsupported("has more than one -1 in its shape");
                }

                inferred = d - 1;
                continue;
            }

            if (dim <= 0)
            {
                throw at.Unsupported($"has the dimension {dim} in its shape");
            }

            result[d - 1] = (int)dim;
            known *= dim;
        }

        if (inferred >= 0)
        {
            if (sampleSize % known != 0)
            {
                throw Shape($"node '{at.Name}' (Reshape) cannot reshape {_values[x].ShapeText} to [{string.Join(", ", target)}]");
            }

            result[inferred] = (int)(sampleSize / known);
            known *= result[inferred];
        }

        if (known != sampleSize)
        {
            throw Shape($"node '{at.Name}' (Reshape) reshapes {_values[x].ShapeText} ({sampleSize} values per sample) to [{string.Join(", ", target)}] ({known} per sample)");
        }

        Alias(at, x, result);
    }

    private void Squeeze(NodeContext at)
    {
        int x = at.Input(0);
        var shape = _values[x].Shape.ToList();
        int rank = shape.Count + 1;
        bool squeeze = at.Node.OpType == "Squeeze";
        long[] axes = _model.OpsetVersion >= 13
            ? at.Node.Inputs.Count > 1 && at.Node.Inputs[1].Length > 0 ? at.IntegerConstant(1, "axes") : []
            : at.Ints("axes", []);
        if (axes.Length == 0)
        {
            if (!squeeze)
            {
                throw at.Unsupported("has no axes");
            }

            Alias(at, x, [.. shape.Where(d => d != 1)]);
            return;
        }

        int outputRank = squeeze ? rank : rank + axes.Length;
        var normalised = axes.Select(a => a < 0 ? a + outputRank : a).OrderBy(a => a).ToList();
        if (normalised.Any(a => a <= 0 || a >= outputRank))
        {
            throw at.Unsupported($"has axes [{string.Join(", ", axes)}], which touch the batch dimension or are out of range");
        }

        if (squeeze)
        {
            for (int i = normalised.Count - 1; i >= 0; i--)
            {
                int d = (int)normalised[i] - 1;
                if (shape[d] != 1)
                {
                    throw at.Unsupported($"squeezes axis {normalised[i]} of size {shape[d]}");
                }

                shape.RemoveAt(d);
            }
        }
        else
        {
            foreach (long a in normalised)
            {
                shape.Insert((int)a - 1, 1);
            }
        }

        Alias(at, x, [.. shape]);
    }

    private void Alias(NodeContext at, int x, int[] shape)
    {
        AddValue(at.Node.Outputs[0], shape, x);
    }

    // ---- Dense layers ----

    private void Gemm(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = at.Rank(x, 1, "a 2-D input [N, K]");
        if (at.Int("transA", 0) != 0)
        {
            throw at.Unsupported("has transA 1 (it would transpose the batch away)");
        }

        var b = at.Constant(1, "B");
        bool transB = at.Int("transB", 0) != 0;
        if (b.Dims.Count != 2 || b.Dims[transB ? 1 : 0] != shape[0])
        {
            throw at.Unsupported($"multiplies {_values[x].ShapeText} by B [{string.Join(", ", b.Dims)}]{(transB ? " transposed" : "")}, which do not match");
        }

        int k = shape[0], m = (int)b.Dims[transB ? 0 : 1];
        double alpha = at.Float("alpha", 1f), beta = at.Float("beta", 1f);
        var weight = new float[m * k];
        for (int o = 0; o < m; o++)
        {
            for (int i = 0; i < k; i++)
            {
                float value = transB ? b.Values[(o * k) + i] : b.Values[(i * m) + o];
                weight[(o * k) + i] = alpha == 1 ? value : (float)(alpha * value);
            }
        }

        float[]? bias = null;
        if (at.Node.Inputs.Count > 2 && at.Node.Inputs[2].Length > 0)
        {
            var c = at.Constant(2, "C");
            if (c.Values.Length != m && c.Values.Length != 1)
            {
                throw at.Unsupported($"has C [{string.Join(", ", c.Dims)}]; only a bias of {m} values (or one) is supported");
            }

            bias = new float[m];
            for (int o = 0; o < m; o++)
            {
                float value = c.Values[c.Values.Length == 1 ? 0 : o];
                bias[o] = beta == 1 ? value : (float)(beta * value);
            }
        }

        int y = AddValue(at.Node.Outputs[0], [m], null);
        AddStep(new DenseStep(at.Name, x, y, k, m, new FloatBlob(weight), bias is null ? null : new FloatBlob(bias)));
    }

    private void MatMul(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = at.Rank(x, 1, "a 2-D input [N, K] and a constant [K, M]");
        var b = at.Constant(1, "B");
        if (b.Dims.Count != 2 || b.Dims[0] != shape[0])
        {
            throw at.Unsupported($"multiplies {_values[x].ShapeText} by [{string.Join(", ", b.Dims)}], which do not match");
        }

        int k = shape[0], m = (int)b.Dims[1];
        var weight = new float[m * k];
        for (int o = 0; o < m; o++)
        {
            for (int i = 0; i < k; i++)
            {
                weight[(o * k) + i] = b.Values[(i * m) + o];
            }
        }

        int y = AddValue(at.Node.Outputs[0], [m], null);
        AddStep(new DenseStep(at.Name, x, y, k, m, new FloatBlob(weight), null));
    }

    // ---- Resize (nearest) and Softmax ----

    private void Resize(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = at.Rank(x, 3, "a 4-D input [N, C, H, W]");
        string mode = at.String("mode", "nearest");
        if (mode != "nearest")
        {
            throw at.Unsupported($"has mode '{mode}'; only 'nearest' is supported");
        }

        bool upsample = at.Node.OpType == "Upsample";
        int opset = (int)_model.OpsetVersion;
        string transform = upsample || opset < 11 ? "asymmetric" : at.String("coordinate_transformation_mode", "half_pixel");
        string rounding = upsample || opset < 11 ? "floor" : at.String("nearest_mode", "round_prefer_floor");
        if (at.Int("antialias", 0) != 0 || at.String("keep_aspect_ratio_policy", "stretch") != "stretch" || at.Node.Attribute("axes") is not null)
        {
            throw at.Unsupported("uses antialias, axes or keep_aspect_ratio_policy");
        }

        if (transform is not ("half_pixel" or "pytorch_half_pixel" or "align_corners" or "asymmetric" or "tf_half_pixel_for_nn"))
        {
            throw at.Unsupported($"has coordinate_transformation_mode '{transform}'");
        }

        if (rounding is not ("round_prefer_floor" or "round_prefer_ceil" or "floor" or "ceil"))
        {
            throw at.Unsupported($"has nearest_mode '{rounding}'");
        }

        // The scales (or sizes) of all four dimensions: an attribute (Upsample-7), input 1 (Upsample-9, Resize-10),
        // or input 2 / input 3 (Resize-11 and later).
        float[]? scales = null;
        long[]? sizes = null;
        if (upsample && opset < 9)
        {
            scales = [.. at.Floats("scales")];
        }
        else if (upsample || opset < 11)
        {
            scales = at.Constant(1, "scales").Values;
        }
        else
        {
            if (at.Node.Inputs.Count > 2 && at.Node.Inputs[2].Length > 0 && at.Constant(2, "scales").Values.Length > 0)
            {
                scales = at.Constant(2, "scales").Values;
            }
            else if (at.Node.Inputs.Count > 3 && at.Node.Inputs[3].Length > 0)
            {
                sizes = at.IntegerConstant(3, "sizes");
            }
        }

        int[] input = [0, shape[0], shape[1], shape[2]];
        var outputSize = new int[4];
        var scale = new double[4];
        for (int d = 1; d < 4; d++)
        {
            if (scales is not null)
            {
                if (scales.Length != 4)
                {
                    throw at.Unsupported($"has {scales.Length} scales; 4 (N, C, H, W) are needed");
                }

                scale[d] = scales[d];
                outputSize[d] = (int)Math.Floor(input[d] * (double)scales[d]);
            }
            else if (sizes is not null)
            {
                if (sizes.Length != 4)
                {
                    throw at.Unsupported($"has {sizes.Length} sizes; 4 (N, C, H, W) are needed");
                }

                outputSize[d] = (int)sizes[d];
                scale[d] = (double)sizes[d] / input[d];
            }
            else
            {
                throw Shape($"node '{at.Name}' ({at.Node.OpType}) has neither constant scales nor constant sizes");
            }
        }

        if ((scales is not null && (scales[0] != 1 || scales[1] != 1)) || (sizes is not null && sizes[1] != shape[0]))
        {
            throw at.Unsupported("resizes the batch or channel dimension");
        }

        if (sizes is not null && DeclaredBatch() != sizes[0])
        {
            throw Shape($"node '{at.Name}' ({at.Node.OpType}) resizes to sizes [{string.Join(", ", sizes)}], which fix the batch to {sizes[0]}, but the input's batch is {(DeclaredBatch() is { } b ? b.ToString(CultureInfo.InvariantCulture) : "dynamic")}");
        }

        if (outputSize[2] < 1 || outputSize[3] < 1)
        {
            throw Shape($"node '{at.Name}' ({at.Node.OpType}) gives an empty output");
        }

        int[] rows = NearestSources(shape[1], outputSize[2], scale[2], transform, rounding);
        int[] columns = NearestSources(shape[2], outputSize[3], scale[3], transform, rounding);
        int y = AddValue(at.Node.Outputs[0], [shape[0], outputSize[2], outputSize[3]], null);
        AddStep(new ResizeStep(at.Name, x, y, shape[0], shape[1], shape[2], new EquatableArray<int>(rows), new EquatableArray<int>(columns)));
    }

    /// <summary>ONNX Resize's nearest-neighbour source index of each output index (float64, as the spec's formulas).</summary>
    internal static int[] NearestSources(int inputSize, int outputSize, double scale, string transform, string rounding)
    {
        var sources = new int[outputSize];
        for (int i = 0; i < outputSize; i++)
        {
            double original = transform switch
            {
                "half_pixel" => ((i + 0.5) / scale) - 0.5,
                "pytorch_half_pixel" => outputSize > 1 ? ((i + 0.5) / scale) - 0.5 : 0,
                "align_corners" => outputSize == 1 ? 0 : i * (inputSize - 1) / (double)(outputSize - 1),
                "tf_half_pixel_for_nn" => (i + 0.5) / scale,
                _ => i / scale,
            };
            double nearest = rounding switch
            {
                "floor" => Math.Floor(original),
                "ceil" => Math.Ceiling(original),
                "round_prefer_ceil" => Math.Floor(original + 0.5),
                _ => original == Math.Floor(original) + 0.5 ? Math.Floor(original) : Math.Round(original, MidpointRounding.AwayFromZero),
            };
            sources[i] = (int)Math.Max(0, Math.Min(inputSize - 1, nearest));
        }

        return sources;
    }

    private void Softmax(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = _values[x].Shape.ToArray();
        int rank = shape.Length + 1;
        bool opset13 = _model.OpsetVersion >= 13;
        long axis = at.Int("axis", opset13 ? -1 : 1);
        if (axis < 0)
        {
            axis += rank;
        }

        if (axis < 1 || axis >= rank)
        {
            throw at.Unsupported($"has axis {at.Int("axis", opset13 ? -1 : 1)}, which is the batch dimension or out of range");
        }

        int outer = 1, length = 1, inner = 1;
        for (int d = 1; d < axis; d++)
        {
            outer *= shape[d - 1];
        }

        if (opset13)
        {
            // Along one axis: runs of shape[axis] values, inner apart.
            length = shape[axis - 1];
            for (int d = (int)axis + 1; d < rank; d++)
            {
                inner *= shape[d - 1];
            }
        }
        else
        {
            // Before opset 13: the input is seen as 2-D [before axis, from axis on], the softmax over the second.
            for (int d = (int)axis; d < rank; d++)
            {
                length *= shape[d - 1];
            }
        }

        int y = AddValue(at.Node.Outputs[0], shape, null);
        AddStep(new SoftmaxStep(at.Name, x, y, outer * inner, length, inner, at.Node.OpType == "LogSoftmax"));
    }

    // ---- Helpers ----

    private OnnxTensor ConstantValue(NodeContext at)
    {
        if (at.Node.Attribute("value") is { Tensor: { } tensor })
        {
            return tensor;
        }

        throw at.Unsupported("holds no tensor 'value' (value_float, value_ints and the like are not supported)");
    }

    /// <summary>The batch size the model's input declares, or null when it is dynamic.</summary>
    private long? DeclaredBatch() => _model.Inputs.First(i => !_constants.ContainsKey(i.Name)).Shape[0];

    private int AddValue(string name, int[] shape, int? aliasOf)
    {
        _values.Add(new NetworkValue(name, new EquatableArray<int>(shape), aliasOf));
        _valueByName[name] = _values.Count - 1;
        return _values.Count - 1;
    }

    private void AddStep(NetworkStep step)
    {
        _producer[step.Output] = _steps.Count;
        _steps.Add(step);
    }

    private void Replace(NetworkStep old, NetworkStep replacement)
    {
        int index = _steps.IndexOf(old);
        _steps[index] = replacement;
    }

    /// <summary>The value whose memory <paramref name="value"/> is (following aliases).</summary>
    private int Root(int value)
    {
        while (_values[value].AliasOf is { } source)
        {
            value = source;
        }

        return value;
    }

    private NetworkError Shape(string message) => new(DiagnosticInfo.Create(OnnxUnresolvedShape, null, _file, message));

    private static string NodeName(OnnxNode node, int index) =>
        node.Name.Length > 0 ? node.Name : node.Outputs.Count > 0 ? $"#{index} (output '{node.Outputs[0]}')" : $"#{index}";

    /// <summary>One node being lowered: its attributes and inputs, read with checks that name the node.</summary>
    private sealed class NodeContext(OnnxNode node, string name, OnnxGraphLowering graph)
    {
        public OnnxNode Node { get; } = node;

        public string Name { get; } = name;

        public NetworkError Unsupported(string what) =>
            new(DiagnosticInfo.Create(OnnxUnsupportedAttribute, null, graph._file, Name, Node.OpType, what));

        /// <summary>The computed value at input <paramref name="index"/>.</summary>
        public int Input(int index)
        {
            if (index >= Node.Inputs.Count || Node.Inputs[index].Length == 0)
            {
                throw Unsupported($"has no input {index}");
            }

            string input = Node.Inputs[index];
            if (graph._valueByName.TryGetValue(input, out int value))
            {
                return value;
            }

            if (graph._constants.ContainsKey(input))
            {
                throw Unsupported($"takes the constant '{input}' as input {index}; only computed tensors are supported there");
            }

            throw graph.Shape($"node '{Name}' ({Node.OpType}) reads '{input}', which no earlier node computes (the graph is not topologically sorted or uses an unsupported construct)");
        }

        /// <summary>The sample shape of <paramref name="value"/>, which must have <paramref name="sampleRank"/> dimensions besides the batch.</summary>
        public int[] Rank(int value, int sampleRank, string needs)
        {
            var shape = graph._values[value].Shape;
            if (shape.Count != sampleRank)
            {
                throw Unsupported($"has an input of shape {graph._values[value].ShapeText}; it needs {needs}");
            }

            return shape.ToArray();
        }

        /// <summary>The float32 constant (initializer or Constant node) at input <paramref name="index"/>.</summary>
        public OnnxTensor Constant(int index, string what)
        {
            if (index >= Node.Inputs.Count || !graph._constants.TryGetValue(Node.Inputs[index], out var tensor))
            {
                throw Unsupported($"has a {what} (input {index}) that is not a constant initializer");
            }

            if (tensor.DataType != OnnxTensor.FloatType)
            {
                throw Unsupported($"has a {what} of ONNX data type {tensor.DataType}; float32 is needed");
            }

            return tensor;
        }

        /// <summary>The int64/int32 constant at input <paramref name="index"/> (shapes, sizes, axes).</summary>
        public long[] IntegerConstant(int index, string what)
        {
            if (index >= Node.Inputs.Count || !graph._constants.TryGetValue(Node.Inputs[index], out var tensor))
            {
                throw graph.Shape($"node '{Name}' ({Node.OpType}) takes its {what} from a computed tensor, not a constant; [OnnxModel] needs shapes it can resolve at compile time");
            }

            if (tensor.DataType is not (OnnxTensor.Int64Type or OnnxTensor.Int32Type))
            {
                throw Unsupported($"has a {what} of ONNX data type {tensor.DataType}; int64 is needed");
            }

            return tensor.Integers;
        }

        /// <summary>An optional scalar float input (Clip's min and max), or <paramref name="fallback"/> when omitted.</summary>
        public float OptionalScalar(int index, float fallback)
        {
            if (index >= Node.Inputs.Count || Node.Inputs[index].Length == 0)
            {
                return fallback;
            }

            var tensor = Constant(index, index == 1 ? "min" : "max");
            if (tensor.Values.Length != 1)
            {
                throw Unsupported($"has a {(index == 1 ? "min" : "max")} of {tensor.Values.Length} values; a scalar is needed");
            }

            return tensor.Values[0];
        }

        public long Int(string attribute, long fallback) => Node.Attribute(attribute)?.Int ?? fallback;

        public float Float(string attribute, float fallback) => Node.Attribute(attribute)?.Float ?? fallback;

        public string String(string attribute, string fallback) => Node.Attribute(attribute)?.String ?? fallback;

        public IReadOnlyList<float> Floats(string attribute) => Node.Attribute(attribute)?.Floats ?? throw Unsupported($"has no '{attribute}'");

        public long[] Ints(string attribute, long[]? fallback)
        {
            var found = Node.Attribute(attribute);
            if (found is not null && found.Ints.Count > 0)
            {
                return [.. found.Ints];
            }

            return fallback ?? throw Unsupported($"has no '{attribute}'");
        }

        /// <summary>
        /// Resolves a 2-D window's padding (explicit pads or auto_pad) and output size, checking strides and
        /// dilations. Pads are [top, left, bottom, right]. With ceil_mode the output rounds up, as ONNX Runtime
        /// does, dropping a last window that would start in the bottom/right padding.
        /// </summary>
        public (long[] Pads, int OutputHeight, int OutputWidth) Window(int height, int width, int kh, int kw, long[] strides, long[] dilations, bool ceilMode)
        {
            if (strides.Length != 2 || dilations.Length != 2 || strides.Any(s => s < 1) || dilations.Any(d => d < 1) || kh < 1 || kw < 1)
            {
                throw Unsupported($"has kernel [{kh}, {kw}], strides [{string.Join(", ", strides)}] and dilations [{string.Join(", ", dilations)}]; each must be two positive values");
            }

            string autoPad = String("auto_pad", "NOTSET");
            long[] pads;
            int[] input = [height, width];
            int[] kernel = [kh, kw];
            if (autoPad is "NOTSET")
            {
                pads = Ints("pads", [0, 0, 0, 0]);
                if (pads.Length != 4 || pads.Any(p => p < 0))
                {
                    throw Unsupported($"has pads [{string.Join(", ", pads)}]; four non-negative values are needed");
                }
            }
            else if (autoPad is "VALID")
            {
                pads = [0, 0, 0, 0];
            }
            else if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                // Output = ceil(input / stride); the total padding is split with the odd one at the end (UPPER) or start (LOWER).
                pads = new long[4];
                for (int d = 0; d < 2; d++)
                {
                    long output = (input[d] + strides[d] - 1) / strides[d];
                    long total = Math.Max(0, ((output - 1) * strides[d]) + (dilations[d] * (kernel[d] - 1)) + 1 - input[d]);
                    long small = total / 2;
                    (pads[d], pads[d + 2]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
                }
            }
            else
            {
                throw Unsupported($"has auto_pad '{autoPad}'");
            }

            var outputSize = new int[2];
            for (int d = 0; d < 2; d++)
            {
                long span = (dilations[d] * (kernel[d] - 1)) + 1;
                long padded = input[d] + pads[d] + pads[d + 2];
                if (padded < span)
                {
                    throw graph.Shape($"node '{Name}' ({Node.OpType}) gives an empty output: its window spans {span} but the padded input is {padded}");
                }

                long output = ((padded - span) / strides[d]) + 1;
                if (ceilMode && (padded - span) % strides[d] != 0)
                {
                    output++;
                    if ((output - 1) * strides[d] >= input[d] + pads[d])
                    {
                        output--;
                    }
                }

                outputSize[d] = (int)output;
            }

            return (pads, outputSize[0], outputSize[1]);
        }
    }
}
