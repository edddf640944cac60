using System;
#if !CONVGEN_GENERATOR
using System.ComponentModel;
#endif

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Kernels;
#else
namespace ConvGen.Kernels;
#endif

/// <summary>
/// How the direct kernel sweeps an output plane, the arithmetic both the planner (which prices layers and leaves out
/// the loops a fixed-size layer never runs) and the generated kernels (which choose at run time) use. The output of
/// one channel tile is swept in lines: row by row, or as one flat line over the band's rows at the planes' pitch (then
/// staged and copied out, dropping the pitch's extra columns), whichever costs fewer multiply-adds. Output rows go in
/// bands of equal height whose input rows stay in L2 while every channel tile sweeps them.
/// </summary>
#if !CONVGEN_GENERATOR
[EditorBrowsable(EditorBrowsableState.Never)]
#endif
public static class LineSweep
{
    /// <summary>Most input floats a band of output rows reads (384 KB): with the tile's staging, outputs and weights
    /// it stays in a 1 MB L2 while every channel tile sweeps the band.</summary>
    public const int BandInputFloats = 96 * 1024;

    /// <summary>Extra cost, in multiply-adds per output vector, of staging a flat sweep and copying its rows out.</summary>
    public const int StagingCost = 2;

    /// <summary>Extra cost, in multiply-adds, of copying one staged row out.</summary>
    public const int RowCopyCost = 8;

    /// <summary>Extra cost, in multiply-adds, of storing a row narrower than a vector lane by lane.</summary>
    public const int NarrowStoreCost = 32;

    /// <summary>Vectors of <paramref name="lanes"/> floats that hold <paramref name="floats"/> floats.</summary>
    public static long Vectors(long floats, int lanes) => (floats + lanes - 1) / lanes;

    /// <summary>Multiply-adds (with the extra costs above) per output channel of a flat sweep of an output of
    /// <paramref name="outputHeight"/> x <paramref name="outputWidth"/> read from planes of pitch <paramref name="planeWidth"/>.</summary>
    public static long FlatCost(long outputHeight, long outputWidth, long planeWidth, long fanIn, int lanes) =>
        (Vectors(outputHeight * planeWidth, lanes) * (fanIn + StagingCost)) + (planeWidth == outputWidth ? 0 : outputHeight * RowCopyCost);

    /// <summary>The same output swept row by row.</summary>
    public static long RowCost(long outputHeight, long outputWidth, long fanIn, int lanes) =>
        outputHeight * ((Vectors(outputWidth, lanes) * fanIn) + (outputWidth < lanes ? NarrowStoreCost : 0));

    /// <summary>Whether the kernel sweeps flat: always when the pitch is the row width (nothing to stage), else when cheaper.</summary>
    public static bool IsFlat(long outputHeight, long outputWidth, long planeWidth, long fanIn, int lanes) =>
        planeWidth == outputWidth || FlatCost(outputHeight, outputWidth, planeWidth, fanIn, lanes) < RowCost(outputHeight, outputWidth, fanIn, lanes);

    /// <summary>The cheaper sweep's cost: what the planner counts for a kernel call.</summary>
    public static long Cost(long outputHeight, long outputWidth, long planeWidth, long fanIn, int lanes) =>
        Math.Min(FlatCost(outputHeight, outputWidth, planeWidth, fanIn, lanes), RowCost(outputHeight, outputWidth, fanIn, lanes));

    /// <summary>
    /// Rows per band (every band but the last has this many): the most output rows whose input rows (in each of
    /// <paramref name="inputPlanes"/> planes of pitch <paramref name="planeWidth"/>: the input channels' stride phases that
    /// taps read, each with <paramref name="rowReach"/> more rows below the band) fit <see cref="BandInputFloats"/>, at least
    /// one, then evened out over the bands.
    /// </summary>
    public static int BandRows(int outputHeight, long planeWidth, long inputPlanes, int rowReach)
    {
        int limit = (int)Math.Max(1, Math.Min((BandInputFloats / (inputPlanes * planeWidth)) - rowReach, outputHeight));
        int bands = (outputHeight + limit - 1) / limit;
        return (outputHeight + bands - 1) / bands;
    }
}
