using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Onnx;
using ConvGen.Tests.Infrastructure;

namespace ConvGen.Tests.Conformance;

/// <summary>A ConvGen layer equivalent to one ONNX ConvTranspose node on one input size.</summary>
public sealed record MappedTransposed(bool Is1d, string Attribute, TransposedShape Shape);

/// <summary>
/// Maps an ONNX ConvTranspose node (kernel_shape, strides, pads, output_padding, output_shape, auto_pad, dilations,
/// group) on a given input and weight shape to a [ConvTranspose1d]/[ConvTranspose2d] attribute, or explains why it
/// cannot. ONNX's pads may differ per side; PyTorch's (and ConvGen's) drop p outputs at the start and p - op at the
/// end, so begin/end pads map to p = begin, op = output_padding + begin - end when that is a valid output padding.
/// </summary>
public static class OnnxConvTransposeMapping
{
    public static MappedTransposed Map(OnnxNode node, IReadOnlyList<long> inputDims, IReadOnlyList<long> weightDims, bool hasBias)
    {
        int spatial = weightDims.Count - 2;
        if (spatial is not (1 or 2) || inputDims.Count != spatial + 2)
        {
            throw new NotSupportedException($"a {spatial}-D transposed convolution (weight [{string.Join(", ", weightDims)}]) is not supported: ConvGen has ConvTranspose1d and ConvTranspose2d.");
        }

        int groups = (int)(node.Attribute("group")?.Int ?? 1);
        int[] kernel = Ints(node, "kernel_shape", [.. weightDims.Skip(2).Select(d => (int)d)]);
        int[] strides = Ints(node, "strides", [.. Enumerable.Repeat(1, spatial)]);
        int[] dilations = Ints(node, "dilations", [.. Enumerable.Repeat(1, spatial)]);
        int[] outputPadding = Ints(node, "output_padding", [.. Enumerable.Repeat(0, spatial)]);
        int[] pads = Ints(node, "pads", [.. Enumerable.Repeat(0, 2 * spatial)]);
        int[]? outputShape = node.Attribute("output_shape") is { Ints.Count: > 0 } shape ? [.. shape.Ints.TakeLast(spatial).Select(v => (int)v)] : null;
        string autoPad = node.Attribute("auto_pad")?.String ?? "NOTSET";
        int[] size = [.. inputDims.Skip(2).Select(d => (int)d)];

        // ONNX's rule: with output_shape (or SAME_*, whose output is input x stride) the pads are what that shape leaves,
        // the odd one at the end for SAME_UPPER and at the start otherwise (ONNX's expected outputs follow this).
        var before = new int[spatial];
        var after = new int[spatial];
        for (int axis = 0; axis < spatial; axis++)
        {
            int? target = outputShape?[axis] ?? (autoPad is "SAME_UPPER" or "SAME_LOWER" ? size[axis] * strides[axis] : null);
            if (target is { } wanted)
            {
                int total = (strides[axis] * (size[axis] - 1)) + outputPadding[axis] + ((kernel[axis] - 1) * dilations[axis]) + 1 - wanted;
                (before[axis], after[axis]) = total < 0 ? (0, total) // a larger shape than the natural one: more output padding
                    : autoPad == "SAME_UPPER" ? (total / 2, total - (total / 2)) : (total - (total / 2), total / 2);
            }
            else
            {
                (before[axis], after[axis]) = autoPad == "VALID" ? (0, 0) : (pads[axis], pads[axis + spatial]);
            }
        }

        var op = new int[spatial];
        for (int axis = 0; axis < spatial; axis++)
        {
            op[axis] = outputPadding[axis] + before[axis] - after[axis];
            if (before[axis] < 0 || op[axis] < 0 || op[axis] >= Math.Max(strides[axis], dilations[axis]))
            {
                throw new NotSupportedException($"pads begin {before[axis]}, end {after[axis]} with output_padding {outputPadding[axis]} need output " +
                    $"padding {op[axis]} on axis {axis}, but PyTorch's output padding (ConvGen's op) is from 0 to max(stride, dilation) - 1 = {Math.Max(strides[axis], dilations[axis]) - 1}.");
            }
        }

        int inChannels = (int)weightDims[0], outChannels = (int)weightDims[1] * groups;
        var args = new List<string> { $"@in: {inChannels}", $"@out: {outChannels}" };
        args.Add(spatial == 1
            ? $"k: {kernel[0]}, s: {strides[0]}, p: {before[0]}, op: {op[0]}, d: {dilations[0]}, length: {size[0]}"
            : $"kh: {kernel[0]}, kw: {kernel[1]}, sh: {strides[0]}, sw: {strides[1]}, ph: {before[0]}, pw: {before[1]}, " +
              $"oph: {op[0]}, opw: {op[1]}, dh: {dilations[0]}, dw: {dilations[1]}, h: {size[0]}, w: {size[1]}");
        args.Add($"groups: {groups}, bias: {(hasBias ? "true" : "false")}");
        var transposed = spatial == 1
            ? new TransposedShape(inChannels, outChannels, 1, kernel[0], 1, strides[0], 0, 0, before[0], before[0], 0, op[0], 1, dilations[0], groups)
            : new TransposedShape(inChannels, outChannels, kernel[0], kernel[1], strides[0], strides[1], before[0], before[0], before[1], before[1], op[0], op[1], dilations[0], dilations[1], groups);
        return new MappedTransposed(spatial == 1, $"{(spatial == 1 ? "ConvTranspose1d" : "ConvTranspose2d")}({string.Join(", ", args)})", transposed);
    }

    private static int[] Ints(OnnxNode node, string name, int[] fallback) =>
        node.Attribute(name) is { Ints.Count: > 0 } attribute ? [.. attribute.Ints.Select(v => (int)v)] : fallback;
}
