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
}
