using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ConvGen.Tests.Infrastructure;

namespace ConvGen.Tests.Conformance;

/// <summary>Writes a one-node ONNX model (Conv or ConvTranspose with X input, W and optional B initializers, Y output)
/// in protobuf's wire format, so ONNX Runtime can run the same layer as ConvGen.</summary>
public static class OnnxConvModelWriter
{
    private const int FloatType = 1;
    private const int AttributeInt = 2;
    private const int AttributeInts = 7;

    public static byte[] Write(ConvGeometry g, bool is1d, long[] inputShape, float[] weight, float[] bias)
    {
        long[] kernel = is1d ? [g.KernelWidth] : [g.KernelHeight, g.KernelWidth];
        long[] strides = is1d ? [g.StrideWidth] : [g.StrideHeight, g.StrideWidth];
        long[] dilations = is1d ? [g.DilationWidth] : [g.DilationHeight, g.DilationWidth];
        long[] pads = is1d ? [g.PadLeft, g.PadRight] : [g.PadTop, g.PadLeft, g.PadBottom, g.PadRight];
        long[] weightShape = is1d
            ? [g.OutChannels, g.InChannels / g.Groups, g.KernelWidth]
            : [g.OutChannels, g.InChannels / g.Groups, g.KernelHeight, g.KernelWidth];
        return Model("Conv", [("kernel_shape", kernel), ("strides", strides), ("dilations", dilations), ("pads", pads)],
            g.Groups, inputShape, weightShape, weight, bias);
    }

    /// <summary>The same model with a ConvTranspose node (weights [in, out/groups, kernel...]; pads and output_padding explicit).</summary>
    public static byte[] WriteTransposed(TransposedShape s, bool is1d, long[] inputShape, float[] weight, float[] bias)
    {
        long[] kernel = is1d ? [s.KernelWidth] : [s.KernelHeight, s.KernelWidth];
        long[] strides = is1d ? [s.StrideWidth] : [s.StrideHeight, s.StrideWidth];
        long[] dilations = is1d ? [s.DilationWidth] : [s.DilationHeight, s.DilationWidth];
        long[] pads = is1d ? [s.PadLeft, s.PadRight] : [s.PadTop, s.PadLeft, s.PadBottom, s.PadRight];
        long[] outputPadding = is1d ? [s.OutputPadWidth] : [s.OutputPadHeight, s.OutputPadWidth];
        long[] weightShape = is1d
            ? [s.InChannels, s.OutChannels / s.Groups, s.KernelWidth]
            : [s.InChannels, s.OutChannels / s.Groups, s.KernelHeight, s.KernelWidth];
        return Model("ConvTranspose", [("kernel_shape", kernel), ("strides", strides), ("dilations", dilations), ("pads", pads), ("output_padding", outputPadding)],
            s.Groups, inputShape, weightShape, weight, bias);
    }

    private static byte[] Model(string op, (string Name, long[] Values)[] attributes, int groups, long[] inputShape, long[] weightShape, float[] weight, float[] bias)
    {
        var node = new Proto();
        node.String(1, "X").String(1, "W");
        if (bias.Length > 0)
        {
            node.String(1, "B");
        }

        node.String(2, "Y").String(4, op);
        foreach (var (name, values) in attributes)
        {
            node.Message(5, IntsAttribute(name, values));
        }

        node.Message(5, new Proto().String(1, "group").Varint(3, groups).Varint(20, AttributeInt));
        var graph = new Proto().Message(1, node).String(2, "conv").Message(5, Tensor("W", weightShape, weight));
        if (bias.Length > 0)
        {
            graph.Message(5, Tensor("B", [bias.Length], bias));
        }

        graph.Message(11, ValueInfo("X", inputShape)).Message(12, ValueInfo("Y", null));
        return new Proto()
            .Varint(1, 8) // IR version 8
            .Message(8, new Proto().String(1, "").Varint(2, 13)) // opset 13
            .Message(7, graph)
            .ToArray();
    }

    private static Proto IntsAttribute(string name, long[] values)
    {
        var attribute = new Proto().String(1, name);
        foreach (long value in values)
        {
            attribute.Varint(8, value);
        }

        return attribute.Varint(20, AttributeInts);
    }

    private static Proto Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new Proto();
        foreach (long dim in dims)
        {
            tensor.Varint(1, dim);
        }

        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        return tensor.Varint(2, FloatType).String(8, name).Bytes(9, raw);
    }

    private static Proto ValueInfo(string name, long[]? shape)
    {
        var tensorType = new Proto().Varint(1, FloatType);
        if (shape is not null)
        {
            var shapeProto = new Proto();
            foreach (long dim in shape)
            {
                shapeProto.Message(1, new Proto().Varint(1, dim));
            }

            tensorType.Message(2, shapeProto);
        }

        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    /// <summary>A protobuf message under construction.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public Proto Varint(int field, long value)
        {
            Key(field, 0);
            Raw((ulong)value);
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
