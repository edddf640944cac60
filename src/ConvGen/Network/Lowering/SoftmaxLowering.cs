using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>Softmax and LogSoftmax.</summary>
internal sealed partial class OnnxGraphLowering
{
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
}
