using System.Linq;

namespace ConvGen.Generator.Network;

/// <summary>LayerNormalization (opset 17): each run of the dimensions from <c>axis</c> on normalised to mean 0 and
/// variance 1, then scaled and shifted by constant tensors of that run's shape.</summary>
internal sealed partial class OnnxGraphLowering
{
    private void LayerNormalization(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = _values[x].Shape.ToArray();
        int rank = shape.Length + 1;
        long axis = at.Int("axis", -1);
        long sampleAxis = axis < 0 ? axis + rank : axis;
        if (sampleAxis < 1 || sampleAxis >= rank)
        {
            throw at.Unsupported($"has axis {axis}, which is the batch dimension or out of range for rank {rank}");
        }

        if (at.Node.Outputs.Skip(1).Any(output => output.Length > 0 && _consumers.ContainsKey(output)))
        {
            throw at.Unsupported("uses its Mean or InvStdDev output");
        }

        int[] normalized = shape.Skip((int)sampleAxis - 1).ToArray();
        int rows = shape.Take((int)sampleAxis - 1).Aggregate(1, (product, dim) => product * dim);
        int length = normalized.Aggregate(1, (product, dim) => product * dim);
        string scale = NormalizedWeight(at, 1, "scale", normalized);
        string? bias = at.Node.Inputs.Count > 2 && at.Node.Inputs[2].Length > 0 ? NormalizedWeight(at, 2, "bias", normalized) : null;
        int y = AddValue(at.Node.Outputs[0], shape, null);
        AddStep(new LayerNormStep(at.Name, x, y, rows, length, scale, bias, at.Float("epsilon", 1e-5f)));
    }

    /// <summary>A scale or bias tensor that holds one value per normalised element: the normalised dimensions, with
    /// any leading ones.</summary>
    private string NormalizedWeight(NodeContext at, int index, string what, int[] normalized)
    {
        string name = at.Weight(index, what);
        long[] dims = [.. _constants[name].Dims.SkipWhile(dim => dim == 1)];
        long[] expected = [.. normalized.SkipWhile(dim => dim == 1).Select(dim => (long)dim)];
        if (!dims.SequenceEqual(expected))
        {
            throw at.Unsupported($"has a {what} of shape [{string.Join(", ", _constants[name].Dims)}]; [OnnxModel] needs the normalised shape [{string.Join(", ", normalized)}]");
        }

        return name;
    }
}
