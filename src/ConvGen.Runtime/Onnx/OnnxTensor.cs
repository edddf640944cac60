using System;
using System.Collections.Generic;
using System.IO;
#if !CONVGEN_GENERATOR
using System.Runtime.InteropServices;
#endif

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Onnx;
#else
namespace ConvGen.Onnx;
#endif

/// <summary>An ONNX <c>TensorProto</c>: name, dimensions and values, float32 (from float_data or raw_data) or
/// integer (int32/int64 from int32_data, int64_data or raw_data, as shape tensors are), or stored as external data in a
/// file beside the model (<see cref="External"/>), read from it when the values are first asked for.</summary>
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
    private long[]? _integers;
    private Func<string, Stream?>? _openExternal;

    private OnnxTensor(string name, long[] dims, int dataType, float[]? floats, byte[]? raw, int rawStart, long count, long[]? integers, OnnxExternalData? external = null)
    {
        (Name, Dims, DataType, Count, External) = (name, dims, dataType, count, external);
        (_floats, _raw, _rawStart, _integers) = (floats, raw, rawStart, integers);
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
    /// is decoded on first use, straight from the model's bytes, so reading a model's graph never decodes its weights; one
    /// stored as external data is read from its file on first use.</summary>
    /// <exception cref="OnnxExternalFileNotFoundException">The tensor is external and its file is not beside the model.</exception>
    /// <exception cref="FormatException">The tensor is external and its byte range is not in its file, or is not the
    /// tensor's size.</exception>
    /// <exception cref="InvalidOperationException">The tensor is external and the model was parsed from bytes alone.</exception>
    public float[] Values => _values ??= DataType != FloatType ? [] : _floats ?? (External is null ? FromRaw(_raw!, _rawStart, (int)Count) : ReadExternalFloats());

    /// <summary>The values of an int32 or int64 tensor in row-major order (empty for other types); read from the file on
    /// first use if the tensor is external (with the exceptions of <see cref="Values"/>).</summary>
    public long[] Integers => _integers ??= DataType is Int32Type or Int64Type && External is not null ? ReadExternalIntegers() : [];

    /// <summary>Where the tensor's bytes are when the model stores it as external data; null when they are in the model.</summary>
    public OnnxExternalData? External { get; }

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
        var externalData = new List<KeyValuePair<string, string>>();
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
                case 13: externalData.Add(ReadEntry(reader.ReadMessage())); break; // external_data: location, offset, length
                case 14: external = reader.ReadInt64() == 1; break; // data_location: EXTERNAL
                default: reader.Skip(); break;
            }
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

        if (external)
        {
            // The values are in a file beside the model: check what can be checked without it (the location stays in
            // the model's folder, a given length is the tensor's size); the bytes are read when the values are asked for.
            var data = OnnxExternalData.Read(name, externalData);
            int size = ElementSize(dataType);
            if (size > 0 && data.Length is { } length && length != count * size)
            {
                throw new FormatException($"tensor '{name}' has dims [{string.Join(", ", dims)}] ({count} values, {count * size} bytes) but its external data in '{data.Location}' is {length} bytes.");
            }

            return new OnnxTensor(name, dims.ToArray(), dataType, null, null, 0, count, null, data);
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

    /// <summary>Lets the tensor read its values, if it is external, from the files <paramref name="open"/> opens by their
    /// location relative to the model's folder (null for a file that is not there).</summary>
    internal void ReadExternalDataWith(Func<string, Stream?> open) => _openExternal = External is null ? null : open;

    /// <summary>The size in bytes of one value of the types ConvGen reads (0 for others).</summary>
    private static int ElementSize(int dataType) => dataType switch
    {
        FloatType or Int32Type => 4,
        Int64Type => 8,
        _ => 0,
    };

    private static KeyValuePair<string, string> ReadEntry(ProtoReader reader)
    {
        string key = "", value = "";
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: key = reader.ReadString(); break;
                case 2: value = reader.ReadString(); break;
                default: reader.Skip(); break;
            }
        }

        return new KeyValuePair<string, string>(key, value);
    }

    private float[] ReadExternalFloats()
    {
        using Stream stream = OpenExternal(out int length);
#if CONVGEN_GENERATOR
        return FromRaw(ReadExactly(stream, length), 0, (int)Count);
#else
        var values = new float[Count];
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
#endif
    }

    private long[] ReadExternalIntegers()
    {
        using Stream stream = OpenExternal(out int length);
        return IntegersFromRaw(ReadExactly(stream, length), 0, length, ElementSize(DataType));
    }

    /// <summary>Opens the tensor's file and moves to its bytes, after checking they are in the file and are exactly the
    /// tensor's size, so a short or foreign file is an error that names both, never a read past its end.</summary>
    private Stream OpenExternal(out int length)
    {
        OnnxExternalData external = External!;
        Func<string, Stream?> open = _openExternal ?? throw new InvalidOperationException(
            $"tensor '{Name}' is stored as ONNX external data in '{external.Location}', and the model was read without the files beside it; read it from its file instead.");
        Stream stream = open(external.Location) ?? throw new OnnxExternalFileNotFoundException(Name, external.Location);
        try
        {
            if (!stream.CanSeek)
            {
                // Rare (the readers here open files and resources, which seek): read it into memory once.
                var copy = new MemoryStream();
                stream.CopyTo(copy);
                stream.Dispose();
                stream = copy;
            }

            long size = stream.Length;
            long expected = Count * ElementSize(DataType);
            long found = external.Length ?? (external.Offset <= size ? size - external.Offset : expected); // no length: to the end of the file
            if (external.Offset > size || found > size - external.Offset)
            {
                throw new FormatException(
                    $"tensor '{Name}' is stored in {found} bytes from byte {external.Offset} of '{external.Location}', which has {size} bytes; "
                    + "the file is truncated or is not the one the model was saved with.");
            }

            if (found != expected)
            {
                throw new FormatException($"tensor '{Name}' has dims [{string.Join(", ", Dims)}] ({Count} values, {expected} bytes) but its external data in '{external.Location}' is {found} bytes.");
            }

            if (expected > int.MaxValue)
            {
                throw new FormatException($"tensor '{Name}' takes {expected} bytes; ConvGen reads tensors of at most {int.MaxValue} bytes.");
            }

            stream.Seek(external.Offset, SeekOrigin.Begin);
            length = (int)expected;
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static byte[] ReadExactly(Stream stream, int length)
    {
        var bytes = new byte[length];
        for (int read = 0, n; read < length; read += n)
        {
            n = stream.Read(bytes, read, length - read);
            if (n == 0)
            {
                throw new FormatException("an ONNX external data file ended while a tensor was read from it.");
            }
        }

        return bytes;
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
