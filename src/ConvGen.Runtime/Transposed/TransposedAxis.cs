using System;
using System.Collections.Generic;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Transposed;
#else
namespace ConvGen.Transposed;
#endif

/// <summary>
/// One spatial axis of a transposed convolution split into its stride phases, the shape arithmetic both the
/// generator (which plans the phases' convolutions) and the runtime (which packs their weights and places their outputs)
/// use. Output o receives input i through tap j when o + padBefore = i*stride + j*dilation; the outputs of phase
/// r = o mod stride are therefore a stride-1 convolution of the input with the flipped taps j = firstTap(r) + t*tapStep,
/// dilated by dilation / gcd(stride, dilation). The phases with taps fall into classes, each run as one convolution
/// whose output channels include its phases: all of them in one class (<c>separatePhases</c> false: one sub-kernel of the
/// most taps, a shorter phase's first taps zero, and one padding that reaches every phase's outputs, some of which then
/// start an <see cref="Offset"/> into that convolution's output and leave outputs unused at the other end), or each phase
/// with the phases that need exactly the same convolution (its taps and padding), which then computes no unused outputs
/// unless the layer crops more than the kernel spans.
/// </summary>
public sealed class TransposedAxis
{
    private readonly int[] _taps;
    private readonly int[] _firstTap;
    private readonly int[] _class;
    private readonly int[] _offset;
    private readonly int[] _subKernel;
    private readonly int[] _convPadBefore;
    private readonly int[] _convPadAfter;

