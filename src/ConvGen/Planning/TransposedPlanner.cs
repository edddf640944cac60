using System.Collections.Generic;
using ConvGen.Generator.Model;
using ConvGen.Generator.Transposed;

namespace ConvGen.Generator.Planning;

/// <summary>
/// How a transposed convolution runs: its phase convolutions (<paramref name="Convolutions"/>, stride-1 convolutions of its input whose output channels are (output channel, stride phase) pairs, see
/// <see cref="TransposedGeometry"/>), each planned and emitted like any [Conv2d]/[Conv1d] layer; then either that output is
/// the layer's (<paramref name="SingleConvolution"/>: stride 1, nothing cropped) or each phase's outputs are placed at their
/// interleaved positions, phases without taps filled with activation(bias) (<paramref name="HasEmptyPhases"/>).
/// <paramref name="SeparateRows"/> and <paramref name="SeparateColumns"/>: whether that axis's phases get one convolution
/// per padding they need rather than sharing one (<see cref="TransposedAxis"/>, <see cref="TransposedConvSpec.SplitGeometry"/>). <paramref name="MinimumWorkPerThread"/>:
/// the convolutions' least multiply-adds per thread, for running whole convolutions on threads of their own.
/// </summary>
internal sealed record TransposedPlan(
    EquatableArray<ConvSpec> Convolutions,
    bool SeparateRows,
    bool SeparateColumns,
    bool SingleConvolution,
    bool HasEmptyPhases,
    long MinimumWorkPerThread);

/// <summary>Pure function from a valid <see cref="TransposedConvSpec"/> to its <see cref="TransposedPlan"/>.</summary>
internal static class TransposedPlanner
{
    /// <summary>Extra cost, in vector multiply-adds, of one more phase convolution: a call of its own (checks, scratch,
    /// a thread decision), about 2 us.</summary>
    internal const long ConvolutionCost = 1 << 14;

    /// <summary>
    /// One shared convolution per axis, or, at a fixed input size, separate ones where that costs less: each phase
    /// convolution's sweep (<see cref="KernelPlanner.SweepCost"/>, so the shared convolution pays for the outputs some of
    /// its phases do not use), its padded copy of the input (a vector multiply-add per vector) and
    /// <see cref="ConvolutionCost"/>. Ties keep fewer convolutions.
    /// </summary>
    public static TransposedPlan Plan(TransposedConvSpec spec)
    {
        var (separateRows, separateColumns) = (false, false);
        if ((spec.Is2d ? spec.InputHeight : 1) is { } height && spec.InputWidth is { } width)
        {
            long best = Cost(spec, spec.Geometry, height, width);
            foreach (var (rows, columns) in new[] { (true, false), (false, true), (true, true) })
            {
                var geometry = spec.SplitGeometry(rows, columns);
                if ((rows && geometry.Vertical.Classes == 1) || (columns && geometry.Horizontal.Classes == 1))
                {
                    continue; // the same convolutions as without separating that axis
                }

                long cost = Cost(spec, geometry, height, width);
                if (cost < best)
                {
                    (best, separateRows, separateColumns) = (cost, rows, columns);
                }
            }
        }

        var chosen = spec.SplitGeometry(separateRows, separateColumns);
        var convolutions = new List<ConvSpec>();
        long minimumWork = long.MaxValue;
        for (int convolution = 0; convolution < chosen.Convolutions; convolution++)
        {
            convolutions.Add(Convolution(spec, chosen, convolution));
            minimumWork = System.Math.Min(minimumWork, KernelPlanner.Plan(convolutions[convolution]).MinimumWorkPerThread);
        }

        return new TransposedPlan(new EquatableArray<ConvSpec>([.. convolutions]), separateRows, separateColumns,
            chosen.IsSingleConvolution, chosen.HasEmptyPhases, minimumWork);
    }

    /// <summary>Phase convolution <paramref name="convolution"/> of <paramref name="geometry"/> as a layer.</summary>
    private static ConvSpec Convolution(TransposedConvSpec spec, TransposedGeometry geometry, int convolution)
    {
        var (vertical, horizontal) = (geometry.Vertical, geometry.Horizontal);
        int rows = geometry.VerticalClass(convolution), columns = geometry.HorizontalClass(convolution);
        return new ConvSpec(
            spec.Is2d ? LayerKind.Conv2d : LayerKind.Conv1d, spec.InChannels, geometry.ConvolutionOutChannels(convolution),
            vertical.SubKernel(rows), horizontal.SubKernel(columns), 1, 1,
            vertical.ConvPadBefore(rows), vertical.ConvPadAfter(rows), horizontal.ConvPadBefore(columns), horizontal.ConvPadAfter(columns),
            vertical.SubDilation, horizontal.SubDilation, spec.Groups, spec.HasBias, PaddingMode.Explicit,
            spec.Is2d ? spec.InputHeight : 1, spec.InputWidth, spec.Activation);
    }

    /// <summary>What the phase convolutions of <paramref name="geometry"/> cost on one image, in vector multiply-adds.</summary>
    private static long Cost(TransposedConvSpec spec, TransposedGeometry geometry, int height, int width)
    {
        long cost = 0;
        for (int convolution = 0; convolution < geometry.Convolutions; convolution++)
        {
            var layer = Convolution(spec, geometry, convolution);
            long planeHeight = height + layer.PadTop + layer.PadBottom, planeWidth = width + layer.PadLeft + layer.PadRight;
            cost += (layer.OutChannels * KernelPlanner.SweepCost(layer.Vertical.OutputSize(height), layer.Horizontal.OutputSize(width), planeWidth, layer.FanIn))
                + KernelPlanner.Vectors(spec.InChannels * planeHeight * planeWidth) + ConvolutionCost;
        }

        return cost;
    }
}
