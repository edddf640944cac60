using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>
/// Lowers an ONNX graph (one input, any number of outputs) to a <see cref="NetworkGraph"/>: resolves every shape from the graph input's (the batch,
/// dimension 0, stays free), folds each BatchNormalization that directly follows a Conv into its weights and bias
/// (in float64), fuses a following Relu/Clip(0, 6)/Sigmoid/Tanh into the Conv's activation, turns reshapes into
/// aliases, and checks every attribute it cannot honour. A problem stops the lowering with a
/// <see cref="NetworkError"/> that names the node and its operator.
/// </summary>
internal sealed partial class OnnxGraphLowering
{
    internal static readonly string[] SupportedOperators =
    [
        "Conv", "BatchNormalization", "Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "HardSigmoid", "HardSwish",
        "Softplus", "Neg", "Abs", "Exp", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Add", "Sub",
        "Mul", "Div", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Gemm", "MatMul", "Upsample",
        "Resize", "Softmax", "LogSoftmax", "Constant", "ConvTranspose", "Concat", "Max", "Min", "Pow", "ReduceMean", "ReduceMax",
        "ReduceMin", "ReduceSum", "Transpose", "Slice", "Split", "Shape", "Size", "Gather", "Cast", "ConstantOfShape", "Pad",
        "Sqrt", "Reciprocal", "Erf", "Gelu", "LayerNormalization",
    ];

    private readonly string _file;
    private readonly OnnxModel _model;
    private readonly Dictionary<string, OnnxTensor> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _valueByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consumers = new(StringComparer.Ordinal); // value -> how many node inputs read it
    private readonly Dictionary<string, int> _lastReader = new(StringComparer.Ordinal); // value -> the last node that reads it
    private readonly List<NetworkValue> _values = [];
    private readonly List<NetworkStep> _steps = [];
    private readonly Dictionary<int, int> _producer = [];
    private readonly HashSet<string> _graphOutputs = new(StringComparer.Ordinal);
    private readonly List<WeightTensor> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxTensor> _namedTensors;
    private readonly HashSet<int> _fusedNodes = []; // nodes an earlier node's step computes (the Mul of x * sigmoid(x))
    private int _convCount;

    // A conv step's layer class until NameLayerClasses names it, once fusions have settled every spec.
    private const string LayerClassName = "";

    private OnnxGraphLowering(string file, OnnxModel model) => (_file, _model, _namedTensors) = (file, model, model.NamedTensors());

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

        if (_model.Outputs.Count == 0)
        {
            throw Shape("the graph has no output");
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
        for (int index = 0; index < _model.Nodes.Count; index++)
        {
            foreach (string name in _model.Nodes[index].Inputs)
            {
                _consumers[name] = _consumers.TryGetValue(name, out int n) ? n + 1 : 1;
                _lastReader[name] = index;
            }
        }

        foreach (var output in _model.Outputs)
        {
            _graphOutputs.Add(output.Name);
        }

        for (int i = 0; i < _model.Nodes.Count; i++)
        {
            LowerNode(_model.Nodes[i], i);
        }

        var outputs = Outputs();
        NameLayerClasses();
        long parameters = 0;
        foreach (var step in _steps)
        {
            parameters += step switch
            {
                ConvStep conv => conv.Spec.ParameterCount,
                ConvTransposeStep transposed => transposed.Spec.ParameterCount,
                DenseStep dense => ((long)dense.InFeatures * dense.OutFeatures) + (dense.Bias is null ? 0 : dense.OutFeatures),
                ScaleShiftStep scale => 2L * scale.Channels,
                LayerNormStep norm => (long)norm.Length * (norm.Bias is null ? 1 : 2),
                _ => 0,
            };
        }

        return new NetworkGraph(_file, _model.OpsetVersion, input.Name,
            new EquatableArray<NetworkValue>([.. _values]), new EquatableArray<NetworkStep>([.. _steps]), outputs, parameters,
            new EquatableArray<WeightTensor>([.. _tensors]));
    }

    /// <summary>
    /// The graph outputs in graph order, each a value with memory of its own: an output that is the input (or a
    /// reshape of it), or whose memory an earlier output already is (the same tensor listed twice, or a reshape of
    /// another output), becomes a copy.
    /// </summary>
    private EquatableArray<NetworkOutput> Outputs()
    {
        var names = OutputIdentifiers.For([.. _model.Outputs.Select(output => output.Name)]);
        var outputs = new NetworkOutput[names.Length];
        var claimed = new HashSet<int> { 0 };
        for (int i = 0; i < outputs.Length; i++)
        {
            string name = _model.Outputs[i].Name;
            if (!_valueByName.TryGetValue(name, out int value))
            {
                throw Shape($"the graph output '{name}' is not computed from the input (a constant output is not supported)");
            }

            if (!claimed.Add(Root(value)))
            {
                int copy = AddValue(name + "_copy", [.. _values[value].Shape], null);
                AddStep(new CopyStep(Root(value) == 0 ? "copy of the input" : $"copy of '{name}' for output {i}", value, copy));
                claimed.Add(value = copy);
            }

            outputs[i] = new NetworkOutput(name, value, names[i].Identifier, names[i].Parameter);
        }

        return new EquatableArray<NetworkOutput>(outputs);
    }

