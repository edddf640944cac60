using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>Add, Sub, Mul, Div, Max, Min and Pow: same-shaped tensors, MatMul bias folding, numpy broadcasting.</summary>
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
                && _namedTensors.ContainsKey(leftConstant ? leftName : rightName)
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

        string op = at.Node.OpType switch
        {
            "Add" => "Add",
            "Sub" => "Subtract",
            "Mul" => "Multiply",
            "Div" => "Divide",
            "Max" => "Max",
            "Min" => "Min",
            _ => "Pow",
        };
        if (!leftConstant && !rightConstant && at.Node.OpType is "Add" or "Sub" or "Mul" or "Div"
            && _values[at.Input(0)].Shape.Equals(_values[at.Input(1)].Shape))
        {
            // Two tensors of the same shape: one TensorPrimitives call.
            int left = at.Input(0), right = at.Input(1);
            string symbol = at.Node.OpType switch { "Add" => "+", "Sub" => "-", "Mul" => "*", _ => "/" };
            int y = AddValue(at.Node.Outputs[0], [.. _values[left].Shape], null);
            AddStep(new BinaryStep(at.Name, left, right, y, symbol));
            return;
        }

        Broadcast(at, op, leftConstant, rightConstant);
    }

    /// <summary>
    /// A binary operator under numpy broadcasting with one or both operands computed: both aligned to the output's
    /// rank (the batch must stay dimension 0 of every computed operand; a constant may not extend past it), size-1
    /// output dimensions dropped, and neighbouring dimensions merged where both operands step the same way.
    /// </summary>
    private void Broadcast(NodeContext at, string op, bool leftConstant, bool rightConstant)
    {
        OnnxTensor? constant = null;
        var full = new long[2][];
        var operands = new int[2];
        for (int i = 0; i < 2; i++)
        {
            if (i == 0 ? leftConstant : rightConstant)
            {
                constant = _constants[at.Node.Inputs[i]];
                if (constant.DataType != OnnxTensor.FloatType)
                {
                    throw at.Unsupported($"has the constant '{at.Node.Inputs[i]}' of ONNX data type {constant.DataType}; float32 is needed");
                }

                full[i] = [.. constant.Dims];
                operands[i] = -1;
            }
            else
            {
                operands[i] = at.Input(i);
                full[i] = [0, .. _values[operands[i]].Shape.Select(d => (long)d)]; // 0 stands for the batch
            }
        }

        int rank = Math.Max(full[0].Length, full[1].Length);
        for (int i = 0; i < 2; i++)
        {
            if (operands[i] >= 0 && full[i].Length != rank)
            {
                throw at.Unsupported($"broadcasts {_values[operands[i]].ShapeText} against an operand of higher rank, which would move its batch dimension; only operands whose batch stays dimension 0 are supported");
            }
        }

        // Right-align the constant, then check it does not broadcast over the batch.
        for (int i = 0; i < 2; i++)
        {
            if (operands[i] < 0)
            {
                long[] aligned = [.. Enumerable.Repeat(1L, rank - full[i].Length), .. full[i]];
                if (aligned[0] != 1)
                {
                    throw at.Unsupported($"broadcasts the constant of shape [{string.Join(", ", full[i])}] over the batch dimension; its first dimension must be 1");
                }

                full[i] = aligned;
            }
        }

        var output = new int[rank - 1];
        for (int d = 1; d < rank; d++)
        {
            long a = full[0][d], b = full[1][d];
            if (a != b && a != 1 && b != 1)
            {
                throw Shape($"node '{at.Name}' ({at.Node.OpType}) broadcasts [N, {string.Join(", ", full[0].Skip(1))}] with [N, {string.Join(", ", full[1].Skip(1))}]: dimension {d} is {a} against {b}");
            }

            output[d - 1] = (int)Math.Max(a, b);
        }

        // Each operand's stride along each output sample dimension (0 where it repeats), dropping size-1 dimensions.
        var strides = new List<int>[] { [], [] };
        var dims = new List<int>();
        var rowStrides = new int[2][];
        for (int i = 0; i < 2; i++)
        {
            rowStrides[i] = new int[rank];
            for (int d = rank - 1, s = 1; d >= 1; s *= (int)full[i][d], d--)
            {
                rowStrides[i][d] = full[i][d] == 1 ? 0 : s;
            }
        }

        for (int d = 1; d < rank; d++)
        {
            if (output[d - 1] == 1)
            {
                continue;
            }

            int last = dims.Count - 1;
            if (last >= 0 && strides[0][last] == rowStrides[0][d] * output[d - 1] && strides[1][last] == rowStrides[1][d] * output[d - 1])
            {
                // Both operands continue the previous dimension's pattern: merge them.
                dims[last] *= output[d - 1];
                strides[0][last] = rowStrides[0][d];
                strides[1][last] = rowStrides[1][d];
                continue;
            }

            dims.Add(output[d - 1]);
            strides[0].Add(rowStrides[0][d]);
            strides[1].Add(rowStrides[1][d]);
        }

        if (dims.Count == 0)
        {
            // One value per sample: each computed operand steps by one, the constant repeats.
            dims.Add(1);
            strides[0].Add(operands[0] >= 0 ? 1 : 0);
            strides[1].Add(operands[1] >= 0 ? 1 : 0);
        }

        if (output.Any(d => d == 0) || dims.Count > MaxOperatorRank)
        {
            throw at.Unsupported($"gives {(output.Any(d => d == 0) ? "an empty tensor" : "a broadcast of more than " + MaxOperatorRank + " alternating dimensions")} [N, {string.Join(", ", output)}]");
        }

        int sampleSize = output.Aggregate(1, (a, b) => a * b);
        bool elementwise = operands.All(v => v < 0 || _values[v].SampleSize == sampleSize);
        int y = AddValue(at.Node.Outputs[0], output, null);
        AddStep(new BroadcastStep(
            at.Name, new EquatableArray<int>([.. operands.Where(v => v >= 0)]), y, op, operands[0], operands[1],
            new EquatableArray<float>(constant?.Values ?? []),
            operands[0] >= 0 ? _values[operands[0]].SampleSize : 0, operands[1] >= 0 ? _values[operands[1]].SampleSize : 0,
            new EquatableArray<int>([.. dims]), new EquatableArray<int>([.. strides[0]]), new EquatableArray<int>([.. strides[1]]), elementwise));
    }
}
