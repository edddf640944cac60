using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ConvGen.Generator.Diagnostics;

/// <summary>Every diagnostic ConvGen reports. IDs are stable; README.md lists them, and each has a page,
/// docs/diagnostics/&lt;ID&gt;.md, that its help link opens.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "ConvGen";

    /// <summary>Where the pages are: the repository the build names (RepositoryUrl in src/Directory.Build.props, which the
    /// SDK stamps into this assembly), so the help links and the package's repository link cannot disagree.</summary>
    private static readonly string HelpLinkBase = typeof(DiagnosticDescriptors).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(metadata => metadata.Key == "RepositoryUrl").Value + "/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor GroupsMustDivideChannels = Error(
        "CG0001", "Groups must divide the channel counts",
        "groups ({0}) must divide in ({1}) and out ({2}); use a common divisor of both, e.g. 1");

    public static readonly DiagnosticDescriptor ChannelsMustBePositive = Error(
        "CG0002", "Channel counts must be positive",
        "{0} ({1}) must be a positive number of channels");

    public static readonly DiagnosticDescriptor KernelMustBePositive = Error(
        "CG0003", "Kernel size must be positive",
        "kernel size {0} ({1}) must be at least 1");

    public static readonly DiagnosticDescriptor StrideMustBePositive = Error(
        "CG0004", "Stride must be positive",
        "stride {0} ({1}) must be at least 1");

    public static readonly DiagnosticDescriptor DilationMustBePositive = Error(
        "CG0005", "Dilation must be positive",
        "dilation {0} ({1}) must be at least 1");

    public static readonly DiagnosticDescriptor GroupsMustBePositive = Error(
        "CG0006", "Groups must be positive",
        "groups ({0}) must be at least 1");

    public static readonly DiagnosticDescriptor PaddingMustNotBeNegative = Error(
        "CG0007", "Padding must not be negative",
        "padding {0} ({1}) must be 0 or more");

    public static readonly DiagnosticDescriptor PaddingModeWithExplicitPadding = Error(
        "CG0008", "Padding mode conflicts with explicit padding",
        "{0} ({1}) cannot be combined with padding: Padding.{2}; remove {0} or use Padding.Explicit");

    public static readonly DiagnosticDescriptor SamePaddingNeedsStrideOne = Error(
        "CG0009", "'Same' padding needs stride 1",
        "padding: Padding.Same needs stride 1, but stride {0} is {1} (as in PyTorch); use explicit padding instead");

    public static readonly DiagnosticDescriptor EmptyOutput = Error(
        "CG0010", "Fixed input size gives an empty output",
        "input {0} {1} gives an empty output: kernel {2} with dilation {3} spans {4}, padding adds {5}; the input {0} must be at least {6}");

    public static readonly DiagnosticDescriptor InputSizeMustBePositive = Error(
        "CG0011", "Fixed input size must be positive",
        "input size {0} ({1}) must be positive, or 0 to accept any size");

    public static readonly DiagnosticDescriptor KernelSizeMissing = Error(
        "CG0012", "Kernel size missing",
        "{0} has no kernel {1}; give {2}");

    public static readonly DiagnosticDescriptor UnknownPaddingMode = Error(
        "CG0013", "Unknown padding mode",
        "padding ({0}) is not a Padding value; use Padding.Explicit, Same, Valid or Full");

    public static readonly DiagnosticDescriptor LayerTooLarge = Error(
        "CG0014", "Layer too large",
        "{0} ({1}) exceeds what ConvGen supports ({2})");

    public static readonly DiagnosticDescriptor TypeMustBePartial = Error(
        "CG0015", "Layer class must be partial",
        "'{0}' must be declared partial so ConvGen can add the layer's members");

    public static readonly DiagnosticDescriptor TypeMustNotBeGeneric = Error(
        "CG0016", "Layer class must not be generic",
        "'{0}' is generic; a generated layer must be a non-generic class");

    public static readonly DiagnosticDescriptor ContainingTypeMustBePartial = Error(
        "CG0017", "Containing type must be partial",
        "'{0}' contains the layer '{1}' and must be declared partial too");

    public static readonly DiagnosticDescriptor TargetMustBeClass = Error(
        "CG0018", "Layer must be a non-static class",
        "'{0}' is {1}; [{2}] needs a non-static partial class");

    public static readonly DiagnosticDescriptor MultipleLayerAttributes = Error(
        "CG0019", "One layer attribute per class",
        "'{0}' has more than one layer attribute ([Conv1d], [Conv2d], [ConvTranspose1d], [ConvTranspose2d]); put each layer on its own class");

    public static readonly DiagnosticDescriptor UnknownActivation = Error(
        "CG0020", "Unknown activation",
        "activation ({0}) is not an Activation value; use Activation.None, ReLU, ReLU6, Sigmoid, Tanh, SiLU or GELU");

    public static readonly DiagnosticDescriptor OnnxFileNotFound = Error(
        "CG0021", "ONNX model is not an AdditionalFiles item",
        "'{0}' is not among the project's .onnx AdditionalFiles items; add <AdditionalFiles Include=\"{0}\" /> to the project file (only items whose name ends in .onnx are read)");

    public static readonly DiagnosticDescriptor OnnxFileUnreadable = Error(
        "CG0022", "ONNX model cannot be read",
        "cannot read the ONNX model '{0}': {1}");

    public static readonly DiagnosticDescriptor OnnxUnsupportedOperator = Error(
        "CG0023", "ONNX operator not supported",
        "ONNX model '{0}': node '{1}' is a {2}, which [OnnxModel] does not support; supported operators: {3}");

    public static readonly DiagnosticDescriptor OnnxUnsupportedAttribute = Error(
        "CG0024", "ONNX operator form not supported",
        "ONNX model '{0}': [OnnxModel] cannot compile node '{1}' ({2}): it {3}");

    public static readonly DiagnosticDescriptor OnnxUnresolvedShape = Error(
        "CG0025", "ONNX shape cannot be resolved",
        "ONNX model '{0}': {1}");

    public static readonly DiagnosticDescriptor OnnxFileAmbiguous = Error(
        "CG0027", "ONNX model name matches several AdditionalFiles items",
        "'{0}' matches several AdditionalFiles items ({1}); give a longer relative path");

    public static readonly DiagnosticDescriptor OnnxFileNameMissing = Error(
        "CG0028", "ONNX model file name missing",
        "[OnnxModel] needs the model's file name, e.g. [OnnxModel(\"model.onnx\")]");

    public static readonly DiagnosticDescriptor OutputPaddingTooLarge = Error(
        "CG0029", "Output padding must be smaller than the stride or the dilation",
        "output padding {0} ({1}) must be smaller than the stride ({2}) or the dilation ({3}), as in PyTorch; use a value from 0 to {4}");

    public static readonly DiagnosticDescriptor EmptyTransposedOutput = Error(
        "CG0030", "Fixed input size gives an empty transposed output",
        "input {0} {1} gives an empty output: ({1} - 1)*{2} - {3} + {4}*({5} - 1) + {6} + 1 = {7}; the input {0} must be at least {8}");

    public static readonly DiagnosticDescriptor OnnxExternalDataNotAvailable = Error(
        "CG0031", "ONNX external data needed at compile time is not an AdditionalFiles item",
        "ONNX model '{0}': [OnnxModel] needs the values of tensor '{1}' at compile time, and the model stores them as external data in '{2}', which is not an AdditionalFiles item; add it to the project as the model is, <AdditionalFiles Include=\"{3}\" />");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
