using System.Collections.Generic;
using System.Linq;

namespace ConvGen.Generator.Network;

/// <summary>Where a value is: image n's <see cref="Size"/> values start at n * <see cref="Stride"/> + <see cref="Offset"/>
/// of the memory of value <see cref="In"/>, the value that owns it (the value itself or the one it aliases, unless it was
/// placed in a concat's output).</summary>
internal readonly record struct ImageSlice(int In, int Offset, int Stride, int Size)
{
    /// <summary>Whether the batch is contiguous (images <see cref="Size"/> apart from the start), so a step may run on
    /// the whole batch at once.</summary>
    public bool Whole => Offset == 0 && Stride == Size;
}

/// <summary>The placement <see cref="ConcatPlacement"/> decides: every value's <see cref="ImageSlice"/>, the steps that
/// run image by image because an operand is not <see cref="ImageSlice.Whole"/>, and for each concat step the parts it
/// still copies (their indices; no step but a concat copies anything).</summary>
internal sealed record Placement(ImageSlice[] Slices, bool[] PerImage, int[][] Copies);

/// <summary>
/// Zero-copy Concat: decides which values are computed straight into their slice of a concat's output instead of being
/// copied there. When the dimensions before the axis are all 1 (a channel concat) each part is one contiguous block of
/// every image of the output, so its producer can write it in place; at batch &gt; 1 those blocks are the output's image
/// size apart, so every step that writes or reads a placed value runs image by image (the convolutions and operator
/// cores take contiguous images; per image they cost what they cost on the batch). Concats are visited last to first:
/// an outer concat places an inner one before the inner one places its parts, so these land in the outer output, and a
/// concat whose parts all sit already in order in one output is a view of it (DenseNet joins a growing prefix of its
/// block's last concat). A part keeps its memory and is copied when it is the graph input or a graph output, is already
/// placed (by a later concat, or earlier in this one), or is written or read by a dense step of fewer rows than
/// <see cref="DenseRowsPerPass"/> (run per image, it would read its weights once per image, not once per block of rows).
/// </summary>
internal static class ConcatPlacement
{
    /// <summary>The rows the runtime's <c>Dense</c> shares each pass over its weights among.</summary>
    private const int DenseRowsPerPass = 4;

    /// <param name="root">The value whose memory each value is (following aliases).</param>
    /// <param name="fixedMemory">Roots whose memory is the caller's: the input and the outputs.</param>
    public static Placement Place(NetworkGraph graph, int[] root, bool[] fixedMemory)
    {
        int count = graph.Values.Count;
        var slices = new ImageSlice[count];
        var placed = new bool[count];
        var producer = new NetworkStep?[count];
        var readers = new List<NetworkStep>[count];
        for (int v = 0; v < count; v++)
        {
            int size = graph.Values[v].SampleSize;
            slices[v] = new ImageSlice(v, 0, size, size);
            readers[v] = [];
        }

        foreach (var step in graph.Steps)
        {
            producer[root[step.Output]] = step;
            foreach (int input in step.Inputs.Distinct())
            {
                readers[root[input]].Add(step);
            }
        }

        bool Batched(NetworkStep? step) => step is DenseStep { Rows: < DenseRowsPerPass };
        for (int s = graph.Steps.Count - 1; s >= 0; s--)
        {
            if (graph.Steps[s] is not ConcatStep { Outer: 1 } concat)
            {
                continue;
            }

            int y = root[concat.Output];
            if (!placed[y] && !fixedMemory[y] && !readers[y].Any(Batched) && InOrder(concat, root, slices, placed) is { } view)
            {
                (slices[y], placed[y]) = (view, true);
                continue;
            }

            for (int i = 0; i < concat.Parts.Count; i++)
            {
                int part = root[concat.Parts[i]];
                if (!placed[part] && !fixedMemory[part] && !Batched(producer[part]) && !readers[part].Any(Batched))
                {
                    (slices[part], placed[part]) = (Slot(concat, i, slices[y]), true);
                }
            }
        }

        for (int v = 0; v < count; v++)
        {
            slices[v] = slices[root[v]];
        }

        var perImage = new bool[graph.Steps.Count];
        var copies = new int[graph.Steps.Count][];
        for (int s = 0; s < graph.Steps.Count; s++)
        {
            var step = graph.Steps[s];
            IEnumerable<int> operands = step.Inputs;
            copies[s] = [];
            if (step is ConcatStep concat)
            {
                copies[s] = [.. Enumerable.Range(0, concat.Parts.Count).Where(i => concat.Outer != 1 || slices[concat.Parts[i]] != Slot(concat, i, slices[concat.Output]))];
                operands = copies[s].Select(i => concat.Parts[i]);
            }

            perImage[s] = (copies[s].Length > 0 || step is not ConcatStep) && operands.Append(step.Output).Any(v => !slices[v].Whole);
        }

        return new Placement(slices, perImage, copies);
    }

    /// <summary>The slice of part <paramref name="i"/> in the output (of slice <paramref name="output"/>) of a concat of one
    /// block per image: where the concat copies the part unless its producer wrote it there.</summary>
    private static ImageSlice Slot(ConcatStep concat, int i, ImageSlice output)
    {
        int offset = output.Offset;
        for (int j = 0; j < i; j++)
        {
            offset += concat.Sizes[j];
        }

        return new ImageSlice(output.In, offset, output.Stride, concat.Sizes[i]);
    }

    /// <summary>The slice the concat's output is when its parts already lie one after the other in one value's images, else null.</summary>
    private static ImageSlice? InOrder(ConcatStep concat, int[] root, ImageSlice[] slices, bool[] placed)
    {
        var view = slices[root[concat.Parts[0]]] with { Size = concat.Sizes.Sum() };
        for (int i = 0; i < concat.Parts.Count; i++)
        {
            int part = root[concat.Parts[i]];
            if (!placed[part] || slices[part] != Slot(concat, i, view))
            {
                return null;
            }
        }

        return view;
    }
}
