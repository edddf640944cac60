using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Onnx;

namespace ConvGen.Tests.Conformance;

/// <summary>A ConvGen layer equivalent to one ONNX Conv node on one input size.</summary>
public sealed record MappedConv(bool Is1d, string Attribute, ConvGeometry Geometry);

/// <summary>
/// Maps an ONNX Conv node (attributes kernel_shape, strides, pads, dilations, group, auto_pad) on a
/// given input and weight shape to a [Conv1d]/[Conv2d] attribute, or explains why it cannot:
/// ConvGen pads both ends of an axis equally except with Padding.Same (odd pad at the end).
/// </summary>
public static class OnnxConvMapping
{
    public static MappedConv Map(OnnxNode conv, IReadOnlyList<long> inputDims, IReadOnlyList<long> weightDims, bool hasBias)
    {
        if (conv.OpType != "Conv")
        {
            throw new NotSupportedException($"operator {conv.OpType} is not Conv.");
        }

        int spatial = weightDims.Count - 2;
        if (spatial is not (1 or 2) || inputDims.Count != spatial + 2)
        {
            throw new NotSupportedException($"a {spatial}-D convolution (weight [{string.Join(", ", weightDims)}]) is not supported: ConvGen has Conv1d and Conv2d.");
        }

        int[] kernel = Ints(conv, "kernel_shape", [.. weightDims.Skip(2).Select(d => (int)d)]);
        int[] strides = Ints(conv, "strides", [.. Enumerable.Repeat(1, spatial)]);
        int[] dilations = Ints(conv, "dilations", [.. Enumerable.Repeat(1, spatial)]);
        int[] pads = Ints(conv, "pads", [.. Enumerable.Repeat(0, 2 * spatial)]);
        int groups = (int)(conv.Attribute("group")?.Int ?? 1);
        int[] size = [.. inputDims.Skip(2).Select(d => (int)d)];
        string autoPad = conv.Attribute("auto_pad")?.String ?? "NOTSET";

        // Resolve the pads ONNX would use: SAME_* give ceil(in / stride) outputs.
        var before = new int[spatial];
        var after = new int[spatial];
        for (int axis = 0; axis < spatial; axis++)
        {
            int extent = (dilations[axis] * (kernel[axis] - 1)) + 1;
            int total = autoPad is "SAME_UPPER" or "SAME_LOWER"
                ? Math.Max(0, ((((size[axis] + strides[axis]) - 1) / strides[axis]) - 1) * strides[axis] + extent - size[axis])
                : 0;
            (before[axis], after[axis]) = autoPad switch
            {
                "SAME_UPPER" => (total / 2, total - (total / 2)),
                "SAME_LOWER" => (total - (total / 2), total / 2),
                "VALID" => (0, 0),
                "NOTSET" => (pads[axis], pads[axis + spatial]),
                _ => throw new NotSupportedException($"auto_pad '{autoPad}' is not an ONNX value."),
            };
        }

        bool symmetric = Enumerable.Range(0, spatial).All(axis => before[axis] == after[axis]);
        bool sameLike = strides.All(s => s == 1) && Enumerable.Range(0, spatial).All(axis =>
            before[axis] == dilations[axis] * (kernel[axis] - 1) / 2 && after[axis] == dilations[axis] * (kernel[axis] - 1) - before[axis]);
        if (!symmetric && !sameLike)
        {
            throw new NotSupportedException($"pads before [{string.Join(", ", before)}] and after [{string.Join(", ", after)}] differ, " +
                "and ConvGen pads both ends of an axis equally except for Padding.Same at stride 1.");
        }

        int inChannels = (int)inputDims[1];
        int outChannels = (int)weightDims[0];
        var args = new List<string> { $"@in: {inChannels}", $"@out: {outChannels}" };
        if (spatial == 1)
        {
            args.Add($"k: {kernel[0]}, s: {strides[0]}, d: {dilations[0]}");
            args.Add(symmetric ? $"p: {before[0]}" : "padding: Padding.Same");
            args.Add($"length: {size[0]}");
        }
        else
        {
            args.Add($"kh: {kernel[0]}, kw: {kernel[1]}, sh: {strides[0]}, sw: {strides[1]}, dh: {dilations[0]}, dw: {dilations[1]}");
            args.Add(symmetric ? $"ph: {before[0]}, pw: {before[1]}" : "padding: Padding.Same");
            args.Add($"h: {size[0]}, w: {size[1]}");
        }

        args.Add($"groups: {groups}, bias: {(hasBias ? "true" : "false")}");
        var geometry = spatial == 1
            ? new ConvGeometry(inChannels, outChannels, 1, kernel[0], 1, strides[0], 0, 0, before[0], after[0], 1, dilations[0], groups)
            : new ConvGeometry(inChannels, outChannels, kernel[0], kernel[1], strides[0], strides[1], before[0], after[0], before[1], after[1], dilations[0], dilations[1], groups);
        return new MappedConv(spatial == 1, $"{(spatial == 1 ? "Conv1d" : "Conv2d")}({string.Join(", ", args)})", geometry);
    }

    private static int[] Ints(OnnxNode node, string name, int[] fallback) =>
        node.Attribute(name) is { Ints.Count: > 0 } attribute ? [.. attribute.Ints.Select(v => (int)v)] : fallback;
}