    /// <summary>
    /// One nested layer class per distinct spec, named in order of first use (Conv0, Conv1, ..., ConvTranspose0, ...):
    /// steps of the same spec (MobileNetV2's 52 convolutions have 30) are instances of one class, so its kernels are
    /// generated and compiled once.
    /// </summary>
    private void NameLayerClasses()
    {
        var convClasses = new Dictionary<ConvSpec, string>();
        var transposedClasses = new Dictionary<TransposedConvSpec, string>();
        for (int i = 0; i < _steps.Count; i++)
        {
            _steps[i] = _steps[i] switch
            {
                ConvStep conv => conv with { ClassName = ClassFor(convClasses, conv.Spec, "Conv") },
                ConvTransposeStep transposed => transposed with { ClassName = ClassFor(transposedClasses, transposed.Spec, "ConvTranspose") },
                var step => step,
            };
        }

        static string ClassFor<TSpec>(Dictionary<TSpec, string> classes, TSpec spec, string prefix)
            where TSpec : notnull
        {
            if (!classes.TryGetValue(spec, out string? name))
            {
                classes.Add(spec, name = prefix + classes.Count);
            }

            return name;
        }
    }

    private void LowerNode(OnnxNode node, int index)
    {
        if (_fusedNodes.Contains(index))
        {
            return;
        }

        var at = new NodeContext(node, NodeName(node, index), this);
        CheckArity(at);
        if ((node.Domain is "" or "ai.onnx") && TryFold(at))
        {
            return;
        }

        switch (node.OpType)
        {
            case "Constant":
                _constants[node.Outputs[0]] = ConstantValue(at);
                break;
            case "Conv":
                Conv(at);
                break;
            case "ConvTranspose":
                ConvTranspose(at);
                break;
            case "BatchNormalization":
                BatchNormalization(at);
                break;
            case "Relu" or "Clip" or "Sigmoid" or "Tanh" or "LeakyRelu" or "Elu" or "HardSigmoid" or "HardSwish" or "Softplus" or "Neg" or "Abs" or "Exp"
                or "Sqrt" or "Reciprocal" or "Erf" or "Gelu":
                Activation(at);
                break;
            case "MaxPool" or "AveragePool":
                Pool(at);
                break;
            case "GlobalAveragePool" or "GlobalMaxPool":
                GlobalPool(at);
                break;
            case "Add" or "Sub" or "Mul" or "Div" or "Max" or "Min" or "Pow":
                Binary(at);
                break;
            case "Concat":
                Concat(at);
                break;
            case "ReduceMean" or "ReduceMax" or "ReduceMin" or "ReduceSum":
                Reduce(at);
                break;
            case "Transpose":
                Transpose(at);
                break;
            case "Slice":
                Slice(at);
                break;
            case "Split":
                Split(at);
                break;
            case "Pad":
                Pad(at);
                break;
            case "Gather":
                GatherComputed(at);
                break;
            case "Cast" or "ConstantOfShape" or "Size":
                throw at.Unsupported($"reads the computed tensor '{node.Inputs[0]}'; [OnnxModel] folds {node.OpType} of constants and shapes only");
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
            case "LayerNormalization":
                LayerNormalization(at);
                break;
            default:
                throw new NetworkError(DiagnosticInfo.Create(OnnxUnsupportedOperator, null, _file, at.Name, node.OpType, string.Join(", ", SupportedOperators)));
        }
    }

    // ---- Convolution and what folds into it ----
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

    /// <summary>Adds a value of <paramref name="shape"/> per sample, which must hold 1 to int.MaxValue values.</summary>
    private int AddValue(string name, int[] shape, int? aliasOf)
    {
        long size = 1;
        foreach (int dim in shape)
        {
            size *= dim;
            if (dim < 1 || size > int.MaxValue)
            {
                throw Shape($"the value '{name}' would have the shape [N, {string.Join(", ", shape)}]; every dimension must be positive and a sample at most {int.MaxValue} values");
            }
        }

        _values.Add(new NetworkValue(name, new EquatableArray<int>(shape), aliasOf));
        _valueByName[name] = _values.Count - 1;
        return _values.Count - 1;
    }

    /// <summary>Records <paramref name="name"/> as a tensor the network reads at construction, with its shape.</summary>
    private void UseTensor(string name, OnnxTensor tensor)
    {
        if (_tensorNames.Add(name))
        {
            _tensors.Add(new WeightTensor(name, new EquatableArray<long>([.. tensor.Dims])));
        }
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
}
