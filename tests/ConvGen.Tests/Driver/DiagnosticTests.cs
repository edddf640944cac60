using System.Linq;
using ConvGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ConvGen.Tests.Driver;

/// <summary>One case per diagnostic: the exact ID, the exact source text it points at, and no other diagnostic.</summary>
public class DiagnosticTests
{
    [Theory]
    [InlineData("[Conv2d(@in: 4, @out: 64, k: 3, groups: 3)] public partial class L;", "CG0001", "groups: 3", "groups (3) must divide in (4) and out (64)")]
    [InlineData("[Conv2d(@in: 6, @out: 8, k: 3, groups: 4)] public partial class L;", "CG0001", "groups: 4", "groups (4) must divide in (6) and out (8)")]
    [InlineData("[Conv2d(@in: 0, @out: 8, k: 3)] public partial class L;", "CG0002", "@in: 0", "in (0) must be a positive number of channels")]
    [InlineData("[Conv1d(@in: 2, @out: -1, k: 3)] public partial class L;", "CG0002", "@out: -1", "out (-1)")]
    [InlineData("[Conv2d(@in: 3, @out: 8, kh: 0, kw: 3)] public partial class L;", "CG0003", "kh: 0", "kernel size kh (0) must be at least 1")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 0)] public partial class L;", "CG0003", "k: 0", "kernel size k (0)")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, sw: 0)] public partial class L;", "CG0004", "sw: 0", "stride sw (0) must be at least 1")]
    [InlineData("[Conv1d(@in: 3, @out: 8, k: 3, s: -2)] public partial class L;", "CG0004", "s: -2", "stride s (-2)")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, d: -1)] public partial class L;", "CG0005", "d: -1", "dilation d (-1) must be at least 1")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, groups: 0)] public partial class L;", "CG0006", "groups: 0", "groups (0) must be at least 1")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, p: -1)] public partial class L;", "CG0007", "p: -1", "padding p (-1) must be 0 or more")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, pw: -2)] public partial class L;", "CG0007", "pw: -2", "padding pw (-2)")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, p: 1, padding: Padding.Same)] public partial class L;", "CG0008", "p: 1", "p (1) cannot be combined with padding: Padding.Same")]
    [InlineData("[Conv1d(@in: 3, @out: 8, k: 3, p: 0, padding: Padding.Valid)] public partial class L;", "CG0008", "p: 0", "Padding.Valid")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, s: 2, padding: Padding.Same)] public partial class L;", "CG0009", "padding: Padding.Same", "needs stride 1, but stride s is 2")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, sh: 3, padding: Padding.Same)] public partial class L;", "CG0009", "padding: Padding.Same", "stride sh is 3")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 5, h: 3, w: 8)] public partial class L;", "CG0010", "h: 3", "input height 3 gives an empty output: kernel 5 with dilation 1 spans 5, padding adds 0; the input height must be at least 5")]
    [InlineData("[Conv1d(@in: 3, @out: 8, k: 3, d: 4, p: 1, length: 6)] public partial class L;", "CG0010", "length: 6", "input length 6 gives an empty output: kernel 3 with dilation 4 spans 9, padding adds 2; the input length must be at least 7")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, w: -2)] public partial class L;", "CG0011", "w: -2", "input size w (-2) must be positive")]
    [InlineData("[Conv2d(@in: 3, @out: 8)] public partial class L;", "CG0012", "Conv2d(@in: 3, @out: 8)", "[Conv2d] has no kernel size; give k, or kh and kw")]
    [InlineData("[Conv2d(@in: 3, @out: 8, kh: 3)] public partial class L;", "CG0012", "Conv2d(@in: 3, @out: 8, kh: 3)", "no kernel width; give kw (or k)")]
    [InlineData("[Conv1d(@in: 3, @out: 8)] public partial class L;", "CG0012", "Conv1d(@in: 3, @out: 8)", "give k")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, padding: (Padding)7)] public partial class L;", "CG0013", "padding: (Padding)7", "padding (7) is not a Padding value")]
    [InlineData("[Conv2d(@in: 65536, @out: 65536, k: 3)] public partial class L;", "CG0014", "Conv2d(@in: 65536, @out: 65536, k: 3)", "weight count (38654705664) exceeds")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, d: 1000000)] public partial class L;", "CG0014", "d: 1000000", "dilated kernel height (2000001) exceeds")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, sw: 2000000)] public partial class L;", "CG0014", "sw: 2000000", "sw (2000000) exceeds what ConvGen supports (at most 1048576)")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3)] public class L;", "CG0015", "L", "'L' must be declared partial")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3)] public partial class L<T>;", "CG0016", "L", "'L' is generic")]
    [InlineData("public class Outer { [Conv2d(@in: 3, @out: 8, k: 3)] public partial class L; }", "CG0017", "L", "'Outer' contains the layer 'L' and must be declared partial too")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3)] public static partial class L;", "CG0018", "L", "'L' is a static class; [Conv2d] needs a non-static partial class")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3)] [Conv1d(@in: 3, @out: 8, k: 3)] public partial class L;", "CG0019", "Conv1d(@in: 3, @out: 8, k: 3)", "'L' has more than one layer attribute ([Conv1d], [Conv2d], [ConvTranspose1d], [ConvTranspose2d]); put each layer on its own class")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, activation: (Activation)7)] public partial class L;", "CG0020", "activation: (Activation)7", "activation (7) is not an Activation value; use Activation.None, ReLU, ReLU6, Sigmoid, Tanh, SiLU or GELU")]
    [InlineData("[Conv1d(@in: 3, @out: 8, k: 3, activation: (Activation)(-1), length: 9)] public partial class L;", "CG0020", "activation: (Activation)(-1)", "activation (-1) is not an Activation value")]
    // [ConvTranspose2d]/[ConvTranspose1d]: the shared rules, PyTorch's output-padding rule and the empty fixed-size output.
    [InlineData("[ConvTranspose2d(@in: 4, @out: 6, k: 2, groups: 4)] public partial class L;", "CG0001", "groups: 4", "groups (4) must divide in (4) and out (6)")]
    [InlineData("[ConvTranspose1d(@in: 0, @out: 8, k: 3)] public partial class L;", "CG0002", "@in: 0", "in (0) must be a positive number of channels")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, kh: 2, kw: 0)] public partial class L;", "CG0003", "kw: 0", "kernel size kw (0) must be at least 1")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, k: 2, sh: 0)] public partial class L;", "CG0004", "sh: 0", "stride sh (0) must be at least 1")]
    [InlineData("[ConvTranspose1d(@in: 3, @out: 8, k: 3, d: 0)] public partial class L;", "CG0005", "d: 0", "dilation d (0) must be at least 1")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, k: 3, ph: -1)] public partial class L;", "CG0007", "ph: -1", "padding ph (-1) must be 0 or more")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, k: 3, s: 2, op: -1)] public partial class L;", "CG0007", "op: -1", "padding op (-1) must be 0 or more")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, k: 3, w: -3)] public partial class L;", "CG0011", "w: -3", "input size w (-3) must be positive")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8)] public partial class L;", "CG0012", "ConvTranspose2d(@in: 3, @out: 8)", "[ConvTranspose2d] has no kernel size")]
    [InlineData("[ConvTranspose1d(@in: 3, @out: 8)] public partial class L;", "CG0012", "ConvTranspose1d(@in: 3, @out: 8)", "give k")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, k: 2, sw: 100, sh: 100)] public partial class L;", "CG0014", "sw: 100", "stride phases (sh x sw) (10000) exceeds what ConvGen supports (at most 4096)")]
    [InlineData("[ConvTranspose2d(@in: 4096, @out: 4097, k: 3, s: 2)] public partial class L;", "CG0014", "ConvTranspose2d(@in: 4096, @out: 4097, k: 3, s: 2)", "weight count of the phase convolution (268500992) exceeds")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, k: 3, activation: (Activation)9)] public partial class L;", "CG0020", "activation: (Activation)9", "activation (9) is not an Activation value")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, k: 3, s: 2, op: 2)] public partial class L;", "CG0029", "op: 2", "output padding op (2) must be smaller than the stride (2) or the dilation (1), as in PyTorch; use a value from 0 to 1")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, k: 3, s: 2, opw: 1, d: 3, oph: 3)] public partial class L;", "CG0029", "oph: 3", "output padding oph (3) must be smaller than the stride (2) or the dilation (3), as in PyTorch; use a value from 0 to 2")]
    [InlineData("[ConvTranspose1d(@in: 3, @out: 8, k: 2, op: 1)] public partial class L;", "CG0029", "op: 1", "must be smaller than the stride (1) or the dilation (1)")]
    [InlineData("[ConvTranspose2d(@in: 3, @out: 8, k: 3, p: 2, h: 1, w: 4)] public partial class L;", "CG0030", "h: 1", "input height 1 gives an empty output: (1 - 1)*1 - 4 + 1*(3 - 1) + 0 + 1 = -1; the input height must be at least 3")]
    [InlineData("[ConvTranspose1d(@in: 3, @out: 8, k: 4, s: 2, p: 3, length: 1)] public partial class L;", "CG0030", "length: 1", "input length 1 gives an empty output: (1 - 1)*2 - 6 + 1*(4 - 1) + 0 + 1 = -2; the input length must be at least 3")]
    public void Reports_each_rule_on_the_offending_argument(string declaration, string id, string locationText, string messagePart)
    {
        var result = GeneratorRunner.Run("using ConvGen;\nnamespace Demo;\n" + declaration);

        var diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(locationText, SourceAt(result, diagnostic.Location));
        Assert.Contains(messagePart, diagnostic.GetMessage(), System.StringComparison.Ordinal);
        Assert.Empty(result.RunResult.GeneratedTrees);
    }

    /// <summary>The source text a diagnostic points at (generator diagnostics carry file locations, not trees).</summary>
    private static string SourceAt(GeneratorResult result, Location location)
    {
        string path = location.GetLineSpan().Path;
        var tree = result.Output.SyntaxTrees.Single(t => t.FilePath == path);
        return tree.GetText().ToString(location.SourceSpan);
    }

    [Fact]
    public void Reports_every_broken_argument_not_only_the_first()
    {
        var result = GeneratorRunner.Run("using ConvGen;\n[Conv2d(@in: 0, @out: 8, kh: 0, kw: 2, sh: 0, dw: 0, ph: -1)] public partial class L;");

        Assert.Equal(["CG0002", "CG0003", "CG0004", "CG0005", "CG0007"], result.AllDiagnostics.Select(d => d.Id).Order());
    }

    [Theory]
    [InlineData("[Conv1d(@in: 3, @out: 8, k: 3, p: int.Parse(\"1\"))] public partial class L;")]
    [InlineData("[Conv2d(@in: 2, @out: 2, kh: 1, kw: System.DateTime.Now.Second, padding: Padding.Valid, h: -1, w: 2, sw: 0, k: 2)] public partial class L;")]
    public void Non_constant_arguments_leave_the_error_to_the_compiler_and_generate_nothing(string declaration)
    {
        var result = GeneratorRunner.Run("using ConvGen;\n" + declaration);

        Assert.Contains(result.AllDiagnostics, d => d.Id == "CS0182");
        Assert.Empty(result.RunResult.GeneratedTrees);
    }

    [Fact]
    public void Struct_targets_are_reported_beside_the_compiler_error()
    {
        var result = GeneratorRunner.Run("using ConvGen;\n[Conv2d(@in: 3, @out: 8, k: 3)] public partial struct L;");

        Assert.Contains(result.AllDiagnostics, d => d.Id == "CS0592");
        Assert.Empty(result.RunResult.GeneratedTrees);
    }

    // Every activation, on both attributes, generates a layer that compiles with all warnings as errors.
    [Theory]
    [InlineData("None")]
    [InlineData("ReLU")]
    [InlineData("ReLU6")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("SiLU")]
    [InlineData("GELU")]
    public void Every_activation_generates_warning_free_code(string activation)
    {
        var result = GeneratorRunner.Run($$"""
            using ConvGen;
            namespace Demo;
            [Conv2d(@in: 4, @out: 6, k: 3, groups: 2, activation: Activation.{{activation}})] public partial class Image;
            [Conv1d(@in: 2, @out: 3, k: 1, bias: false, activation: Activation.{{activation}})] public partial class Signal;
            public static class Use
            {
                public static Activation[] Fused => [Image.FusedActivation, Signal.FusedActivation];
            }
            """);

        Assert.Empty(result.AllDiagnostics);
        Assert.Equal(2, result.RunResult.GeneratedTrees.Length);
        string image = result.RunResult.GeneratedTrees.Single(t => t.FilePath.Contains("Image", System.StringComparison.Ordinal)).ToString();
        Assert.Contains($"public const global::ConvGen.Activation FusedActivation = global::ConvGen.Activation.{activation};", image, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_layer_has_no_diagnostics_and_compiles_with_all_warnings_as_errors()
    {
        var result = GeneratorRunner.Run("""
            using ConvGen;
            namespace Demo;
            public partial class Outer
            {
                [Conv2d(@in: 8, @out: 14, kh: 3, kw: 2, sh: 2)]
                internal partial class Inner;
            }
            [Conv1d(@in: 4, @out: 4, k: 4, groups: 4, padding: Padding.Same, bias: false)]
            public partial record Signal;
            """);

        Assert.Empty(result.AllDiagnostics);
        Assert.Equal(2, result.RunResult.GeneratedTrees.Length);
    }
}
