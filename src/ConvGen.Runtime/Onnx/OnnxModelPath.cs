using System;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Onnx;
#else
namespace ConvGen.Onnx;
#endif

/// <summary>
/// How <c>[OnnxModel("data/model.onnx")]</c> names its file: the compiler matches the name against the end of each
/// .onnx AdditionalFiles item's path, and at run time the generated network finds the model the same way among the
/// assembly's embedded resources (<c>ConvGen/&lt;path&gt;</c>). One rule for both, so they cannot disagree.
/// </summary>
public static class OnnxModelPath
{
    /// <summary>The prefix of the manifest resources that hold embedded models: <c>ConvGen/data/model.onnx</c>.</summary>
    public const string ResourcePrefix = "ConvGen/";

    /// <summary>Whether <paramref name="path"/> (an item's path, or a resource's name after the prefix) is the file
    /// <paramref name="name"/> names: equal to it, or ending with <c>/</c> and it, ignoring case and the kind of
    /// separator.</summary>
    public static bool Matches(string path, string name)
    {
        string wanted = Normalise(name).TrimStart('/');
        string candidate = Normalise(path);
        return string.Equals(candidate, wanted, StringComparison.OrdinalIgnoreCase)
            || candidate.EndsWith("/" + wanted, StringComparison.OrdinalIgnoreCase);
    }

    private static string Normalise(string path) => path.Replace('\\', '/');
}
