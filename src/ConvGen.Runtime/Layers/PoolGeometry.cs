using System;

namespace ConvGen;

/// <summary>Output sizes of MaxPool2d and AvgPool2d, with PyTorch's <c>pooling_output_shape</c> rules.</summary>
internal static class PoolGeometry
{
    /// <summary>
    /// floor (or ceil with <paramref name="ceilMode"/>) of (in + 2 pad - d (k - 1) - 1) / s, plus 1; in ceil mode the
    /// last window is dropped when it would start beyond the input and the left padding, as PyTorch does.
    /// </summary>
    public static int OutputSize(int input, int kernel, int stride, int pad, int dilation, bool ceilMode, string layer, string axis)
    {
        long span = (long)input + (2L * pad) - ((long)dilation * (kernel - 1)) - 1 + (ceilMode ? stride - 1 : 0);
        long output = FloorDiv(span, stride) + 1;
        if (ceilMode && (output - 1) * stride >= (long)input + pad)
        {
            output--;
        }

        if (output < 1)
        {
            throw new ArgumentException(
                $"{layer}: input {axis} {input} is too small for kernel {kernel} (dilation {dilation}) with padding {pad}: the output {axis} would be {output}.",
                "inputShape");
        }

        return LayerChecks.OutputSize(output, axis);
    }

    /// <summary>Validates one axis of a pooling window (all PyTorch's constructor-time rules).</summary>
    public static void CheckAxis(int kernel, int stride, int pad, int dilation, int maxPad, string axis)
    {
        LayerArguments.AtLeast(kernel, 1, "kernel " + axis);
        LayerArguments.AtLeast(stride, 1, "stride " + axis);
        LayerArguments.AtLeast(dilation, 1, "dilation " + axis);
        LayerArguments.AtLeast(pad, 0, "padding " + axis);
        if (pad > maxPad)
        {
            throw new ArgumentOutOfRangeException("padding " + axis, pad,
                $"padding {axis} ({pad}) must be at most half of the kernel ({maxPad}), as in PyTorch.");
        }
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
