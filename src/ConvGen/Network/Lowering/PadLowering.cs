using System.Linq;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Network;

/// <summary>Pad (constant, reflect, edge) of a computed tensor over any dimensions but the batch.</summary>
internal sealed partial class OnnxGraphLowering
{
    private void Pad(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = [.. _values[x].Shape];
        int rank = shape.Length + 1;
        if (shape.Length > MaxOperatorRank)
        {
            throw at.Unsupported($"pads a tensor of more than {MaxOperatorRank} sample dimensions");
        }

        string mode = at.String("mode", "constant");
        string kind = mode switch
        {
            "constant" => "Constant",
            "reflect" => "Reflect",
            "edge" => "Edge",
            _ => throw at.Unsupported($"has mode '{mode}'; only 'constant', 'reflect' and 'edge' are supported"),
        };

        // Pads and the value are attributes before opset 11, inputs from it (axes, from opset 18, say which dimensions).
        long[] pads;
        float value;
        long[] axes = [.. Enumerable.Range(0, rank).Select(i => (long)i)];
        if (_model.OpsetVersion < 11)
        {
            pads = at.Extents("pads", at.Ints("pads", null));
            value = at.Float("value", 0f);
        }
        else
        {
            pads = at.Extents("pads", at.IntegerConstant(1, "pads"));
            value = 0f;
            if (at.Node.Inputs.Count > 2 && at.Node.Inputs[2].Length > 0)
            {
                var constant = at.Constant(2, "constant_value");
                value = constant.Values.Length == 1 ? constant.Values[0] : throw at.Unsupported($"has a constant_value of {constant.Values.Length} values; a scalar is needed");
            }
            if (at.Node.Inputs.Count > 3 && at.Node.Inputs[3].Length > 0)
            {
                axes = [.. at.IntegerConstant(3, "axes").Select(a => a < 0 ? a + rank : a)];
            }
        }

        if (pads.Length != 2 * axes.Length || axes.Any(a => a < 0 || a >= rank) || pads.Any(p => p < 0))
        {
            throw at.Unsupported($"has pads [{string.Join(", ", pads)}] for axes [{string.Join(", ", axes)}]; two non-negative pads per axis are needed (cropping is not supported)");
        }

        var before = new int[shape.Length];
        var after = new int[shape.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            if (axes[i] == 0)
            {
                if (pads[i] != 0 || pads[i + axes.Length] != 0)
                {
                    throw at.Unsupported($"pads the batch dimension by [{pads[i]}, {pads[i + axes.Length]}]; only the other dimensions are supported");
                }

                continue;
            }

            int d = (int)axes[i] - 1;
            (before[d], after[d]) = ((int)pads[i], (int)pads[i + axes.Length]);
            if (kind == "Reflect" && (before[d] >= shape[d] || after[d] >= shape[d]))
            {
                throw at.Unsupported($"reflects pads [{before[d]}, {after[d]}] on a dimension of {shape[d]}; reflect pads must be smaller than the dimension");
            }
        }

        int y = AddValue(at.Node.Outputs[0], [.. shape.Select((s, d) => s + before[d] + after[d])], null);
        AddStep(new PadStep(at.Name, x, y, kind, value, new EquatableArray<int>(shape), new EquatableArray<int>(before), new EquatableArray<int>(after)));
    }
}
