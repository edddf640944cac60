using System;
using System.Linq;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Network;

/// <summary>ConvTranspose, 2-D and 1-D (on [C, L], run as 2-D on [C, 1, L]), by the [ConvTranspose2d] layer.</summary>
internal sealed partial class OnnxGraphLowering
{
    private void ConvTranspose(NodeContext at)
    {
        int x = at.Input(0);
        var (shape, oneDimensional, weight) = ConvInputAndWeight(at, x, "C, M/group", "a 3-D transposed convolution");
        int groups = at.Extent("group", at.Int("group", 1));
        at.Extents("a weight of shape", [.. weight.Dims]);
        if (groups < 1 || weight.Dims[0] != shape[0] || shape[0] % groups != 0)
        {
            throw at.Unsupported($"has group {groups} and weight [{string.Join(", ", weight.Dims)}] for an input of {shape[0]} channels, which do not match");
        }

        int outChannels = (int)weight.Dims[1] * groups;
        int[] kernel = [oneDimensional ? 1 : (int)weight.Dims[2], (int)weight.Dims[oneDimensional ? 2 : 3]];
        long[] strides = at.Ints2d("strides", 1, oneDimensional, 1), dilations = at.Ints2d("dilations", 1, oneDimensional, 1);
        long[] outputPadding = at.Ints2d("output_padding", 0, oneDimensional, 0);
        long[] pads = at.Extents("pads", at.Ints("pads", oneDimensional ? [0, 0] : [0, 0, 0, 0]));
        pads = oneDimensional && pads.Length == 2 ? [0, pads[0], 0, pads[1]] : pads;
        long[]? outputShape = at.Node.Attribute("output_shape") is { Ints.Count: > 0 } attribute ? [.. attribute.Ints.Skip(Math.Max(0, attribute.Ints.Count - (oneDimensional ? 1 : 2)))] : null;
        outputShape = oneDimensional && outputShape is { Length: 1 } ? [1, outputShape[0]] : outputShape;
        outputShape = outputShape is null ? null : at.Extents("output_shape", outputShape);
        string autoPad = at.String("auto_pad", "NOTSET");
        if (strides.Length != 2 || dilations.Length != 2 || outputPadding.Length != 2 || pads.Length != 4 || outputShape is { Length: not 2 }
            || strides.Any(s => s < 1) || dilations.Any(d => d < 1) || pads.Any(p => p < 0) || outputPadding.Any(p => p < 0)
            || autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER"))
        {
            throw at.Unsupported($"has strides [{string.Join(", ", strides)}], dilations [{string.Join(", ", dilations)}], pads [{string.Join(", ", pads)}], output_padding [{string.Join(", ", outputPadding)}] and auto_pad '{autoPad}', which are not one positive stride and dilation and non-negative pads per axis");
        }

        // ONNX's rule: with output_shape (or SAME_*, whose output is input x stride) the pads are what that shape leaves,
        // the odd one at the end for SAME_UPPER and at the start otherwise. PyTorch's form (as [ConvTranspose2d]'s):
        // p outputs dropped at the start, p - op at the end, so begin/end pads are p = begin, op = output_padding + begin - end.
        var begin = new int[2];
        var op = new int[2];
        var output = new int[2];
        for (int axis = 0; axis < 2; axis++)
        {
            long natural = (strides[axis] * (shape[axis + 1] - 1)) + outputPadding[axis] + ((kernel[axis] - 1) * dilations[axis]) + 1;
            long? target = outputShape?[axis] ?? (autoPad is "SAME_UPPER" or "SAME_LOWER" ? shape[axis + 1] * strides[axis] : null);
            long before, after;
            if (target is { } wanted)
            {
                long total = natural - wanted;
                (before, after) = total < 0 ? (0, total) : autoPad == "SAME_UPPER" ? (total / 2, total - (total / 2)) : (total - (total / 2), total / 2);
            }
            else
            {
                (before, after) = autoPad == "VALID" ? (0, 0) : (pads[axis], pads[axis + 2]);
            }

            long padding = outputPadding[axis] + before - after, length = natural - before - after;
            if (length > int.MaxValue)
            {
                throw at.Unsupported($"gives an output of {length} along axis {axis + (oneDimensional ? 1 : 0)}; at most {int.MaxValue} is supported");
            }

            output[axis] = (int)length;
            if (padding < 0 || padding >= Math.Max(strides[axis], dilations[axis]) || output[axis] < 1)
            {
                throw at.Unsupported($"pads {before} and {after} on axis {axis + (oneDimensional ? 1 : 0)} with output_padding {outputPadding[axis]}; ConvGen drops p outputs at the start and p - op at the end with an output padding op from 0 to max(stride, dilation) - 1 = {Math.Max(strides[axis], dilations[axis]) - 1}, as PyTorch does, and needs a non-empty output");
            }

            (begin[axis], op[axis]) = ((int)before, (int)padding);
        }

        string? bias = OptionalBias(at, outChannels);

        var spec = new TransposedConvSpec(
            LayerKind.ConvTranspose2d, shape[0], outChannels, kernel[0], kernel[1], (int)strides[0], (int)strides[1],
            begin[0], begin[0], begin[1], begin[1], op[0], op[1], (int)dilations[0], (int)dilations[1], groups, bias is not null,
            shape[1], shape[2]);
        int y = AddValue(at.Node.Outputs[0], oneDimensional ? [outChannels, output[1]] : [outChannels, output[0], output[1]], null);
        AddStep(new ConvTransposeStep(at.Name, x, y, "convTranspose" + _convCount++, LayerClassName, spec, at.Weight(1, "weight"), bias));
    }
}
