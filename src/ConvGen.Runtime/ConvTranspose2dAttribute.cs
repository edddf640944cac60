using System;

namespace ConvGen;

/// <summary>
/// Generates a specialised 2-D transposed convolution (PyTorch <c>nn.ConvTranspose2d</c> semantics, NCHW float32) into
/// the <c>partial class</c> it is placed on. Weights are laid out <c>[in, out/groups, kh, kw]</c>.
/// </summary>
/// <remarks>
/// Output size per axis: (in - 1)*s - 2p + d*(k - 1) + op + 1. Per-axis arguments (<c>kh, kw, sh, sw, ph, pw, oph, opw,
/// dh, dw</c>) override <c>k, s, p, op, d</c>; the kernel must be given as <c>k</c> or as <c>kh</c> and <c>kw</c>.
/// <c>h</c> and <c>w</c> fix the input size. The layer runs as one stride-1 convolution of the input whose output
/// channels are the stride phases of each output channel (sub-kernels of the flipped weights), on the generated
/// direct kernels, and places each phase's outputs at their interleaved positions.
/// Invalid arguments are compile-time errors (CG0001...).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ConvTranspose2dAttribute : Attribute
{
    /// <param name="in">Input channels.</param>
    /// <param name="out">Output channels.</param>
    /// <param name="k">Kernel size (both axes).</param>
    /// <param name="s">Stride (both axes).</param>
    /// <param name="p">Padding: d*(k-1) - p zeros around the input, i.e. p outputs dropped on every side.</param>
    /// <param name="op">Output padding: extra outputs at the bottom and right; smaller than the stride or the dilation.</param>
    /// <param name="d">Dilation (both axes).</param>
    /// <param name="groups">Groups: must divide <paramref name="in"/> and <paramref name="out"/>.</param>
    /// <param name="bias">Whether the layer adds a learnable bias.</param>
    /// <param name="kh">Kernel height (overrides <paramref name="k"/>).</param>
    /// <param name="kw">Kernel width (overrides <paramref name="k"/>).</param>
    /// <param name="sh">Vertical stride (overrides <paramref name="s"/>).</param>
    /// <param name="sw">Horizontal stride (overrides <paramref name="s"/>).</param>
    /// <param name="ph">Vertical padding (overrides <paramref name="p"/>).</param>
    /// <param name="pw">Horizontal padding (overrides <paramref name="p"/>).</param>
    /// <param name="oph">Vertical output padding (overrides <paramref name="op"/>).</param>
    /// <param name="opw">Horizontal output padding (overrides <paramref name="op"/>).</param>
    /// <param name="dh">Vertical dilation (overrides <paramref name="d"/>).</param>
    /// <param name="dw">Horizontal dilation (overrides <paramref name="d"/>).</param>
    /// <param name="h">Fixed input height (0: any height).</param>
    /// <param name="w">Fixed input width (0: any width).</param>
    /// <param name="activation">Activation fused into the layer: the output is activation(conv_transpose(x) + bias).</param>
    public ConvTranspose2dAttribute(
        int @in, int @out, int k = 0, int s = 1, int p = 0, int op = 0, int d = 1, int groups = 1, bool bias = true,
        int kh = 0, int kw = 0, int sh = 0, int sw = 0, int ph = 0, int pw = 0, int oph = 0, int opw = 0, int dh = 0, int dw = 0,
        int h = 0, int w = 0, Activation activation = Activation.None)
    {
    }
}
