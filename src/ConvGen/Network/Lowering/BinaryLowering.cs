using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>Add, Sub, Mul and Div.</summary>
internal sealed partial class OnnxGraphLowering
{
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
                && constant.DataType == OnnxTensor.FloatType && constant.Count == dense.OutFeatures
                && constant.Dims.Take(constant.Dims.Count - 1).All(d => d == 1)
                && _consumers.TryGetValue(leftConstant ? rightName : leftName, out int consumers) && consumers == 1
                && !_graphOutputs.Contains(leftConstant ? rightName : leftName))
            {
                Replace(dense, dense with { Node = dense.Node + " + " + at.Name, Bias = at.Weight(leftConstant ? 0 : 1, "bias") });
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
}
