using System.Threading.Tasks;
using ConvGen.CodeFixes;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.CodeFixes;

/// <summary>
/// CG0009: Padding.Same with a stride above 1 becomes the padding 'same' resolves to (d*(k-1) per axis, half on each
/// side), where that is symmetric; otherwise no fix is offered, since p/ph/pw pad both sides alike.
/// </summary>
public class SamePaddingFixTests
{
    private static readonly SamePaddingCodeFixProvider Provider = new();
    private const string Key = SamePaddingCodeFixProvider.EquivalenceKey;

    [Theory]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, s: 2, padding: Padding.Same)]", "[Conv2d(@in: 3, @out: 8, k: 3, s: 2, p: 1)]")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 2, d: 2, s: 2, padding: Padding.Same, h: 9, w: 9)]", "[Conv2d(@in: 3, @out: 8, k: 2, d: 2, s: 2, p: 1, h: 9, w: 9)]")]
    [InlineData("[Conv2d(@in: 3, @out: 8, kh: 3, kw: 5, sh: 2, padding: Padding.Same)]", "[Conv2d(@in: 3, @out: 8, kh: 3, kw: 5, sh: 2, ph: 1, pw: 2)]")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, dw: 3, sw: 2, padding: Padding.Same)]", "[Conv2d(@in: 3, @out: 8, k: 3, dw: 3, sw: 2, ph: 1, pw: 3)]")]
    [InlineData("[Conv1d(@in: 3, @out: 8, k: 5, d: 2, s: 3, padding: Padding.Same, length: 20)]", "[Conv1d(@in: 3, @out: 8, k: 5, d: 2, s: 3, p: 4, length: 20)]")]
    public Task Replaces_same_with_its_explicit_padding(string before, string after) =>
        CodeFixRunner.AssertFixAsync(Provider, Layer(before), Key, Layer(after));

    [Theory]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 4, s: 2, padding: Padding.Same)]")] // 3 pixels: 1 before, 2 after
    [InlineData("[Conv2d(@in: 3, @out: 8, kh: 3, kw: 2, s: 2, padding: Padding.Same)]")] // odd along the width only
    [InlineData("[Conv1d(@in: 3, @out: 8, k: 2, s: 2, padding: Padding.Same)]")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, s: 2, p: 1, padding: Padding.Same)]")] // CG0008 too: fix that first
    public async Task Offers_nothing_the_attribute_cannot_express(string attribute) =>
        Assert.Empty(await CodeFixRunner.OffersAsync(Provider, Layer(attribute)));

    [Fact]
    public Task Keeps_the_argument_layout() => CodeFixRunner.AssertFixAsync(
        Provider,
        """
        using ConvGen;
        namespace Demo;

        [Conv2d(@in: 3, @out: 8,
                kh: 5, kw: 3, s: 2,
                padding: Padding.Same, // as in the paper
                activation: Activation.ReLU)]
        public partial class L;
        """,
        Key,
        """
        using ConvGen;
        namespace Demo;

        [Conv2d(@in: 3, @out: 8,
                kh: 5, kw: 3, s: 2,
                ph: 2, pw: 1, // as in the paper
                activation: Activation.ReLU)]
        public partial class L;
        """);

    private static string Layer(string attribute) => $"using ConvGen;\nnamespace Demo;\n{attribute}\npublic partial class L;";
}
