using System.Threading.Tasks;
using ConvGen.CodeFixes;
using ConvGen.Tests.Infrastructure;
using Xunit;

namespace ConvGen.Tests.CodeFixes;

/// <summary>CG0015 and CG0017: the layer class and every type around it become partial, their formatting kept.</summary>
public class MakePartialFixTests
{
    private static readonly MakePartialCodeFixProvider Provider = new();

    [Fact]
    public Task Makes_the_layer_class_partial() => CodeFixRunner.AssertFixAsync(
        Provider,
        """
        using ConvGen;
        namespace Demo;

        [Conv2d(@in: 3, @out: 8, k: 3)]
        public sealed class Stem;
        """,
        MakePartialCodeFixProvider.EquivalenceKey,
        """
        using ConvGen;
        namespace Demo;

        [Conv2d(@in: 3, @out: 8, k: 3)]
        public sealed partial class Stem;
        """);

    [Fact]
    public Task Makes_every_containing_type_partial_including_ones_without_modifiers() => CodeFixRunner.AssertFixAsync(
        Provider,
        """
        using ConvGen;
        namespace Demo;

        class Outer
        {
            internal partial class Middle
            {
                internal class Inner
                {
                    [Conv1d(@in: 2, @out: 4, k: 3)]
                    class Layer { }
                }
            }
        }
        """,
        MakePartialCodeFixProvider.EquivalenceKey,
        """
        using ConvGen;
        namespace Demo;

        partial class Outer
        {
            internal partial class Middle
            {
                internal partial class Inner
                {
                    [Conv1d(@in: 2, @out: 4, k: 3)]
                    partial class Layer { }
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_makes_two_layers_and_their_shared_container_partial() => CodeFixRunner.AssertFixAsync(
        Provider,
        """
        using ConvGen;
        namespace Demo;

        public static class Net
        {
            [Conv2d(@in: 3, @out: 8, k: 3)] public class A;
            [Conv2d(@in: 8, @out: 8, k: 1)] public partial class B;
        }
        """,
        MakePartialCodeFixProvider.EquivalenceKey,
        """
        using ConvGen;
        namespace Demo;

        public static partial class Net
        {
            [Conv2d(@in: 3, @out: 8, k: 3)] public partial class A;
            [Conv2d(@in: 8, @out: 8, k: 1)] public partial class B;
        }
        """,
        fixAll: true);
}
