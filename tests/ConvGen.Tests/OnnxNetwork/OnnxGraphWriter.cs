using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// Builds small ONNX models in protobuf's wire format for the [OnnxModel] tests: any nodes with int, float, string
/// and list attributes, float and int64 initializers, one input (a null dimension is symbolic) and outputs.
/// ONNX Runtime runs the same bytes as the oracle.
/// </summary>
public sealed class OnnxGraphWriter
{
    private readonly List<Proto> _nodes = [];
    private readonly List<Proto> _initializers = [];
    private readonly List<Proto> _inputs = [];
    private readonly List<Proto> _outputs = [];

    public OnnxGraphWriter(int opset = 13) => Opset = opset;

    public int Opset { get; }

    /// <summary>Adds a node; attributes are (name, value) with value an int/long, float, string, long[] or float[].</summary>
    public OnnxGraphWriter Node(string op, string[] inputs, string[] outputs, string name = "", params (string Name, object Value)[] attributes)
    {
        var node = new Proto();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        foreach (string output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, name.Length > 0 ? name : op + "_" + _nodes.Count).String(4, op);
        foreach (var (attributeName, value) in attributes)
        {
            var attribute = new Proto().String(1, attributeName);
            switch (value)
            {
                case int i: attribute.Varint(3, i).Varint(20, 2); break;
                case long l: attribute.Varint(3, l).Varint(20, 2); break;
                case float f: attribute.Fixed32(2, f).Varint(20, 1); break;
                case string s: attribute.String(4, s).Varint(20, 3); break;
                case long[] ints:
                    foreach (long v in ints)
                    {
                        attribute.Varint(8, v);
                    }

                    attribute.Varint(20, 7);
                    break;
                case float[] floats:
                    foreach (float v in floats)
                    {
                        attribute.Fixed32(7, v);
                    }

                    attribute.Varint(20, 6);
                    break;
                default: throw new ArgumentException($"unsupported attribute value {value}");
            }

            node.Message(5, attribute);
        }

        _nodes.Add(node);
        return this;
    }

    /// <summary>Adds a node of another operator set domain (e.g. a custom op).</summary>
    public OnnxGraphWriter NodeWithDomain(string op, string domain, string[] inputs, string[] outputs, string name)
    {
        Node(op, inputs, outputs, name);
        _nodes[^1].String(7, domain);
        return this;
    }

    public OnnxGraphWriter Initializer(string name, long[] dims, float[] values)
    {
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        _initializers.Add(Dims(dims).Varint(2, 1).String(8, name).Bytes(9, raw));
        return this;
    }

    public OnnxGraphWriter Int64Initializer(string name, long[] values) => Int64Initializer(name, [values.Length], values);

    /// <summary>An int64 initializer of any shape (dims [] for a scalar).</summary>
    public OnnxGraphWriter Int64Initializer(string name, long[] dims, long[] values)
    {
        var tensor = Dims(dims).Varint(2, 7).String(8, name);
        foreach (long v in values)
        {
            tensor.Varint(7, v);
        }

        _initializers.Add(tensor);
        return this;
    }

    /// <summary>An initializer stored as ONNX external data (data_location EXTERNAL): its dims and type here, its bytes in
    /// the file <paramref name="location"/> beside the model, from <paramref name="offset"/>, <paramref name="length"/>
    /// of them (null entries are left out, as ONNX allows).</summary>
    public OnnxGraphWriter ExternalInitializer(string name, long[] dims, int dataType, string location, long? offset, long? length)
    {
        var tensor = Dims(dims).Varint(2, dataType).String(8, name);
        foreach (var (key, value) in new[] { ("location", (string?)location), ("offset", offset?.ToString()), ("length", length?.ToString()) })
        {
            if (value is not null)
            {
                tensor.Message(13, new Proto().String(1, key).String(2, value));
            }
        }

        _initializers.Add(tensor.Varint(14, 1));
        return this;
    }

    /// <summary>The graph input; a null dimension is written as the symbol "N".</summary>
    public OnnxGraphWriter Input(string name, long?[] shape)
    {
        _inputs.Add(ValueInfo(name, shape));
        return this;
    }

    public OnnxGraphWriter Output(string name)
    {
        _outputs.Add(ValueInfo(name, null));
        return this;
    }

    public byte[] ToArray()
    {
        var graph = new Proto();
        foreach (var node in _nodes)
        {
            graph.Message(1, node);
        }

        graph.String(2, "test");
        foreach (var initializer in _initializers)
        {
            graph.Message(5, initializer);
        }

        foreach (var input in _inputs)
        {
            graph.Message(11, input);
        }

        foreach (var output in _outputs)
        {
            graph.Message(12, output);
        }

        return new Proto()
            .Varint(1, 8)
            .Message(8, new Proto().String(1, "").Varint(2, Opset))
            .Message(7, graph)
            .ToArray();
    }

    private static Proto Dims(long[] dims)
    {
        var tensor = new Proto();
        foreach (long dim in dims)
        {
            tensor.Varint(1, dim);
        }

        return tensor;
    }

    private static Proto ValueInfo(string name, long?[]? shape)
    {
        var tensorType = new Proto().Varint(1, 1);
        if (shape is not null)
        {
            var shapeProto = new Proto();
            foreach (long? dim in shape)
            {
                shapeProto.Message(1, dim is { } d ? new Proto().Varint(1, d) : new Proto().String(2, "N"));
            }

            tensorType.Message(2, shapeProto);
        }

        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    private sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public Proto Varint(int field, long value)
        {
            Key(field, 0);
            Raw((ulong)value);
            return this;
        }

        public Proto Fixed32(int field, float value)
        {
            Key(field, 5);
            _bytes.Write(BitConverter.GetBytes(value));
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public Proto Bytes(int field, byte[] value)
        {
            Key(field, 2);
            Raw((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();

        private void Key(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.WriteByte((byte)value);
        }
    }
}
