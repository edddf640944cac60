using System.Linq;
using System.Threading.Tasks;
using ConvGen.CodeFixes;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.CodeFixes;

/// <summary>CG0008: remove the explicit padding the diagnostic names, or switch the mode to Padding.Explicit.</summary>
public class PaddingConflictFixTests
{
    private static readonly PaddingConflictCodeFixProvider Provider = new();
    private const string Remove = PaddingConflictCodeFixProvider.RemoveExplicitPaddingKey;
    private const string Explicit = PaddingConflictCodeFixProvider.UseExplicitModeKey;

    [Theory]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, p: 1, padding: Padding.Same)]", Remove, "[Conv2d(@in: 3, @out: 8, k: 3, padding: Padding.Same)]")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, p: 1, padding: Padding.Same)]", Explicit, "[Conv2d(@in: 3, @out: 8, k: 3, p: 1, padding: Padding.Explicit)]")]
    [InlineData("[Conv2d(@in: 3, @out: 8, k: 3, padding: Padding.Full, pw: 2)]", Remove, "[Conv2d(@in: 3, @out: 8, k: 3, padding: Padding.Full)]")]
    [InlineData("[Conv1d(3, 8, 3, 1, 1, padding: Padding.Valid)]", Remove, "[Conv1d(3, 8, 3, 1, padding: Padding.Valid)]")]
    [InlineData("[Conv1d(3, 8, 3, 1, 1, 1, 1, true, Padding.Valid)]", Explicit, "[Conv1d(3, 8, 3, 1, 1, 1, 1, true, Padding.Explicit)]")]
    public Task Fixes_the_conflict(string before, string key, string after) =>
        CodeFixRunner.AssertFixAsync(Provider, Layer(before), key, Layer(after));

    [Fact]
    public async Task Offers_no_removal_that_would_shift_a_positional_argument()
    {
        var offers = await CodeFixRunner.OffersAsync(Provider, Layer("[Conv1d(3, 8, 3, 1, 1, 1, 1, true, Padding.Valid)]"));
        Assert.Equal([Explicit], offers.Select(o => o.Key));
    }

    [Fact]
    public async Task Titles_name_the_argument()
    {
        var offers = await CodeFixRunner.OffersAsync(Provider, Layer("[Conv2d(@in: 3, @out: 8, k: 3, ph: 1, padding: Padding.Same)]"));
        Assert.Equal(["Remove ph (the padding mode sets the padding)", "Use padding: Padding.Explicit (keep the explicit padding)"], offers.Select(o => o.Title));
    }

    [Fact]
    public Task Explicit_mode_is_spelled_as_the_file_allows() => CodeFixRunner.AssertFixAsync(
        Provider,
        "namespace Demo;\n[ConvGen.Conv2d(@in: 3, @out: 8, k: 3, p: 1, padding: ConvGen.Padding.Valid)]\npublic partial class L;",
        Explicit,
        "namespace Demo;\n[ConvGen.Conv2d(@in: 3, @out: 8, k: 3, p: 1, padding: ConvGen.Padding.Explicit)]\npublic partial class L;");

    [Fact]
    public Task Fix_all_removes_every_explicit_pad_of_a_multiline_attribute() => CodeFixRunner.AssertFixAsync(
        Provider,
        """
        using ConvGen;
        namespace Demo;

        [Conv2d(
            @in: 3,
            @out: 8,
            k: 3,
            ph: 1, // rows
            padding: Padding.Same,
            pw: 1)]
        public partial class L;
        """,
        Remove,
        """
        using ConvGen;
        namespace Demo;

        [Conv2d(
            @in: 3,
            @out: 8,
            k: 3,
            padding: Padding.Same)]
        public partial class L;
        """,
        fixAll: true);

    [Fact]
    public Task Fix_all_sets_the_mode_once_for_two_diagnostics_on_one_attribute() => CodeFixRunner.AssertFixAsync(
        Provider,
        Layer("[Conv2d(@in: 3, @out: 8, k: 3, ph: 1, pw: 2, padding: Padding.Same)]"),
        Explicit,
        Layer("[Conv2d(@in: 3, @out: 8, k: 3, ph: 1, pw: 2, padding: Padding.Explicit)]"),
        fixAll: true);

    private static string Layer(string attribute) => $"using ConvGen;\nnamespace Demo;\n{attribute}\npublic partial class L;";
}
