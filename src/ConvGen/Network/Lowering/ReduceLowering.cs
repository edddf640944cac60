using System.Collections.Generic;
using System.Linq;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Network;

/// <summary>ReduceSum, ReduceMean, ReduceMax and ReduceMin over any axes but the batch.</summary>
internal sealed partial class OnnxGraphLowering
{
    private void Reduce(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = [.. _values[x].Shape];
        int rank = shape.Length + 1;

        // Axes are an input from opset 13 (ReduceSum) or 18 (the others), an attribute before.
        long[] axes = at.Node.Inputs.Count > 1 && at.Node.Inputs[1].Length > 0 ? at.IntegerConstant(1, "axes") : at.Ints("axes", []);
        if (axes.Length == 0)
        {
            if (at.Int("noop_with_empty_axes", 0) != 0)
            {
                Alias(at, x, shape);
                return;
            }

            throw at.Unsupported("has no axes, so it reduces every dimension including the batch");
        }

        var reduced = new HashSet<int>(axes.Select(a => at.SampleAxis(a, rank, "axes entry")));
        bool keepDims = at.Int("keepdims", 1) != 0;
        int[] output = keepDims
            ? [.. shape.Select((d, i) => reduced.Contains(i) ? 1 : d)]
            : [.. shape.Where((_, i) => !reduced.Contains(i))];

        // Merge neighbours that are both reduced or both kept; size-1 dimensions are neither.
        var dims = new List<int>();
        var flags = new List<bool>();
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1)
            {
                continue;
            }

            if (flags.Count > 0 && flags[flags.Count - 1] == reduced.Contains(d))
            {
                dims[dims.Count - 1] *= shape[d];
                continue;
            }

            dims.Add(shape[d]);
            flags.Add(reduced.Contains(d));
        }

        if (dims.Count == 0)
        {
            dims.Add(1);
            flags.Add(false);
        }

        if (dims.Count > MaxOperatorRank)
        {
            throw at.Unsupported($"reduces more than {MaxOperatorRank} alternating runs of dimensions");
        }

        int mask = 0;
        for (int d = 0; d < flags.Count; d++)
        {
            mask |= flags[d] ? 1 << d : 0;
        }

        string kind = at.Node.OpType switch { "ReduceSum" => "Sum", "ReduceMean" => "Mean", "ReduceMax" => "Max", _ => "Min" };
        int y = AddValue(at.Node.Outputs[0], output, null);
        AddStep(new ReduceStep(at.Name, x, y, kind, new EquatableArray<int>([.. dims]), mask));
    }
}
