using System;
using System.Collections.Generic;
using ConvGen.Tests.Infrastructure;

namespace ConvGen.Tests.Numeric;

/// <summary>
/// One randomly drawn valid layer: the attribute text the generator sees, and the same layer as a
/// <see cref="ConvGeometry"/> resolved here, independently of the generator, for the reference.
/// </summary>
public sealed record RandomLayerCase(
    int Index, bool Is1d, string Attribute, ConvGeometry Geometry, bool HasBias, int Batch, int Height, int Width)
{
    public nint[] InputShape => Is1d ? [Batch, Geometry.InChannels, Width] : [Batch, Geometry.InChannels, Height, Width];

    public override string ToString() => $"#{Index} [{Attribute}] on input {ConvGen.LayerShapes.Format(InputShape)}";

    /// <summary>Runs <paramref name="layer"/> (this case, compiled) on weights, bias and input drawn
    /// uniformly in [-1, 1) from <paramref name="seed"/>.</summary>
    public RandomLayerRun Run(Func<float[], float[], ILayer> layer, int seed)
    {
        var random = new Random(seed);
        float[] weight = TestValues.Uniform(random, Geometry.WeightLength);
        float[] bias = HasBias ? TestValues.Uniform(random, Geometry.OutChannels) : [];
        float[] input = TestValues.Uniform(random, Batch * Geometry.InChannels * Height * Width);
        var instance = layer(weight, bias);
        nint[] outputShape = instance.GetOutputShape(InputShape);
        var output = new float[LayerShapes.ElementCount(outputShape)];
        instance.Forward(input, InputShape, output);
        double[] magnitude = ReferenceCheck.Magnitude(Geometry, input, Batch, Height, Width, weight, bias, out double[] reference);
        return new RandomLayerRun(weight, bias, input, outputShape, output, reference, magnitude);
    }

    /// <summary>Draws <paramref name="count"/> layers covering rectangular kernels, per-axis strides, every
    /// padding mode, dilation, groups (dense, grouped, depthwise, depthwise multiplier), bias off,
    /// fixed input sizes, batches above 1, large kernels (looped plans) and Conv1d.</summary>
    public static IReadOnlyList<RandomLayerCase> Draw(int seed, int count)
    {
        var random = new Random(seed);
        var cases = new List<RandomLayerCase>(count);
        for (int i = 0; i < count; i++)
        {
            cases.Add(DrawOne(random, i));
        }

        return cases;
    }

    private static RandomLayerCase DrawOne(Random random, int index)
    {
        bool is1d = random.NextDouble() < 0.25;
        var args = new List<string>();

        // Channels and groups.
        int inChannels, outChannels, groups;
        double shape = random.NextDouble();
        if (shape < 0.25)
        {
            groups = inChannels = random.Next(1, 10);
            outChannels = inChannels * random.Next(1, 4); // depthwise, with a multiplier
        }
        else if (shape < 0.45)
        {
            groups = random.Next(2, 5);
            inChannels = groups * random.Next(1, 4);
            outChannels = groups * random.Next(1, 7);
        }
        else
        {
            groups = 1;
            inChannels = random.Next(1, 13);
            outChannels = random.Next(1, 21);
        }

        args.Add($"@in: {inChannels}");
        args.Add($"@out: {outChannels}");

        // Kernel, stride, dilation: shared or per axis.
        bool large = random.NextDouble() < 0.06;
        int kh = is1d ? 1 : large ? random.Next(6, 10) : random.Next(1, 6);
        int kw = large ? (is1d ? random.Next(17, 21) : random.Next(6, 10)) : random.Next(1, 6);
        if (!is1d && random.NextDouble() < 0.5)
        {
            kw = kh;
        }

        int sh = is1d ? 1 : random.Next(1, 4);
        int sw = random.NextDouble() < 0.5 ? sh : random.Next(1, 4);
        int dh = is1d ? 1 : random.NextDouble() < 0.6 ? 1 : random.Next(2, 4);
        int dw = random.NextDouble() < 0.5 ? dh : random.Next(1, 4);
        AddPair(args, is1d, "k", "kh", "kw", kh, kw, always: true);
        AddPair(args, is1d, "s", "sh", "sw", sh, sw, always: false);
        AddPair(args, is1d, "d", "dh", "dw", dh, dw, always: false);

        // Padding: explicit (possibly per axis), or one of the modes (Same only with stride 1).
        int padTop, padBottom, padLeft, padRight;
        double mode = random.NextDouble();
        if (mode < 0.2 && sh == 1 && sw == 1)
        {
            args.Add("padding: Padding.Same");
            (padTop, padBottom) = Same(kh, dh);
            (padLeft, padRight) = Same(kw, dw);
        }
        else if (mode < 0.35)
        {
            args.Add("padding: Padding.Valid");
            padTop = padBottom = padLeft = padRight = 0;
        }
        else if (mode < 0.5)
        {
            args.Add("padding: Padding.Full");
            padTop = padBottom = dh * (kh - 1);
            padLeft = padRight = dw * (kw - 1);
        }
        else
        {
            int ph = is1d ? 0 : random.Next(0, 4);
            int pw = random.NextDouble() < 0.5 ? ph : random.Next(0, 4);
            AddPair(args, is1d, "p", "ph", "pw", ph, pw, always: false);
            padTop = padBottom = ph;
            padLeft = padRight = pw;
        }

        if (groups > 1 || random.NextDouble() < 0.1)
        {
            args.Add($"groups: {groups}");
        }

        bool bias = random.NextDouble() < 0.7;
        if (!bias)
        {
            args.Add("bias: false");
        }

        // Input size: at least what the kernel needs; widths both below and well above one vector.
        var geometry = new ConvGeometry(inChannels, outChannels, kh, kw, sh, sw, padTop, padBottom, padLeft, padRight, dh, dw, groups);
        int minHeight = Math.Max(1, dh * (kh - 1) + 1 - padTop - padBottom);
        int minWidth = Math.Max(1, dw * (kw - 1) + 1 - padLeft - padRight);
        int height = is1d ? 1 : minHeight + random.Next(0, 9);
        int width = minWidth + (random.NextDouble() < 0.4 ? random.Next(0, 6) : random.Next(6, 70));
        if (random.NextDouble() < 0.15)
        {
            args.Add(is1d ? $"length: {width}" : $"h: {height}, w: {width}");
        }

        string attribute = $"{(is1d ? "Conv1d" : "Conv2d")}({string.Join(", ", args)})";
        return new RandomLayerCase(index, is1d, attribute, geometry, bias, random.Next(1, 4), height, width);
    }

    /// <summary>PyTorch's 'same': total pad d*(k-1), the odd one at the end.</summary>
    private static (int Before, int After) Same(int kernel, int dilation)
    {
        int total = dilation * (kernel - 1);
        return (total / 2, total - (total / 2));
    }

    /// <summary>Writes a value as one shared argument when both axes agree (randomly even then per axis).</summary>
    private static void AddPair(List<string> args, bool is1d, string shared, string vertical, string horizontal, int v, int h, bool always)
    {
        if (is1d)
        {
            if (always || h != (shared == "p" ? 0 : 1))
            {
                args.Add($"{shared}: {h}");
            }
        }
        else if (v == h && (v != (shared == "p" ? 0 : 1) || always) && args.Count % 2 == 0)
        {
            args.Add($"{shared}: {v}");
        }
        else if (always || v != (shared == "p" ? 0 : 1) || h != (shared == "p" ? 0 : 1))
        {
            args.Add($"{vertical}: {v}");
            args.Add($"{horizontal}: {h}");
        }
    }
}

/// <summary>One run of a drawn layer: its parameters and input, its output, and the float64 reference
/// with the magnitude (|bias| + sum |w*x|) of each output.</summary>
public sealed record RandomLayerRun(
    float[] Weight, float[] Bias, float[] Input, nint[] OutputShape, float[] Output, double[] Reference, double[] Magnitude);
