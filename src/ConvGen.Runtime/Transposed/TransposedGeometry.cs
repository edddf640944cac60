using System.Collections.Generic;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Transposed;
#else
namespace ConvGen.Transposed;
#endif

/// <summary>
/// A transposed convolution as stride-1 convolutions of its input (the generator's phase convolutions), one per pair of
/// a vertical and a horizontal phase class (see <see cref="TransposedAxis"/>), whose output channels are every
/// (output channel, stride phase) pair of the classes: within group g, the convolution's phase p and channel c of the
/// group, its channel (g * Phases(convolution) + p) * OutChannelsPerGroup + c. Phases are numbered convolution by
/// convolution, row-major inside each. A 1-D layer has a vertical axis of one tap and stride 1. Phases where either axis
/// has no tap only receive the bias. The convolutions' outputs lie one after another in one buffer (the phase outputs).
/// </summary>
public sealed class TransposedGeometry
{
    private readonly int[] _phaseIndex;
    private readonly int[] _phaseRow;
    private readonly int[] _phaseColumn;
    private readonly int[] _firstPhase;

    /// <summary>The phases of a layer with these channels, groups and axes.</summary>
    public TransposedGeometry(int inChannels, int outChannels, int groups, TransposedAxis vertical, TransposedAxis horizontal)
    {
        (InChannels, OutChannels, Groups, Vertical, Horizontal) = (inChannels, outChannels, groups, vertical, horizontal);
        _phaseIndex = new int[vertical.Stride * horizontal.Stride];
        _firstPhase = new int[(vertical.Classes * horizontal.Classes) + 1];
        var rows = new List<int>();
        var columns = new List<int>();
        for (int convolution = 0; convolution < Convolutions; convolution++)
        {
            _firstPhase[convolution] = rows.Count;
            for (int row = 0; row < vertical.Stride; row++)
            {
                for (int column = 0; column < horizontal.Stride; column++)
                {
                    if (vertical.Class(row) == VerticalClass(convolution) && horizontal.Class(column) == HorizontalClass(convolution))
                    {
                        rows.Add(row);
                        columns.Add(column);
                    }
                }
            }
        }

        _firstPhase[Convolutions] = rows.Count;
        for (int i = 0; i < _phaseIndex.Length; i++)
        {
            _phaseIndex[i] = -1;
        }

        for (int phase = 0; phase < rows.Count; phase++)
        {
            _phaseIndex[(rows[phase] * horizontal.Stride) + columns[phase]] = phase;
        }

        _phaseRow = rows.ToArray();
        _phaseColumn = columns.ToArray();
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Groups.</summary>
    public int Groups { get; }

    /// <summary>The vertical axis (one tap, stride 1 for a 1-D layer).</summary>
    public TransposedAxis Vertical { get; }

    /// <summary>The horizontal axis.</summary>
    public TransposedAxis Horizontal { get; }

    /// <summary>Input channels per group.</summary>
    public int InChannelsPerGroup => InChannels / Groups;

    /// <summary>Output channels per group.</summary>
    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>Stride phases with a non-empty sub-kernel.</summary>
    public int Phases => _phaseRow.Length;

    /// <summary>Whether some stride phase has no tap (its outputs are activation(bias)).</summary>
    public bool HasEmptyPhases => _phaseRow.Length < _phaseIndex.Length;

    /// <summary>Phase convolutions: one per pair of a vertical and a horizontal phase class.</summary>
    public int Convolutions => Vertical.Classes * Horizontal.Classes;

    /// <summary>Output channels of all phase convolutions.</summary>
    public int ConvOutChannels => OutChannels * Phases;

    /// <summary>Weights of all phase convolutions.</summary>
    public long ConvWeightLength
    {
        get
        {
            long length = 0;
            for (int convolution = 0; convolution < Convolutions; convolution++)
            {
                length += ConvolutionWeightLength(convolution);
            }

            return length;
        }
    }

    /// <summary>
    /// Whether the phase convolution's output is the layer's output as it stands, at every input size: stride 1 on both
    /// axes, and nothing to crop, so the convolution writes straight into the output.
    /// </summary>
    public bool IsSingleConvolution => Phases == 1 && !HasEmptyPhases && Exact(Vertical) && Exact(Horizontal);

    /// <summary>The vertical phase class of phase convolution <paramref name="convolution"/>.</summary>
    public int VerticalClass(int convolution) => convolution / Horizontal.Classes;

    /// <summary>The horizontal phase class of phase convolution <paramref name="convolution"/>.</summary>
    public int HorizontalClass(int convolution) => convolution % Horizontal.Classes;

    /// <summary>Stride phases phase convolution <paramref name="convolution"/> computes.</summary>
    public int ConvolutionPhases(int convolution) => _firstPhase[convolution + 1] - _firstPhase[convolution];

    /// <summary>Phase convolution <paramref name="convolution"/>'s first phase (the others follow).</summary>
    public int FirstPhase(int convolution) => _firstPhase[convolution];

    /// <summary>Output channels of phase convolution <paramref name="convolution"/>.</summary>
    public int ConvolutionOutChannels(int convolution) => OutChannels * ConvolutionPhases(convolution);

    /// <summary>Weights of phase convolution <paramref name="convolution"/>: [its output channels, InChannels / Groups, sub-kernel rows, sub-kernel columns].</summary>
    public long ConvolutionWeightLength(int convolution) => (long)ConvolutionOutChannels(convolution) * InChannelsPerGroup
        * Vertical.SubKernel(VerticalClass(convolution)) * Horizontal.SubKernel(HorizontalClass(convolution));

    /// <summary>Output values of phase convolution <paramref name="convolution"/> per image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public long ConvolutionOutputLength(int convolution, int height, int width) => ConvolutionOutChannels(convolution)
        * Vertical.ConvOutputSize(VerticalClass(convolution), height) * Horizontal.ConvOutputSize(HorizontalClass(convolution), width);

    /// <summary>Multiply-adds of phase convolution <paramref name="convolution"/> per image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public long ConvolutionMultiplyAdds(int convolution, int height, int width) => ConvolutionOutputLength(convolution, height, width)
        * InChannelsPerGroup * Vertical.SubKernel(VerticalClass(convolution)) * Horizontal.SubKernel(HorizontalClass(convolution));

    /// <summary>Phase index of stride phase (<paramref name="row"/>, <paramref name="column"/>), or -1 when it has no tap.</summary>
    public int PhaseIndex(int row, int column) => _phaseIndex[(row * Horizontal.Stride) + column];

    /// <summary>Vertical stride phase of phase <paramref name="phase"/>.</summary>
    public int PhaseRow(int phase) => _phaseRow[phase];

    /// <summary>Horizontal stride phase of phase <paramref name="phase"/>.</summary>
    public int PhaseColumn(int phase) => _phaseColumn[phase];

    private static bool Exact(TransposedAxis axis) => axis.Offset(0) == 0 && axis.ConvOutputSize(0, 1) == axis.OutputSize(1);
}
