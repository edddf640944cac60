using System;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Planning;

/// <summary>Pure function from a valid <see cref="ConvSpec"/> to the <see cref="KernelPlan"/> the emitter writes.</summary>
internal static class KernelPlanner
{
    /// <summary>Most output channels held in registers at once.</summary>
    internal const int MaxChannelTile = 8;

    /// <summary>Output vectors per channel in the tile: 8 x 2 accumulators leave registers for the
    /// inputs and the broadcast weight, and each weight broadcast then feeds two multiply-adds.</summary>
    internal const int OutputVectors = 2;

    /// <summary>Most multiply-adds (taps x tile channels x output vectors) unrolled in full; beyond it the kernel-row
    /// loop stays a loop, which bounds the generated source whatever the layer's size.</summary>
    internal const int MaxUnrolledMultiplyAdds = 256;

    /// <summary>Widest kernel row unrolled; beyond it the column loop stays a loop too.</summary>
    internal const int MaxUnrolledColumns = 16;

    public static KernelPlan Plan(ConvSpec spec)
    {
        int perGroup = spec.OutChannelsPerGroup;
        int tile = Math.Min(perGroup, MaxChannelTile);
        bool unrollColumns = spec.KernelWidth <= MaxUnrolledColumns;
        bool unrollRows = unrollColumns && spec.KernelHeight * spec.KernelWidth * tile * OutputVectors <= MaxUnrolledMultiplyAdds;
        string name = spec.Kind == LayerKind.Conv2d
            ? $"Conv2dDirect_{spec.InChannels}x{spec.OutChannels}_k{spec.KernelHeight}x{spec.KernelWidth}_s{spec.StrideHeight}x{spec.StrideWidth}_d{spec.DilationHeight}x{spec.DilationWidth}_g{spec.Groups}__{tile}cx{OutputVectors}v"
            : $"Conv1dDirect_{spec.InChannels}x{spec.OutChannels}_k{spec.KernelWidth}_s{spec.StrideWidth}_d{spec.DilationWidth}_g{spec.Groups}__{tile}cx{OutputVectors}v";
        return new KernelPlan(
            name,
            tile,
            OutputVectors,
            perGroup / tile,
            perGroup % tile,
            unrollRows,
            unrollColumns,
            spec.DilationWidth * (spec.KernelWidth - 1) / spec.StrideWidth);
    }
}
