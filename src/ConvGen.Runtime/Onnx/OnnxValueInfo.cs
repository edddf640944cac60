using System.Collections.Generic;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Onnx;
#else
namespace ConvGen.Onnx;
#endif

/// <summary>A graph input or output (<c>ValueInfoProto</c>): name, element type and shape, where
/// a symbolic or unknown dimension is null.</summary>
public sealed class OnnxValueInfo
{
    private OnnxValueInfo(string name, int elementType, long?[] shape)
    {
        (Name, ElementType, Shape) = (name, elementType, shape);
    }

    /// <summary>The value's name.</summary>
    public string Name { get; }

    /// <summary>ONNX's element type code (1 = float).</summary>
    public int ElementType { get; }

    /// <summary>The dimensions; null where the model gives a symbol or nothing.</summary>
    public IReadOnlyList<long?> Shape { get; }

    internal static OnnxValueInfo Read(ProtoReader reader)
    {
        string name = "";
        int elementType = 0;
        var shape = new List<long?>();
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                name = reader.ReadString();
            }
            else if (reader.Field == 2)
            {
                // TypeProto.tensor_type (1) -> elem_type (1), shape (2) -> dim (1) -> dim_value (1)
                var type = reader.ReadMessage();
                while (type.Next())
                {
                    if (type.Field != 1)
                    {
                        type.Skip();
                        continue;
                    }

                    var tensor = type.ReadMessage();
                    while (tensor.Next())
                    {
                        if (tensor.Field == 1)
                        {
                            elementType = (int)tensor.ReadInt64();
                        }
                        else if (tensor.Field == 2)
                        {
                            ReadShape(tensor.ReadMessage(), shape);
                        }
                        else
                        {
                            tensor.Skip();
                        }
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return new OnnxValueInfo(name, elementType, shape.ToArray());
    }

    private static void ReadShape(ProtoReader reader, List<long?> shape)
    {
        while (reader.Next())
        {
            if (reader.Field != 1)
            {
                reader.Skip();
                continue;
            }

            long? value = null;
            var dim = reader.ReadMessage();
            while (dim.Next())
            {
                if (dim.Field == 1)
                {
                    value = dim.ReadInt64();
                }
                else
                {
                    dim.Skip();
                }
            }

            shape.Add(value);
        }
    }
}
