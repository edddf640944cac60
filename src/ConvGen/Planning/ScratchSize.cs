using System;
using ConvGen.Generator.Kernels;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Planning;

/// <summary>
/// The scratch a call of a fixed-size layer rents on one thread: the arithmetic of the generated <c>ScratchLayout</c>
/// (stride-phase planes, gathered taps, staging; see RunEmitter) and <c>TransformedScratchLayout</c> (bands of
/// transformed rows; see WinogradRunEmitter) evaluated for the layer's size, with one thread and one image.
/// </summary>
internal static class ScratchSize
{
    /// <summary>Most scratch floats (256 KB) a grouped layer fills per kernel call: groups are batched up to it.</summary>
    public const int GroupBatchFloats = 65536;

    /// <summary>Floats of a cache line: every part of the scratch is a multiple of it.</summary>
    private const int CacheLine = 16;

    /// <summary>For a fixed input size, the stride-phase planes of the scratch: rows, row pitch and distance from one plane
    /// to the next (the input itself when a 1x1 layer reads it in place).</summary>
    public static (long Height, long Width, long Stride)? Planes(ConvSpec spec, KernelPlan plan)
    {
        if (spec.FixedInputHeight is not { } h || spec.InputWidth is not { } w)
        {
            return null;
        }

        long planeHeight = spec.Vertical.PlaneSize(h), planeWidth = spec.Horizontal.PlaneSize(w);
        long planeStride = ReadsInPlace(plan, h, w)
            ? (long)h * w
            : (planeHeight * planeWidth) + plan.MaxTapShift + KernelPlanner.Lanes;
        return (planeHeight, planeWidth, planeStride);
    }

    /// <summary>Floats of the scratch one call rents on one thread for the layer's fixed input size (null without one).
    /// <paramref name="imageTaps"/>: whether the taps are gathered straight from the image, which needs no padded copy.</summary>
    public static long? OneThread(ConvSpec spec, KernelPlan plan, bool imageTaps) =>
        spec.FixedInputHeight is not { } h || spec.InputWidth is not { } w ? null
        : plan.TransformsRows ? Transformed(spec, plan, w)
        : Direct(spec, plan, h, w, imageTaps);

    /// <summary>ScratchLayout.PartLength: the padded copy of a batch of groups, then the gathered taps or the staging.</summary>
    private static long Direct(ConvSpec spec, KernelPlan plan, int h, int w, bool imageTaps)
    {
        var (planeHeight, planeWidth, planeStride) = Planes(spec, plan)!.Value;
        bool inPlace = ReadsInPlace(plan, h, w);
        long planesPerGroup = (long)spec.InChannelsPerGroup * spec.StrideHeight * spec.StrideWidth;
        long batchGroups = spec.Groups == 1 ? 1
            : inPlace ? spec.Groups
            : Math.Min(Math.Max(GroupBatchFloats / (planesPerGroup * planeStride), 1), spec.Groups);
        long input = inPlace || imageTaps ? 0 : CacheLines(batchGroups * planesPerGroup * planeStride);
        if (plan.GathersTaps)
        {
            return input + ((long)spec.FanIn * plan.GatheredRowStride);
        }

        long outputHeight = spec.Vertical.OutputSize(h), outputWidth = spec.Horizontal.OutputSize(w);
        return input + (planeWidth == outputWidth ? 0 : CacheLines(plan.ChannelTile * outputHeight * planeWidth));
    }

    /// <summary>TransformedScratchLayout.PartLength: one band's points' rows, products, staging, and a zero row (stride 1)
    /// or a tile's even rows (stride 2).</summary>
    private static long Transformed(ConvSpec spec, KernelPlan plan, int w)
    {
        var scheme = RowScheme.For(spec);
        int rows = WinogradRows.OutputRows, sw = spec.StrideWidth;
        long outputHeight = spec.Vertical.OutputSize(spec.InputHeight!.Value), outputWidth = spec.Horizontal.OutputSize(w);
        long tileRows = WinogradRows.TileRows(outputHeight, spec.DilationHeight);
        long planeWidth = spec.Horizontal.PlaneSize(w);
        long floatsPerTileRow = scheme.RowsPerTile * ((spec.InChannels * sw * planeWidth) + ((long)spec.OutChannels * outputWidth));
        long limit = Math.Min(Math.Max(2 * LineSweep.BandInputFloats / floatsPerTileRow, 1), tileRows);
        long bandRows = CeilDiv(tileRows, CeilDiv(tileRows, limit));
        long planeStride = (bandRows * planeWidth) + plan.MaxTapShift + KernelPlanner.Lanes;
        if (scheme.PlainKernelRow is null)
        {
            return CacheLines(scheme.TransformedPoints * spec.InChannels * planeStride)
                + CacheLines(scheme.TransformedPoints * spec.OutChannels * bandRows * outputWidth)
                + CacheLines(plan.ChannelTile * bandRows * planeWidth)
                + CacheLines(w);
        }

        long plainStride = (rows * bandRows * planeWidth) + plan.MaxTapShift + KernelPlanner.Lanes;
        return CacheLines(spec.InChannels * sw * ((scheme.TransformedPoints * planeStride) + plainStride))
            + CacheLines(scheme.RowsPerTile * spec.OutChannels * bandRows * outputWidth)
            + CacheLines(plan.ChannelTile * rows * bandRows * planeWidth)
            + CacheLines(scheme.TransformedRows * sw * planeWidth);
    }

    private static bool ReadsInPlace(KernelPlan plan, long h, long w) => plan.ReadsInputInPlace && h * w >= KernelPlanner.Lanes;

    private static long CacheLines(long floats) => CeilDiv(floats, CacheLine) * CacheLine;

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;
}
