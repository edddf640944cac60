using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>The node being lowered, with its checked attribute and input readers.</summary>
internal sealed partial class OnnxGraphLowering
{
    /// <summary>One node being lowered: its attributes and inputs, read with checks that name the node.</summary>
    private sealed class NodeContext(OnnxNode node, string name, OnnxGraphLowering graph)
    {
        /// <summary>The largest kernel, stride, dilation, pad or weight dimension a node may have (2^24).</summary>
        public const long MaxExtent = 1 << 24;

        public OnnxNode Node { get; } = node;

        public string Name { get; } = name;

        public NetworkError Unsupported(string what) =>
            new(DiagnosticInfo.Create(OnnxUnsupportedAttribute, null, graph._file, Name, Node.OpType, what));

        /// <summary>The computed value at input <paramref name="index"/>.</summary>
        public int Input(int index)
        {
            if (index >= Node.Inputs.Count || Node.Inputs[index].Length == 0)
            {
                throw Unsupported($"has no input {index}");
            }

            string input = Node.Inputs[index];
            if (graph._valueByName.TryGetValue(input, out int value))
            {
                return value;
            }

            if (graph._constants.ContainsKey(input))
            {
                throw Unsupported($"takes the constant '{input}' as input {index}; only computed tensors are supported there");
            }

            throw graph.Shape($"node '{Name}' ({Node.OpType}) reads '{input}', which no earlier node computes (the graph is not topologically sorted or uses an unsupported construct)");
        }

        /// <summary>The sample shape of <paramref name="value"/>, which must have <paramref name="sampleRank"/> dimensions besides the batch.</summary>
        public int[] Rank(int value, int sampleRank, string needs)
        {
            var shape = graph._values[value].Shape;
            if (shape.Count != sampleRank)
            {
                throw Unsupported($"has an input of shape {graph._values[value].ShapeText}; it needs {needs}");
            }

            return shape.ToArray();
        }

        /// <summary>The float32 constant (initializer or Constant node) at input <paramref name="index"/>.</summary>
        public OnnxTensor Constant(int index, string what)
        {
            if (index >= Node.Inputs.Count || !graph._constants.TryGetValue(Node.Inputs[index], out var tensor))
            {
                throw Unsupported($"has a {what} (input {index}) that is not a constant initializer");
            }

            if (tensor.DataType != OnnxTensor.FloatType)
            {
                throw Unsupported($"has a {what} of ONNX data type {tensor.DataType}; float32 is needed");
            }

            return tensor;
        }

        /// <summary>The name of the float32 constant at input <paramref name="index"/>, recorded as a tensor the network
        /// reads at construction (its values are not read here).</summary>
        public string Weight(int index, string what)
        {
            var tensor = Constant(index, what);
            string input = Node.Inputs[index];
            if (!graph._namedTensors.ContainsKey(input))
            {
                throw Unsupported($"takes its {what} (input {index}) from a constant computed in the graph; weights must be initializers or Constant nodes, which the network reads from the model at run time");
            }

            graph.UseTensor(input, tensor);
            return input;
        }

        /// <summary>The int64/int32 constant at input <paramref name="index"/> (shapes, sizes, axes).</summary>
        public long[] IntegerConstant(int index, string what, bool allowBatchFirst = false)
        {
            if (index >= Node.Inputs.Count || !graph._constants.TryGetValue(Node.Inputs[index], out var tensor))
            {
                throw graph.Shape($"node '{Name}' ({Node.OpType}) takes its {what} from a computed tensor, not a constant; [OnnxModel] needs shapes it can resolve at compile time");
            }

            if (tensor.DataType is not (OnnxTensor.Int64Type or OnnxTensor.Int32Type))
            {
                throw Unsupported($"has a {what} of ONNX data type {tensor.DataType}; int64 is needed");
            }

            if (!allowBatchFirst && tensor.Integers.Any(v => v == UnknownBatch) || tensor.Integers.Skip(1).Any(v => v == UnknownBatch))
            {
                throw graph.Shape($"node '{Name}' ({Node.OpType}) takes its {what} from the run-time batch size (a Shape of a computed tensor); [OnnxModel] only lets the batch flow into dimension 0 of a Reshape's shape or a Resize's sizes");
            }

            return tensor.Integers;
        }

        /// <summary>The sample axis (0 is the first dimension after the batch) of the ONNX axis <paramref name="axis"/>
        /// of a tensor of <paramref name="rank"/> dimensions counting the batch; the batch itself is refused.</summary>
        public int SampleAxis(long axis, int rank, string what = "axis")
        {
            long normalised = axis < 0 ? axis + rank : axis;
            if (normalised <= 0 || normalised >= rank)
            {
                throw Unsupported(normalised == 0
                    ? $"has {what} {axis}, the batch dimension; only the other dimensions are supported"
                    : $"has {what} {axis}, out of range for a tensor of rank {rank}");
            }

            return (int)(normalised - 1);
        }

        /// <summary>An optional scalar float input (Clip's min and max), or <paramref name="fallback"/> when omitted.</summary>
        public float OptionalScalar(int index, float fallback)
        {
            if (index >= Node.Inputs.Count || Node.Inputs[index].Length == 0)
            {
                return fallback;
            }

            var tensor = Constant(index, index == 1 ? "min" : "max");
            if (tensor.Values.Length != 1)
            {
                throw Unsupported($"has a {(index == 1 ? "min" : "max")} of {tensor.Values.Length} values; a scalar is needed");
            }

            return tensor.Values[0];
        }

        public long Int(string attribute, long fallback) => Node.Attribute(attribute)?.Int ?? fallback;

        public float Float(string attribute, float fallback) => Node.Attribute(attribute)?.Float ?? fallback;

