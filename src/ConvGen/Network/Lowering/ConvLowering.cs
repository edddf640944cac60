using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>Conv, and the batch norms that fold into it (or run as a per-channel scale and shift).</summary>
internal sealed partial class OnnxGraphLowering
{
    private void Conv(NodeContext at)
    {
        int x = at.Input(0);
        var (shape, oneDimensional, weight) = ConvInputAndWeight(at, x, "M, C/group", "Conv3d");
        int groups = at.Extent("group", at.Int("group", 1));
        at.Extents("a weight of shape", [.. weight.Dims]);
        int outChannels = (int)weight.Dims[0];
        int kh = oneDimensional ? 1 : (int)weight.Dims[2], kw = (int)weight.Dims[oneDimensional ? 2 : 3];
        if (groups < 1 || shape[0] % groups != 0 || outChannels % groups != 0 || weight.Dims[1] * groups != shape[0])
        {
            throw at.Unsupported($"has group {groups} and weight [{string.Join(", ", weight.Dims)}] for an input of {shape[0]} channels, which do not match");
        }

        var strides = at.Ints2d("strides", 1, oneDimensional, 1);
        var dilations = at.Ints2d("dilations", 1, oneDimensional, 1);
        var (pads, outputHeight, outputWidth) = at.Window(shape[1], shape[2], kh, kw, strides, dilations, ceilMode: false, oneDimensional);
        string weightName = at.Weight(1, "weight");
        string? bias = OptionalBias(at, outChannels);
        var spec = new ConvSpec(
            LayerKind.Conv2d, shape[0], outChannels, kh, kw, (int)strides[0], (int)strides[1],
            (int)pads[0], (int)pads[2], (int)pads[1], (int)pads[3], (int)dilations[0], (int)dilations[1], groups,
            HasBias: bias is not null, PaddingMode.Explicit, InputHeight: shape[1], InputWidth: shape[2]);
        int y = AddValue(at.Node.Outputs[0], oneDimensional ? [outChannels, outputWidth] : [outChannels, outputHeight, outputWidth], null);
        string field = "conv" + _convCount++;
        AddStep(new ConvStep(at.Name, x, y, field, LayerClassName, spec, weightName, bias, null));
    }

    /// <summary>
    /// A Conv's or ConvTranspose's input as a 2-D sample shape [C, H, W]: a 1-D input [C, L] runs as [C, 1, L] (the same
    /// memory) with kernels of height 1. Checks the weight's rank (its layout is <paramref name="layout"/>, kernel after)
    /// and that kernel_shape, when given, is the weight's.
    /// </summary>
    private (int[] Shape, bool OneDimensional, OnnxTensor Weight) ConvInputAndWeight(NodeContext at, int x, string layout, string threeD)
    {
        bool oneDimensional = _values[x].Shape.Count == 2;
        int[] shape = oneDimensional ? [_values[x].Shape[0], 1, _values[x].Shape[1]]
            : at.Rank(x, 3, $"a 3-D input [N, C, L] or a 4-D input [N, C, H, W] ({threeD} is not supported)");
        var weight = at.Constant(1, "weight");
        if (weight.Dims.Count != (oneDimensional ? 3 : 4))
        {
            throw at.Unsupported($"has a weight of rank {weight.Dims.Count} for an input of rank {shape.Length + (oneDimensional ? 0 : 1)}; [{layout}, kH, kW] (2-D) or [{layout}, k] (1-D) is needed");
        }

        long[] weightKernel = [.. weight.Dims.Skip(2)];
        long[] kernel = at.Ints("kernel_shape", weightKernel);
        if (!kernel.SequenceEqual(weightKernel))
        {
            throw at.Unsupported($"has kernel_shape [{string.Join(", ", kernel)}], which differs from its weight's [{string.Join(", ", weightKernel)}]");
        }

        return (shape, oneDimensional, weight);
    }

    /// <summary>The name of a Conv's or ConvTranspose's bias (input 2), which must hold one value per output channel, or null.</summary>
    private static string? OptionalBias(NodeContext at, int outChannels)
    {
        if (at.Node.Inputs.Count <= 2 || at.Node.Inputs[2].Length == 0)
        {
            return null;
        }

        var bias = at.Constant(2, "bias");
        if (bias.Count != outChannels || bias.Dims.Count != 1)
        {
            throw at.Unsupported($"has a bias of shape [{string.Join(", ", bias.Dims)}] for {outChannels} output channels");
        }

        return at.Weight(2, "bias");
    }

    /// <summary>The convolution step that writes <paramref name="value"/>, when nothing else reads that value (but the
    /// <paramref name="readers"/> nodes that fold into it) and no activation has been fused into it yet, so a batch norm
    /// or activation can fold into it. (An activation may fold into a conv that already has a batch norm; a second batch
    /// norm may not.)</summary>
    private ConvStep? FoldableConv(int value, string valueName, int readers = 1)
    {
        return _producer.TryGetValue(value, out int stepIndex)
            && _steps[stepIndex] is ConvStep { Spec.Activation: ActivationKind.None } conv
            && _consumers.TryGetValue(valueName, out int consumers) && consumers == readers
            && !_graphOutputs.Contains(valueName)
            ? conv
            : null;
    }

    private void BatchNormalization(NodeContext at)
    {
        int x = at.Input(0);
        if (at.Int("training_mode", 0) != 0 || at.Node.Outputs.Count(o => o.Length > 0) > 1)
        {
            throw at.Unsupported("runs in training mode (computes batch statistics)");
        }

        int[] shape = _values[x].Shape.ToArray();
        if (shape.Length < 1)
        {
            throw at.Unsupported("has an input without a channel dimension");
        }

        int channels = shape[0];
        string[] names = new string[4];
        string[] what = ["scale", "B", "mean", "var"];
        for (int i = 0; i < 4; i++)
        {
            var tensor = at.Constant(i + 1, what[i]);
            if (tensor.Count != channels || tensor.Dims.Count != 1)
            {
                throw at.Unsupported($"has a {what[i]} of shape [{string.Join(", ", tensor.Dims)}], not the input's {channels} channels");
            }

            names[i] = at.Weight(i + 1, what[i]);
        }

        var tensors = new BatchNormTensors(names[0], names[1], names[2], names[3], at.Float("epsilon", 1e-5f));
        string inputName = at.Node.Inputs[0];
        if (FoldableConv(x, inputName) is { BatchNorm: null } conv)
        {
            // Conv then BatchNormalization: w' = w * scale[m], b' = b * scale[m] + shift[m], computed at construction.
            Replace(conv, conv with
            {
                Node = conv.Node + " + " + at.Name,
                Spec = conv.Spec with { HasBias = true },
                BatchNorm = tensors,
            });
            _valueByName[at.Node.Outputs[0]] = conv.Output;
            return;
        }

        int plane = 1;
        for (int d = 1; d < shape.Length; d++)
        {
            plane *= shape[d];
        }

        int y = AddValue(at.Node.Outputs[0], shape, null);
        AddStep(new ScaleShiftStep(at.Name, x, y, channels, plane, tensors));
    }
}
