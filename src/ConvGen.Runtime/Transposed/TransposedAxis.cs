using System;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Transposed;
#else
namespace ConvGen.Transposed;
#endif

/// <summary>
/// One spatial axis of a transposed convolution split into its stride phases, the shape arithmetic both the
/// generator (which plans the phases' convolution) and the runtime (which packs its weights and places its outputs)
/// use. Output o receives input i through tap j when o + padBefore = i*stride + j*dilation; the outputs of phase
/// r = o mod stride are therefore a stride-1 convolution of the input with the flipped taps j = firstTap(r) + t*tapStep,
/// dilated by dilation / gcd(stride, dilation). Every phase runs with the same sub-kernel of <see cref="SubKernel"/>
/// taps (a shorter phase's first taps are zero) and the same padding, so all phases are one convolution whose output
/// channels are the phases; phase r's outputs start <see cref="Offset"/>(r) positions into that convolution's output.
/// </summary>
public sealed class TransposedAxis
{
    private readonly int[] _taps;
    private readonly int[] _firstTap;
    private readonly int[] _offset;

    /// <param name="kernel">Kernel taps (k).</param>
    /// <param name="stride">Stride (s).</param>
    /// <param name="padBefore">Outputs dropped at the start (PyTorch's padding, ONNX's begin pad).</param>
    /// <param name="padAfter">Outputs dropped at the end, net of output padding: PyTorch's padding - output_padding (may be negative).</param>
    /// <param name="dilation">Dilation (d).</param>
    public TransposedAxis(int kernel, int stride, int padBefore, int padAfter, int dilation)
    {
        (Kernel, Stride, PadBefore, PadAfter, Dilation) = (kernel, stride, padBefore, padAfter, dilation);
        int common = Gcd(stride, dilation);
        TapStep = stride / common;
        SubDilation = dilation / common;
        _taps = new int[stride];
        _firstTap = new int[stride];
        _offset = new int[stride];

        // Tap j feeds the outputs o with (o + padBefore - j*dilation) divisible by the stride: phase (j*dilation - padBefore) mod s.
        for (int j = kernel - 1; j >= 0; j--)
        {
            int phase = Mod(((long)j * dilation) - padBefore, stride);
            _taps[phase]++;
            _firstTap[phase] = j;
        }

        int subKernel = 0;
        foreach (int taps in _taps)
        {
            subKernel = Math.Max(subKernel, taps);
        }

        SubKernel = subKernel;

        // Phase r's first output reads input (r + padBefore - firstTap*d)/s through its last tap, and its sub-kernel's
        // tap 0 (dilated) SubKernel-1 steps earlier: the shared padding must reach the earliest of these.
        var firstInput = new long[stride];
        long padding = 0;
        for (int r = 0; r < stride; r++)
        {
            if (_taps[r] > 0)
            {
                firstInput[r] = ((r + (long)padBefore - ((long)_firstTap[r] * dilation)) / stride) - ((long)(subKernel - 1) * SubDilation);
                padding = Math.Max(padding, -firstInput[r]);
            }
        }

        ConvPadBefore = (int)padding;

        // Phase r has H - 1 + ceil((C - r)/s) outputs for H inputs (C below), which must fit the convolution's
        // H + padBefore + padAfter - (SubKernel-1)*SubDilation outputs after its offset; and the smallest valid input must
        // give that convolution at least one output.
        long extent = (long)(subKernel - 1) * SubDilation;
        long after = Math.Max(0, 1 - MinimumInput - padding + extent);
        for (int r = 0; r < stride; r++)
        {
            if (_taps[r] > 0)
            {
                _offset[r] = (int)(firstInput[r] + padding);
                after = Math.Max(after, CeilDiv(SizeOffset - r, stride) + _offset[r] - 1 - padding + extent);
            }
        }

        ConvPadAfter = (int)after;
    }

    /// <summary>Kernel taps (k).</summary>
    public int Kernel { get; }

    /// <summary>Stride (s).</summary>
    public int Stride { get; }

    /// <summary>Outputs dropped at the start.</summary>
    public int PadBefore { get; }

    /// <summary>Outputs dropped at the end, net of output padding (negative: outputs added).</summary>
    public int PadAfter { get; }

    /// <summary>Dilation (d).</summary>
    public int Dilation { get; }

    /// <summary>Taps of the phases' shared sub-kernel: the most taps any phase has.</summary>
    public int SubKernel { get; }

    /// <summary>Dilation of the sub-kernels: dilation / gcd(stride, dilation).</summary>
    public int SubDilation { get; }

    /// <summary>Kernel taps between two consecutive taps of one phase: stride / gcd(stride, dilation).</summary>
    public int TapStep { get; }

    /// <summary>Zero padding before the input of the phases' convolution.</summary>
    public int ConvPadBefore { get; }

    /// <summary>Zero padding after the input of the phases' convolution (enough for every phase's last output).</summary>
    public int ConvPadAfter { get; }

    /// <summary>The constant C in output = (input - 1)*stride + C: d*(k-1) + 1 - padBefore - padAfter.</summary>
    public long SizeOffset => ((long)Dilation * (Kernel - 1)) + 1 - PadBefore - PadAfter;

    /// <summary>Smallest input size with a non-empty output.</summary>
    public int MinimumInput => (int)Math.Max(1, 1 + CeilDiv(1 - SizeOffset, Stride));

    /// <summary>Output size for <paramref name="input"/>: (input - 1)*stride - padBefore - padAfter + d*(k-1) + 1 (not positive: empty).</summary>
    public long OutputSize(long input) => ((input - 1) * Stride) + SizeOffset;

    /// <summary>Output size of the phases' convolution for <paramref name="input"/>.</summary>
    public long ConvOutputSize(long input) => input + ConvPadBefore + ConvPadAfter - ((long)(SubKernel - 1) * SubDilation);

    /// <summary>Kernel taps of phase <paramref name="phase"/> (0: the phase's outputs get only the bias).</summary>
    public int Taps(int phase) => _taps[phase];

    /// <summary>The smallest kernel tap of phase <paramref name="phase"/>; its others follow every <see cref="TapStep"/> taps.</summary>
    public int FirstTap(int phase) => _firstTap[phase];

    /// <summary>Where phase <paramref name="phase"/>'s outputs start in the phases' convolution output.</summary>
    public int Offset(int phase) => _offset[phase];

    /// <summary>
    /// The kernel tap that sub-kernel tap <paramref name="subTap"/> of phase <paramref name="phase"/> is, or -1 where the
    /// phase is shorter (the sub-kernel runs over the flipped taps, the phase's last tap first).
    /// </summary>
    public int KernelTap(int phase, int subTap)
    {
        int fromLast = SubKernel - 1 - subTap;
        return fromLast < _taps[phase] ? _firstTap[phase] + (fromLast * TapStep) : -1;
    }

    /// <summary>Outputs of phase <paramref name="phase"/> (positions phase, phase + stride, ...) in an output of <paramref name="outputSize"/>.</summary>
    public int PhaseOutputs(int phase, int outputSize) => outputSize > phase ? ((outputSize - phase - 1) / Stride) + 1 : 0;

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static int Mod(long value, int divisor) => (int)(((value % divisor) + divisor) % divisor);

    private static long CeilDiv(long value, long divisor) => value >= 0 ? (value + divisor - 1) / divisor : -(-value / divisor);
}
