using System;
using System.Collections.Generic;
#if !CONVGEN_GENERATOR
using System.IO;
#endif

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Onnx;
#else
namespace ConvGen.Onnx;
#endif

/// <summary>An ONNX <c>TensorProto</c>: name, dimensions and values, float32 (from float_data or raw_data) or
/// integer (int32/int64 from int32_data, int64_data or raw_data, as shape tensors are).</summary>
public sealed class OnnxTensor
{
    /// <summary>ONNX's data_type for float32.</summary>
    public const int FloatType = 1;

    /// <summary>ONNX's data_type for int32.</summary>
    public const int Int32Type = 6;

    /// <summary>ONNX's data_type for int64.</summary>
    public const int Int64Type = 7;

    private OnnxTensor(string name, long[] dims, int dataType, float[] values, long[] integers)
    {
        (Name, Dims, DataType, Values, Integers) = (name, dims, dataType, values, integers);
    }

    /// <summary>A float32 tensor made in memory (a constant the [OnnxModel] generator folds at compile time).</summary>
    internal static OnnxTensor FromFloats(string name, long[] dims, float[] values) => new(name, dims, FloatType, values, []);

    /// <summary>An integer tensor (<paramref name="dataType"/> int32 or int64) made in memory, e.g. a folded shape.</summary>
    internal static OnnxTensor FromIntegers(string name, long[] dims, long[] values, int dataType = Int64Type) => new(name, dims, dataType, [], values);

    /// <summary>The tensor's name (an initializer's name in a graph).</summary>
    public string Name { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <summary>ONNX's TensorProto.DataType code (1 = float).</summary>
    public int DataType { get; }

    /// <summary>The values in row-major order (empty unless <see cref="DataType"/> is float).</summary>
    public float[] Values { get; }

    /// <summary>The values of an int32 or int64 tensor in row-major order (empty for other types).</summary>
    public long[] Integers { get; }

#if !CONVGEN_GENERATOR
    /// <summary>Reads a serialised TensorProto, such as an ONNX test's <c>input_0.pb</c>.</summary>
    public static OnnxTensor Load(string path) => Parse(File.ReadAllBytes(path));
#endif

    /// <summary>Parses a serialised TensorProto.</summary>
    public static OnnxTensor Parse(byte[] bytes) => Read(new ProtoReader(bytes));

    internal static OnnxTensor Read(ProtoReader reader)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        var integers = new List<long>();
        byte[]? raw = null;
        bool external = false;
        string name = "";
        int dataType = 0;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: reader.ReadInt64s(dims); break;
                case 2: dataType = (int)reader.ReadInt64(); break;
                case 4: reader.ReadFloats(floats); break;
                case 5: reader.ReadInt64s(integers); break; // int32_data (varints)
                case 7: reader.ReadInt64s(integers); break; // int64_data
                case 8: name = reader.ReadString(); break;
                case 9: raw = reader.ReadBytes(); break;
                case 14: external = reader.ReadInt64() == 1; break; // data_location: EXTERNAL
                default: reader.Skip(); break;
            }
        }

        if (external)
        {
            throw new FormatException($"tensor '{name}' keeps its data in an external file, which ConvGen does not read; save the model with its weights inside.");
        }

        float[] values = dataType != FloatType ? []
            : raw is not null ? FromRaw(raw)
            : floats.ToArray();
        long[] integerValues = dataType is Int32Type or Int64Type
            ? raw is not null ? IntegersFromRaw(raw, dataType == Int64Type ? 8 : 4) : integers.ToArray()
            : [];
        long count = 1;
        foreach (long dim in dims)
        {
            count *= dim;
        }

        if ((dataType == FloatType && count != values.Length) || (dataType is Int32Type or Int64Type && count != integerValues.Length))
        {
            int held = dataType == FloatType ? values.Length : integerValues.Length;
            throw new FormatException($"tensor '{name}' has dims [{string.Join(", ", dims)}] ({count} values) but holds {held}.");
        }

        return new OnnxTensor(name, dims.ToArray(), dataType, values, integerValues);
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

    /// <summary>raw_data holds little-endian int32 (<paramref name="size"/> 4) or int64 (8) values.</summary>
    private static long[] IntegersFromRaw(byte[] raw, int size)
    {
        if (raw.Length % size != 0)
        {
            throw new FormatException($"integer raw_data of {raw.Length} bytes is not a whole number of {size}-byte values.");
        }

        var values = new long[raw.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = size == 8 ? BitConverter.ToInt64(raw, i * 8) : BitConverter.ToInt32(raw, i * 4);
        }

        return values;
    }
}
