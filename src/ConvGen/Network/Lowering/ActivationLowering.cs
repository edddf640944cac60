using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>Element-wise activations, fused into the convolution they follow where the kernel can apply them.</summary>
internal sealed partial class OnnxGraphLowering
{
    private void Activation(NodeContext at)
    {
        int x = at.Input(0);
        string op = at.Node.OpType;
        if (op == "Sigmoid" && SiLUProduct(at) is int product)
        {
            SiLU(at, x, product);
            return;
        }

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
            case "Sqrt": kind = ElementwiseKind.Sqrt; break;
            case "Reciprocal": kind = ElementwiseKind.Reciprocal; break;
            case "Erf": kind = ElementwiseKind.Erf; break;
            case "Gelu":
                kind = ElementwiseKind.Gelu;
                string approximate = at.String("approximate", "none");
                alpha = approximate switch
                {
                    "none" => 0,
                    "tanh" => 1,
                    _ => throw at.Unsupported($"has approximate '{approximate}'; 'none' and 'tanh' are defined"),
                };
                break;
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

    /// <summary>The index of the Mul node that multiplies this Sigmoid's input by its output, when that Mul is the only
    /// reader of the sigmoid (PyTorch's SiLU as ONNX exports it: x * sigmoid(x)); else null.</summary>
    private int? SiLUProduct(NodeContext at)
    {
        string x = at.Node.Inputs[0], sigmoid = at.Node.Outputs[0];
        if (!_consumers.TryGetValue(sigmoid, out int readers) || readers != 1 || _graphOutputs.Contains(sigmoid))
        {
            return null;
        }

        int reader = _lastReader[sigmoid];
        var mul = _model.Nodes[reader];
        bool product = mul.OpType == "Mul" && mul.Domain is "" or "ai.onnx" && mul.Inputs.Count == 2 && mul.Outputs.Count == 1
            && ((mul.Inputs[0] == x && mul.Inputs[1] == sigmoid) || (mul.Inputs[0] == sigmoid && mul.Inputs[1] == x));
        return product ? reader : null;
    }

    /// <summary>x * sigmoid(x) as one step: fused into the convolution that writes x when nothing else reads x, else
    /// an activation step of its own; the Mul node (<paramref name="product"/>) is then skipped.</summary>
    private void SiLU(NodeContext at, int x, int product)
    {
        var mul = _model.Nodes[product];
        string node = at.Name + " + " + (mul.Name.Length > 0 ? mul.Name : "Mul");
        _fusedNodes.Add(product);
        if (FoldableConv(x, at.Node.Inputs[0], readers: 2) is { } conv)
        {
            Replace(conv, conv with { Node = conv.Node + " + " + node, Spec = conv.Spec with { Activation = ActivationKind.SiLU } });
            _valueByName[mul.Outputs[0]] = conv.Output;
            return;
        }

        int y = AddValue(mul.Outputs[0], [.. _values[x].Shape], null);
        AddStep(new ActivationStep(node, x, y, ElementwiseKind.SiLU, 0, 0));
    }
}
