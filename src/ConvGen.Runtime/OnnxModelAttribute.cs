using System;

namespace ConvGen;

/// <summary>
/// Generates a whole network into the <c>partial class</c> it is placed on, from an ONNX model read at compile
/// time: one specialised convolution kernel per Conv (batch norms and activations folded in), the other operators
/// as calls to the runtime's vectorised operator cores with their shapes as constants, a <c>Forward</c> over the whole
/// graph with its buffers planned ahead, and the weights embedded in the assembly.
/// </summary>
/// <remarks>
/// The file must be an <c>AdditionalFiles</c> item of the project (<c>&lt;AdditionalFiles Include="model.onnx" /&gt;</c>);
/// the path given is matched against the end of the items' paths. Unsupported operators, shapes that
/// cannot be resolved and unreadable files are compile-time errors (CG0021...).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class OnnxModelAttribute : Attribute
{
    /// <param name="path">The model's file name (or a path relative to the project), e.g. <c>"digits.onnx"</c>.</param>
    public OnnxModelAttribute(string path)
    {
        Path = path;
    }

    /// <summary>The model's file name as given.</summary>
    public string Path { get; }
}
