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

    private readonly float[]? _floats;
    private readonly byte[]? _raw;
    private readonly int _rawStart;
    private float[]? _values;

    private OnnxTensor(string name, long[] dims, int dataType, float[]? floats, byte[]? raw, int rawStart, long count, long[] integers)
    {
        (Name, Dims, DataType, Integers, Count) = (name, dims, dataType, integers, count);
        (_floats, _raw, _rawStart) = (floats, raw, rawStart);
    }

    /// <summary>A float32 tensor made in memory (a constant the [OnnxModel] generator folds at compile time).</summary>
    internal static OnnxTensor FromFloats(string name, long[] dims, float[] values) => new(name, dims, FloatType, values, null, 0, values.Length, []);

    /// <summary>An integer tensor (<paramref name="dataType"/> int32 or int64) made in memory, e.g. a folded shape.</summary>
    internal static OnnxTensor FromIntegers(string name, long[] dims, long[] values, int dataType = Int64Type) => new(name, dims, dataType, null, null, 0, values.Length, values);

    /// <summary>The tensor's name (an initializer's name in a graph).</summary>
    public string Name { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <summary>ONNX's TensorProto.DataType code (1 = float).</summary>
    public int DataType { get; }

    /// <summary>The number of values: the product of <see cref="Dims"/>.</summary>
    public long Count { get; }

    /// <summary>The values in row-major order (empty unless <see cref="DataType"/> is float). A tensor stored as raw_data
    /// is decoded on first use, straight from the model's bytes, so reading a model's graph never decodes its weights.</summary>
    public float[] Values => _values ??= DataType != FloatType ? [] : _floats ?? FromRaw(_raw!, _rawStart, (int)Count);

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
        (int Start, int Length)? raw = null;
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
                case 9: raw = reader.ReadSegment(); break;
                case 14: external = reader.ReadInt64() == 1; break; // data_location: EXTERNAL
                default: reader.Skip(); break;
            }
        }

        if (external)
        {
            throw new FormatException($"tensor '{name}' keeps its data in an external file, which ConvGen does not read; save the model with its weights inside.");
        }

        long count = 1;
        foreach (long dim in dims)
        {
            count = dim is < 0 or > int.MaxValue ? -1 : count * dim;
            if (count is < 0 or > int.MaxValue)
            {
                throw new FormatException($"tensor '{name}' has dims [{string.Join(", ", dims)}], which is not a tensor of at most {int.MaxValue} values.");
            }
        }

        if (dataType == FloatType && raw is { Length: var rawLength } && rawLength % 4 != 0)
        {
            throw new FormatException($"float raw_data of {rawLength} bytes is not a whole number of floats.");
        }

        long[] integerValues = dataType is Int32Type or Int64Type
            ? raw is { } bytes ? IntegersFromRaw(reader.Data, bytes.Start, bytes.Length, dataType == Int64Type ? 8 : 4) : integers.ToArray()
            : [];
        long held = dataType == FloatType ? raw is { } floatBytes ? floatBytes.Length / 4 : floats.Count
            : integerValues.Length;
        if (dataType is FloatType or Int32Type or Int64Type && count != held)
        {
            throw new FormatException($"tensor '{name}' has dims [{string.Join(", ", dims)}] ({count} values) but holds {held}.");
        }

        float[]? floatValues = dataType == FloatType && raw is null ? floats.ToArray() : null;
        return new OnnxTensor(name, dims.ToArray(), dataType, floatValues, raw is null ? null : reader.Data, raw?.Start ?? 0, count, integerValues);
    }

    /// <summary>raw_data holds <paramref name="count"/> little-endian float32 values from <paramref name="start"/>.</summary>
    private static float[] FromRaw(byte[] data, int start, int count)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.ToSingle(data, start + (i * 4));
        }

        return values;
    }

    /// <summary>raw_data holds little-endian int32 (<paramref name="size"/> 4) or int64 (8) values.</summary>
    private static long[] IntegersFromRaw(byte[] data, int start, int length, int size)
    {
        if (length % size != 0)
        {
            throw new FormatException($"integer raw_data of {length} bytes is not a whole number of {size}-byte values.");
        }

        var values = new long[length / size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = size == 8 ? BitConverter.ToInt64(data, start + (i * 8)) : BitConverter.ToInt32(data, start + (i * 4));
        }

        return values;
    }
}
