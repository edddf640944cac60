using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ConvGen.Kernels;

namespace ConvGen.Operators;

/// <summary>
/// A dense layer, y = x W^T + b (ONNX Gemm/MatMul with constant weights, the runtime's Linear); called by generated
/// networks, not meant for direct use. Blocks of four input rows share each pass over a weight row (every weight is
/// read once per block, four multiply-adds per weight load); a row left over computes four outputs at a time, sharing
/// each load of its inputs. The products accumulate in the widest accelerated vectors (Vector512/256/128), lanes summed
/// at the end, the inputs past the last whole vector added one by one.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dense
{
    /// <summary>
    /// y[r, m] = Σ_i x[r, i] weight[m, i] + bias[m] for each of <paramref name="rows"/> rows of
    /// <paramref name="inFeatures"/> values in <paramref name="x"/>; <paramref name="weight"/> is [out, in],
    /// <paramref name="bias"/> [out] or empty (none). <paramref name="y"/> must not overlap <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, or a span does not hold what the sizes say.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, Span<float> y, int rows, int inFeatures, int outFeatures, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
    {
        if (rows < 0 || inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentException($"{rows} rows of {inFeatures} -> {outFeatures} features is not a dense layer: the feature counts must be positive.");
        }

        if (weight.Length != (long)outFeatures * inFeatures || (!bias.IsEmpty && bias.Length != outFeatures))
        {
            throw new ArgumentException($"a [{outFeatures}, {inFeatures}] weight and a bias of {outFeatures} (or none) were expected, not {weight.Length} and {bias.Length} values.", nameof(weight));
        }

        if (x.Length < (long)rows * inFeatures || y.Length < (long)rows * outFeatures)
        {
            throw new ArgumentException($"{rows} rows of {inFeatures} -> {outFeatures} features need {(long)rows * inFeatures} input and {(long)rows * outFeatures} output values, not {x.Length} and {y.Length}.");
        }

        if (Vector512.IsHardwareAccelerated && inFeatures >= Vector512<float>.Count)
        {
            Run<Vector512<float>, Vector512Ops>(x, y, rows, inFeatures, outFeatures, weight, bias);
        }
        else if (Vector256.IsHardwareAccelerated && inFeatures >= Vector256<float>.Count)
        {
            Run<Vector256<float>, Vector256Ops>(x, y, rows, inFeatures, outFeatures, weight, bias);
        }
        else if (Vector128.IsHardwareAccelerated && inFeatures >= Vector128<float>.Count)
        {
            Run<Vector128<float>, Vector128Ops>(x, y, rows, inFeatures, outFeatures, weight, bias);
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                for (int m = 0; m < outFeatures; m++)
                {
                    y[(r * outFeatures) + m] = TensorPrimitives.Dot(x.Slice(r * inFeatures, inFeatures), weight.Slice(m * inFeatures, inFeatures)) + (bias.IsEmpty ? 0f : bias[m]);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TVector, TOps>(ReadOnlySpan<float> x, Span<float> y, int rows, int inFeatures, int outFeatures, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        // Every index below is inside the spans checked by the caller.
        int whole = inFeatures - (inFeatures % TOps.Count);
        ref float w = ref MemoryMarshal.GetReference(weight);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref float x0 = ref Unsafe.AsRef(in x[r * inFeatures]);
            ref float x1 = ref Unsafe.Add(ref x0, inFeatures);
            ref float x2 = ref Unsafe.Add(ref x1, inFeatures);
            ref float x3 = ref Unsafe.Add(ref x2, inFeatures);
            for (int m = 0; m < outFeatures; m++)
            {
                ref float wm = ref Unsafe.Add(ref w, m * inFeatures);
                TVector a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
                int i = 0;
                for (; i < whole; i += TOps.Count)
                {
                    var wi = TOps.LoadUnsafe(ref wm, (nuint)i);
                    a0 = TOps.MultiplyAddEstimate(TOps.LoadUnsafe(ref x0, (nuint)i), wi, a0);
                    a1 = TOps.MultiplyAddEstimate(TOps.LoadUnsafe(ref x1, (nuint)i), wi, a1);
                    a2 = TOps.MultiplyAddEstimate(TOps.LoadUnsafe(ref x2, (nuint)i), wi, a2);
                    a3 = TOps.MultiplyAddEstimate(TOps.LoadUnsafe(ref x3, (nuint)i), wi, a3);
                }

                float s0 = TOps.Sum(a0), s1 = TOps.Sum(a1), s2 = TOps.Sum(a2), s3 = TOps.Sum(a3);
                for (; i < inFeatures; i++)
                {
                    float wi = Unsafe.Add(ref wm, i);
                    s0 += Unsafe.Add(ref x0, i) * wi;
                    s1 += Unsafe.Add(ref x1, i) * wi;
                    s2 += Unsafe.Add(ref x2, i) * wi;
                    s3 += Unsafe.Add(ref x3, i) * wi;
                }

                float b = bias.IsEmpty ? 0f : bias[m];
                y[(r * outFeatures) + m] = s0 + b;
                y[((r + 1) * outFeatures) + m] = s1 + b;
                y[((r + 2) * outFeatures) + m] = s2 + b;
                y[((r + 3) * outFeatures) + m] = s3 + b;
            }
        }

        for (; r < rows; r++)
        {
            ref float xr = ref Unsafe.AsRef(in x[r * inFeatures]);
            int m = 0;
            for (; m + 4 <= outFeatures; m += 4)
            {
                ref float w0 = ref Unsafe.Add(ref w, m * inFeatures);
                ref float w1 = ref Unsafe.Add(ref w0, inFeatures);
                ref float w2 = ref Unsafe.Add(ref w1, inFeatures);
                ref float w3 = ref Unsafe.Add(ref w2, inFeatures);
                TVector a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
                int i = 0;
                for (; i < whole; i += TOps.Count)
                {
                    var xi = TOps.LoadUnsafe(ref xr, (nuint)i);
                    a0 = TOps.MultiplyAddEstimate(xi, TOps.LoadUnsafe(ref w0, (nuint)i), a0);
                    a1 = TOps.MultiplyAddEstimate(xi, TOps.LoadUnsafe(ref w1, (nuint)i), a1);
                    a2 = TOps.MultiplyAddEstimate(xi, TOps.LoadUnsafe(ref w2, (nuint)i), a2);
                    a3 = TOps.MultiplyAddEstimate(xi, TOps.LoadUnsafe(ref w3, (nuint)i), a3);
                }

                float s0 = TOps.Sum(a0), s1 = TOps.Sum(a1), s2 = TOps.Sum(a2), s3 = TOps.Sum(a3);
                for (; i < inFeatures; i++)
                {
                    float xi = Unsafe.Add(ref xr, i);
                    s0 += xi * Unsafe.Add(ref w0, i);
                    s1 += xi * Unsafe.Add(ref w1, i);
                    s2 += xi * Unsafe.Add(ref w2, i);
                    s3 += xi * Unsafe.Add(ref w3, i);
                }

                Span<float> outputs = y.Slice((r * outFeatures) + m, 4);
                outputs[0] = s0 + (bias.IsEmpty ? 0f : bias[m]);
                outputs[1] = s1 + (bias.IsEmpty ? 0f : bias[m + 1]);
                outputs[2] = s2 + (bias.IsEmpty ? 0f : bias[m + 2]);
                outputs[3] = s3 + (bias.IsEmpty ? 0f : bias[m + 3]);
            }

            for (; m < outFeatures; m++)
            {
                ref float wm = ref Unsafe.Add(ref w, m * inFeatures);
                TVector a = TOps.Zero;
                int i = 0;
                for (; i < whole; i += TOps.Count)
                {
                    a = TOps.MultiplyAddEstimate(TOps.LoadUnsafe(ref xr, (nuint)i), TOps.LoadUnsafe(ref wm, (nuint)i), a);
                }

                float s = TOps.Sum(a);
                for (; i < inFeatures; i++)
                {
                    s += Unsafe.Add(ref xr, i) * Unsafe.Add(ref wm, i);
                }

                y[(r * outFeatures) + m] = s + (bias.IsEmpty ? 0f : bias[m]);
            }
        }
    }
}
