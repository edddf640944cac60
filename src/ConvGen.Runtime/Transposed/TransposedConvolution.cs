using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvGen.Transposed;

/// <summary>
/// The generated transposed convolution as <see cref="TransposedConvolution.Forward"/> runs it: its geometry, and its
/// phase convolutions, each run on the layer's input into its part of the phase outputs.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IPhaseConvolutions
{
    /// <summary>The layer's phases and phase convolutions.</summary>
    TransposedGeometry Geometry { get; }

    /// <summary>Runs phase convolution <paramref name="convolution"/> on <paramref name="input"/> (batch x InChannels x
    /// height x width) into <paramref name="output"/> (batch x its output channels x its output size) on up to
    /// <paramref name="degreeOfParallelism"/> threads (0: as many as pay).</summary>
    void RunPhaseConvolution(int convolution, ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width, int degreeOfParallelism);
}

/// <summary>
/// What a generated transposed convolution does around its phase convolutions (see <see cref="TransposedGeometry"/>):
/// packs PyTorch's weights and biases into theirs, runs them, and places their outputs at their interleaved positions
/// in the layer's output.
/// </summary>
public static class TransposedConvolution
{
    /// <summary>
    /// Writes phase convolution <paramref name="convolution"/>'s weights [its output channels, in/groups, sub-kernel rows,
    /// sub-kernel columns] from a transposed convolution's PyTorch weights [in, out/groups, kh, kw]: each phase's taps,
    /// flipped, zero where the phase is shorter than its class's sub-kernel.
    /// </summary>
    /// <exception cref="ArgumentException">A span does not have the geometry's length.</exception>
    public static void PackPhaseWeight(TransposedGeometry geometry, int convolution, ReadOnlySpan<float> weight, Span<float> phaseWeight)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var (vertical, horizontal) = (geometry.Vertical, geometry.Horizontal);
        int inPerGroup = geometry.InChannelsPerGroup, outPerGroup = geometry.OutChannelsPerGroup;
        int kh = vertical.Kernel, kw = horizontal.Kernel;
        int mh = vertical.SubKernel(geometry.VerticalClass(convolution)), mw = horizontal.SubKernel(geometry.HorizontalClass(convolution));
        CheckLength(weight.Length, (long)geometry.InChannels * outPerGroup * kh * kw, nameof(weight));
        CheckLength(phaseWeight.Length, geometry.ConvolutionWeightLength(convolution), nameof(phaseWeight));
        int at = 0;
        for (int group = 0; group < geometry.Groups; group++)
        {
            for (int phase = geometry.FirstPhase(convolution); phase < geometry.FirstPhase(convolution + 1); phase++)
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

    /// <summary>Writes phase convolution <paramref name="convolution"/>'s biases: each output channel's bias for each of its phases.</summary>
    /// <exception cref="ArgumentException">A span does not have the geometry's length.</exception>
    public static void PackPhaseBias(TransposedGeometry geometry, int convolution, ReadOnlySpan<float> bias, Span<float> phaseBias)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        CheckLength(bias.Length, geometry.OutChannels, nameof(bias));
        CheckLength(phaseBias.Length, geometry.ConvolutionOutChannels(convolution), nameof(phaseBias));
        int outPerGroup = geometry.OutChannelsPerGroup, phases = geometry.ConvolutionPhases(convolution);
        for (int group = 0; group < geometry.Groups; group++)
        {
            for (int phase = 0; phase < phases; phase++)
            {
                bias.Slice(group * outPerGroup, outPerGroup).CopyTo(phaseBias.Slice(((group * phases) + phase) * outPerGroup));
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

    /// <summary>Floats of the phase outputs of <paramref name="batch"/> images of <paramref name="height"/> x <paramref name="width"/>: every phase convolution's output.</summary>
    public static long PhaseOutputLength(TransposedGeometry geometry, int batch, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        long length = 0;
        for (int convolution = 0; convolution < geometry.Convolutions; convolution++)
        {
            length += geometry.ConvolutionOutputLength(convolution, height, width);
        }

        return batch * length;
    }

    /// <summary>
    /// Runs a transposed convolution that is not its phase convolution alone on <paramref name="batch"/> images of
    /// <paramref name="height"/> x <paramref name="width"/> (checked by the caller): every phase convolution of
    /// <paramref name="layer"/> into its part of a pooled buffer, then <see cref="Scatter"/> from it into
    /// <paramref name="output"/> (phases without taps get <paramref name="emptyPhaseValues"/>). With more than one thread
    /// and a multiple of their count of phase convolutions, each thread runs whole convolutions (a thread pays from
    /// <paramref name="minimumWorkPerThread"/> multiply-adds); else they run one after another, each on up to
    /// <paramref name="degreeOfParallelism"/> threads (0: as many as pay).
    /// </summary>
    public static void Forward(
        IPhaseConvolutions layer, ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width,
        float[]? emptyPhaseValues, double minimumWorkPerThread, int degreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var geometry = layer.Geometry;
        int convolutions = geometry.Convolutions;
        int length = LayerChecks.ScratchLength(PhaseOutputLength(geometry, batch, height, width));
        float[] phases = ArrayPool<float>.Shared.Rent(length);
        try
        {
            var phaseOutputs = new Span<float>(phases, 0, length);
            double work = 0;
            for (int convolution = 0; convolution < convolutions; convolution++)
            {
                work += (double)batch * geometry.ConvolutionMultiplyAdds(convolution, height, width);
            }

            int threads = convolutions == 1 ? 1 : ForwardParts.Threads(degreeOfParallelism, work, minimumWorkPerThread);
            if (threads > 1 && convolutions % threads == 0)
            {
                var shape = new ForwardShape(batch, height, width, 0, 0, convolutions, threads);
                ForwardParts.Run(layer, input, phaseOutputs, default, shape, static (layer, input, phases, _, in shape, part, _) =>
                    RunPhaseConvolution(layer, part, input, phases, shape.Batch, shape.Height, shape.Width, 1));
            }
            else
            {
                for (int convolution = 0; convolution < convolutions; convolution++)
                {
                    RunPhaseConvolution(layer, convolution, input, phaseOutputs, batch, height, width, degreeOfParallelism);
                }
            }

            Scatter(geometry, phaseOutputs, output, batch, height, width, emptyPhaseValues, degreeOfParallelism);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(phases);
        }
    }

    /// <summary>Runs phase convolution <paramref name="convolution"/> into its part of the phase outputs.</summary>
    private static void RunPhaseConvolution(
        IPhaseConvolutions layer, int convolution, ReadOnlySpan<float> input, Span<float> phases, int batch, int height, int width, int degreeOfParallelism)
    {
        var geometry = layer.Geometry;
        long start = 0;
        for (int before = 0; before < convolution; before++)
        {
            start += batch * geometry.ConvolutionOutputLength(before, height, width);
        }

        int length = (int)(batch * geometry.ConvolutionOutputLength(convolution, height, width));
        layer.RunPhaseConvolution(convolution, input, phases.Slice((int)start, length), batch, height, width, degreeOfParallelism);
    }

    /// <summary>Fewest output values worth a thread of their own when placing (about 20 us of copying).</summary>
    private const double MinimumPlacedPerThread = 1 << 16;

    /// <summary>
    /// Places the phase outputs <paramref name="phases"/> (every phase convolution's output: batch x its output channels x
    /// its output size, one after another) into <paramref name="output"/> (batch x OutChannels x the layer's output size)
    /// for an input of <paramref name="height"/> x <paramref name="width"/>: output (y, x) is phase (y mod sh, x mod sw)'s
    /// output (y / sh, x / sw), shifted by the phase's offsets; phases without taps get <paramref name="emptyPhaseValues"/>.
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
        CheckLength(phases.Length, PhaseOutputLength(geometry, batch, height, width), nameof(phases));
        CheckLength(output.Length, (long)batch * geometry.OutChannels * outputHeight * outputWidth, nameof(output));
        if (geometry.HasEmptyPhases)
        {
            CheckLength(emptyPhaseValues?.Length ?? 0, geometry.OutChannels, nameof(emptyPhaseValues));
        }

        int planes = batch * geometry.OutChannels;
        int threads = Math.Min(ForwardParts.Threads(degreeOfParallelism, output.Length, MinimumPlacedPerThread), planes);
        if (threads == 1)
        {
            PlacePlanes(geometry, phases, output, batch, height, width, emptyPhaseValues, 0, planes);
            return;
        }

        // The empty phases' values ride as the call's scratch, which every part reads whole.
        var shape = new ForwardShape(batch, height, width, outputHeight, outputWidth, Math.Min(planes, 4 * threads), threads);
        ForwardParts.Run(geometry, phases, output, emptyPhaseValues, shape, static (geometry, phases, output, empty, in shape, part, thread) =>
        {
            int planes = shape.Batch * geometry.OutChannels;
            PlacePlanes(geometry, phases, output, shape.Batch, shape.Height, shape.Width, empty, part * planes / shape.Parts, (part + 1) * planes / shape.Parts);
        });
    }

    /// <summary>Places output planes <paramref name="first"/> to <paramref name="end"/> - 1 (image * OutChannels + channel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlacePlanes(
        TransposedGeometry geometry, ReadOnlySpan<float> phases, Span<float> output, int batch, int height, int width,
        ReadOnlySpan<float> emptyPhaseValues, int first, int end)
    {
        var (vertical, horizontal) = (geometry.Vertical, geometry.Horizontal);
        int outputHeight = (int)vertical.OutputSize(height), outputWidth = (int)horizontal.OutputSize(width);
        int sh = vertical.Stride, sw = horizontal.Stride, outPerGroup = geometry.OutChannelsPerGroup;
        int outputPlane = outputHeight * outputWidth, convolutions = geometry.Convolutions;

        // At a stride of 3 or more with every phase present in one convolution per row, each vertical phase's rows read
        // column x from columns[x]: its horizontal phase's planes, offset and x / sw, relative to the row's start in
        // phase (row, 0), and no column past reach[row].
        bool gathers = sw > 2 && !geometry.HasEmptyPhases && horizontal.Classes == 1;
        int phases2d = sh * sw;
        int[] rented = ArrayPool<int>.Shared.Rent((3 * convolutions) + (2 * phases2d) + (gathers ? sh * (outputWidth + 1) : 0));

        // Per phase convolution: where its outputs start, its output plane and row length.
        var convStart = rented.AsSpan(0, convolutions);
        var convPlane = rented.AsSpan(convolutions, convolutions);
        var convWidth = rented.AsSpan(2 * convolutions, convolutions);
        for (int convolution = 0, start = 0; convolution < convolutions; convolution++)
        {
            convStart[convolution] = start;
            convWidth[convolution] = (int)horizontal.ConvOutputSize(geometry.HorizontalClass(convolution), width);
            convPlane[convolution] = (int)vertical.ConvOutputSize(geometry.VerticalClass(convolution), height) * convWidth[convolution];
            start += batch * geometry.ConvolutionOutChannels(convolution) * convPlane[convolution];
        }

        // Per stride phase (row * sw + column): its row length in its convolution's output, and, per output plane, where
        // its first row starts in the phases (-1: the phase has no taps).
        var phasePitch = rented.AsSpan(3 * convolutions, phases2d);
        var phaseStart = rented.AsSpan((3 * convolutions) + phases2d, phases2d);
        for (int i = 0; i < phases2d; i++)
        {
            int phase = geometry.PhaseIndex(i / sw, i % sw);
            phasePitch[i] = phase < 0 ? 0 : convWidth[Convolution(geometry, i / sw, i % sw)];
        }

        var columns = rented.AsSpan((3 * convolutions) + (2 * phases2d), gathers ? sh * outputWidth : 0);
        var reach = rented.AsSpan((3 * convolutions) + (2 * phases2d) + columns.Length, gathers ? sh : 0);
        for (int row = 0; gathers && row < sh; row++)
        {
            int phase0 = geometry.PhaseIndex(row, 0), convolution = vertical.Class(row);
            reach[row] = 0;
            for (int x = 0; x < outputWidth; x++)
            {
                int column = x % sw;
                columns[(row * outputWidth) + x] = ((geometry.PhaseIndex(row, column) - phase0) * outPerGroup * convPlane[convolution]) + horizontal.Offset(column) + (x / sw);
                reach[row] = Math.Max(reach[row], columns[(row * outputWidth) + x]);
            }
        }

        Span<int> columnStart = stackalloc int[sw];
        for (int planeIndex = first; planeIndex < end; planeIndex++)
        {
            int n = planeIndex / geometry.OutChannels, channel = planeIndex % geometry.OutChannels;
            int group = channel / outPerGroup, inGroup = channel % outPerGroup;
            var plane = output.Slice(planeIndex * outputPlane, outputPlane);
            float empty = geometry.HasEmptyPhases ? emptyPhaseValues[channel] : 0f;
            for (int i = 0; i < phases2d; i++)
            {
                int row = i / sw, column = i % sw, phase = geometry.PhaseIndex(row, column);
                if (phase < 0)
                {
                    phaseStart[i] = -1;
                    continue;
                }

                // Its convolution's channel: within group g, the convolution's phase p and channel c of the group, (g * phases + p) * outPerGroup + c.
                int convolution = Convolution(geometry, row, column), convPhases = geometry.ConvolutionPhases(convolution);
                int convChannel = (((group * convPhases) + phase - geometry.FirstPhase(convolution)) * outPerGroup) + inGroup;
                phaseStart[i] = convStart[convolution] + (((n * convPhases * geometry.OutChannels) + convChannel) * convPlane[convolution])
                    + (vertical.Offset(row) * convWidth[convolution]) + horizontal.Offset(column);
            }

            for (int y = 0; y < outputHeight; y++)
            {
                int row = y % sh, convRow = y / sh;
                var destination = plane.Slice(y * outputWidth, outputWidth);

                // Where each horizontal phase's row starts in the phases (-1: the phase has no taps).
                for (int column = 0; column < sw; column++)
                {
                    int i = (row * sw) + column;
                    columnStart[column] = phaseStart[i] < 0 ? -1 : phaseStart[i] + (convRow * phasePitch[i]);
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
                    var source = phases.Slice(columnStart[0] - horizontal.Offset(0), reach[row] + 1);
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

        ArrayPool<int>.Shared.Return(rented);
    }

    /// <summary>The phase convolution that computes stride phase (<paramref name="row"/>, <paramref name="column"/>).</summary>
    private static int Convolution(TransposedGeometry geometry, int row, int column) =>
        (geometry.Vertical.Class(row) * geometry.Horizontal.Classes) + geometry.Horizontal.Class(column);

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
