using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ConvGen.Operators;

/// <summary>ONNX <c>Concat</c> of computed tensors; called by generated networks, not meant for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Concat
{
    /// <summary>
    /// Places one input of a concatenation: the input is <paramref name="outer"/> blocks of <paramref name="partSize"/>
    /// values (the batch times the dimensions before the axis, by the input's extent along the axis times the
    /// dimensions after it); block o goes to <c>output[o * totalSize + offset ..]</c>, <paramref name="totalSize"/> being
    /// the output's block (the sum of every input's <paramref name="partSize"/>) and <paramref name="offset"/> the sum of
    /// the earlier inputs'. Each block is one memmove.
    /// </summary>
    /// <exception cref="ArgumentException">The sizes do not fit the spans.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Part(ReadOnlySpan<float> input, Span<float> output, int outer, int partSize, int offset, int totalSize)
    {
        if (outer < 0 || partSize < 0 || offset < 0 || offset + partSize > totalSize
            || input.Length < (long)outer * partSize || output.Length < (long)outer * totalSize)
        {
            throw new ArgumentException($"{outer} blocks of {partSize} values at offset {offset} of {totalSize} do not fit {input.Length} input and {output.Length} output values.");
        }

        for (int o = 0; o < outer; o++)
        {
            input.Slice(o * partSize, partSize).CopyTo(output.Slice((o * totalSize) + offset, partSize));
        }
    }
}
