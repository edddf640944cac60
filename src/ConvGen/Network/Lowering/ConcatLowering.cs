using System.Linq;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Network;

/// <summary>Concat of computed tensors along a non-batch axis (constants alone fold at compile time).</summary>
internal sealed partial class OnnxGraphLowering
{
    private void Concat(NodeContext at)
    {
        var inputs = at.Node.Inputs.Select((name, i) => (name, i)).Where(p => p.name.Length > 0).ToList();
        foreach (var (name, i) in inputs)
        {
            if (_constants.ContainsKey(name))
            {
                throw at.Unsupported($"concatenates the constant '{name}' (input {i}) with computed tensors; only computed tensors are supported there");
            }
        }

        if (inputs.Count == 0)
        {
            throw at.Unsupported("has no inputs");
        }

        var parts = inputs.Select(p => at.Input(p.i)).ToList();
        var first = _values[parts[0]].Shape;
        int rank = first.Count + 1;
        long axisAttribute = at.Node.Attribute("axis")?.Int ?? throw at.Unsupported("has no 'axis'");
        int axis = at.SampleAxis(axisAttribute, rank);
        foreach (int part in parts)
        {
            var shape = _values[part].Shape;
            if (shape.Count != first.Count || Enumerable.Range(0, shape.Count).Any(d => d != axis && shape[d] != first[d]))
            {
                throw Shape($"node '{at.Name}' (Concat) joins {_values[parts[0]].ShapeText} and {_values[part].ShapeText} along axis {axisAttribute}: every other dimension must match");
            }
        }

        int outer = first.Take(axis).Aggregate(1, (a, b) => a * b);
        int inner = first.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
        int[] output = [.. first];
        output[axis] = parts.Sum(p => _values[p].Shape[axis]);
        int y = AddValue(at.Node.Outputs[0], output, null);
        AddStep(new ConcatStep(at.Name, new EquatableArray<int>([.. parts]), y, (int)(axis + 1), outer,
            new EquatableArray<int>([.. parts.Select(p => _values[p].Shape[axis] * inner)])));
    }
}
