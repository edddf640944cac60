using System;

namespace ConvGen;

/// <summary>
/// The textbook convolution loop nest, in float64, straight from PyTorch's definition: the oracle for
/// tests and the baseline for benchmarks. Slow by design; shares no code with generated kernels.
/// </summary>
public static class ReferenceConvolution
{
    /// <summary>
    /// Computes <paramref name="output"/>[n, oc, oy, ox] = bias[oc] + sum of weight[oc, ic, ky, kx] * input[n, g*Cg + ic, iy, ix]
    /// with iy = oy*sh - padTop + ky*dh and ix = ox*sw - padLeft + kx*dw (zero outside the input).
    /// <paramref name="magnitude"/>, when not empty, receives |bias| + sum of |weight * input| per output: the scale
    /// that rounding error is relative to.
    /// </summary>
    public static void Conv2d(
        in ConvGeometry geometry, ReadOnlySpan<float> input, int batch, int height, int width,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<double> output, Span<double> magnitude = default)
    {
        var g = geometry;
        int outHeight = g.OutputHeight(height);
        int outWidth = g.OutputWidth(width);
        int inPerGroup = g.InChannels / g.Groups;
        int outPerGroup = g.OutChannels / g.Groups;
        if (input.Length != batch * g.InChannels * height * width
            || weight.Length != g.WeightLength
            || (bias.Length != 0 && bias.Length != g.OutChannels)
            || output.Length != batch * g.OutChannels * outHeight * outWidth
            || (magnitude.Length != 0 && magnitude.Length != output.Length))
        {
            throw new ArgumentException("a span does not match the geometry.");
        }

        for (int n = 0; n < batch; n++)
        {
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                int group = oc / outPerGroup;
                for (int oy = 0; oy < outHeight; oy++)
                {
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        double sum = bias.Length == 0 ? 0 : bias[oc];
                        double size = Math.Abs(sum);
                        for (int ic = 0; ic < inPerGroup; ic++)
                        {
                            int channel = (group * inPerGroup) + ic;
                            for (int ky = 0; ky < g.KernelHeight; ky++)
                            {
                                int iy = (oy * g.StrideHeight) - g.PadTop + (ky * g.DilationHeight);
                                if (iy < 0 || iy >= height)
                                {
                                    continue;
                                }

                                for (int kx = 0; kx < g.KernelWidth; kx++)
                                {
                                    int ix = (ox * g.StrideWidth) - g.PadLeft + (kx * g.DilationWidth);
                                    if (ix < 0 || ix >= width)
                                    {
                                        continue;
                                    }

                                    double product = (double)weight[(((oc * inPerGroup) + ic) * g.KernelHeight + ky) * g.KernelWidth + kx]
                                        * input[(((n * g.InChannels) + channel) * height + iy) * width + ix];
                                    sum += product;
                                    size += Math.Abs(product);
                                }
                            }
                        }

                        int at = (((n * g.OutChannels) + oc) * outHeight + oy) * outWidth + ox;
                        output[at] = sum;
                        if (magnitude.Length != 0)
                        {
                            magnitude[at] = size;
                        }
                    }
                }
            }
        }
    }
}
