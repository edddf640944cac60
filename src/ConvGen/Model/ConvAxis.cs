using System;
using System.Collections.Generic;

namespace ConvGen.Generator.Model;

/// <summary>Shape arithmetic along one spatial axis, PyTorch's: out = floor((in + pads - d*(k-1) - 1) / s) + 1.</summary>
internal readonly record struct ConvAxis(int Kernel, int Stride, int PadBefore, int PadAfter, int Dilation)
{
    /// <summary>Extent of the dilated kernel: d*(k-1)+1.</summary>
    public long DilatedKernel => ((long)Dilation * (Kernel - 1)) + 1;

    /// <summary>The constant c in out = floor((in + c) / s) + 1.</summary>
    public long SizeOffset => (long)PadBefore + PadAfter - DilatedKernel;

    /// <summary>Smallest input that gives a non-empty output.</summary>
    public long MinimumInput => Math.Max(1, -SizeOffset);

    /// <summary>Length of each stride-phase plane of the padded input: ceil((in + pads) / s).</summary>
    public long PlaneSize(long input) => (input + PadBefore + PadAfter + Stride - 1) / Stride;

    public long OutputSize(long input) => input + SizeOffset < 0 ? 0 : ((input + SizeOffset) / Stride) + 1;

    /// <summary>The stride phases (tap offsets k*d modulo the stride) that some tap reads, ascending; 0 always.</summary>
    public List<int> PhasesRead()
    {
        var phases = new SortedSet<int>();
        for (long k = 0; k < Kernel && phases.Count < Stride; k++)
        {
            phases.Add((int)(k * Dilation % Stride));
        }

        return [.. phases];
    }
}
