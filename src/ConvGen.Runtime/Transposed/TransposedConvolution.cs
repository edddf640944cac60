using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvGen.Transposed;

/// <summary>
/// What a generated transposed convolution does around its phase convolution (see <see cref="TransposedGeometry"/>):
/// packs PyTorch's weights and biases into the phase convolution's, and places that convolution's outputs at their
/// interleaved positions in the layer's output.
/// </summary>
public static class TransposedConvolution
{
    /// <summary>
    /// Writes the phase convolution's weights [ConvOutChannels, in/groups, sub-kernel rows, sub-kernel columns] from a
    /// transposed convolution's PyTorch weights [in, out/groups, kh, kw]: each phase's taps, flipped, zero where the phase is shorter.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the geometry's length.</exception>
    public static void PackPhaseWeight(TransposedGeometry geometry, ReadOnlySpan<float> weight, Span<float> phaseWeight)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var (vertical, horizontal) = (geometry.Vertical, geometry.Horizontal);
        int inPerGroup = geometry.InChannelsPerGroup, outPerGroup = geometry.OutChannelsPerGroup;
        int kh = vertical.Kernel, kw = horizontal.Kernel, mh = vertical.SubKernel, mw = horizontal.SubKernel;
        CheckLength(weight.Length, (long)geometry.InChannels * outPerGroup * kh * kw, nameof(weight));
        CheckLength(phaseWeight.Length, geometry.ConvWeightLength, nameof(phaseWeight));
        int at = 0;
        for (int group = 0; group < geometry.Groups; group++)
        {
            for (int phase = 0; phase < geometry.Phases; phase++)
            {
                int row = geometry.PhaseRow(phase), column = geometry.PhaseColumn(phase);
                for (int channel = 0; channel < outPerGroup; channel++)
                {
                    for (int input = 0; input < inPerGroup; input++)
                    {
                        int source = ((((group * inPerGroup) + input) * outPerGroup) + channel) * kh * kw;
                        for (int y = 0; y < mh; y++)
                        {
                            int ky = vertical.KernelTap(row, y);
                            for (int x = 0; x < mw; x++)
                            {
                                int kx = horizontal.KernelTap(column, x);
                                phaseWeight[at++] = ky < 0 || kx < 0 ? 0f : weight[source + (ky * kw) + kx];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Writes the phase convolution's biases [ConvOutChannels]: each output channel's bias for each of its phases.</summary>
    /// <exception cref="ArgumentException">A span does not have the geometry's length.</exception>
    public static void PackPhaseBias(TransposedGeometry geometry, ReadOnlySpan<float> bias, Span<float> phaseBias)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        CheckLength(bias.Length, geometry.OutChannels, nameof(bias));
        CheckLength(phaseBias.Length, geometry.ConvOutChannels, nameof(phaseBias));
        int outPerGroup = geometry.OutChannelsPerGroup;
        for (int group = 0; group < geometry.Groups; group++)
        {
            for (int phase = 0; phase < geometry.Phases; phase++)
            {
                bias.Slice(group * outPerGroup, outPerGroup).CopyTo(phaseBias.Slice(((group * geometry.Phases) + phase) * outPerGroup));
            }
        }
    }

    /// <summary>What the outputs of a phase without taps hold: <paramref name="activation"/>(bias), per output channel
    /// (activation(0) without a bias).</summary>
    /// <exception cref="ArgumentException"><paramref name="bias"/> is neither empty nor as long as <paramref name="values"/>.</exception>
    public static void EmptyPhaseValues(ReadOnlySpan<float> bias, Activation activation, Span<float> values)
    {
        if (bias.IsEmpty)
        {
            values.Clear();
        }
        else
        {
            CheckLength(bias.Length, values.Length, nameof(bias));
            bias.CopyTo(values);
        }

        Activations.Apply(activation, values);
    }

    /// <summary>Fewest output values worth a thread of their own when placing (about 20 us of copying).</summary>
    private const double MinimumPlacedPerThread = 1 << 16;

    /// <summary>
    /// Places the phase convolution's output <paramref name="phases"/> (batch x ConvOutChannels x its output size) into
    /// <paramref name="output"/> (batch x OutChannels x the layer's output size) for an input of
    /// <paramref name="height"/> x <paramref name="width"/>: output (y, x) is phase (y mod sh, x mod sw)'s output
    /// (y / sh, x / sw), shifted by the phase's offsets; phases without taps get <paramref name="emptyPhaseValues"/>.
    /// Output planes are split over up to <paramref name="degreeOfParallelism"/> threads (0: as many as the copying pays).
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the length the sizes give.</exception>
    public static void Scatter(
        TransposedGeometry geometry, ReadOnlySpan<float> phases, Span<float> output, int batch, int height, int width,
        float[]? emptyPhaseValues, int degreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var (vertical, horizontal) = (geometry.Vertical, geometry.Horizontal);
        int outputHeight = (int)vertical.OutputSize(height), outputWidth = (int)horizontal.OutputSize(width);
        CheckLength(phases.Length, (long)batch * geometry.ConvOutChannels * vertical.ConvOutputSize(height) * horizontal.ConvOutputSize(width), nameof(phases));
        CheckLength(output.Length, (long)batch * geometry.OutChannels * outputHeight * outputWidth, nameof(output));
        if (geometry.HasEmptyPhases)
        {
            CheckLength(emptyPhaseValues?.Length ?? 0, geometry.OutChannels, nameof(emptyPhaseValues));
        }

        int planes = batch * geometry.OutChannels;
        int threads = Math.Min(ForwardParts.Threads(degreeOfParallelism, output.Length, MinimumPlacedPerThread), planes);
        if (threads == 1)
        {
            PlacePlanes(geometry, phases, output, height, width, emptyPhaseValues, 0, planes);
            return;
        }

        // The empty phases' values ride as the call's scratch, which every part reads whole.
        var shape = new ForwardShape(batch, height, width, outputHeight, outputWidth, Math.Min(planes, 4 * threads), threads);
        ForwardParts.Run(geometry, phases, output, emptyPhaseValues, shape, static (geometry, phases, output, empty, in shape, part, thread) =>
        {
            int planes = shape.Batch * geometry.OutChannels;
            PlacePlanes(geometry, phases, output, shape.Height, shape.Width, empty, part * planes / shape.Parts, (part + 1) * planes / shape.Parts);
        });
    }

    /// <summary>Places output planes <paramref name="first"/> to <paramref name="end"/> - 1 (image * OutChannels + channel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlacePlanes(
        TransposedGeometry geometry, ReadOnlySpan<float> phases, Span<float> output, int height, int width, ReadOnlySpan<float> emptyPhaseValues, int first, int end)
    {
        var (vertical, horizontal) = (geometry.Vertical, geometry.Horizontal);
        int outputHeight = (int)vertical.OutputSize(height), outputWidth = (int)horizontal.OutputSize(width);
        int convHeight = (int)vertical.ConvOutputSize(height), convWidth = (int)horizontal.ConvOutputSize(width);
        int sh = vertical.Stride, sw = horizontal.Stride, outPerGroup = geometry.OutChannelsPerGroup;
        int convPlane = convHeight * convWidth, outputPlane = outputHeight * outputWidth, phasePlanes = outPerGroup * convPlane;

        // At a stride of 3 or more with every phase present, each vertical phase's rows read column x from
        // columns[x]: its horizontal phase's planes, offset and x / sw, relative to the row's start in phase 0.
        bool gathers = sw > 2 && !geometry.HasEmptyPhases;
        int[]? rented = gathers ? ArrayPool<int>.Shared.Rent(sh * outputWidth) : null;
        var columns = rented.AsSpan(0, gathers ? sh * outputWidth : 0);
        int reach = 0; // the largest column any row reads
        for (int row = 0; gathers && row < sh; row++)
        {
            int phase0 = geometry.PhaseIndex(row, 0);
            for (int x = 0; x < outputWidth; x++)
            {
                int column = x % sw;
                columns[(row * outputWidth) + x] = ((geometry.PhaseIndex(row, column) - phase0) * phasePlanes) + horizontal.Offset(column) + (x / sw);
                reach = Math.Max(reach, columns[(row * outputWidth) + x]);
            }
        }

        Span<int> columnStart = stackalloc int[sw];
        for (int planeIndex = first; planeIndex < end; planeIndex++)
        {
            int n = planeIndex / geometry.OutChannels, channel = planeIndex % geometry.OutChannels;
            int group = channel / outPerGroup;
            int start = ((n * geometry.ConvOutChannels) + (group * geometry.Phases * outPerGroup) + (channel % outPerGroup)) * convPlane;
            var plane = output.Slice(planeIndex * outputPlane, outputPlane);
            float empty = geometry.HasEmptyPhases ? emptyPhaseValues[channel] : 0f;
            for (int y = 0; y < outputHeight; y++)
            {
                int row = y % sh;
                int convRow = (y / sh) + vertical.Offset(row);
                var destination = plane.Slice(y * outputWidth, outputWidth);

                // Where each horizontal phase's row starts in the phases (-1: the phase has no taps).
                for (int column = 0; column < sw; column++)
                {
                    int phase = geometry.PhaseIndex(row, column);
                    columnStart[column] = phase < 0 ? -1 : start + (phase * phasePlanes) + (convRow * convWidth) + horizontal.Offset(column);
                }

                if (sw == 1)
                {
                    if (columnStart[0] < 0)
                    {
                        destination.Fill(empty);
                    }
                    else
                    {
                        phases.Slice(columnStart[0], outputWidth).CopyTo(destination);
                    }
                }
                else if (sw == 2 && columnStart[0] >= 0 && columnStart[1] >= 0)
                {
                    Interleave(phases.Slice(columnStart[0], (outputWidth + 1) / 2), phases.Slice(columnStart[1], outputWidth / 2), destination);
                }
                else if (gathers)
                {
                    // Bounds-checked once for the whole row: the gathers read unchecked.
                    var source = phases.Slice(columnStart[0] - horizontal.Offset(0), reach + 1);
                    Gather(source, columns.Slice(row * outputWidth, outputWidth), destination);
                }
                else
                {
                    for (int column = 0; column < sw; column++)
                    {
                        int count = horizontal.PhaseOutputs(column, outputWidth);
                        if (columnStart[column] < 0)
                        {
                            for (int q = 0; q < count; q++)
                            {
                                destination[column + (q * sw)] = empty;
                            }
                        }
                        else
                        {
                            var source = phases.Slice(columnStart[column], count);
                            for (int q = 0; q < count; q++)
                            {
                                destination[column + (q * sw)] = source[q];
                            }
                        }
                    }
                }
            }
        }

        if (rented is not null)
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>row[x] = source[columns[x]]: one gather instruction per Vector256. Every column must be below source.Length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Gather(ReadOnlySpan<float> source, ReadOnlySpan<int> columns, Span<float> row)
    {
        fixed (float* from = source)
        fixed (int* column = columns)
        fixed (float* to = row)
        {
            int x = 0;
            if (Avx2.IsSupported) // .NET has no AVX-512 gather
            {
                for (; x + Vector256<float>.Count <= row.Length; x += Vector256<float>.Count)
                {
                    Avx2.GatherVector256(from, Avx.LoadVector256(column + x), 4).Store(to + x);
                }
            }

            for (; x < row.Length; x++)
            {
                to[x] = from[column[x]];
            }
        }
    }

    /// <summary>row[2q] = even[q], row[2q + 1] = odd[q]: two vectors of each become two interleaved vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interleave(ReadOnlySpan<float> even, ReadOnlySpan<float> odd, Span<float> row)
    {
        ref float e = ref MemoryMarshal.GetReference(even);
        ref float o = ref MemoryMarshal.GetReference(odd);
        ref float r = ref MemoryMarshal.GetReference(row);
        int q = 0;
        if (Avx512F.IsSupported)
        {
            var low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
            var high = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
            for (; q + Vector512<float>.Count <= odd.Length; q += Vector512<float>.Count)
            {
                var a = Vector512.LoadUnsafe(ref e, (nuint)q);
                var b = Vector512.LoadUnsafe(ref o, (nuint)q);
                Avx512F.PermuteVar16x32x2(a, low, b).StoreUnsafe(ref r, (nuint)(2 * q));
                Avx512F.PermuteVar16x32x2(a, high, b).StoreUnsafe(ref r, (nuint)((2 * q) + Vector512<float>.Count));
            }
        }

        if (Avx.IsSupported)
        {
            for (; q + Vector256<float>.Count <= odd.Length; q += Vector256<float>.Count)
            {
                var a = Vector256.LoadUnsafe(ref e, (nuint)q);
                var b = Vector256.LoadUnsafe(ref o, (nuint)q);
                var low = Avx.UnpackLow(a, b);   // a0 b0 a1 b1 | a4 b4 a5 b5
                var high = Avx.UnpackHigh(a, b); // a2 b2 a3 b3 | a6 b6 a7 b7
                Avx.Permute2x128(low, high, 0x20).StoreUnsafe(ref r, (nuint)(2 * q));
                Avx.Permute2x128(low, high, 0x31).StoreUnsafe(ref r, (nuint)((2 * q) + Vector256<float>.Count));
            }
        }

        for (; q < odd.Length; q++)
        {
            row[2 * q] = even[q];
            row[(2 * q) + 1] = odd[q];
        }

        if (even.Length > odd.Length)
        {
            row[2 * q] = even[q];
        }
    }

    private static void CheckLength(int actual, long expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} values, but the transposed convolution's geometry needs {expected}.", name);
        }
    }
}