        public string String(string attribute, string fallback) => Node.Attribute(attribute)?.String ?? fallback;

        public IReadOnlyList<float> Floats(string attribute) => Node.Attribute(attribute)?.Floats ?? throw Unsupported($"has no '{attribute}'");

        public long[] Ints(string attribute, long[]? fallback)
        {
            var found = Node.Attribute(attribute);
            if (found is not null && found.Ints.Count > 0)
            {
                return [.. found.Ints];
            }

            return fallback ?? throw Unsupported($"has no '{attribute}'");
        }

        /// <summary>The node's per-axis attribute <paramref name="name"/> as two values (height, width): a 1-D node's one value
        /// is the width's, the height taking <paramref name="heightValue"/>. Every value is within ±<see cref="MaxExtent"/>.</summary>
        public long[] Ints2d(string name, long fallback, bool oneDimensional, long heightValue)
        {
            long[] values = Extents(name, Ints(name, oneDimensional ? [fallback] : [fallback, fallback]));
            return oneDimensional && values.Length == 1 ? [heightValue, values[0]] : values;
        }

        /// <summary><paramref name="values"/>, sizes read from <paramref name="what"/> (kernel, strides, dilations, pads, weight
        /// dimensions), refused beyond ±<see cref="MaxExtent"/>: no network needs them, and the int arithmetic of shapes and
        /// kernels must not overflow (a damaged model's 2^32 + 3 must not become 3).</summary>
        public long[] Extents(string what, long[] values)
        {
            if (values.Any(v => v < -MaxExtent || v > MaxExtent))
            {
                throw Unsupported($"has {what} [{string.Join(", ", values)}]; sizes beyond {MaxExtent} are not supported");
            }

            return values;
        }

        /// <summary>One size (a group count, a weight dimension) as an int, refused beyond ±<see cref="MaxExtent"/>.</summary>
        public int Extent(string what, long value) => (int)Extents(what, [value])[0];

        /// <summary>
        /// Resolves a 2-D window's padding (explicit pads or auto_pad) and output size, checking strides and
        /// dilations. Pads are [top, left, bottom, right]. With ceil_mode the output rounds up, as ONNX Runtime
        /// does, dropping a last window that would start in the bottom/right padding.
        /// </summary>
        public (long[] Pads, int OutputHeight, int OutputWidth) Window(int height, int width, int kh, int kw, long[] strides, long[] dilations, bool ceilMode)
        {
            return Window(height, width, kh, kw, strides, dilations, ceilMode, oneDimensional: false);
        }

        /// <summary>A 1-D window (on [C, L], seen as [C, 1, L]) or a 2-D one: the 1-D node's kernel, strides, dilations
        /// and pads are those of the width, the height being 1 with kernel 1, stride 1 and no padding.</summary>
        public (long[] Pads, int OutputHeight, int OutputWidth) Window(int height, int width, int kh, int kw, long[] strides, long[] dilations, bool ceilMode, bool oneDimensional)
        {
            if (strides.Length != 2 || dilations.Length != 2 || strides.Any(s => s < 1) || dilations.Any(d => d < 1) || kh < 1 || kw < 1)
            {
                throw Unsupported($"has kernel [{kh}, {kw}], strides [{string.Join(", ", strides)}] and dilations [{string.Join(", ", dilations)}]; each must be two positive values");
            }

            string autoPad = String("auto_pad", "NOTSET");
            long[] pads;
            int[] input = [height, width];
            int[] kernel = [kh, kw];
            if (autoPad is "NOTSET")
            {
                pads = Extents("pads", Ints("pads", oneDimensional ? [0, 0] : [0, 0, 0, 0]));
                pads = oneDimensional && pads.Length == 2 ? [0, pads[0], 0, pads[1]] : pads;
                if (pads.Length != 4 || pads.Any(p => p < 0))
                {
                    throw Unsupported($"has pads [{string.Join(", ", Ints("pads", null))}]; {(oneDimensional ? "two" : "four")} non-negative values are needed");
                }
            }
            else if (autoPad is "VALID")
            {
                pads = [0, 0, 0, 0];
            }
            else if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                // Output = ceil(input / stride); the total padding is split with the odd one at the end (UPPER) or start (LOWER).
                pads = new long[4];
                for (int d = 0; d < 2; d++)
                {
                    long output = (input[d] + strides[d] - 1) / strides[d];
                    long total = Math.Max(0, ((output - 1) * strides[d]) + (dilations[d] * (kernel[d] - 1)) + 1 - input[d]);
                    long small = total / 2;
                    (pads[d], pads[d + 2]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
                }
            }
            else
            {
                throw Unsupported($"has auto_pad '{autoPad}'");
            }

            var outputSize = new int[2];
            for (int d = 0; d < 2; d++)
            {
                long span = (dilations[d] * (kernel[d] - 1)) + 1;
                long padded = input[d] + pads[d] + pads[d + 2];
                if (padded < span)
                {
                    throw graph.Shape($"node '{Name}' ({Node.OpType}) gives an empty output: its window spans {span} but the padded input is {padded}");
                }

                long output = ((padded - span) / strides[d]) + 1;
                if (ceilMode && (padded - span) % strides[d] != 0)
                {
                    output++;
                    if ((output - 1) * strides[d] >= input[d] + pads[d])
                    {
                        output--;
                    }
                }

                if (output > int.MaxValue)
                {
                    throw graph.Shape($"node '{Name}' ({Node.OpType}) gives an output of {output} along an axis; at most {int.MaxValue} is supported");
                }

                outputSize[d] = (int)output;
            }

            return (pads, outputSize[0], outputSize[1]);
        }
    }
}
