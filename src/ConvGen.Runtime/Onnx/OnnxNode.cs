using System.Collections.Generic;
using System.Linq;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Onnx;
#else
namespace ConvGen.Onnx;
#endif

/// <summary>An ONNX graph node (<c>NodeProto</c>): operator, inputs, outputs and attributes.</summary>
public sealed class OnnxNode
{
    private OnnxNode(string name, string opType, string domain, string[] inputs, string[] outputs, OnnxAttribute[] attributes)
    {
        (Name, OpType, Domain, Inputs, Outputs, Attributes) = (name, opType, domain, inputs, outputs, attributes);
    }

    /// <summary>The node's name (may be empty).</summary>
    public string Name { get; }

    /// <summary>The operator, e.g. <c>Conv</c>.</summary>
    public string OpType { get; }

    /// <summary>The operator set's domain: empty (or <c>ai.onnx</c>) for the standard operators.</summary>
    public string Domain { get; }

    /// <summary>Input value names; an empty name is an omitted optional input.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Output value names.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>The node's attributes.</summary>
    public IReadOnlyList<OnnxAttribute> Attributes { get; }

    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public OnnxAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    internal static OnnxNode Read(ProtoReader reader)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new List<OnnxAttribute>();
        string name = "", opType = "", domain = "";
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: inputs.Add(reader.ReadString()); break;
                case 2: outputs.Add(reader.ReadString()); break;
                case 3: name = reader.ReadString(); break;
                case 4: opType = reader.ReadString(); break;
                case 5: attributes.Add(OnnxAttribute.Read(reader.ReadMessage())); break;
                case 7: domain = reader.ReadString(); break;
                default: reader.Skip(); break;
            }
        }

        return new OnnxNode(name, opType, domain, inputs.ToArray(), outputs.ToArray(), attributes.ToArray());
    }
}
