using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>
/// ONNX's element-wise activations that <see cref="TensorPrimitives"/> has no single call for (HardSigmoid, HardSwish,
/// LeakyRelu, Elu, Softplus), each a few vectorised passes over chunks small enough for L1; called by generated
/// networks, not meant for direct use. <c>input</c> and <c>output</c> may be the same span (in place), and NaN propagates.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Pointwise
{
    /// <summary>Values per chunk: every pass over a chunk stays in L1.</summary>
    private const int Chunk = 1024;

    /// <summary>y = max(0, min(1, alpha * x + beta)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HardSigmoid(ReadOnlySpan<float> input, Span<float> output, float alpha, float beta)
    {
        Check(input, output);
        for (int start = 0; start < input.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, input.Length - start);
            Span<float> y = output.Slice(start, length);
            TensorPrimitives.Multiply(input.Slice(start, length), alpha, y);
            TensorPrimitives.Add(y, beta, y);
            TensorPrimitives.Max(y, 0f, y);
            TensorPrimitives.Min(y, 1f, y);
        }
    }

    /// <summary>y = x * max(0, min(1, x / 6 + 1/2)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HardSwish(ReadOnlySpan<float> input, Span<float> output)
    {
        Check(input, output);
        Span<float> gate = stackalloc float[Chunk];
        for (int start = 0; start < input.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, input.Length - start);
            ReadOnlySpan<float> x = input.Slice(start, length);
            Span<float> g = gate[..length];
            TensorPrimitives.Multiply(x, 1f / 6f, g);
            TensorPrimitives.Add(g, 0.5f, g);
            TensorPrimitives.Max(g, 0f, g);
            TensorPrimitives.Min(g, 1f, g);
            TensorPrimitives.Multiply(x, g, output.Slice(start, length));
        }
    }

    /// <summary>y = x when x &gt;= 0, else alpha * x: max(x, alpha * x) for alpha &lt;= 1 and min(x, alpha * x) above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeakyRelu(ReadOnlySpan<float> input, Span<float> output, float alpha)
    {
        Check(input, output);
        Span<float> scaled = stackalloc float[Chunk];
        for (int start = 0; start < input.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, input.Length - start);
            ReadOnlySpan<float> x = input.Slice(start, length);
            Span<float> s = scaled[..length];
            TensorPrimitives.Multiply(x, alpha, s);
            if (alpha <= 1f)
            {
                TensorPrimitives.Max(x, s, output.Slice(start, length));
            }
            else
            {
                TensorPrimitives.Min(x, s, output.Slice(start, length));
            }
        }
    }

    /// <summary>y = x when x &gt;= 0, else alpha * (exp(x) - 1): max(x, 0) + alpha * (exp(min(x, 0)) - 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Elu(ReadOnlySpan<float> input, Span<float> output, float alpha)
    {
        Check(input, output);
        Span<float> negative = stackalloc float[Chunk];
        for (int start = 0; start < input.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, input.Length - start);
            ReadOnlySpan<float> x = input.Slice(start, length);
            Span<float> n = negative[..length];
            Span<float> y = output.Slice(start, length);
            TensorPrimitives.Min(x, 0f, n);
            TensorPrimitives.Exp(n, n);
            TensorPrimitives.Add(n, -1f, n);
            TensorPrimitives.Multiply(n, alpha, n);
            TensorPrimitives.Max(x, 0f, y);
            TensorPrimitives.Add(y, n, y);
        }
    }

    /// <summary>y = log(1 + exp(x)), computed as max(x, 0) + log(1 + exp(-|x|)) so large inputs do not overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softplus(ReadOnlySpan<float> input, Span<float> output)
    {
        Check(input, output);
        Span<float> tail = stackalloc float[Chunk];
        for (int start = 0; start < input.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, input.Length - start);
            ReadOnlySpan<float> x = input.Slice(start, length);
            Span<float> t = tail[..length];
            Span<float> y = output.Slice(start, length);
            TensorPrimitives.Abs(x, t);
            TensorPrimitives.Negate(t, t);
            TensorPrimitives.Exp(t, t);
            TensorPrimitives.Add(t, 1f, t);
            TensorPrimitives.Log(t, t);
            TensorPrimitives.Max(x, 0f, y);
            TensorPrimitives.Add(y, t, y);
        }
    }

    private static void Check(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length != input.Length)
        {
            throw new ArgumentException($"output has {output.Length} values, but the input has {input.Length}; an element-wise function needs as many.", nameof(output));
        }
    }
}
