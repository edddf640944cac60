using System;

namespace ConvGen;

/// <summary>
/// Generates a specialised 2-D convolution (PyTorch <c>nn.Conv2d</c> semantics, NCHW float32) into
/// the <c>partial class</c> it is placed on. Weights are laid out <c>[out, in/groups, kh, kw]</c>.
/// </summary>
/// <remarks>
/// Per-axis arguments (<c>kh, kw, sh, sw, ph, pw, dh, dw</c>) override <c>k, s, p, d</c>; the kernel
/// must be given as <c>k</c> or as <c>kh</c> and <c>kw</c>. <c>h</c> and <c>w</c> fix the input size,
/// so the output size is checked at compile time and the spatial loops are folded too.
/// <c>activation</c> fuses an element-wise activation into the layer (PyTorch's conv followed by the activation).
/// <c>winograd: false</c> keeps a layer the planner would run on Winograd-transformed rows on the direct kernel.
/// Invalid arguments are compile-time errors (CG0001...).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class Conv2dAttribute : Attribute
{
    /// <param name="in">Input channels.</param>
    /// <param name="out">Output channels.</param>
    /// <param name="k">Kernel size (both axes).</param>
    /// <param name="s">Stride (both axes).</param>
    /// <param name="p">Zero padding on every side.</param>
    /// <param name="d">Dilation (both axes).</param>
    /// <param name="groups">Groups: must divide <paramref name="in"/> and <paramref name="out"/>.</param>
    /// <param name="bias">Whether the layer adds a learnable bias.</param>
    /// <param name="kh">Kernel height (overrides <paramref name="k"/>).</param>
    /// <param name="kw">Kernel width (overrides <paramref name="k"/>).</param>
    /// <param name="sh">Vertical stride (overrides <paramref name="s"/>).</param>
    /// <param name="sw">Horizontal stride (overrides <paramref name="s"/>).</param>
    /// <param name="ph">Padding at top and bottom (overrides <paramref name="p"/>).</param>
    /// <param name="pw">Padding at left and right (overrides <paramref name="p"/>).</param>
    /// <param name="dh">Vertical dilation (overrides <paramref name="d"/>).</param>
    /// <param name="dw">Horizontal dilation (overrides <paramref name="d"/>).</param>
    /// <param name="padding">Padding mode; anything but <see cref="Padding.Explicit"/> excludes p/ph/pw.</param>
    /// <param name="h">Fixed input height (0: any height).</param>
    /// <param name="w">Fixed input width (0: any width).</param>
    /// <param name="activation">Activation fused into the layer: the output is activation(conv(x) + bias).</param>
    /// <param name="winograd">Whether the planner may run the layer on Winograd-transformed rows (3-row layers of stride 1 or 2
    /// with 8 or more channels per group: half or three quarters of the multiply-adds). <c>false</c> keeps the direct kernel,
    /// whose rounding is that of a plain sum of products (the transforms scale inputs by up to 5 and 8 before summing).</param>
    public Conv2dAttribute(
        int @in, int @out, int k = 0, int s = 1, int p = 0, int d = 1, int groups = 1, bool bias = true,
        int kh = 0, int kw = 0, int sh = 0, int sw = 0, int ph = 0, int pw = 0, int dh = 0, int dw = 0,
        Padding padding = Padding.Explicit, int h = 0, int w = 0, Activation activation = Activation.None, bool winograd = true)
    {
    }
}
