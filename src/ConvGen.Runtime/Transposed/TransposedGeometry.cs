using System.Collections.Generic;

#if CONVGEN_GENERATOR
namespace ConvGen.Generator.Transposed;
#else
namespace ConvGen.Transposed;
#endif

/// <summary>
/// A transposed convolution as one stride-1 convolution of its input (the generator's phase convolution) whose
/// output channels are every (output channel, stride phase) pair with a non-empty sub-kernel: within group g, phase p
/// and channel c of the group, convolution channel (g * Phases + p) * OutChannelsPerGroup + c. A 1-D layer has a
/// vertical axis of one tap and stride 1. Phases where either axis has no tap only receive the bias.
/// </summary>
public sealed class TransposedGeometry
{
    private readonly int[] _phaseIndex;
    private readonly int[] _phaseRow;
    private readonly int[] _phaseColumn;

    /// <summary>The phases of a layer with these channels, groups and axes.</summary>
    public TransposedGeometry(int inChannels, int outChannels, int groups, TransposedAxis vertical, TransposedAxis horizontal)
    {
        (InChannels, OutChannels, Groups, Vertical, Horizontal) = (inChannels, outChannels, groups, vertical, horizontal);
        _phaseIndex = new int[vertical.Stride * horizontal.Stride];
        var rows = new List<int>();
        var columns = new List<int>();
        for (int row = 0; row < vertical.Stride; row++)
        {
            for (int column = 0; column < horizontal.Stride; column++)
            {
                bool taps = vertical.Taps(row) > 0 && horizontal.Taps(column) > 0;
                _phaseIndex[(row * horizontal.Stride) + column] = taps ? rows.Count : -1;
                if (taps)
                {
                    rows.Add(row);
                    columns.Add(column);
                }
            }
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

    /// <summary>Output channels of the phase convolution.</summary>
    public int ConvOutChannels => OutChannels * Phases;

    /// <summary>Weights of the phase convolution: [ConvOutChannels, InChannels / Groups, sub-kernel rows, sub-kernel columns].</summary>
    public long ConvWeightLength => (long)ConvOutChannels * InChannelsPerGroup * Vertical.SubKernel * Horizontal.SubKernel;

    /// <summary>
    /// Whether the phase convolution's output is the layer's output as it stands, at every input size: stride 1 on both
    /// axes, and nothing to crop, so the convolution writes straight into the output.
    /// </summary>
    public bool IsSingleConvolution => Phases == 1 && !HasEmptyPhases && Exact(Vertical) && Exact(Horizontal);

    /// <summary>Phase index of stride phase (<paramref name="row"/>, <paramref name="column"/>), or -1 when it has no tap.</summary>
    public int PhaseIndex(int row, int column) => _phaseIndex[(row * Horizontal.Stride) + column];

    /// <summary>Vertical stride phase of phase <paramref name="phase"/>.</summary>
    public int PhaseRow(int phase) => _phaseRow[phase];

    /// <summary>Horizontal stride phase of phase <paramref name="phase"/>.</summary>
    public int PhaseColumn(int phase) => _phaseColumn[phase];

    private static bool Exact(TransposedAxis axis) => axis.Offset(0) == 0 && axis.ConvOutputSize(1) == axis.OutputSize(1);
}
