using System;

namespace ConvGen.Tests.Infrastructure;

/// <summary>A transposed convolution's hyper-parameters as PyTorch's <c>nn.ConvTranspose2d</c> takes them (a 1-D one has
/// kernel height 1, stride 1 and no vertical padding); pads may differ per side (ONNX's begin/end pads).</summary>
public readonly record struct TransposedShape(
    int InChannels, int OutChannels, int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth,
    int PadTop, int PadBottom, int PadLeft, int PadRight, int OutputPadHeight, int OutputPadWidth,
    int DilationHeight, int DilationWidth, int Groups)
{
    /// <summary>(h - 1)*sh - padTop - padBottom + dh*(kh - 1) + oph + 1.</summary>
    public int OutputHeight(int height) => ((height - 1) * StrideHeight) - PadTop - PadBottom + (DilationHeight * (KernelHeight - 1)) + OutputPadHeight + 1;

    /// <summary>(w - 1)*sw - padLeft - padRight + dw*(kw - 1) + opw + 1.</summary>
    public int OutputWidth(int width) => ((width - 1) * StrideWidth) - PadLeft - PadRight + (DilationWidth * (KernelWidth - 1)) + OutputPadWidth + 1;

    /// <summary>Weights, PyTorch layout [in, out/groups, kh, kw].</summary>
    public int WeightLength => InChannels * (OutChannels / Groups) * KernelHeight * KernelWidth;

    /// <summary>Most products one output sums: (in/groups) * kh * kw.</summary>
    public int Terms => InChannels / Groups * KernelHeight * KernelWidth;
}

/// <summary>
/// A transposed convolution written as its definition, in float64: every input value scatters value x kernel into the
/// outputs it reaches (output (iy*sh - padTop + ky*dh, ix*sw - padLeft + kx*dw)), then the bias is added and the
/// activation applied. Shares nothing with the generator or the runtime's phase arithmetic.
/// </summary>
internal static class ReferenceTransposedConvolution
{
    /// <summary>The outputs (batch x out x OutputHeight x OutputWidth) and each one's magnitude |bias| + sum |w*x|.</summary>
    public static double[] Run(
        TransposedShape shape, float[] input, int batch, int height, int width, float[] weight, float[] bias, Activation activation, out double[] magnitude)
    {
        int outputHeight = shape.OutputHeight(height), outputWidth = shape.OutputWidth(width);
        int inPerGroup = shape.InChannels / shape.Groups, outPerGroup = shape.OutChannels / shape.Groups;
        if (input.Length != batch * shape.InChannels * height * width || weight.Length != shape.WeightLength)
        {
            throw new ArgumentException("a span does not match the shape.");
        }

        var output = new double[batch * shape.OutChannels * outputHeight * outputWidth];
        magnitude = new double[output.Length];
        for (int n = 0; n < batch; n++)
        {
            for (int ci = 0; ci < shape.InChannels; ci++)
            {
                int group = ci / inPerGroup;
                for (int iy = 0; iy < height; iy++)
                {
                    for (int ix = 0; ix < width; ix++)
                    {
                        double value = input[(((n * shape.InChannels) + ci) * height + iy) * width + ix];
                        for (int c = 0; c < outPerGroup; c++)
                        {
                            int co = (group * outPerGroup) + c;
                            for (int ky = 0; ky < shape.KernelHeight; ky++)
                            {
                                int oy = (iy * shape.StrideHeight) - shape.PadTop + (ky * shape.DilationHeight);
                                if (oy < 0 || oy >= outputHeight)
                                {
                                    continue;
                                }

                                for (int kx = 0; kx < shape.KernelWidth; kx++)
                                {
                                    int ox = (ix * shape.StrideWidth) - shape.PadLeft + (kx * shape.DilationWidth);
                                    if (ox < 0 || ox >= outputWidth)
                                    {
                                        continue;
                                    }

                                    double product = value * weight[((((ci * outPerGroup) + c) * shape.KernelHeight) + ky) * shape.KernelWidth + kx];
                                    int at = (((n * shape.OutChannels) + co) * outputHeight + oy) * outputWidth + ox;
                                    output[at] += product;
                                    magnitude[at] += Math.Abs(product);
                                }
                            }
                        }
                    }
                }
            }
        }

        int plane = outputHeight * outputWidth;
        for (int i = 0; i < output.Length; i++)
        {
            double b = bias.Length == 0 ? 0 : bias[i / plane % shape.OutChannels];
            output[i] = ActivationReference.Apply(activation, output[i] + b);
            magnitude[i] += Math.Abs(b);
        }

        return output;
    }
}
