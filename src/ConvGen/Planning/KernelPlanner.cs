using System;
using ConvGen.Generator.Kernels;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Planning;

/// <summary>Pure function from a valid <see cref="ConvSpec"/> to the <see cref="KernelPlan"/> the emitter writes.</summary>
internal static class KernelPlanner
{
    /// <summary>Most output channels held in registers at once.</summary>
    internal const int MaxChannelTile = 8;

    /// <summary>Accumulators in the widest tile: 24 of the 32 vector registers, leaving room for the
    /// input vectors and the broadcast weight.</summary>
    internal const int Accumulators = 24;

    /// <summary>Most output vectors per channel: a tile of one or two channels still keeps six
    /// independent multiply-add chains in flight.</summary>
    internal const int MaxOutputVectors = 6;

    /// <summary>Accumulators for Vector256/Vector128, which may have only 16 registers (no AVX-512).</summary>
    internal const int NarrowAccumulators = 8;

    /// <summary>Most multiply-adds (taps x tile channels x output vectors) unrolled in full; beyond it the kernel-row
    /// loop stays a loop, which bounds the generated source whatever the layer's size.</summary>
    internal const int MaxUnrolledMultiplyAdds = 256;

    /// <summary>Widest kernel row unrolled; beyond it the column loop stays a loop too.</summary>
    internal const int MaxUnrolledColumns = 16;

    /// <summary>Output rows of a row tile.</summary>
    internal const int RowTileRows = 4;

    /// <summary>Widest tile (channels) that gets row tiles on any rows: with more channels each load already feeds enough
    /// multiply-adds, and only rows too narrow for a line's vector group need them (<see cref="RowTiling"/>).</summary>
    internal const int MaxRowTileChannels = 2;

    /// <summary>Multiply-adds per thread below which a call runs on fewer threads: about 10 us of work for a kernel
    /// at full speed, well above the few microseconds it takes to wake a thread-pool worker and join it.</summary>
    internal const long MinimumWorkPerThread = 1 << 19;

    /// <summary>Floats in the widest vector the planner counts in.</summary>
    internal const int Lanes = 16;

    /// <summary>Vectors of <see cref="Lanes"/> floats that hold <paramref name="floats"/> floats.</summary>
    internal static long Vectors(long floats) => LineSweep.Vectors(floats, Lanes);

    /// <summary>Multiply-adds the direct kernel spends per output channel on an output of <paramref name="outputHeight"/> x
    /// <paramref name="outputWidth"/> read from planes of pitch <paramref name="planeWidth"/>: its cheaper sweep (<see cref="LineSweep"/>).</summary>
    internal static long SweepCost(long outputHeight, long outputWidth, long planeWidth, long fanIn) =>
        LineSweep.Cost(outputHeight, outputWidth, planeWidth, fanIn, Lanes);

    public static KernelPlan Plan(ConvSpec spec)
    {
        var direct = Direct(spec);
        if (!TapGathering.Pays(spec))
        {
            if (!WinogradRows.Pays(spec))
            {
                return direct;
            }

            // The 1 x kw kernel each point runs, named after the layer; without a fixed size the direct kernel too.
            var points = Direct(WinogradRows.KernelView(spec));
            return points with
            {
                KernelName = Name(spec, "WinogradRows", points.ChannelTile, points.OutputVectors, 1, 0),
                ReadsInputInPlace = false,
                TransformsRows = true,
                Direct = spec.InputHeight is null || spec.InputWidth is null ? direct : null,
            };
        }

        // The 1x1 kernel over the gathered rows, named after the layer; the scratch still holds the layer's padded planes.
        var gathered = Direct(TapGathering.KernelView(spec));
        return gathered with
        {
            KernelName = Name(spec, "Gathered", gathered.ChannelTile, gathered.OutputVectors, 1, 0),
            MaxTapShift = direct.MaxTapShift,
            ReadsInputInPlace = false,
            GatheredRowStride = TapGathering.RowStride(spec),
        };
    }

    /// <summary>The convolution the plan's kernel computes: the layer itself, its gathered taps' 1x1 view, or one point of its transformed rows.</summary>
    public static ConvSpec KernelSpec(ConvSpec layer, KernelPlan plan) =>
        plan.GathersTaps ? TapGathering.KernelView(layer) : plan.TransformsRows ? WinogradRows.KernelView(layer) : layer;

