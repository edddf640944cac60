using System;
using System.Collections.Generic;
using System.Text;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Onnx;
#else
namespace ConvGen.Onnx;
#endif

/// <summary>
/// Reads protobuf's wire format (varints, fixed 32/64-bit values, length-delimited fields) from a
/// byte array, field by field. Enough for ONNX files; unknown fields are skipped.
/// </summary>
/// <remarks>
/// This file and the other readers in this folder are compiled into two assemblies: the runtime (namespace
/// <c>ConvGen.Onnx</c>) and the source generator (netstandard2.0, namespace <c>ConvGen.Generator.Onnx</c>, with
/// <c>CONVGEN_GENERATOR</c> defined), so the generator reads ONNX files without shipping a protobuf dependency.
/// Only APIs that netstandard2.0 has are used; file I/O is left out of the generator's copy.
/// </remarks>
internal sealed class ProtoReader
{
    private readonly byte[] _data;
    private readonly int _end;
    private int _position;

    public ProtoReader(byte[] data, int start, int length)
    {
        if (start < 0 || length < 0 || start > data.Length - length)
        {
            throw new FormatException("a protobuf field runs past the end of its message.");
        }

        (_data, _position, _end) = (data, start, start + length);
    }

    public ProtoReader(byte[] data) : this(data, 0, data.Length)
    {
    }

    public int Field { get; private set; }

    public int WireType { get; private set; }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (_position >= _end)
        {
            return false;
        }

        ulong key = ReadVarint();
        (Field, WireType) = ((int)(key >> 3), (int)(key & 7));
        if (Field == 0)
        {
            throw new FormatException("protobuf field number 0 is invalid.");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _end)
            {
                throw new FormatException("a protobuf varint runs past the end of its message.");
            }

            byte b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("a protobuf varint is longer than 10 bytes.");
    }

    public long ReadInt64() => (long)ReadVarint();

    public float ReadFloat()
    {
        // Little-endian IEEE 754, read in place (BitConverter.Int32BitsToSingle is missing from netstandard2.0).
        if (_end - _position < 4)
        {
            throw new FormatException("a protobuf fixed-size value runs past the end of its message.");
        }

        float value = BitConverter.ToSingle(_data, _position);
        _position += 4;
        return value;
    }

    public double ReadDouble() => BitConverter.Int64BitsToDouble((long)ReadFixed(8));

    /// <summary>The bytes of a length-delimited field as a reader of its own.</summary>
    public ProtoReader ReadMessage()
    {
        var (start, length) = ReadSpan();
        return new ProtoReader(_data, start, length);
    }

    /// <summary>Where a length-delimited field's bytes are in <see cref="Data"/> (not copied).</summary>
    public (int Start, int Length) ReadSegment() => ReadSpan();

    /// <summary>The whole buffer this reader reads a part of.</summary>
    public byte[] Data => _data;

    public string ReadString()
    {
        var (start, length) = ReadSpan();
        return Encoding.UTF8.GetString(_data, start, length);
    }

    /// <summary>Repeated int64 values, packed (wire type 2) or one per field.</summary>
    public void ReadInt64s(List<long> values)
    {
        if (WireType != 2)
        {
            values.Add(ReadInt64());
            return;
        }

        var packed = ReadMessage();
        while (packed._position < packed._end)
        {
            values.Add(packed.ReadInt64());
        }
    }

    /// <summary>Repeated floats, packed (wire type 2) or one per field.</summary>
    public void ReadFloats(List<float> values)
    {
        if (WireType != 2)
        {
            values.Add(ReadFloat());
            return;
        }

        var packed = ReadMessage();
        while (packed._position < packed._end)
        {
            values.Add(packed.ReadFloat());
        }
    }

    /// <summary>Skips the current field's value, whatever its wire type.</summary>
    public void Skip()
    {
        switch (WireType)
        {
            case 0: ReadVarint(); break;
            case 1: ReadFixed(8); break;
            case 2: ReadSpan(); break;
            case 5: ReadFixed(4); break;
            default: throw new FormatException($"protobuf wire type {WireType} is not supported.");
        }
    }

    private ulong ReadFixed(int size)
    {
        if (_end - _position < size)
        {
            throw new FormatException("a protobuf fixed-size value runs past the end of its message.");
        }

        ulong value = 0;
        for (int i = 0; i < size; i++)
        {
            value |= (ulong)_data[_position + i] << (8 * i);
        }

        _position += size;
        return value;
    }

    private (int Start, int Length) ReadSpan()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_end - _position))
        {
            throw new FormatException("a protobuf field runs past the end of its message.");
        }

        int start = _position;
        _position += (int)length;
        return (start, (int)length);
    }
}
