using System.Linq;
using System.Threading.Tasks;
using ConvGen.CodeFixes;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.CodeFixes;

/// <summary>CG0001: groups becomes the greatest common divisor of in and out (depthwise when in == out) or 1, each offered once.</summary>
public class GroupsFixTests
{
    private static readonly GroupsCodeFixProvider Provider = new();
    private const string Gcd = GroupsCodeFixProvider.GreatestCommonDivisorKey;
    private const string One = GroupsCodeFixProvider.OneKey;

    [Theory]
    [InlineData("[Conv2d(@in: 6, @out: 8, k: 3, groups: 4)]", new[] { "Use groups: 2 (greatest common divisor of in and out)", "Use groups: 1" })]
    [InlineData("[Conv2d(@in: 32, @out: 32, k: 3, groups: 5)]", new[] { "Use groups: 32 (depthwise)", "Use groups: 1" })]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, groups: 2)]", new[] { "Use groups: 1" })]
    public async Task Offers_each_valid_value_once_and_says_it(string attribute, string[] titles)
    {
        var offers = await CodeFixRunner.OffersAsync(Provider, Layer(attribute));
        Assert.Equal(titles, offers.Select(o => o.Title));
    }

    [Theory]
    [InlineData("[Conv2d(@in: 6, @out: 8, k: 3, groups: 4)]", Gcd, "[Conv2d(@in: 6, @out: 8, k: 3, groups: 2)]")]
    [InlineData("[Conv2d(@in: 6, @out: 8, k: 3, groups: 4)]", One, "[Conv2d(@in: 6, @out: 8, k: 3, groups: 1)]")]
    [InlineData("[Conv2d(@in: 32, @out: 32, k: 3, groups: 5)]", Gcd, "[Conv2d(@in: 32, @out: 32, k: 3, groups: 32)]")]
    [InlineData("[ConvTranspose2d(@in: 12, @out: 18, k: 2, s: 2, groups: 4)]", Gcd, "[ConvTranspose2d(@in: 12, @out: 18, k: 2, s: 2, groups: 6)]")]
    [InlineData("[Conv1d(6, 9, 3, 1, 0, 1, 2 * 2)]", Gcd, "[Conv1d(6, 9, 3, 1, 0, 1, 3)]")]
    [InlineData("[Conv2d(@in: 16, @out: 24, k: 3, groups: /* tried */ 5 /* per block */)]", Gcd, "[Conv2d(@in: 16, @out: 24, k: 3, groups: /* tried */ 8 /* per block */)]")]
    public Task Replaces_groups(string before, string key, string after) =>
        CodeFixRunner.AssertFixAsync(Provider, Layer(before), key, Layer(after));

    [Fact]
    public Task Fix_all_gives_each_layer_its_own_divisor() => CodeFixRunner.AssertFixAsync(
        Provider,
        Layer("[Conv2d(@in: 6, @out: 8, k: 3, groups: 4)]") + "\n[Conv2d(@in: 9, @out: 12, k: 3, groups: 2)] public partial class M;",
        Gcd,
        Layer("[Conv2d(@in: 6, @out: 8, k: 3, groups: 2)]") + "\n[Conv2d(@in: 9, @out: 12, k: 3, groups: 3)] public partial class M;",
        fixAll: true);

    private static string Layer(string attribute) => $"using ConvGen;\nnamespace Demo;\n{attribute}\npublic partial class L;";
}
