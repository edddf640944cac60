using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvGen.Kernels;

namespace ConvGen.Operators;

/// <summary>
/// The element-wise activations that <see cref="System.Numerics.Tensors.TensorPrimitives"/> lacks (SiLU in one pass, and
/// Sigmoid on the same formula), as ONNX defines them (and the runtime's LeakyReLU); called by generated networks, not meant for direct use. Each runs on the
/// widest accelerated vectors (Vector512/256/128), the values past the last whole vector through one more vector padded
/// on the stack (so every value takes the same formula, in place too), and one value at a time where no vector is
/// accelerated. NaN stays NaN: comparisons select the formula that carries it, and the clamps propagate it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Elementwise
{
    /// <summary>ONNX LeakyRelu: y = x when x &gt;= 0, else alpha * x. <paramref name="y"/> may be <paramref name="x"/>'s own memory.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void LeakyRelu(ReadOnlySpan<float> x, Span<float> y, float alpha) => Map(x, y, new LeakyReluOf(alpha));

    /// <summary>ONNX Elu: y = x when x &gt;= 0, else alpha * (exp(x) - 1). <paramref name="y"/> may be <paramref name="x"/>'s own memory.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Elu(ReadOnlySpan<float> x, Span<float> y, float alpha) => Map(x, y, new EluOf(alpha));

    /// <summary>ONNX HardSigmoid: y = clamp(alpha * x + beta, 0, 1). <paramref name="y"/> may be <paramref name="x"/>'s own memory.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void HardSigmoid(ReadOnlySpan<float> x, Span<float> y, float alpha, float beta) => Map(x, y, new HardSigmoidOf(alpha, beta));

    /// <summary>ONNX HardSwish: y = x * clamp(x / 6 + 0.5, 0, 1). <paramref name="y"/> may be <paramref name="x"/>'s own memory.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void HardSwish(ReadOnlySpan<float> x, Span<float> y) => Map(x, y, default(HardSwishOf));

    /// <summary>ONNX Softplus: y = log(1 + exp(x)), computed as max(x, 0) + log(1 + exp(-|x|)) so that large inputs do not
    /// overflow. <paramref name="y"/> may be <paramref name="x"/>'s own memory.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Softplus(ReadOnlySpan<float> x, Span<float> y) => Map(x, y, default(SoftplusOf));

    /// <summary>ONNX Sigmoid: y = 1 / (1 + e^-x) (<see cref="Logistic"/>). <paramref name="y"/> may be <paramref name="x"/>'s own memory.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => Map(x, y, default(SigmoidOf));

    /// <summary>SiLU (swish): y = x * sigmoid(x), PyTorch's <c>nn.SiLU</c>, which ONNX exports as Sigmoid and Mul.
    /// <paramref name="y"/> may be <paramref name="x"/>'s own memory.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void SiLU(ReadOnlySpan<float> x, Span<float> y) => Map(x, y, default(SiLUOf));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TFunction>(ReadOnlySpan<float> x, Span<float> y, TFunction f)
        where TFunction : struct, IFunction
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"the output has {y.Length} values for {x.Length} inputs.", nameof(y));
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Sweep<Vector512<float>, Vector512Ops, TFunction>(x, y, f);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Sweep<Vector256<float>, Vector256Ops, TFunction>(x, y, f);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Sweep<Vector128<float>, Vector128Ops, TFunction>(x, y, f);
        }
        else
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = f.Of(x[i]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sweep<TVector, TOps, TFunction>(ReadOnlySpan<float> x, Span<float> y, TFunction f)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TFunction : struct, IFunction<TVector>
    {
        ref float from = ref MemoryMarshal.GetReference(x);
        ref float to = ref MemoryMarshal.GetReference(y);
        int i = 0;
        // Four vectors at a time: the functions are long chains of dependent operations, and four independent chains
        // side by side keep the vector units busy where one chain would wait on each result.
        for (; i + (4 * TOps.Count) <= x.Length; i += 4 * TOps.Count)
        {
            TVector a = f.Of(TOps.LoadUnsafe(ref from, (nuint)i));
            TVector b = f.Of(TOps.LoadUnsafe(ref from, (nuint)(i + TOps.Count)));
            TVector c = f.Of(TOps.LoadUnsafe(ref from, (nuint)(i + (2 * TOps.Count))));
            TVector d = f.Of(TOps.LoadUnsafe(ref from, (nuint)(i + (3 * TOps.Count))));
            TOps.StoreUnsafe(a, ref to, (nuint)i);
            TOps.StoreUnsafe(b, ref to, (nuint)(i + TOps.Count));
            TOps.StoreUnsafe(c, ref to, (nuint)(i + (2 * TOps.Count)));
            TOps.StoreUnsafe(d, ref to, (nuint)(i + (3 * TOps.Count)));
        }

        for (; i + TOps.Count <= x.Length; i += TOps.Count)
        {
            TOps.StoreUnsafe(f.Of(TOps.LoadUnsafe(ref from, (nuint)i)), ref to, (nuint)i);
        }

        if (i < x.Length)
        {
            Span<float> tail = stackalloc float[TOps.Count];
            x.Slice(i).CopyTo(tail);
            ref float padded = ref MemoryMarshal.GetReference(tail);
            TOps.StoreUnsafe(f.Of(TOps.LoadUnsafe(ref padded, 0)), ref padded, 0);
            tail.Slice(0, x.Length - i).CopyTo(y.Slice(i));
        }
    }

    /// <summary>One activation on one vector type (or on one value).</summary>
    private interface IFunction<TValue>
    {
        TValue Of(TValue x);
    }

    /// <summary>One activation, written for each vector width and for one value.</summary>
    private interface IFunction : IFunction<Vector512<float>>, IFunction<Vector256<float>>, IFunction<Vector128<float>>, IFunction<float>;

    private readonly struct LeakyReluOf(float alpha) : IFunction
    {
        public Vector512<float> Of(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), x, x * alpha);

        public Vector256<float> Of(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), x, x * alpha);

        public Vector128<float> Of(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), x, x * alpha);

        public float Of(float x) => x >= 0f ? x : alpha * x;
    }

    private readonly struct EluOf(float alpha) : IFunction
    {
        public Vector512<float> Of(Vector512<float> x) =>
            Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), x, alpha * (Vector512.Exp(x) - Vector512<float>.One));

        public Vector256<float> Of(Vector256<float> x) =>
            Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), x, alpha * (Vector256.Exp(x) - Vector256<float>.One));

        public Vector128<float> Of(Vector128<float> x) =>
            Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), x, alpha * (Vector128.Exp(x) - Vector128<float>.One));

        public float Of(float x) => x >= 0f ? x : alpha * (MathF.Exp(x) - 1f);
    }

    private readonly struct HardSigmoidOf(float alpha, float beta) : IFunction
    {
        public Vector512<float> Of(Vector512<float> x) => Vector512.Clamp((alpha * x) + Vector512.Create(beta), Vector512<float>.Zero, Vector512<float>.One);

        public Vector256<float> Of(Vector256<float> x) => Vector256.Clamp((alpha * x) + Vector256.Create(beta), Vector256<float>.Zero, Vector256<float>.One);

        public Vector128<float> Of(Vector128<float> x) => Vector128.Clamp((alpha * x) + Vector128.Create(beta), Vector128<float>.Zero, Vector128<float>.One);

        public float Of(float x) => Math.Clamp((alpha * x) + beta, 0f, 1f);
    }

    private readonly struct HardSwishOf : IFunction
    {
        public Vector512<float> Of(Vector512<float> x) => x * Vector512.Clamp((x / 6f) + Vector512.Create(0.5f), Vector512<float>.Zero, Vector512<float>.One);

        public Vector256<float> Of(Vector256<float> x) => x * Vector256.Clamp((x / 6f) + Vector256.Create(0.5f), Vector256<float>.Zero, Vector256<float>.One);

        public Vector128<float> Of(Vector128<float> x) => x * Vector128.Clamp((x / 6f) + Vector128.Create(0.5f), Vector128<float>.Zero, Vector128<float>.One);

        public float Of(float x) => x * Math.Clamp((x / 6f) + 0.5f, 0f, 1f);
    }

    private readonly struct SigmoidOf : IFunction
    {
        public Vector512<float> Of(Vector512<float> x) => Logistic.Of<Vector512<float>, Vector512Ops>(x);

        public Vector256<float> Of(Vector256<float> x) => Logistic.Of<Vector256<float>, Vector256Ops>(x);

        public Vector128<float> Of(Vector128<float> x) => Logistic.Of<Vector128<float>, Vector128Ops>(x);

        public float Of(float x) => Logistic.Of(x);
    }

    private readonly struct SiLUOf : IFunction
    {
        public Vector512<float> Of(Vector512<float> x) => x * Logistic.Of<Vector512<float>, Vector512Ops>(x);

        public Vector256<float> Of(Vector256<float> x) => x * Logistic.Of<Vector256<float>, Vector256Ops>(x);

        public Vector128<float> Of(Vector128<float> x) => x * Logistic.Of<Vector128<float>, Vector128Ops>(x);

        public float Of(float x) => x * Logistic.Of(x);
    }

    private readonly struct SoftplusOf : IFunction
    {
        public Vector512<float> Of(Vector512<float> x) =>
            Vector512.Max(x, Vector512<float>.Zero) + Vector512.Log(Vector512<float>.One + Vector512.Exp(-Vector512.Abs(x)));

        public Vector256<float> Of(Vector256<float> x) =>
            Vector256.Max(x, Vector256<float>.Zero) + Vector256.Log(Vector256<float>.One + Vector256.Exp(-Vector256.Abs(x)));

        public Vector128<float> Of(Vector128<float> x) =>
            Vector128.Max(x, Vector128<float>.Zero) + Vector128.Log(Vector128<float>.One + Vector128.Exp(-Vector128.Abs(x)));

        public float Of(float x) => MathF.Max(x, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));
    }
}
