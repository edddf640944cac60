using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>An element-wise function written once on <see cref="Vector{T}"/> (erf and GELU: formulas too long to
/// repeat for each width as <see cref="Elementwise"/> does).</summary>
internal interface INumericsFunction
{
    Vector<float> Of(Vector<float> x);
}

/// <summary>Runs an <see cref="INumericsFunction"/> over a span: whole vectors, then the values past the last one through
/// one more vector padded on the stack, so every value takes the same formula (in place too).</summary>
internal static class NumericsMap
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TFunction>(ReadOnlySpan<float> x, Span<float> y, TFunction f)
        where TFunction : struct, INumericsFunction
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"the output has {y.Length} values for {x.Length} inputs.", nameof(y));
        }

        int i = 0;
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            f.Of(new Vector<float>(x.Slice(i))).CopyTo(y.Slice(i));
        }

        if (i < x.Length)
        {
            Span<float> tail = stackalloc float[Vector<float>.Count];
            x.Slice(i).CopyTo(tail);
            f.Of(new Vector<float>(tail)).CopyTo(tail);
            tail.Slice(0, x.Length - i).CopyTo(y.Slice(i));
        }
    }
}
