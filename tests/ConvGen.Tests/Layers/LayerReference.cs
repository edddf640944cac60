using System;

namespace ConvGen.Tests.Layers;

/// <summary>
/// Straightforward float64 references for the runtime layers, written from PyTorch's documented formulas and
/// independently of the implementations (no shared helpers, no TensorPrimitives). Images are NCHW.
/// </summary>
internal static class LayerReference
{
    /// <summary>PyTorch's pooling output size, counted window by window: in floor mode window j (starting at j*s in the
    /// padded input) must fit the padded input; in ceil mode window j - 1 must end before the padded input does, and
    /// window j must start inside the input or the left padding.</summary>
    public static int PoolOutput(int input, int k, int s, int p, int d, bool ceil)
    {
        int padded = input + (2 * p), extent = (d * (k - 1)) + 1;
        int count = 0;
        for (int j = 0; ; j++)
        {
            bool take = ceil
                ? ((j - 1) * s) + extent < padded && j * s < input + p
                : (j * s) + extent <= padded;
            if (!take)
            {
                return count;
            }

            count++;
        }
    }

    public static double[] MaxPool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, bool ceil,
        out int oh, out int ow)
    {
        oh = PoolOutput(h, kh, sh, ph, dh, ceil);
        ow = PoolOutput(w, kw, sw, pw, dw, ceil);
        var y = new double[n * c * oh * ow];
        int o = 0;
        for (int plane = 0; plane < n * c; plane++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    double max = double.NegativeInfinity;
                    bool nan = false;
                    for (int a = 0; a < kh; a++)
                    {
                        for (int b = 0; b < kw; b++)
                        {
                            int r = (i * sh) - ph + (a * dh), q = (j * sw) - pw + (b * dw);
                            if (r >= 0 && r < h && q >= 0 && q < w)
                            {
                                double v = x[(((plane * h) + r) * w) + q];
                                nan |= double.IsNaN(v);
                                max = Math.Max(max, v);
                            }
                        }
                    }

                    y[o++] = nan ? double.NaN : max;
                }
            }
        }

        return y;
    }

    /// <summary>AvgPool2d: the divisor counts the window's positions inside the padded input (count_include_pad) or
    /// inside the input; a window with no input position gives 0.</summary>
    public static double[] AvgPool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, bool ceil, bool includePad,
        int? divisor, out int oh, out int ow)
    {
        oh = PoolOutput(h, kh, sh, ph, 1, ceil);
        ow = PoolOutput(w, kw, sw, pw, 1, ceil);
        var y = new double[n * c * oh * ow];
        int o = 0;
        for (int plane = 0; plane < n * c; plane++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    double sum = 0;
                    int inside = 0, padded = 0;
                    for (int a = 0; a < kh; a++)
                    {
                        for (int b = 0; b < kw; b++)
                        {
                            int r = (i * sh) - ph + a, q = (j * sw) - pw + b;
                            if (r >= -ph && r < h + ph && q >= -pw && q < w + pw)
                            {
                                padded++;
                            }

                            if (r >= 0 && r < h && q >= 0 && q < w)
                            {
                                inside++;
                                sum += x[(((plane * h) + r) * w) + q];
                            }
                        }
                    }

                    y[o++] = inside == 0 ? 0 : sum / (divisor ?? (includePad ? padded : inside));
                }
            }
        }

        return y;
    }

    public static double[] AdaptiveAvgPool(float[] x, int n, int c, int h, int w, int oh, int ow)
    {
        var y = new double[n * c * oh * ow];
        int o = 0;
        for (int plane = 0; plane < n * c; plane++)
        {
            for (int i = 0; i < oh; i++)
            {
                int r0 = (int)Math.Floor((double)i * h / oh), r1 = (int)Math.Ceiling((double)(i + 1) * h / oh);
                for (int j = 0; j < ow; j++)
                {
                    int q0 = (int)Math.Floor((double)j * w / ow), q1 = (int)Math.Ceiling((double)(j + 1) * w / ow);
                    double sum = 0;
                    for (int r = r0; r < r1; r++)
                    {
                        for (int q = q0; q < q1; q++)
                        {
                            sum += x[(((plane * h) + r) * w) + q];
                        }
                    }

                    y[o++] = sum / ((r1 - r0) * (q1 - q0));
                }
            }
        }

        return y;
    }

    /// <summary>Nearest upsampling: source index = min(floor(dst * scale), in - 1) with PyTorch's float scale
    /// (1/factor when a factor is given, in/out for a size).</summary>
    public static double[] UpsampleNearest(float[] x, int n, int c, int h, int w, int oh, int ow, double? factorH, double? factorW)
    {
        float scaleH = factorH is { } fh ? (float)(1.0 / fh) : (float)h / oh;
        float scaleW = factorW is { } fw ? (float)(1.0 / fw) : (float)w / ow;
        var y = new double[n * c * oh * ow];
        int o = 0;
        for (int plane = 0; plane < n * c; plane++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    int r = Math.Min((int)Math.Floor(i * scaleH), h - 1), q = Math.Min((int)Math.Floor(j * scaleW), w - 1);
                    y[o++] = x[(((plane * h) + r) * w) + q];
                }
            }
        }

        return y;
    }

    /// <summary>Softmax along dimension dim of a tensor of shape <paramref name="shape"/>, with max subtraction.</summary>
    public static double[] Softmax(float[] x, int[] shape, int dim)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < dim; i++)
        {
            outer *= shape[i];
        }

        for (int i = dim + 1; i < shape.Length; i++)
        {
            inner *= shape[i];
        }

        int size = shape[dim];
        var y = new double[x.Length];
        for (int a = 0; a < outer; a++)
        {
            for (int b = 0; b < inner; b++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int k = 0; k < size; k++)
                {
                    max = Math.Max(max, x[(((a * size) + k) * inner) + b]);
                }

                for (int k = 0; k < size; k++)
                {
                    sum += Math.Exp(x[(((a * size) + k) * inner) + b] - max);
                }

                for (int k = 0; k < size; k++)
                {
                    y[(((a * size) + k) * inner) + b] = Math.Exp(x[(((a * size) + k) * inner) + b] - max) / sum;
                }
            }
        }

        return y;
    }

    public static double[] Linear(float[] x, int rows, int inFeatures, int outFeatures, float[] weight, float[]? bias)
    {
        var y = new double[rows * outFeatures];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double sum = bias is null ? 0 : bias[o];
                for (int i = 0; i < inFeatures; i++)
                {
                    sum += (double)x[(r * inFeatures) + i] * weight[(o * inFeatures) + i];
                }

                y[(r * outFeatures) + o] = sum;
            }
        }

        return y;
    }

    public static double[] BatchNorm(float[] x, int n, int c, int plane, float[]? gamma, float[]? beta, float[] mean, float[] variance, double eps)
    {
        var y = new double[x.Length];
        for (int b = 0; b < n; b++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                for (int i = 0; i < plane; i++)
                {
                    int at = (((b * c) + ch) * plane) + i;
                    y[at] = ((x[at] - (double)mean[ch]) / Math.Sqrt(variance[ch] + eps) * (gamma?[ch] ?? 1.0)) + (beta?[ch] ?? 0.0);
                }
            }
        }

        return y;
    }
}
