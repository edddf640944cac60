using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Generator.Onnx;

namespace ConvGen.Generator.Network;

/// <summary>
/// Constant folding at compile time: nodes whose inputs are all constants (initializers, Constant nodes, earlier
/// folds) or that read only a computed tensor's shape become constants themselves, so shape arithmetic such as
/// <c>x.view(x.size(0), -1)</c> or torchvision's <c>torch.flatten(x, 1)</c> reaches Reshape as a constant shape.
/// Shape's batch dimension is <see cref="UnknownBatch"/>: it survives arithmetic and only Reshape's dimension 0
/// accepts it.
/// </summary>
internal sealed partial class OnnxGraphLowering
{
    /// <summary>The run-time batch size in a folded shape tensor: an arbitrary value no model uses on purpose (the
    /// ASCII of "BATCHSIZ", negated). Not long.MinValue or -long.MaxValue: exporters write those as Slice ends.</summary>
    internal const long UnknownBatch = -0x4241_5443_4853_495A;

    private static readonly HashSet<string> Foldable = new(StringComparer.Ordinal)
    {
        "Shape", "Size", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice", "ConstantOfShape", "Add", "Sub", "Mul",
        "Div", "Max", "Min", "Pow", "Identity", "Dropout", "Reshape", "Flatten",
    };

    /// <summary>Folds the node into a constant when it can be; false when it reads a computed tensor's values.</summary>
    private bool TryFold(NodeContext at)
    {
        var node = at.Node;
        if (!Foldable.Contains(node.OpType) || node.Outputs.Count == 0)
        {
            return false;
        }

        if (node.Inputs.Count == 0 || node.Inputs[0].Length == 0)
        {
            // Nothing to fold from; the operator's own lowering reports the missing input.
            return false;
        }

        bool shapeOnly = node.OpType is "Shape" or "Size";
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            string input = node.Inputs[i];
            if (input.Length > 0 && !_constants.ContainsKey(input) && !(shapeOnly && i == 0 && _valueByName.ContainsKey(input)))
            {
                return false;
            }
        }

        if (node.OpType is "Dropout" && node.Outputs.Count > 1 && node.Outputs[1].Length > 0 && _consumers.ContainsKey(node.Outputs[1]))
        {
            throw at.Unsupported("uses its mask output");
        }