    /// <summary>The direct kernel's plan for the layer as it is.</summary>
    private static KernelPlan Direct(ConvSpec spec)
    {
        int perGroup = spec.OutChannelsPerGroup;
        int tile = Math.Min(perGroup, MaxChannelTile);
        int vectors = Math.Min(MaxOutputVectors, Accumulators / tile);
        int narrowVectors = Math.Max(1, Math.Min(2, NarrowAccumulators / tile));
        bool unrollColumns = spec.KernelWidth <= MaxUnrolledColumns;
        bool unrollRows = unrollColumns && spec.KernelHeight * spec.KernelWidth * tile * vectors <= MaxUnrolledMultiplyAdds;
        (int rowTile, int rowTileVectors) = RowTiling(spec, tile, vectors, unrollRows);
        return new KernelPlan(
            Name(spec, "Direct", tile, vectors, rowTile, rowTileVectors),
            tile,
            vectors,
            narrowVectors,
            perGroup / tile,
            perGroup % tile,
            unrollRows,
            unrollColumns,
            spec.DilationWidth * (spec.KernelWidth - 1) / spec.StrideWidth,
            rowTile,
            rowTileVectors,
            spec.IsUnpaddedPointwise,
            0,
            false,
            // Tiles of one or two channels (depthwise) are bound by loads, not multiply-adds: at roughly half
            // speed, half the multiply-adds already make the same time per thread.
            tile <= MaxRowTileChannels ? MinimumWorkPerThread / 2 : MinimumWorkPerThread);
    }

    /// <summary>The kernel's name: family, layer parameters, then the register tile (and row tile, if any).</summary>
    private static string Name(ConvSpec spec, string family, int tile, int vectors, int rowTile, int rowTileVectors) =>
        spec.Kind == LayerKind.Conv2d
            ? $"Conv2d{family}_{spec.InChannels}x{spec.OutChannels}_k{spec.KernelHeight}x{spec.KernelWidth}_s{spec.StrideHeight}x{spec.StrideWidth}_d{spec.DilationHeight}x{spec.DilationWidth}_g{spec.Groups}__{tile}cx{vectors}v{(rowTile > 1 ? $"_{rowTile}rx{rowTileVectors}v" : "")}"
            : $"Conv1d{family}_{spec.InChannels}x{spec.OutChannels}_k{spec.KernelWidth}_s{spec.StrideWidth}_d{spec.DilationWidth}_g{spec.Groups}__{tile}cx{vectors}v";

    /// <summary>Row tiles for narrow tiles whose kernel spans several rows (input rows shared between output
    /// rows): as many vectors per row as fit the accumulators and the unrolling bound, at least two. Wider tiles get
    /// them on a fixed output swept row by row whose rows fill fewer vectors than a line's group: stacked rows fill the
    /// accumulators a single row leaves idle.</summary>
    private static (int Rows, int Vectors) RowTiling(ConvSpec spec, int tile, int vectors, bool unrollRows)
    {
        if (spec.KernelHeight == 1 || !unrollRows)
        {
            return (1, 0);
        }

        int taps = spec.KernelHeight * spec.KernelWidth;
        if (tile > MaxRowTileChannels)
        {
            if (spec.FixedInputHeight is not { } height || spec.InputWidth is not { } width)
            {
                return (1, 0);
            }

            long outputHeight = spec.Vertical.OutputSize(height), outputWidth = spec.Horizontal.OutputSize(width);
            int rowVectors = (int)Vectors(outputWidth);
            int rows = (int)Math.Min(outputHeight, Accumulators / (tile * rowVectors));
            bool rowSweep = !LineSweep.IsFlat(outputHeight, outputWidth, spec.Horizontal.PlaneSize(width), spec.FanIn, Lanes);
            return rowSweep && rowVectors < vectors && rows > 1 && taps * tile * rows * rowVectors <= MaxUnrolledMultiplyAdds
                ? (rows, rowVectors)
                : (1, 0);
        }

        for (int rowVectors = Math.Min(MaxOutputVectors, Accumulators / (tile * RowTileRows)); rowVectors >= 2; rowVectors--)
        {
            if (taps * tile * RowTileRows * rowVectors <= MaxUnrolledMultiplyAdds)
            {
                return (RowTileRows, rowVectors);
            }
        }

        return (1, 0);
    }
}
