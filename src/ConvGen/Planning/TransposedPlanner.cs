using ConvGen.Generator.Model;
using ConvGen.Generator.Transposed;

namespace ConvGen.Generator.Planning;

/// <summary>
/// How a transposed convolution runs: <paramref name="PhaseConvolution"/>, the stride-1 convolution of its input whose
/// output channels are the (output channel, stride phase) pairs (see <see cref="TransposedGeometry"/>), planned and
/// emitted like any [Conv2d]/[Conv1d] layer; then either that output is the layer's (<paramref name="SingleConvolution"/>:
/// stride 1, nothing cropped) or each phase's outputs are placed at their interleaved positions, phases without taps
/// filled with activation(bias) (<paramref name="HasEmptyPhases"/>).
/// </summary>
internal sealed record TransposedPlan(ConvSpec PhaseConvolution, int Phases, bool SingleConvolution, bool HasEmptyPhases);

/// <summary>Pure function from a valid <see cref="TransposedConvSpec"/> to its <see cref="TransposedPlan"/>.</summary>
internal static class TransposedPlanner
{
    public static TransposedPlan Plan(TransposedConvSpec spec)
    {
        var geometry = spec.Geometry;
        var (vertical, horizontal) = (geometry.Vertical, geometry.Horizontal);
        var convolution = new ConvSpec(
            spec.Is2d ? LayerKind.Conv2d : LayerKind.Conv1d, spec.InChannels, geometry.ConvOutChannels,
            vertical.SubKernel, horizontal.SubKernel, 1, 1,
            vertical.ConvPadBefore, vertical.ConvPadAfter, horizontal.ConvPadBefore, horizontal.ConvPadAfter,
            vertical.SubDilation, horizontal.SubDilation, spec.Groups, spec.HasBias, PaddingMode.Explicit,
            spec.Is2d ? spec.InputHeight : 1, spec.InputWidth, spec.Activation);
        return new TransposedPlan(convolution, geometry.Phases, geometry.IsSingleConvolution, geometry.HasEmptyPhases);
    }
}
