using System.Collections.Generic;
using ConvGen.Generator.Kernels;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Planning;

/// <summary>
/// For a kernel of fixed size, the sweep it makes with its vector width(s) (a generic body runs with two), and the
/// loops of that sweep that ever run: whether it is flat, its band height, whether row tiles and single lines run, and
/// which groups of output vectors each of them takes along a line. The emitter writes only those loops (and the flat
/// choice and band height as literals, so the kernel runs exactly what this planned). Leaving a loop out is safe even
/// if it would run: single lines finish what row tiles leave, and single vectors what wider groups leave.
/// </summary>
/// <param name="Lanes">The vector widths the kernel runs with.</param>
/// <param name="FlatLanes">Those of them at which it sweeps each band as one flat line (<see cref="LineSweep.IsFlat"/>).</param>
/// <param name="BandRows">Output rows per band (<see cref="LineSweep.BandRows"/>).</param>
/// <param name="RowTileGroups">Vector groups that row tiles take at some width (empty: no row tile runs).</param>
/// <param name="LineGroups">Vector groups that single lines take at some width (empty: no single line runs).</param>
internal sealed record SweepLoops(IReadOnlyList<int> Lanes, IReadOnlyList<int> FlatLanes, int BandRows, SortedSet<int> RowTileGroups, SortedSet<int> LineGroups)
{
    /// <summary>Output vectors swept at once along a line, widest first: the plan's group, then 2; single vectors always finish a line.</summary>
    public static IEnumerable<int> Groups(int vectors)
    {
        if (vectors > 1)
        {
            yield return vectors;
        }

        if (vectors > 2)
        {
            yield return 2;
        }
    }

    /// <summary>What a band of output rows reads, for <see cref="LineSweep.BandRows"/>: the planes per input row (each input
    /// channel's stride phases that taps read) and the rows the kernel reaches below the band.</summary>
    public static (long InputPlanes, int RowReach) BandInput(ConvSpec spec) =>
        ((long)spec.InChannelsPerGroup * spec.Vertical.PhasesRead().Count * spec.Horizontal.PhasesRead().Count,
         spec.DilationHeight * (spec.KernelHeight - 1) / spec.StrideHeight);

    /// <summary>The loops of a fixed-size kernel (<paramref name="spec"/> is the kernel's view of the layer) with vectors of
    /// each of <paramref name="lanes"/> floats: each band size the sweep meets, run through the kernel's loop bounds. Costs
    /// count the view's fan-in: the layer's for the direct kernel and gathered taps (a 1x1 view over FanIn rows), a point's
    /// 1 x kw kernel for transformed rows.</summary>
    public static SweepLoops For(ConvSpec spec, KernelPlan plan, int outputHeight, int outputWidth, int planeWidth, IReadOnlyList<int> lanes, int vectors, int rowTile)
    {
        var (inputPlanes, rowReach) = BandInput(spec);
        int bandRows = LineSweep.BandRows(outputHeight, planeWidth, inputPlanes, rowReach);
        var flatLanes = new List<int>();
        var rowTileGroups = new SortedSet<int>();
        var lineGroups = new SortedSet<int>();
        foreach (int width in lanes)
        {
            bool flat = LineSweep.IsFlat(outputHeight, outputWidth, planeWidth, spec.FanIn, width);
            if (flat)
            {
                flatLanes.Add(width);
            }

            foreach (int rows in new[] { bandRows, outputHeight - ((outputHeight - 1) / bandRows * bandRows) })
            {
                int lines = flat ? 1 : rows;
                int count = flat ? rows * planeWidth : outputWidth;
                int line = 0;
                for (; rowTile > 1 && !flat && line <= lines - rowTile; line += rowTile)
                {
                    Run(rowTileGroups, plan.RowTileVectors, count, width);
                }

                for (; line < lines; line++)
                {
                    Run(lineGroups, vectors, count, width);
                }
            }
        }

        return new SweepLoops(lanes, flatLanes, bandRows, rowTileGroups, lineGroups);
    }

    /// <summary>One line of <paramref name="count"/> floats: the vector groups whose loop runs at least once (1: the single vectors).</summary>
    private static void Run(SortedSet<int> groups, int vectors, int count, int lanes)
    {
        int x0 = 0;
        foreach (int group in Groups(vectors))
        {
            for (; x0 <= count - (group * lanes); x0 += group * lanes)
            {
                groups.Add(group);
            }
        }

        groups.Add(1);
    }
}