    /// <param name="kernel">Kernel taps (k).</param>
    /// <param name="stride">Stride (s).</param>
    /// <param name="padBefore">Outputs dropped at the start (PyTorch's padding, ONNX's begin pad).</param>
    /// <param name="padAfter">Outputs dropped at the end, net of output padding: PyTorch's padding - output_padding (may be negative).</param>
    /// <param name="dilation">Dilation (d).</param>
    /// <param name="separatePhases">Whether phases that need different convolutions get one each, rather than all sharing one.</param>
    public TransposedAxis(int kernel, int stride, int padBefore, int padAfter, int dilation, bool separatePhases = false)
    {
        (Kernel, Stride, PadBefore, PadAfter, Dilation) = (kernel, stride, padBefore, padAfter, dilation);
        int common = Gcd(stride, dilation);
        TapStep = stride / common;
        SubDilation = dilation / common;
        _taps = new int[stride];
        _firstTap = new int[stride];
        _class = new int[stride];
        _offset = new int[stride];

        // Tap j feeds the outputs o with (o + padBefore - j*dilation) divisible by the stride: phase (j*dilation - padBefore) mod s.
        for (int j = kernel - 1; j >= 0; j--)
        {
            int phase = Mod(((long)j * dilation) - padBefore, stride);
            _taps[phase]++;
            _firstTap[phase] = j;
        }

        // Each phase's class (-1: no taps): the first with the same convolution as the phase alone, or the one shared class.
        var keys = new List<(int SubKernel, int Before, int After, int Offset)>();
        for (int r = 0; r < stride; r++)
        {
            _class[r] = -1;
            if (_taps[r] > 0)
            {
                var key = separatePhases ? Layout([r]) : default;
                _class[r] = keys.IndexOf(key);
                if (_class[r] < 0)
                {
                    _class[r] = keys.Count;
                    keys.Add(key);
                }
            }
        }

        _subKernel = new int[keys.Count];
        _convPadBefore = new int[keys.Count];
        _convPadAfter = new int[keys.Count];
        for (int c = 0; c < keys.Count; c++)
        {
            var members = new List<int>();
            for (int r = 0; r < stride; r++)
            {
                if (_class[r] == c)
                {
                    members.Add(r);
                }
            }

            (_subKernel[c], _convPadBefore[c], _convPadAfter[c], _) = Layout(members);
        }
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

    /// <summary>Dilation of the sub-kernels: dilation / gcd(stride, dilation).</summary>
    public int SubDilation { get; }

    /// <summary>Kernel taps between two consecutive taps of one phase: stride / gcd(stride, dilation).</summary>
    public int TapStep { get; }

    /// <summary>Classes of phases with taps, each computed by one convolution.</summary>
    public int Classes => _subKernel.Length;

    /// <summary>The constant C in output = (input - 1)*stride + C: d*(k-1) + 1 - padBefore - padAfter.</summary>
    public long SizeOffset => ((long)Dilation * (Kernel - 1)) + 1 - PadBefore - PadAfter;

    /// <summary>Smallest input size with a non-empty output.</summary>
    public int MinimumInput => (int)Math.Max(1, 1 + CeilDiv(1 - SizeOffset, Stride));

    /// <summary>Output size for <paramref name="input"/>: (input - 1)*stride - padBefore - padAfter + d*(k-1) + 1 (not positive: empty).</summary>
    public long OutputSize(long input) => ((input - 1) * Stride) + SizeOffset;

    /// <summary>Taps of class <paramref name="phaseClass"/>'s sub-kernel: the most taps any of its phases has.</summary>
    public int SubKernel(int phaseClass) => _subKernel[phaseClass];

    /// <summary>Zero padding before the input of class <paramref name="phaseClass"/>'s convolution.</summary>
    public int ConvPadBefore(int phaseClass) => _convPadBefore[phaseClass];

    /// <summary>Zero padding after the input of class <paramref name="phaseClass"/>'s convolution (enough for each of its phases' last output).</summary>
    public int ConvPadAfter(int phaseClass) => _convPadAfter[phaseClass];

    /// <summary>Output size of class <paramref name="phaseClass"/>'s convolution for <paramref name="input"/>.</summary>
    public long ConvOutputSize(int phaseClass, long input) =>
        input + _convPadBefore[phaseClass] + _convPadAfter[phaseClass] - ((long)(_subKernel[phaseClass] - 1) * SubDilation);

    /// <summary>Kernel taps of phase <paramref name="phase"/> (0: the phase's outputs get only the bias).</summary>
    public int Taps(int phase) => _taps[phase];

    /// <summary>The smallest kernel tap of phase <paramref name="phase"/>; its others follow every <see cref="TapStep"/> taps.</summary>
    public int FirstTap(int phase) => _firstTap[phase];

    /// <summary>The class of phase <paramref name="phase"/>, or -1 when it has no taps.</summary>
    public int Class(int phase) => _class[phase];

    /// <summary>Where phase <paramref name="phase"/>'s outputs start in its class's convolution output.</summary>
    public int Offset(int phase) => _offset[phase];

    /// <summary>
    /// The kernel tap that sub-kernel tap <paramref name="subTap"/> of phase <paramref name="phase"/> is, or -1 where the
    /// phase is shorter than its class's sub-kernel (the sub-kernel runs over the flipped taps, the phase's last tap first).
    /// </summary>
    public int KernelTap(int phase, int subTap)
    {
        int fromLast = _subKernel[_class[phase]] - 1 - subTap;
        return fromLast < _taps[phase] ? _firstTap[phase] + (fromLast * TapStep) : -1;
    }

    /// <summary>Outputs of phase <paramref name="phase"/> (positions phase, phase + stride, ...) in an output of <paramref name="outputSize"/>.</summary>
    public int PhaseOutputs(int phase, int outputSize) => outputSize > phase ? ((outputSize - phase - 1) / Stride) + 1 : 0;

    /// <summary>
    /// The convolution that computes <paramref name="phases"/> together, setting each one's <see cref="Offset"/>: a sub-kernel
    /// of their most taps, and padding before that reaches the earliest input any of them reads (phase r's first output
    /// reads input (r + padBefore - firstTap*d)/s through its last tap, and the sub-kernel's tap 0 (dilated) SubKernel-1
    /// steps earlier). Phase r has H - 1 + ceil((C - r)/s) outputs for H inputs (C = <see cref="SizeOffset"/>), which must
    /// fit the convolution's H + before + after - (SubKernel-1)*SubDilation outputs after its offset; and the smallest
    /// valid input must give the convolution at least one output.
    /// </summary>
    private (int SubKernel, int Before, int After, int Offset) Layout(List<int> phases)
    {
        int subKernel = 0;
        foreach (int r in phases)
        {
            subKernel = Math.Max(subKernel, _taps[r]);
        }

        long extent = (long)(subKernel - 1) * SubDilation, padding = 0;
        foreach (int r in phases)
        {
            long firstInput = ((r + (long)PadBefore - ((long)_firstTap[r] * Dilation)) / Stride) - extent;
            _offset[r] = (int)firstInput;
            padding = Math.Max(padding, -firstInput);
        }

        long after = Math.Max(0, 1 - MinimumInput - padding + extent);
        foreach (int r in phases)
        {
            _offset[r] += (int)padding;
            after = Math.Max(after, CeilDiv(SizeOffset - r, Stride) + _offset[r] - 1 - padding + extent);
        }

        return (subKernel, (int)padding, (int)after, phases.Count == 1 ? _offset[phases[0]] : 0);
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static int Mod(long value, int divisor) => (int)(((value % divisor) + divisor) % divisor);

    private static long CeilDiv(long value, long divisor) => value >= 0 ? (value + divisor - 1) / divisor : -(-value / divisor);
}