        var result = node.OpType switch
        {
            "Shape" => FoldShape(at),
            "Size" => FoldSize(at),
            "Gather" => FoldGather(at),
            "Unsqueeze" or "Squeeze" => FoldSqueeze(at),
            "Concat" => FoldConcat(at),
            "Cast" => FoldCast(at),
            "Slice" => FoldSlice(at),
            "ConstantOfShape" => FoldConstantOfShape(at),
            "Reshape" or "Flatten" => FoldReshape(at),
            "Identity" or "Dropout" => _constants[node.Inputs[0]],
            _ => FoldBinary(at),
        };
        _constants[node.Outputs[0]] = result;
        return true;
    }

    private OnnxTensor FoldShape(NodeContext at)
    {
        long[] shape = _valueByName.TryGetValue(at.Node.Inputs[0], out int value)
            ? [UnknownBatch, .. _values[value].Shape.Select(d => (long)d)]
            : [.. _constants[at.Node.Inputs[0]].Dims];
        int rank = shape.Length;
        long start = at.Int("start", 0), end = at.Int("end", rank);
        start = Math.Min(Math.Max(start < 0 ? start + rank : start, 0), rank);
        end = Math.Min(Math.Max(end < 0 ? end + rank : end, 0), rank);
        long[] dims = [.. shape.Skip((int)start).Take((int)Math.Max(0, end - start))];
        return OnnxTensor.FromIntegers(at.Node.Outputs[0], [dims.Length], dims);
    }

    private OnnxTensor FoldSize(NodeContext at)
    {
        if (_valueByName.ContainsKey(at.Node.Inputs[0]))
        {
            throw Shape($"node '{at.Name}' (Size) counts a computed tensor's values, which depends on the run-time batch; [OnnxModel] only lets the batch flow into dimension 0 of a Reshape");
        }

        long count = _constants[at.Node.Inputs[0]].Dims.Aggregate(1L, (a, b) => a * b);
        return OnnxTensor.FromIntegers(at.Node.Outputs[0], [], [count]);
    }

    private OnnxTensor FoldGather(NodeContext at)
    {
        var data = _constants[at.Node.Inputs[0]];
        var indices = FoldInput(at, 1, "indices");
        if (indices.DataType is not (OnnxTensor.Int64Type or OnnxTensor.Int32Type))
        {
            throw at.Unsupported($"has indices of ONNX data type {indices.DataType}; int64 or int32 is needed");
        }

        long[] dims = [.. data.Dims];
        if (dims.Length == 0)
        {
            throw at.Unsupported("gathers from a scalar");
        }

        long axisAttribute = at.Int("axis", 0);
        int axis = (int)(axisAttribute < 0 ? axisAttribute + dims.Length : axisAttribute);
        if (axis < 0 || axis >= dims.Length)
        {
            throw at.Unsupported($"has axis {axisAttribute}, out of range for rank {dims.Length}");
        }

        long outer = dims.Take(axis).Aggregate(1L, (a, b) => a * b), inner = dims.Skip(axis + 1).Aggregate(1L, (a, b) => a * b);
        var source = new List<long>();
        for (long o = 0; o < outer; o++)
        {
            foreach (long index in indices.Integers)
            {
                long i = index < 0 ? index + dims[axis] : index;
                if (i < 0 || i >= dims[axis])
                {
                    throw at.Unsupported($"has index {index}, out of range for a dimension of {dims[axis]}");
                }

                for (long k = 0; k < inner; k++)
                {
                    source.Add((((o * dims[axis]) + i) * inner) + k);
                }
            }
        }

        return Take(at.Node.Outputs[0], data, [.. dims.Take(axis), .. indices.Dims, .. dims.Skip(axis + 1)], source);
    }

    private OnnxTensor FoldSqueeze(NodeContext at)
    {
        var data = _constants[at.Node.Inputs[0]];
        bool squeeze = at.Node.OpType == "Squeeze";
        long[] axes = at.Node.Inputs.Count > 1 && at.Node.Inputs[1].Length > 0 ? _constants[at.Node.Inputs[1]].Integers : at.Ints("axes", []);
        var dims = data.Dims.ToList();
        if (squeeze)
        {
            int rank = dims.Count;
            var drop = axes.Length == 0
                ? Enumerable.Range(0, rank).Where(d => dims[d] == 1).ToList()
                : axes.Select(a => (int)(a < 0 ? a + rank : a)).ToList();
            if (drop.Any(d => d < 0 || d >= rank || dims[d] != 1))
            {
                throw at.Unsupported($"squeezes axes [{string.Join(", ", axes)}] of a constant of shape [{string.Join(", ", dims)}]");
            }

            dims = [.. dims.Where((_, d) => !drop.Contains(d))];
        }
        else
        {
            int rank = dims.Count + axes.Length;
            var insert = axes.Select(a => (int)(a < 0 ? a + rank : a)).OrderBy(a => a).ToList();
            if (insert.Any(a => a < 0 || a >= rank))
            {
                throw at.Unsupported($"unsqueezes axes [{string.Join(", ", axes)}] of a constant of shape [{string.Join(", ", dims)}]");
            }

            foreach (int a in insert)
            {
                dims.Insert(a, 1);
            }
        }

        return WithDims(at.Node.Outputs[0], data, [.. dims]);
    }

    private OnnxTensor FoldConcat(NodeContext at)
    {
        var parts = at.Node.Inputs.Where(i => i.Length > 0).Select(i => _constants[i]).ToList();
        if (parts.Count == 0)
        {
            throw at.Unsupported("has no inputs");
        }

        int type = parts[0].DataType;
        long[] dims = [.. parts[0].Dims];
        long axisAttribute = at.Int("axis", 0);
        int axis = (int)(axisAttribute < 0 ? axisAttribute + dims.Length : axisAttribute);
        if (axis < 0 || axis >= dims.Length || parts.Any(p => p.DataType != type || p.Dims.Count != dims.Length
            || Enumerable.Range(0, dims.Length).Any(d => d != axis && p.Dims[d] != dims[d])))
        {
            throw at.Unsupported($"concatenates constants of shapes {string.Join(", ", parts.Select(p => "[" + string.Join(", ", p.Dims) + "]"))} along axis {axisAttribute}");
        }

        long outer = dims.Take(axis).Aggregate(1L, (a, b) => a * b), inner = dims.Skip(axis + 1).Aggregate(1L, (a, b) => a * b);
        var floats = new List<float>();
        var integers = new List<long>();
        for (long o = 0; o < outer; o++)
        {
            foreach (var part in parts)
            {
                int block = (int)(part.Dims[axis] * inner);
                if (type == OnnxTensor.FloatType)
                {
                    floats.AddRange(part.Values.Skip((int)(o * block)).Take(block));
                }
                else
                {
                    integers.AddRange(part.Integers.Skip((int)(o * block)).Take(block));
                }
            }
        }

        dims[axis] = parts.Sum(p => p.Dims[axis]);
        return type == OnnxTensor.FloatType ? OnnxTensor.FromFloats(at.Node.Outputs[0], dims, [.. floats]) : OnnxTensor.FromIntegers(at.Node.Outputs[0], dims, [.. integers], type);
    }

    private OnnxTensor FoldCast(NodeContext at)
    {
        var data = _constants[at.Node.Inputs[0]];
        long to = at.Int("to", 0);
        string name = at.Node.Outputs[0];
        if (to == OnnxTensor.FloatType)
        {
            if (data.DataType == OnnxTensor.FloatType)
            {
                return data;
            }

            if (data.Integers.Contains(UnknownBatch))
            {
                throw Shape($"node '{at.Name}' (Cast) turns the run-time batch size into a float; [OnnxModel] only lets the batch flow into dimension 0 of a Reshape");
            }

            return OnnxTensor.FromFloats(name, [.. data.Dims], [.. data.Integers.Select(v => (float)v)]);
        }

        if (to is OnnxTensor.Int64Type or OnnxTensor.Int32Type)
        {
            return data.DataType == OnnxTensor.FloatType
                ? OnnxTensor.FromIntegers(name, [.. data.Dims], [.. data.Values.Select(v => (long)v)], (int)to)
                : OnnxTensor.FromIntegers(name, [.. data.Dims], data.Integers, (int)to);
        }

        throw at.Unsupported($"casts a constant to ONNX data type {to}; only float32 (1), int32 (6) and int64 (7) are supported");
    }

    private OnnxTensor FoldSlice(NodeContext at)
    {
        var data = _constants[at.Node.Inputs[0]];
        var (dims, offset, strides) = SliceView(at, [.. data.Dims]);
        return Take(at.Node.Outputs[0], data, [.. dims], StridedIndices(dims, strides, offset));
    }

    /// <summary>The most values a constant folded at compile time may have: the generator holds it in memory.</summary>
    private const long MaxFoldedValues = 4L << 20;

    private OnnxTensor FoldConstantOfShape(NodeContext at)
    {
        long[] shape = at.IntegerConstant(0, "shape");
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (shape.Any(d => d < 0) || count > MaxFoldedValues)
        {
            throw at.Unsupported($"makes a constant of shape [{string.Join(", ", shape)}]");
        }

        var value = at.Node.Attribute("value")?.Tensor;
        string name = at.Node.Outputs[0];
        if (value is null || value.DataType == OnnxTensor.FloatType)
        {
            float fill = value is null ? 0f : value.Values.Length == 1 ? value.Values[0] : throw at.Unsupported("has a value of more than one element");
            return OnnxTensor.FromFloats(name, shape, [.. Enumerable.Repeat(fill, (int)count)]);
        }

        if (value.DataType is OnnxTensor.Int64Type or OnnxTensor.Int32Type && value.Integers.Length == 1)
        {
            return OnnxTensor.FromIntegers(name, shape, [.. Enumerable.Repeat(value.Integers[0], (int)count)], value.DataType);
        }

        throw at.Unsupported($"has a value of ONNX data type {value.DataType}; float32, int32 or int64 is needed");
    }

    private OnnxTensor FoldReshape(NodeContext at)
    {
        var data = _constants[at.Node.Inputs[0]];
        long total = data.Dims.Aggregate(1L, (a, b) => a * b);
        long[] target;
        if (at.Node.OpType == "Flatten")
        {
            long axisAttribute = at.Int("axis", 1);
            int axis = (int)(axisAttribute < 0 ? axisAttribute + data.Dims.Count : axisAttribute);
            long outer = data.Dims.Take(axis).Aggregate(1L, (a, b) => a * b);
            target = [outer, total / Math.Max(outer, 1)];
        }
        else
        {
            target = [.. (_model.OpsetVersion < 5 ? at.Ints("shape", null) : at.IntegerConstant(1, "shape"))];
            for (int d = 0; d < target.Length; d++)
            {
                if (target[d] == 0 && at.Int("allowzero", 0) == 0)
                {
                    target[d] = d < data.Dims.Count ? data.Dims[d] : throw at.Unsupported($"copies dimension {d} of a constant of rank {data.Dims.Count}");
                }
            }

            int inferred = Array.IndexOf(target, -1L);
            long known = target.Where(d => d != -1).Aggregate(1L, (a, b) => a * b);
            if (inferred >= 0 && known > 0)
            {
                target[inferred] = total / known;
            }
        }

        if (target.Any(d => d < 0) || target.Aggregate(1L, (a, b) => a * b) != total)
        {
            throw at.Unsupported($"reshapes a constant of shape [{string.Join(", ", data.Dims)}] to [{string.Join(", ", target)}]");
        }

        return WithDims(at.Node.Outputs[0], data, target);
    }

    private OnnxTensor FoldBinary(NodeContext at)
    {
        if (at.Node.Inputs.Count != 2)
        {
            throw at.Unsupported($"has {at.Node.Inputs.Count} inputs; two are supported");
        }

        var a = FoldInput(at, 0, "operand");
        var b = FoldInput(at, 1, "operand");
        bool floats = a.DataType == OnnxTensor.FloatType;
        if (floats != (b.DataType == OnnxTensor.FloatType))
        {
            throw at.Unsupported($"mixes ONNX data types {a.DataType} and {b.DataType}");
        }

        long[] dims = BroadcastShape(at, [.. a.Dims], [.. b.Dims]);
        var fromA = BroadcastIndices(dims, [.. a.Dims]);
        var fromB = BroadcastIndices(dims, [.. b.Dims]);
        string op = at.Node.OpType, name = at.Node.Outputs[0];
        if (floats)
        {
            var values = new float[fromA.Length];
            for (int i = 0; i < values.Length; i++)
            {
                float x = a.Values[fromA[i]], y = b.Values[fromB[i]];
                values[i] = op switch
                {
                    "Add" => x + y,
                    "Sub" => x - y,
                    "Mul" => x * y,
                    "Div" => x / y,
                    "Max" => float.IsNaN(x) || float.IsNaN(y) ? float.NaN : Math.Max(x, y),
                    "Min" => float.IsNaN(x) || float.IsNaN(y) ? float.NaN : Math.Min(x, y),
                    _ => (float)Math.Pow(x, y),
                };
            }

            return OnnxTensor.FromFloats(name, dims, values);
        }

        var integers = new long[fromA.Length];
        for (int i = 0; i < integers.Length; i++)
        {
            long x = a.Integers[fromA[i]], y = b.Integers[fromB[i]];
            if (x == UnknownBatch || y == UnknownBatch)
            {
                // Arithmetic on the batch size stays the batch size's business: only Reshape's dimension 0 takes it.
                integers[i] = UnknownBatch;
                continue;
            }

            integers[i] = op switch
            {
                "Add" => x + y,
                "Sub" => x - y,
                "Mul" => x * y,
                "Div" => y == 0 ? throw at.Unsupported("divides an integer constant by zero") : x / y,
                "Max" => Math.Max(x, y),
                "Min" => Math.Min(x, y),
                _ => (long)Math.Pow(x, y),
            };
        }

        return OnnxTensor.FromIntegers(name, dims, integers, a.DataType);
    }

    /// <summary>The constant at input <paramref name="index"/> of a node being folded.</summary>
    private OnnxTensor FoldInput(NodeContext at, int index, string what) =>
        index < at.Node.Inputs.Count && _constants.TryGetValue(at.Node.Inputs[index], out var tensor) ? tensor : throw at.Unsupported($"has no {what} (input {index})");

    /// <summary>Numpy broadcasting of two shapes.</summary>
    private static long[] BroadcastShape(NodeContext at, long[] a, long[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            long x = d - (rank - a.Length) >= 0 ? a[d - (rank - a.Length)] : 1;
            long y = d - (rank - b.Length) >= 0 ? b[d - (rank - b.Length)] : 1;
            if (x != y && x != 1 && y != 1)
            {
                throw at.Unsupported($"broadcasts [{string.Join(", ", a)}] with [{string.Join(", ", b)}], which numpy's rules do not allow");
            }

            dims[d] = x == 1 ? y : x;
        }

        return dims;
    }

    /// <summary>For each element of a tensor of shape <paramref name="output"/>, the index of the element of a tensor
    /// of shape <paramref name="operand"/> that broadcasts to it.</summary>
    private static int[] BroadcastIndices(long[] output, long[] operand)
    {
        int rank = output.Length;
        var strides = new int[rank];
        int stride = 1;
        for (int d = operand.Length - 1; d >= 0; d--)
        {
            strides[d + rank - operand.Length] = operand[d] == 1 ? 0 : stride;
            stride *= (int)operand[d];
        }

        return StridedIndices([.. output.Select(d => (int)d)], strides, 0);
    }

    /// <summary>offset + Σ i_d * strides[d] for every index of <paramref name="dims"/> in row-major order (what the
    /// runtime's Strided.Copy reads, here for constants).</summary>
    private static int[] StridedIndices(int[] dims, int[] strides, int offset)
    {
        int count = dims.Aggregate(1, (a, b) => a * b);
        var result = new int[count];
        var index = new int[dims.Length];
        for (int i = 0; i < count; i++)
        {
            int at = offset;
            for (int d = 0; d < dims.Length; d++)
            {
                at += index[d] * strides[d];
            }

            result[i] = at;
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                if (++index[d] < dims[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        return result;
    }

    private static OnnxTensor Take(string name, OnnxTensor data, long[] dims, IEnumerable<long> source) =>
        data.DataType == OnnxTensor.FloatType
            ? OnnxTensor.FromFloats(name, dims, [.. source.Select(i => data.Values[i])])
            : OnnxTensor.FromIntegers(name, dims, [.. source.Select(i => data.Integers[i])], data.DataType);

    private static OnnxTensor Take(string name, OnnxTensor data, long[] dims, int[] source) => Take(name, data, dims, source.Select(i => (long)i));

    private static OnnxTensor WithDims(string name, OnnxTensor data, long[] dims) =>
        data.DataType == OnnxTensor.FloatType ? OnnxTensor.FromFloats(name, dims, data.Values) : OnnxTensor.FromIntegers(name, dims, data.Integers, data.DataType);

    /// <summary>
    /// Slice's view of a tensor of shape <paramref name="shape"/> (starts, ends, axes, steps as inputs from opset 10,
    /// attributes before; ONNX's clamping): the output dimensions, the offset of its first element and each
    /// dimension's stride in the input.
    /// </summary>
    private (int[] Dims, int Offset, int[] Strides) SliceView(NodeContext at, long[] shape, bool batchFirst = false)
    {
        long[] starts, ends, axes, steps;
        if (_model.OpsetVersion < 10)
        {
            starts = at.Ints("starts", null);
            ends = at.Ints("ends", null);
            axes = at.Ints("axes", [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)]);
            steps = [.. starts.Select(_ => 1L)];
        }
        else
        {
            starts = at.IntegerConstant(1, "starts");
            ends = at.IntegerConstant(2, "ends");
            axes = at.Node.Inputs.Count > 3 && at.Node.Inputs[3].Length > 0 ? at.IntegerConstant(3, "axes") : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = at.Node.Inputs.Count > 4 && at.Node.Inputs[4].Length > 0 ? at.IntegerConstant(4, "steps") : [.. starts.Select(_ => 1L)];
        }

        int rank = shape.Length;
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length || steps.Any(s => s == 0))
        {
            throw at.Unsupported($"has starts [{string.Join(", ", starts)}], ends [{string.Join(", ", ends)}], axes [{string.Join(", ", axes)}] and steps [{string.Join(", ", steps)}]");
        }

        var rowStride = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= (int)shape[d], d--)
        {
            rowStride[d] = s;
        }

        int[] dims = [.. shape.Select(d => (int)d)];
        int[] strides = [.. rowStride];
        int offset = 0;
        for (int i = 0; i < axes.Length; i++)
        {
            int axis = (int)(axes[i] < 0 ? axes[i] + rank : axes[i]);
            if (axis < 0 || axis >= rank)
            {
                throw at.Unsupported($"has axis {axes[i]}, out of range for rank {rank}");
            }

            if (batchFirst && axis == 0)
            {
                // The batch is a run-time size: only a slice that keeps all of it (start 0, step 1, end past any batch) is allowed.
                if (starts[i] != 0 || steps[i] != 1 || ends[i] < int.MaxValue)
                {
                    throw at.Unsupported($"slices the batch dimension (0) from {starts[i]} to {ends[i]} step {steps[i]}; only the other dimensions are supported");
                }

                continue;
            }

            long dim = shape[axis];

            // A step longer than the dimension takes one element at most, as the dimension itself does (and keeps strides in int range).
            long step = Math.Max(Math.Min(steps[i], Math.Max(dim, 1)), -Math.Max(dim, 1));
            long start = starts[i] < 0 ? starts[i] + dim : starts[i];
            long end = ends[i] < 0 ? ends[i] + dim : ends[i];
            (start, end) = step > 0
                ? (Math.Min(Math.Max(start, 0), dim), Math.Min(Math.Max(end, 0), dim))
                : (Math.Min(Math.Max(start, 0), dim - 1), Math.Min(Math.Max(end, -1), dim - 1));
            long count = Math.Max(0, step > 0 ? (end - start + step - 1) / step : (start - end + (-step) - 1) / -step);
            dims[axis] = (int)count;
            offset += (int)start * rowStride[axis];
            strides[axis] = (int)step * rowStride[axis];
        }

        return (dims, offset, strides);
    }
}
