using System.Linq;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.Driver;

/// <summary>The generated source of representative layers, compared with committed golden files
/// (Golden/*.verified.cs; CONVGEN_UPDATE_GOLDEN=1 rewrites them). Each must also compile cleanly.</summary>
public class GoldenTests
{
    [Theory]
    // The design card's RGB stem: dense, 8-channel tiles, all taps unrolled.
    [InlineData("Stem", "namespace Demo;\n[Conv2d(@in: 3, @out: 64, k: 3, s: 1, p: 1, groups: 1)] public partial class Stem;")]
    // Depthwise, stride 2 (two phases), no bias, nested in a partial type.
    [InlineData("DepthwiseStrided", "namespace Demo;\npublic partial class Block { [Conv2d(@in: 32, @out: 32, k: 3, s: 2, p: 1, groups: 32, bias: false)] internal partial class DepthwiseStrided; }")]
    // Rectangular kernel, per-axis stride, 14 outputs per tile of 8 (one remainder tile), fixed input size.
    [InlineData("Rectangular", "[Conv2d(@in: 8, @out: 14, kh: 3, kw: 2, sh: 2, h: 16, w: 17)] public partial class Rectangular;")]
    // A small fixed-size map run on gathered taps, each gathered row one permute; fused ReLU.
    [InlineData("SmallMap", "namespace Demo;\n[Conv2d(@in: 32, @out: 32, k: 3, p: 1, h: 4, w: 4, activation: Activation.ReLU)] public partial class SmallMap;")]
    // Winograd-transformed rows: ResNet's 3x3 block layer, vertically dilated (interleaved tiles), no bias.
    [InlineData("WinogradRows", "namespace Demo;\n[Conv2d(@in: 64, @out: 64, k: 3, p: 2, d: 2, bias: false)] public partial class WinogradRows;")]
    // Winograd-transformed rows of stride 2: F(4, 2) on the even rows, the middle kernel row on the odd rows; fused ReLU.
    [InlineData("WinogradStrideTwo", "namespace Demo;\n[Conv2d(@in: 64, @out: 128, k: 3, s: 2, p: 1, activation: Activation.ReLU)] public partial class WinogradStrideTwo;")]
    // 1-D, dilated, 'same' padding with an even kernel, grouped, global namespace.
    [InlineData("Signal", "[Conv1d(@in: 4, @out: 6, k: 4, d: 2, groups: 2, padding: Padding.Same)] public partial class Signal;")]
    // A kernel too wide to unroll: looped rows and columns.
    [InlineData("WideKernel", "namespace Demo;\n[Conv1d(@in: 1, @out: 3, k: 31, s: 3)] public partial class WideKernel;")]
    public void Generated_source_matches_the_golden_file(string name, string declaration)
    {
        var result = GeneratorRunner.Run("using ConvGen;\n" + declaration);

        Assert.Empty(result.AllDiagnostics);
        var generated = Assert.Single(result.RunResult.GeneratedTrees);
        GoldenFile.Verify(name, generated.GetText().ToString());
    }

    // A transposed layer is two files: the layer (packing, placing, the public API) and its phase convolution.
    [Theory]
    // DCGAN's up-sampling block: four phases of 2x2 sub-kernels, interleaved at stride 2; fused ReLU.
    [InlineData("Upsample", "namespace Demo;\n[ConvTranspose2d(@in: 16, @out: 8, k: 4, s: 2, p: 1, activation: Activation.ReLU)] public partial class Upsample;")]
    // 1-D, stride 3 with a kernel of 2: one phase without taps (bias only), grouped, fixed length.
    [InlineData("Decoder", "[ConvTranspose1d(@in: 4, @out: 6, k: 2, s: 3, groups: 2, length: 50)] public partial class Decoder;")]
    public void Generated_transposed_sources_match_the_golden_files(string name, string declaration)
    {
        var result = GeneratorRunner.Run("using ConvGen;\n" + declaration);

        Assert.Empty(result.AllDiagnostics);
        Assert.Equal(2, result.RunResult.GeneratedTrees.Length);
        GoldenFile.Verify(name, result.RunResult.GeneratedTrees.Single(t => !t.FilePath.EndsWith(".PhaseConvolution.g.cs", System.StringComparison.Ordinal)).GetText().ToString());
        GoldenFile.Verify(name + ".PhaseConvolution", result.RunResult.GeneratedTrees.Single(t => t.FilePath.EndsWith(".PhaseConvolution.g.cs", System.StringComparison.Ordinal)).GetText().ToString());
    }
}
