using System;
using System.Collections.Generic;
using ConvGen.Tests.Infrastructure;

namespace ConvGen.Tests.Transposed;

/// <summary>
/// One randomly drawn valid transposed convolution: the attribute text the generator sees and the same layer as a
/// <see cref="TransposedShape"/> resolved here, independently of the generator, for the reference.
/// </summary>
public sealed record RandomTransposedCase(
    int Index, bool Is1d, string Attribute, TransposedShape Shape, bool HasBias, Activation Activation, int Batch, int Height, int Width)
{
    public nint[] InputShape => Is1d ? [Batch, Shape.InChannels, Width] : [Batch, Shape.InChannels, Height, Width];

    public override string ToString() => $"#{Index} [{Attribute}] on input {LayerShapes.Format(InputShape)}";

    /// <summary>Draws <paramref name="count"/> layers: rectangular kernels, per-axis stride, padding, output padding and
    /// dilation, dense, grouped and depthwise (with multipliers), bias off, fused ReLU/ReLU6, fixed sizes, batches above 1, 1-D.</summary>
    public static IReadOnlyList<RandomTransposedCase> Draw(int seed, int count)
    {
        var random = new Random(seed);
        var cases = new List<RandomTransposedCase>(count);
        for (int i = 0; i < count; i++)
        {
            cases.Add(DrawOne(random, i));
        }

        return cases;
    }

    private static RandomTransposedCase DrawOne(Random random, int index)
    {
        bool is1d = random.NextDouble() < 0.25;
        var args = new List<string>();
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
        bool large = random.NextDouble() < 0.06;
        int kh = is1d ? 1 : large ? random.Next(6, 10) : random.Next(1, 6);
        int kw = large ? random.Next(6, 17) : random.Next(1, 6);
        if (!is1d && random.NextDouble() < 0.5)
        {
            kw = kh;
        }

        int sh = is1d ? 1 : random.Next(1, 5);
        int sw = random.NextDouble() < 0.5 ? (is1d ? random.Next(1, 5) : sh) : random.Next(1, 5);
        int dh = is1d ? 1 : random.NextDouble() < 0.6 ? 1 : random.Next(2, 4);
        int dw = random.NextDouble() < 0.5 ? dh : random.Next(1, 4);
        int ph = is1d ? 0 : random.Next(0, 4);
        int pw = random.NextDouble() < 0.5 ? ph : random.Next(0, 4);
        int oph = is1d ? 0 : random.Next(0, Math.Max(sh, dh));
        int opw = random.NextDouble() < 0.5 && opwFits(oph, sw, dw) ? oph : random.Next(0, Math.Max(sw, dw));
        Add(args, is1d, "k", "kh", "kw", kh, kw, 1, always: true);
        Add(args, is1d, "s", "sh", "sw", sh, sw, 1, always: false);
        Add(args, is1d, "d", "dh", "dw", dh, dw, 1, always: false);
        Add(args, is1d, "p", "ph", "pw", ph, pw, 0, always: false);
        Add(args, is1d, "op", "oph", "opw", oph, opw, 0, always: false);
        if (groups > 1 || random.NextDouble() < 0.1)
        {
            args.Add($"groups: {groups}");
        }

        bool bias = random.NextDouble() < 0.7;
        if (!bias)
        {
            args.Add("bias: false");
        }

        var activation = random.NextDouble() switch
        {
            < 0.1 => Activation.ReLU,
            < 0.15 => Activation.ReLU6,
            _ => Activation.None,
        };
        if (activation != Activation.None)
        {
            args.Add($"activation: Activation.{activation}");
        }

        var geometry = new TransposedShape(inChannels, outChannels, kh, kw, sh, sw, ph, ph, pw, pw, oph, opw, dh, dw, groups);

        // Input size: at least what gives one output; widths both below and well above one vector.
        int minHeight = MinimumInput(kh, sh, ph, oph, dh);
        int minWidth = MinimumInput(kw, sw, pw, opw, dw);
        int height = is1d ? 1 : minHeight + random.Next(0, 9);
        int width = minWidth + (random.NextDouble() < 0.4 ? random.Next(0, 6) : random.Next(6, 40));
        if (random.NextDouble() < 0.15)
        {
            args.Add(is1d ? $"length: {width}" : $"h: {height}, w: {width}");
        }

        string attribute = $"{(is1d ? "ConvTranspose1d" : "ConvTranspose2d")}({string.Join(", ", args)})";
        return new RandomTransposedCase(index, is1d, attribute, geometry, bias, activation, random.Next(1, 4), height, width);

        static bool opwFits(int op, int s, int d) => op < Math.Max(s, d);
    }

    /// <summary>Smallest input with a non-empty output: (in - 1)*s - 2p + d*(k-1) + op + 1 >= 1.</summary>
    private static int MinimumInput(int k, int s, int p, int op, int d)
    {
        int input = 1;
        while (((input - 1) * s) - (2 * p) + (d * (k - 1)) + op + 1 < 1)
        {
            input++;
        }

        return input;
    }

    /// <summary>Writes a value as one shared argument when both axes agree, else per axis (1-D: the shared name).</summary>
    private static void Add(List<string> args, bool is1d, string shared, string vertical, string horizontal, int v, int h, int fallback, bool always)
    {
        if (is1d)
        {
            if (always || h != fallback)
            {
                args.Add($"{shared}: {h}");
            }
        }
        else if (v == h && (v != fallback || always) && args.Count % 2 == 0)
        {
            args.Add($"{shared}: {v}");
        }
        else if (always || v != fallback || h != fallback)
        {
            args.Add($"{vertical}: {v}");
            args.Add($"{horizontal}: {h}");
        }
    }
}
