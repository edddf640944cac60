using System.Collections.Generic;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Onnx;
#else
namespace ConvGen.Onnx;
#endif

/// <summary>An ONNX node attribute (<c>AttributeProto</c>): ints, floats, strings or a tensor.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(string name, long? intValue, float? floatValue, string? text, long[] ints, float[] floats, OnnxTensor? tensor)
    {
        (Name, Int, Float, String, Ints, Floats, Tensor) = (name, intValue, floatValue, text, ints, floats, tensor);
    }

    /// <summary>The attribute's name, e.g. <c>kernel_shape</c>.</summary>
    public string Name { get; }

    /// <summary>The single integer value, if the attribute has one.</summary>
    public long? Int { get; }

    /// <summary>The single float value, if the attribute has one.</summary>
    public float? Float { get; }

    /// <summary>The string value (UTF-8), if the attribute has one.</summary>
    public string? String { get; }

    /// <summary>The integer list (empty when none).</summary>
    public IReadOnlyList<long> Ints { get; }

    /// <summary>The float list (empty when none).</summary>
    public IReadOnlyList<float> Floats { get; }

    /// <summary>The tensor value, if the attribute has one.</summary>
    public OnnxTensor? Tensor { get; }

    internal static OnnxAttribute Read(ProtoReader reader)
    {
        string name = "";
        long? intValue = null;
        float? floatValue = null;
        string? text = null;
        OnnxTensor? tensor = null;
        var ints = new List<long>();
        var floats = new List<float>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: name = reader.ReadString(); break;
                case 2: floatValue = reader.ReadFloat(); break;
                case 3: intValue = reader.ReadInt64(); break;
                case 4: text = reader.ReadString(); break;
                case 5: tensor = OnnxTensor.Read(reader.ReadMessage()); break;
                case 7: reader.ReadFloats(floats); break;
                case 8: reader.ReadInt64s(ints); break;
                default: reader.Skip(); break;
            }
        }

        return new OnnxAttribute(name, intValue, floatValue, text, ints.ToArray(), floats.ToArray(), tensor);
    }
}
