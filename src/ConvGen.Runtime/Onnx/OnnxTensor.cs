using System;
using System.Collections.Generic;
using System.IO;

namespace ConvGen.Onnx;

/// <summary>An ONNX <c>TensorProto</c> of floats: name, dimensions and values (from float_data or raw_data).</summary>
public sealed class OnnxTensor
{
    /// <summary>ONNX's data_type for float32.</summary>
    public const int FloatType = 1;

    private OnnxTensor(string name, long[] dims, int dataType, float[] values)
    {
        (Name, Dims, DataType, Values) = (name, dims, dataType, values);
    }

    /// <summary>The tensor's name (an initializer's name in a graph).</summary>
    public string Name { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <summary>ONNX's TensorProto.DataType code (1 = float).</summary>
    public int DataType { get; }

    /// <summary>The values in row-major order (empty unless <see cref="DataType"/> is float).</summary>
    public float[] Values { get; }

    /// <summary>Reads a serialised TensorProto, such as an ONNX test's <c>input_0.pb</c>.</summary>
    public static OnnxTensor Load(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Parses a serialised TensorProto.</summary>
    public static OnnxTensor Parse(byte[] bytes) => Read(new ProtoReader(bytes));

    internal static OnnxTensor Read(ProtoReader reader)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        byte[]? raw = null;
        string name = "";
        int dataType = 0;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: reader.ReadInt64s(dims); break;
                case 2: dataType = (int)reader.ReadInt64(); break;
                case 4: reader.ReadFloats(floats); break;
                case 8: name = reader.ReadString(); break;
                case 9: raw = reader.ReadBytes(); break;
                default: reader.Skip(); break;
            }
        }

        float[] values = dataType != FloatType ? []
            : raw is not null ? FromRaw(raw)
            : floats.ToArray();
        long count = 1;
        foreach (long dim in dims)
        {
            count *= dim;
        }

        if (dataType == FloatType && count != values.Length)
        {
            throw new FormatException($"tensor '{name}' has dims [{string.Join(", ", dims)}] ({count} values) but holds {values.Length}.");
        }

        return new OnnxTensor(name, dims.ToArray(), dataType, values);
    }

    /// <summary>raw_data holds little-endian float32 values.</summary>
    private static float[] FromRaw(byte[] raw)
    {
        if (raw.Length % 4 != 0)
        {
            throw new FormatException($"float raw_data of {raw.Length} bytes is not a whole number of floats.");
        }

        var values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.ToSingle(raw, i * 4);
        }

        return values;
    }
}
