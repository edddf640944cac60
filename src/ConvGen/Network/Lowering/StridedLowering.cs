using System.Collections.Generic;
using System.Linq;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Network;

/// <summary>Transpose, Slice, Split and Gather (constant indices) of computed tensors: strided copies that keep the batch as dimension 0.</summary>
internal sealed partial class OnnxGraphLowering
{
    /// <summary>Most (merged) dimensions the runtime's operator cores take (their MaxRank).</summary>
    internal const int MaxOperatorRank = 16;

    private void Transpose(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = [.. _values[x].Shape];
        int rank = shape.Length + 1;
        long[] perm = at.Ints("perm", [.. Enumerable.Range(0, rank).Reverse().Select(i => (long)i)]);
        if (perm.Length != rank || perm[0] != 0 || perm.Distinct().Count() != rank || perm.Any(p => p < 0 || p >= rank))
        {
            throw at.Unsupported($"has perm [{string.Join(", ", perm)}]; it must be a permutation that keeps the batch (0) first");
        }

        var rowStride = RowStrides(shape);
        int[] dims = [.. perm.Skip(1).Select(p => shape[p - 1])];
        int[] strides = [.. perm.Skip(1).Select(p => rowStride[p - 1])];
        StridedCopy(at, x, dims, strides, 0, $"transpose perm [{string.Join(", ", perm)}]");
    }

    private void Slice(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = [.. _values[x].Shape];

        // Slice the full shape with a stand-in batch of 1, which the view leaves whole.
        var (dims, offset, strides) = SliceView(at, [1, .. shape.Select(d => (long)d)], batchFirst: true);
        StridedCopy(at, x, [.. dims.Skip(1)], [.. strides.Skip(1)], offset, "slice");
    }

    private void Split(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = [.. _values[x].Shape];
        int rank = shape.Length + 1;
        long axisAttribute = at.Int("axis", 0);
        int axis = at.SampleAxis(axisAttribute, rank);
        int outputs = at.Node.Outputs.Count;
        long[] sizes = at.Node.Inputs.Count > 1 && at.Node.Inputs[1].Length > 0 ? at.IntegerConstant(1, "split") : at.Ints("split", []);
        if (sizes.Length == 0)
        {
            // Equal parts; the last one smaller when the axis does not divide (opset 18's num_outputs).
            int part = (shape[axis] + outputs - 1) / outputs;
            sizes = [.. Enumerable.Range(0, outputs).Select(i => (long)System.Math.Min(part, shape[axis] - (i * part)))];
        }

        if (sizes.Length != outputs || sizes.Any(s => s < 0) || sizes.Sum() != shape[axis])
        {
            throw at.Unsupported($"splits a dimension of {shape[axis]} into [{string.Join(", ", sizes)}] for {outputs} outputs");
        }

        var rowStride = RowStrides(shape);
        int start = 0;
        for (int i = 0; i < outputs; i++)
        {
            int[] dims = [.. shape];
            dims[axis] = (int)sizes[i];
            if (at.Node.Outputs[i].Length > 0)
            {
                StridedCopy(at, x, dims, rowStride, start * rowStride[axis], $"part {i} of a split along axis {axis + 1}", at.Node.Outputs[i]);
            }

            start += (int)sizes[i];
        }
    }

    /// <summary>Gather of a computed tensor along a non-batch axis with constant indices that are one index (the axis
    /// disappears, as in <c>x[:, 0]</c>) or a 1-D evenly spaced run (a strided slice); other index sets stay CG0024.</summary>
    private void GatherComputed(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = [.. _values[x].Shape];
        int axis = at.SampleAxis(at.Int("axis", 0), shape.Length + 1);
        if (at.Node.Inputs.Count < 2 || !_constants.TryGetValue(at.Node.Inputs[1], out var indices) || indices.DataType is not (Onnx.OnnxTensor.Int64Type or Onnx.OnnxTensor.Int32Type))
        {
            throw at.Unsupported("has indices that are not an integer constant");
        }

        long[] positions = [.. indices.Integers.Select(i => i < 0 ? i + shape[axis] : i)];
        if (positions.Length == 0 || positions.Any(p => p < 0 || p >= shape[axis]) || indices.Dims.Count > 1)
        {
            throw at.Unsupported($"gathers indices [{string.Join(", ", indices.Integers)}] of shape [{string.Join(", ", indices.Dims)}] from a dimension of {shape[axis]}; one index or a 1-D list within the dimension is needed");
        }

        long step = positions.Length > 1 ? positions[1] - positions[0] : 1;
        if (Enumerable.Range(1, positions.Length - 1).Any(i => positions[i] - positions[i - 1] != step))
        {
            throw at.Unsupported($"gathers indices [{string.Join(", ", indices.Integers)}], which are not evenly spaced; only one index or an evenly spaced run is supported");
        }

        var rowStride = RowStrides(shape);
        int[] dims = [.. shape];
        int[] strides = [.. rowStride];
        dims[axis] = positions.Length;
        strides[axis] = (int)step * rowStride[axis];
        string what = $"gather of indices [{string.Join(", ", indices.Integers)}] along axis {axis + 1}";
        // A scalar index drops the axis: the same copy (the axis has extent 1), with an output shape lacking it.
        int[]? outputShape = indices.Dims.Count == 0 ? [.. shape.Where((_, d) => d != axis)] : null;
        StridedCopy(at, x, dims, strides, (int)positions[0] * rowStride[axis], what, outputShape: outputShape);
    }

    /// <summary>A strided view of <paramref name="x"/> copied to a new value: size-1 dimensions dropped and
    /// neighbours merged where the view stays contiguous across them.</summary>
    private void StridedCopy(NodeContext at, int x, int[] dims, int[] strides, int offset, string what, string? name = null, int[]? outputShape = null)
    {
        var mergedDims = new List<int>();
        var mergedStrides = new List<int>();
        for (int d = 0; d < dims.Length; d++)
        {
            if (dims[d] == 1)
            {
                continue;
            }

            int last = mergedDims.Count - 1;
            if (last >= 0 && mergedStrides[last] == strides[d] * dims[d])
            {
                mergedDims[last] *= dims[d];
                mergedStrides[last] = strides[d];
                continue;
            }

            mergedDims.Add(dims[d]);
            mergedStrides.Add(strides[d]);
        }

        if (mergedDims.Count == 0)
        {
            mergedDims.Add(1);
            mergedStrides.Add(1);
        }

        if (dims.Any(d => d == 0) || mergedDims.Count > MaxOperatorRank)
        {
            throw at.Unsupported(dims.Any(d => d == 0) ? $"gives an empty tensor [N, {string.Join(", ", dims)}]" : $"copies a view of more than {MaxOperatorRank} dimensions");
        }

        int y = AddValue(name ?? at.Node.Outputs[0], outputShape ?? dims, null);

        AddStep(new StridedStep(at.Name, x, y, what, _values[x].SampleSize, offset,
            new EquatableArray<int>([.. mergedDims]), new EquatableArray<int>([.. mergedStrides])));
    }

    private static int[] RowStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        for (int d = shape.Length - 1, s = 1; d >= 0; s *= shape[d], d--)
        {
            strides[d] = s;
        }

        return strides;
    }
}
