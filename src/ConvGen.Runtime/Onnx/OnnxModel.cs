using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Onnx;
#else
namespace ConvGen.Onnx;
#endif

/// <summary>
/// An ONNX model (<c>ModelProto</c>) read by ConvGen's own protobuf reader: the opset and the graph's
/// nodes, initializers, inputs and outputs. Malformed files raise <see cref="FormatException"/>.
/// </summary>
public sealed class OnnxModel
{
    private OnnxModel(long irVersion, long opsetVersion, OnnxNode[] nodes, OnnxTensor[] initializers, OnnxValueInfo[] inputs, OnnxValueInfo[] outputs)
    {
        (IrVersion, OpsetVersion, Nodes, Initializers, Inputs, Outputs) = (irVersion, opsetVersion, nodes, initializers, inputs, outputs);
    }

    /// <summary>The ONNX IR version the file was written with.</summary>
    public long IrVersion { get; }

    /// <summary>The version of the default ("ai.onnx") operator set.</summary>
    public long OpsetVersion { get; }

    /// <summary>The graph's nodes in file order (topologically sorted in valid models).</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Constant tensors (trained parameters) of the graph.</summary>
    public IReadOnlyList<OnnxTensor> Initializers { get; }

    /// <summary>The graph's inputs (may include initializers in older models).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    /// <summary>The graph's outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>
    /// The tensors a reader of this file can name without running the graph: initializers, the values of Constant
    /// nodes and Identity/Dropout nodes of those, by the name the graph uses for them. A generated network's weights
    /// are looked up here, both when it is compiled and when it reads them at run time.
    /// </summary>
    public Dictionary<string, OnnxTensor> NamedTensors()
    {
        var tensors = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (OnnxTensor tensor in Initializers)
        {
            if (!tensors.ContainsKey(tensor.Name))
            {
                tensors.Add(tensor.Name, tensor);
            }
        }

        foreach (OnnxNode node in Nodes)
        {
            if (node.Outputs.Count == 0 || tensors.ContainsKey(node.Outputs[0]))
            {
                continue;
            }

            if (node.OpType == "Constant" && node.Attribute("value")?.Tensor is { } value)
            {
                tensors.Add(node.Outputs[0], value);
            }
            else if (node.OpType is "Identity" or "Dropout" && node.Inputs.Count > 0 && tensors.TryGetValue(node.Inputs[0], out OnnxTensor? source))
            {
                tensors.Add(node.Outputs[0], source);
            }
        }

        return tensors;
    }

    /// <summary>The initializer called <paramref name="name"/>, or null.</summary>
    public OnnxTensor? Initializer(string name) => Initializers.FirstOrDefault(t => t.Name == name);

    /// <summary>Every tensor the file holds: the initializers and the tensors of node attributes (Constant values).</summary>
    public IEnumerable<OnnxTensor> Tensors() =>
        Initializers.Concat(Nodes.SelectMany(node => node.Attributes).Select(attribute => attribute.Tensor).OfType<OnnxTensor>());

#if !CONVGEN_GENERATOR
    /// <summary>Reads an .onnx file, with the values of tensors it stores as external data read from the files it names
    /// in its folder.</summary>
    /// <exception cref="FormatException">The file is not an ONNX model, or an external tensor's bytes are not in its file.</exception>
    /// <exception cref="OnnxExternalFileNotFoundException">A file that holds external tensors is not in the model's folder.</exception>
    public static OnnxModel Load(string path)
    {
        var model = Parse(File.ReadAllBytes(path), FilesBeside(path));
        foreach (OnnxTensor tensor in model.Tensors().Where(t => t.External is not null))
        {
            _ = tensor.DataType == OnnxTensor.FloatType ? tensor.Values.Length : tensor.Integers.Length; // read now: a model is loaded whole or not at all
        }

        return model;
    }

    /// <summary>Opens the files a model at <paramref name="modelPath"/> names for its external data (locations are
    /// relative paths that stay in its folder, checked when the model is parsed), or null for one that does not exist.</summary>
    internal static Func<string, Stream?> FilesBeside(string modelPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        return location =>
        {
            string path = Path.Combine(folder, location);
            return File.Exists(path) ? File.OpenRead(path) : null;
        };
    }
#endif

    /// <summary>Parses a serialised ModelProto. The values of tensors stored as ONNX external data cannot be read from
    /// the model's bytes alone (see <see cref="Parse(byte[], Func{string, Stream})"/>).</summary>
    public static OnnxModel Parse(byte[] bytes) => Parse(bytes, null);

    /// <summary>Parses a serialised ModelProto whose tensors stored as ONNX external data read their values, when first
    /// asked for, from the streams <paramref name="openExternalFile"/> opens: it is given a file's location relative to
    /// the model's folder ('/'-separated, checked to stay in the folder) and returns the file's bytes as a readable stream,
    /// which the tensor disposes of, or null when there is no such file.</summary>
    public static OnnxModel Parse(byte[] bytes, Func<string, Stream?>? openExternalFile)
    {
        if (bytes is null)
        {
            throw new ArgumentNullException(nameof(bytes));
        }

        var reader = new ProtoReader(bytes);
        long irVersion = 0, opset = 0;
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxTensor>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1:
                    irVersion = reader.ReadInt64();
                    break;
                case 7:
                    ReadGraph(reader.ReadMessage(), nodes, initializers, inputs, outputs);
                    break;
                case 8:
                    var (domain, version) = ReadOpset(reader.ReadMessage());
                    if (domain is "" or "ai.onnx")
                    {
                        opset = version;
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        var model = new OnnxModel(irVersion, opset, nodes.ToArray(), initializers.ToArray(), inputs.ToArray(), outputs.ToArray());
        if (openExternalFile is not null)
        {
            foreach (OnnxTensor tensor in model.Tensors())
            {
                tensor.ReadExternalDataWith(openExternalFile);
            }
        }

        return model;
    }

    private static void ReadGraph(ProtoReader reader, List<OnnxNode> nodes, List<OnnxTensor> initializers, List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs)
    {
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: nodes.Add(OnnxNode.Read(reader.ReadMessage())); break;
                case 5: initializers.Add(OnnxTensor.Read(reader.ReadMessage())); break;
                case 11: inputs.Add(OnnxValueInfo.Read(reader.ReadMessage())); break;
                case 12: outputs.Add(OnnxValueInfo.Read(reader.ReadMessage())); break;
                default: reader.Skip(); break;
            }
        }
    }

    private static (string Domain, long Version) ReadOpset(ProtoReader reader)
    {
        string domain = "";
        long version = 0;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: domain = reader.ReadString(); break;
                case 2: version = reader.ReadInt64(); break;
                default: reader.Skip(); break;
            }
        }

        return (domain, version);
    }
}
