using System;
using System.Collections.Generic;
using System.Linq;

namespace ConvGen.Generator.Network;

/// <summary>Where a value lives while <c>Forward</c> runs.</summary>
internal enum Storage
{
    /// <summary>The caller's input span.</summary>
    Input,

    /// <summary>The caller's output span.</summary>
    Output,

    /// <summary>One of the network's reusable buffers (<see cref="BufferPlan.Buffer"/>).</summary>
    Buffer,
}

/// <summary>The storage of every value: the caller's spans or a buffer number (for an output, the output's index), each
/// buffer's size per sample, and where each value is in that memory and which steps run image by image
/// (<see cref="ConcatPlacement"/>).</summary>
internal sealed record BufferPlan(Storage[] Kind, int[] Buffer, int[] BufferSizes, Placement Placement);

/// <summary>
/// Plans the intermediate buffers once, at generation time, by liveness: values are walked in step order and each
/// step's output takes a buffer whose last reader has already run (best fit by size), so a chain of layers
/// ping-pongs between two buffers. An element-wise step may write over an input it is the last reader of. Each graph
/// output is written straight into the caller's span for it, reshapes share their source's memory, and the parts of a
/// concat that <see cref="ConcatPlacement"/> places are written straight into the concat's output: that memory is then
/// taken at the first step that writes any of them and held until the last step that reads any of them. Buffers hold
/// one sample's values per batch item and are allocated once per (growing) batch size, never per call.
/// </summary>
internal static class BufferPlanner
{
    public static BufferPlan Plan(NetworkGraph graph)
    {
        int count = graph.Values.Count;
        var root = new int[count];
        for (int v = 0; v < count; v++)
        {
            int r = v;
            while (graph.Values[r].AliasOf is { } source)
            {
                r = source;
            }

            root[v] = r;
        }

        var kind = new Storage[count];
        var buffer = new int[count];
        var fixedMemory = new bool[count];
        (kind[0], fixedMemory[0]) = (Storage.Input, true);
        for (int o = 0; o < graph.Outputs.Count; o++)
        {
            int outputRoot = root[graph.Outputs[o].Value];
            (kind[outputRoot], buffer[outputRoot], fixedMemory[outputRoot]) = (Storage.Output, o, true);
        }

        // The value that owns each value's memory: its root, or the output of the concat it was placed in.
        var placement = ConcatPlacement.Place(graph, root, fixedMemory);
        int[] memory = [.. placement.Slices.Select(slice => slice.In)];

        // The last step that reads each memory (through any alias or placed value).
        var lastUse = new int[count];
        for (int v = 0; v < count; v++)
        {
            lastUse[v] = -1;
        }

        for (int s = 0; s < graph.Steps.Count; s++)
        {
            foreach (int input in graph.Steps[s].Inputs)
            {
                lastUse[memory[input]] = Math.Max(lastUse[memory[input]], s);
            }
        }

        var sizes = new List<int>();
        var busyUntil = new List<int>();
        var occupant = new List<int>();
        var planned = (bool[])fixedMemory.Clone();
        for (int s = 0; s < graph.Steps.Count; s++)
        {
            var step = graph.Steps[s];
            int value = memory[step.Output];
            if (planned[value])
            {
                continue;
            }

            // In place only over an input's own memory, never over a concat's output a part is placed in.
            bool inPlace = step.IsElementwise && root[step.Output] == value;
            int size = graph.Values[value].SampleSize;
            int best = -1;
            for (int b = 0; b < sizes.Count; b++)
            {
                bool free = busyUntil[b] < s
                    || (busyUntil[b] == s && inPlace && ReadsRoot(step, occupant[b], root));
                if (!free)
                {
                    continue;
                }

                // Best fit: the smallest buffer that is big enough, else the biggest (which then grows).
                if (best < 0
                    || (sizes[b] >= size && (sizes[best] < size || sizes[b] < sizes[best]))
                    || (sizes[b] < size && sizes[best] < size && sizes[b] > sizes[best]))
                {
                    best = b;
                }
            }

            if (best < 0)
            {
                best = sizes.Count;
                sizes.Add(0);
                busyUntil.Add(0);
                occupant.Add(0);
            }

            sizes[best] = Math.Max(sizes[best], size);
            busyUntil[best] = Math.Max(lastUse[value], s);
            occupant[best] = value;
            (kind[value], buffer[value], planned[value]) = (Storage.Buffer, best, true);
        }

        for (int v = 0; v < count; v++)
        {
            (kind[v], buffer[v]) = (kind[memory[v]], buffer[memory[v]]);
        }

        return new BufferPlan(kind, buffer, [.. sizes], placement);
    }

    private static bool ReadsRoot(NetworkStep step, int value, int[] root)
    {
        foreach (int input in step.Inputs)
        {
            if (root[input] == value)
            {
                return true;
            }
        }

        return false;
    }
}
